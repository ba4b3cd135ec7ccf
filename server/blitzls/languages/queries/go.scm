; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
(function_declaration) @definition
(method_declaration) @definition
(type_declaration) @definition
(func_literal) @closure

; Statements that only hold the place of code still to be written (after pseudocode).
(call_expression function: (identifier) @_f arguments: (argument_list . (_) @_m .)
  (#eq? @_f "panic") (#match? @_m "(?i)not.?(yet.)?implemented|todo|unimplemented")) @placeholder
; Imports.
(import_declaration) @import
