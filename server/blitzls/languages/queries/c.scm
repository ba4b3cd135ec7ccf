; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
(function_definition) @definition
(struct_specifier body: (_)) @definition
(union_specifier body: (_)) @definition
(enum_specifier body: (_)) @definition
