; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
(function_declaration) @definition
(function_definition) @closure

; Statements that only hold the place of code still to be written (after pseudocode).
(function_call name: (identifier) @_f arguments: (arguments . (_) @_m)
  (#eq? @_f "error") (#match? @_m "(?i)not.?(yet.)?implemented|todo|unimplemented")) @placeholder
