; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
(function_definition) @definition
(class_definition) @definition
(decorated_definition) @definition

; Statements that only hold the place of code still to be written (after pseudocode).
(pass_statement) @placeholder
(expression_statement . (ellipsis) .) @placeholder
(raise_statement [(identifier) @_e (call function: (identifier) @_e)]
  (#eq? @_e "NotImplementedError")) @placeholder
; Imports, and strings standing as statements (docstrings).
(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import
(expression_statement . [(string) (concatenated_string)] .) @doc
