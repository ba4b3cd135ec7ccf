; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
(function_declaration) @definition
(generator_function_declaration) @definition
(class_declaration) @definition
(method_definition) @definition
(function_expression) @closure
(generator_function) @closure
(arrow_function) @closure
