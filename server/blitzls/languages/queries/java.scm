; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
(class_declaration) @definition
(interface_declaration) @definition
(enum_declaration) @definition
(record_declaration) @definition
(annotation_type_declaration) @definition
(method_declaration) @definition
(constructor_declaration) @definition
(lambda_expression) @closure

; Statements that only hold the place of code still to be written (after pseudocode).
(throw_statement (object_creation_expression type: (type_identifier) @_t)
  (#any-of? @_t "UnsupportedOperationException" "NotImplementedException")) @placeholder
; Imports.
(import_declaration) @import
