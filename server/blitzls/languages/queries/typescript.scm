; inherits: javascript
; TypeScript and TSX: JavaScript's captures (above, joined at load) and these.
(abstract_class_declaration) @definition
(interface_declaration) @definition
(enum_declaration) @definition
(type_alias_declaration) @definition
