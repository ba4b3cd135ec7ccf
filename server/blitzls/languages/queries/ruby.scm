; Definitions a scoped action may rewrite (the smallest one around the cursor is chosen).
; @definition: always; @closure: only when it spans several lines.
(method) @definition
(singleton_method) @definition
(class) @definition
(singleton_class) @definition
(module) @definition
(lambda) @closure
