; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
(function_declaration) @definition
(method_declaration) @definition
(type_declaration) @definition
(func_literal) @closure
