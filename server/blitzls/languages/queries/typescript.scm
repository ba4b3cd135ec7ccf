; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
; Used for TypeScript and TSX.
(function_declaration) @definition
(generator_function_declaration) @definition
(class_declaration) @definition
(abstract_class_declaration) @definition
(method_definition) @definition
(interface_declaration) @definition
(enum_declaration) @definition
(type_alias_declaration) @definition
(function_expression) @closure
(generator_function) @closure
(arrow_function) @closure
