; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines. The other captures are
; read by languages/structure.py; captures named @_x only serve predicates.
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

; Statements that only hold the place of code still to be written (after pseudocode).
(throw_statement (new_expression constructor: (identifier) @_c arguments: (arguments . (_) @_m))
  (#eq? @_c "Error") (#match? @_m "(?i)not.?(yet.)?implemented|todo|unimplemented")) @placeholder
; Imports (ES modules and require), and strings standing as statements (directives).
(import_statement) @import
(lexical_declaration (variable_declarator value: (call_expression function: (identifier) @_r))
  (#eq? @_r "require")) @import
(variable_declaration (variable_declarator value: (call_expression function: (identifier) @_r))
  (#eq? @_r "require")) @import
(expression_statement . (string) .) @doc
