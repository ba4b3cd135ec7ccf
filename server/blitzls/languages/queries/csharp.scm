; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
; Namespaces are left out: they may hold a whole file.
(class_declaration) @definition
(struct_declaration) @definition
(interface_declaration) @definition
(record_declaration) @definition
(enum_declaration) @definition
(method_declaration) @definition
(constructor_declaration) @definition
(destructor_declaration) @definition
(operator_declaration) @definition
(property_declaration) @definition
(local_function_statement) @definition
(lambda_expression) @closure
(anonymous_method_expression) @closure

; Statements that only hold the place of code still to be written (after pseudocode).
(throw_statement (object_creation_expression type: (identifier) @_t)
  (#eq? @_t "NotImplementedException")) @placeholder
; Imports.
(using_directive) @import
