; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
(function_definition) @definition
(class_definition) @definition
(decorated_definition) @definition
