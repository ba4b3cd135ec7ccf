; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
(class_declaration) @definition
(interface_declaration) @definition
(enum_declaration) @definition
(record_declaration) @definition
(annotation_type_declaration) @definition
(method_declaration) @definition
(constructor_declaration) @definition
(lambda_expression) @closure
