; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
; Namespaces are left out: they may hold a whole file.
(function_definition) @definition
(template_declaration) @definition
(class_specifier body: (_)) @definition
(struct_specifier body: (_)) @definition
(union_specifier body: (_)) @definition
(enum_specifier body: (_)) @definition
(lambda_expression) @closure

; Imports.
(preproc_include) @import
