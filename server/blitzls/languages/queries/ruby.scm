; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
(method) @definition
(singleton_method) @definition
(class) @definition
(singleton_class) @definition
(module) @definition
(lambda) @closure

; Statements that only hold the place of code still to be written (after pseudocode).
(call method: (identifier) @_r arguments: (argument_list . (constant) @_e)
  (#eq? @_r "raise") (#eq? @_e "NotImplementedError")) @placeholder
; Imports.
(call method: (identifier) @_r (#any-of? @_r "require" "require_relative")) @import
