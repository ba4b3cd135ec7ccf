; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
; Modules are left out: like namespaces, they may hold a whole file.
(function_item) @definition
(impl_item) @definition
(trait_item) @definition
(struct_item) @definition
(enum_item) @definition
(union_item) @definition
(macro_definition) @definition
(closure_expression) @closure
