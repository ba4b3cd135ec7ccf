; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
; Modules are left out: like namespaces, they may hold a whole file.
(function_item) @definition
(impl_item) @definition
(trait_item) @definition
(struct_item) @definition
(enum_item) @definition
(union_item) @definition
(macro_definition) @definition
(closure_expression) @closure

; Statements that only hold the place of code still to be written (after pseudocode).
(macro_invocation macro: (identifier) @_m (#any-of? @_m "todo" "unimplemented")) @placeholder
(macro_invocation macro: (identifier) @_m (token_tree (string_literal) @_s)
  (#eq? @_m "panic") (#match? @_s "(?i)not.?(yet.)?implemented|todo|unimplemented")) @placeholder
; Imports.
(use_declaration) @import
(extern_crate_declaration) @import
