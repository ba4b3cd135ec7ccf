"""Code structure read from tree-sitter trees, for the edit core.

:func:`read` parses some lines — a reply's code block, a document, a window of one — and
answers by syntax node (see :class:`~blitzls.languages.items.CodeView`): the definitions with
their kind, name and extent (decorators, attributes and the comments directly above
included), the statements at each level (imports and the names they bind, definitions,
assignments, comments, docstrings), the names some code uses, what each row holds, and the
placeholder statements (``pass``, ``todo!()``) that stand for code still to be written.

What counts as a definition, an import, a docstring or a placeholder is each language's query
file (``queries/<language>.scm``); names and bindings are read from the nodes' fields.
Languages without a grammar are read by ``languages/textual.py`` instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from blitzls.languages import grammars
from blitzls.languages.items import CodeView, Item, RowKind
from blitzls.languages.lines import indent
from blitzls.languages.registry import Language, language_for
from blitzls.text.lines import line_content

if TYPE_CHECKING:
    import tree_sitter

__all__ = ["Code", "RowReader", "read", "read_document", "read_window", "unmatched_closers"]

_COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
# Nodes around a definition that belong to it (Python's decorators, an ``export``).
_WRAPPERS = frozenset({"decorated_definition", "export_statement"})
# Nodes directly above a definition that belong to it (Rust's ``#[...]``).
_ATTRIBUTES = frozenset({"attribute_item", "decorator"})
# Leaves that name something.
_NAME_LEAVES = frozenset({"constant", "self"})
# Statements that bind names (besides definitions and imports).
_DECLARATIONS = frozenset(
    {
        "lexical_declaration",
        "variable_declaration",
        "const_item",
        "static_item",
        "const_declaration",
        "var_declaration",
        "declaration",
        "field_declaration",
        "assignment",
        "type_alias_declaration",
        "interface_declaration",
        "enum_declaration",
        "type_item",
        "mod_item",
    }
)


def read(lines: Sequence[str], language_id: str) -> CodeView:
    """``lines`` (with or without terminators) read as code of the language: by its grammar,
    else by indentation and patterns."""
    language = language_for(language_id)
    if grammars.has_grammar(language):
        level = min((indent(line_content(x)) for x in lines if x.strip()), default=0)
        return Code(lines, grammars.parse(lines, 0, len(lines), language, level), language)
    from blitzls.languages.textual import TextCode

    return TextCode(lines, language)


def unmatched_closers(lines: Sequence[str], language_id: str) -> list[int] | None:
    """Per line, how many of its closing brackets close nothing opened in ``lines`` (the
    end of an enclosing block a model repeated): the brackets the tree leaves in error
    nodes. None for a language without a grammar."""
    language = language_for(language_id)
    if not grammars.has_grammar(language):
        return None
    level = min((indent(x) for x in lines if x.strip()), default=0)
    root = grammars.parse(lines, 0, len(lines), language, level).tree.root_node
    counts = [0] * len(lines)
    if not root.has_error:
        return counts
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.children:
            if node.is_error and not child.is_named and child.type in (")", "]", "}"):
                if child.start_point.row < len(counts):
                    counts[child.start_point.row] += 1
            elif child.has_error:
                stack.append(child)
    return counts


def read_document(lines: Sequence[str], language_id: str) -> CodeView:
    """A whole document read as code (as :func:`read`, without looking for a common
    indentation to take off)."""
    language = language_for(language_id)
    if grammars.has_grammar(language):
        return Code(lines, grammars.parse(lines, 0, len(lines), language), language)
    from blitzls.languages.textual import TextCode

    return TextCode(lines, language)


def read_window(lines: Sequence[str], first: int, last: int, language: Language) -> Code:
    """Lines [first, last) of a document, grown until they parse (``grammars.parse_top``)."""
    return Code(lines, grammars.parse_top(lines, first, last, language), language)


class Code:
    """One tree-sitter parse of lines of a document (rows are the document's)."""

    def __init__(self, lines: Sequence[str], parsed: grammars.Parsed, language: Language) -> None:
        self.lines = lines
        self.parsed = parsed
        self.language = language
        self.first, self.last = parsed.first, parsed.last
        self._kinds: dict[int, RowKind] = {}

    @property
    def has_error(self) -> bool:
        return self.parsed.has_error

    def covers(self, row: int) -> bool:
        return self.first <= row < self.last

    # --- captures ---------------------------------------------------------------------

    @cached_property
    def _captures(self) -> dict[str, list[tree_sitter.Node]]:
        import tree_sitter

        cursor = tree_sitter.QueryCursor(grammars.definitions_query(self.language))
        found: dict[str, list[tree_sitter.Node]] = cursor.captures(self.parsed.tree.root_node)
        return found

    def _ids(self, name: str) -> set[int]:
        return {node.id for node in self._captures.get(name, [])}

    @cached_property
    def _definition_ids(self) -> set[int]:
        ids = self._ids("definition")
        ids |= {n.id for n in self._captures.get("closure", []) if _rows(n)[1] - _rows(n)[0] > 1}
        return ids

    @cached_property
    def _doc_ids(self) -> set[int]:
        return self._ids("doc")

    @cached_property
    def _import_ids(self) -> set[int]:
        return self._ids("import")

    # --- definitions ------------------------------------------------------------------

    @cached_property
    def _definitions(self) -> list[Item]:
        nodes = [
            node
            for name in ("definition", "closure")
            for node in self._captures.get(name, [])
            if node.id in self._definition_ids and not self._wrapped(node)
        ]
        nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))
        return [self._item(node, "definition", _above(_outer(node))) for node in nodes]

    def _wrapped(self, node: tree_sitter.Node) -> bool:
        """A definition inside a captured wrapper (Python's decorated one) is the wrapper."""
        parent = node.parent
        return parent is not None and parent.type in _WRAPPERS and parent.id in self._definition_ids

    def definitions(self) -> list[Item]:
        return list(self._definitions)

    def definition_at(self, row: int) -> Item | None:
        import tree_sitter

        r = row - self.first
        cursor = tree_sitter.QueryCursor(grammars.definitions_query(self.language))
        cursor.set_point_range((r, 0), (r + 1, 0))
        found = [
            node
            for name, nodes in cursor.captures(self.parsed.tree.root_node).items()
            if name in ("definition", "closure")
            for node in nodes
            if node.start_point.row == r and node.id in self._definition_ids
        ]
        if not found:
            return None
        node = min(found, key=lambda n: n.start_byte)
        wrapper = node.parent
        if wrapper is not None and wrapper.type in _WRAPPERS and wrapper.id in self._definition_ids:
            node = wrapper
        return self._item(node, "definition", _above(_outer(node)))

    def item_of(self, node: tree_sitter.Node) -> Item | None:
        """The definition a captured node is (or is the inside of)."""
        for item in self._definitions:
            outer = _node(item)
            if node.id in (outer.id, _unwrap(outer).id):
                return item
        return None

    def container(self, item: Item) -> Item | None:
        node = _node(item)
        by_id = {n.id: d for d in self._definitions for n in (_node(d), _unwrap(_node(d)))}
        parent = node.parent
        while parent is not None:
            if parent.id in by_id:
                return by_id[parent.id]
            parent = parent.parent
        return None

    def members(self, container: Item | None) -> list[Item]:
        if container is None:
            body = self.parsed.tree.root_node
        else:
            inner = _unwrap(_node(container))
            body = inner.child_by_field_name("body") or inner
        items: list[Item] = []
        pending: list[tree_sitter.Node] = []  # comments and attributes waiting for a statement
        for child in body.named_children:
            if child.type in _COMMENTS or child.type in _ATTRIBUTES:
                pending.append(child)
                continue
            attached = _attached(pending, child)
            for loose in pending[: len(pending) - len(attached)]:
                items.append(self._item(loose, "comment"))
            pending = []
            items.append(self._item(child, self._category(child), attached))
        items += [self._item(loose, "comment") for loose in pending]
        return items

    def _category(self, node: tree_sitter.Node) -> Any:
        if node.id in self._doc_ids:
            return "doc"
        if node.id in self._import_ids:
            return "import"
        inner = _unwrap(node)
        if node.id in self._definition_ids or inner.id in self._definition_ids:
            return "definition"
        if _declared(node):
            return "assignment"
        return "other"

    def _item(
        self, node: tree_sitter.Node, category: Any, attached: Sequence[tree_sitter.Node] = ()
    ) -> Item:
        inner = _unwrap(node)
        if category == "definition":
            node = _outer(node)  # ``export function f``: the statement is the definition
        top, bottom = _rows(node)
        first = _rows(attached[0])[0] if attached else top
        if category == "definition":
            name = _name(inner)
            binds = frozenset([name]) if name else frozenset()
            start = _rows(inner)[0]
        elif category == "import":
            name, binds, start = None, _import_names(inner, self.language), top
        elif category == "assignment":
            binds = _declared(node)
            name, start = (min(binds) if binds else None), top
        else:
            name, binds, start = None, frozenset(), top
        offset = self.first
        return Item(
            category=category,
            kind=inner.type,
            name=name,
            first=first + offset,
            start=start + offset,
            last=bottom + offset,
            binds=binds,
            depth=self._depth(node),
            node=node,
        )

    def _depth(self, node: tree_sitter.Node) -> int:
        depth, parent = 0, node.parent
        while parent is not None:
            if parent.id in self._definition_ids and not self._wrapped(parent):
                depth += 1
            parent = parent.parent
        return depth

    # --- names ------------------------------------------------------------------------

    def uses(self, item: Item) -> frozenset[str]:
        return frozenset(_names_in(_node(item)))

    # --- rows -------------------------------------------------------------------------

    def row_kind(self, row: int) -> RowKind:
        kind = self._kinds.get(row)
        if kind is None:
            self._mark(row, min(row + 64, self.last))
            kind = self._kinds.get(row, "code")
        return kind

    def _mark(self, first: int, last: int) -> None:
        """Work out the kinds of rows [first, last) (and of the rows their nodes span)."""
        lo, hi = first - self.first, last - self.first
        strong: set[int] = set()
        weak: dict[int, RowKind] = {}
        stack = [self.parsed.tree.root_node]
        doc_ids = self._doc_ids
        while stack:
            node = stack.pop()
            top, bottom = _rows(node)
            if bottom <= lo or top >= hi:
                continue
            if node.type in _COMMENTS or node.id in doc_ids:
                kind: RowKind = "doc" if node.id in doc_ids else "comment"
                for r in range(top, bottom):
                    weak.setdefault(r, kind)
                continue
            if node.child_count == 0:
                if node.end_byte > node.start_byte:
                    strong.update(range(top, max(bottom, top + 1)))
                continue
            stack.extend(node.children)
        for r in range(max(lo, 0), min(hi, self.last - self.first)):
            if r + self.first in self._kinds:
                continue
            text = self.lines[r + self.first]
            if r in strong:
                self._kinds[r + self.first] = "code"
            elif not text.strip():
                self._kinds[r + self.first] = "blank"
            else:
                self._kinds[r + self.first] = weak.get(r, "code")

    def comment_text(self, row: int) -> str:
        stack = [self.parsed.tree.root_node]
        r = row - self.first
        while stack:
            node = stack.pop()
            top, bottom = _rows(node)
            if not top <= r < bottom:
                continue
            if node.type in _COMMENTS:
                return _strip_comment(_text(node))
            stack.extend(node.children)
        return ""

    # --- placeholders -----------------------------------------------------------------

    def placeholder_at(self, row: int) -> int | None:
        r = row - self.first
        for node in self._captures.get("placeholder", []):
            top, bottom = _rows(node)
            if top != r:
                continue
            outer = _statement(node)
            top, bottom = _rows(outer)
            if self._alone(outer):
                return bottom + self.first
        return None

    def _alone(self, node: tree_sitter.Node) -> bool:
        """Whether ``node`` starts its first row and ends its last one (``;`` aside)."""
        top, bottom = _rows(node)
        first, last = (
            grammars.dedent(line_content(self.lines[row + self.first]), self.parsed.level).encode(
                "utf-8", "surrogatepass"
            )
            for row in (top, bottom - 1)
        )
        before = first[: node.start_point.column]
        after = last[node.end_point.column :] if node.end_point.column else b""
        return not before.strip() and after.strip() in (b"", b";")


# --- rows of a document, parsed where asked ----------------------------------------------


class RowReader:
    """What each row of a document holds, parsed a window at a time where asked (and from
    parses made already: ``known``)."""

    def __init__(
        self, lines: Sequence[str], language_id: str, known: Sequence[CodeView] = ()
    ) -> None:
        self.lines = lines
        self.language = language_for(language_id)
        self.grammar = grammars.has_grammar(self.language)
        self.known: list[CodeView] = list(known)
        if not self.grammar:
            from blitzls.languages.textual import TextCode

            self.known = [TextCode(lines, self.language)]

    def code_for(self, row: int) -> CodeView:
        for code in self.known:
            if not isinstance(code, Code) or code.covers(row):
                return code
        first, last = grammars.window(self.lines, row, row + 1)
        code = read_window(self.lines, first, last, self.language)
        self.known.append(code)
        return code

    def kind(self, row: int) -> RowKind:
        if not 0 <= row < len(self.lines):
            return "blank"
        if not self.lines[row].strip():
            return "blank"
        return self.code_for(row).row_kind(row)

    def comment_text(self, row: int) -> str:
        return self.code_for(row).comment_text(row)


# --- nodes --------------------------------------------------------------------------------


def _node(item: Item) -> tree_sitter.Node:
    node: tree_sitter.Node = item.node  # type: ignore[assignment]
    return node


def _rows(node: tree_sitter.Node) -> tuple[int, int]:
    """The rows [top, bottom) a node spans (a node ending with its line break ends before)."""
    top, bottom = node.start_point.row, node.end_point.row
    if node.end_point.column == 0 and bottom > top:
        return top, bottom
    return top, bottom + 1


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _outer(node: tree_sitter.Node) -> tree_sitter.Node:
    """The statement a definition is (``export function f``: the export)."""
    parent = node.parent
    if parent is not None and parent.type == "export_statement":
        return parent
    return node


def _above(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The comments and attributes directly above ``node`` (no blank row between)."""
    above: list[tree_sitter.Node] = []
    sibling = node.prev_named_sibling
    while sibling is not None and (sibling.type in _COMMENTS or sibling.type in _ATTRIBUTES):
        above.insert(0, sibling)
        sibling = sibling.prev_named_sibling
    return _attached(above, node)


def _unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    """The definition inside a decorated definition or an ``export`` statement."""
    if node.type == "decorated_definition":
        return node.child_by_field_name("definition") or node
    if node.type == "export_statement":
        return node.child_by_field_name("declaration") or node
    return node


def _statement(node: tree_sitter.Node) -> tree_sitter.Node:
    """The statement a placeholder expression stands as (``todo!()`` in ``todo!();``)."""
    parent = node.parent
    while parent is not None and parent.type == "expression_statement":
        node, parent = parent, parent.parent
    return node


def _attached(above: Sequence[tree_sitter.Node], node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The trailing run of ``above`` that touches ``node`` without a blank row between."""
    attached: list[tree_sitter.Node] = []
    top = _rows(node)[0]
    for sibling in reversed(above):
        if _rows(sibling)[1] != top:
            break
        attached.insert(0, sibling)
        top = _rows(sibling)[0]
    return attached


def _name(node: tree_sitter.Node) -> str | None:
    """The name a definition defines: its ``name`` field, an ``impl``'s type, a C
    function's declarator, the variable a closure is assigned to."""
    found = node.child_by_field_name("name")
    if found is not None:
        return _text(found)
    if node.type == "impl_item":
        kind, trait = node.child_by_field_name("type"), node.child_by_field_name("trait")
        if kind is not None:
            return f"{_text(trait)} for {_text(kind)}" if trait is not None else _text(kind)
    if node.type == "type_declaration":
        spec = next((c for c in node.named_children if c.type in ("type_spec", "type_alias")), None)
        return _name(spec) if spec is not None else None
    declarator = node.child_by_field_name("declarator")
    while declarator is not None:
        inner = declarator.child_by_field_name("declarator")
        if inner is None:
            return _text(declarator)
        declarator = inner
    parent = node.parent
    if parent is not None:
        for field in ("name", "left", "key", "property"):
            target = parent.child_by_field_name(field)
            if target is not None and target.id != node.id:
                return _text(target)
    return None


def _declared(node: tree_sitter.Node) -> frozenset[str]:
    """The names a declaration or assignment statement binds (empty: it binds none)."""
    if node.type == "expression_statement":
        inner = node.named_children[0] if node.named_child_count == 1 else None
        if inner is None or inner.type != "assignment":
            return frozenset()
        node = inner
    if node.type == "export_statement":
        node = _unwrap(node)
    if node.type not in _DECLARATIONS:
        return frozenset()
    if node.type == "assignment":
        left = node.child_by_field_name("left")
        return frozenset(_identifiers(left)) if left is not None else frozenset()
    names: set[str] = set()
    own = node.child_by_field_name("name")
    if own is not None:
        names.add(_text(own))
    for child in node.named_children:
        for field in ("name", "declarator"):
            target = child.child_by_field_name(field)
            if target is not None and child.type not in ("type_identifier", "primitive_type"):
                names.update(_identifiers(target) if field == "name" else _declarator(target))
    return frozenset(names)


def _declarator(node: tree_sitter.Node) -> list[str]:
    while node.child_by_field_name("declarator") is not None:
        node = node.child_by_field_name("declarator")  # type: ignore[assignment]
    return _identifiers(node)


def _identifiers(node: tree_sitter.Node) -> list[str]:
    """The identifiers a pattern binds (``a, (b, c)`` → a, b, c)."""
    if node.child_count == 0:
        return [_text(node)] if node.type.endswith(("identifier", "identifier_pattern")) else []
    found: list[str] = []
    for child in node.named_children:
        if child.type in ("pair_pattern",):
            value = child.child_by_field_name("value")
            found += _identifiers(value) if value is not None else []
        elif not child.type.endswith(("type", "annotation")):
            found += _identifiers(child)
    return found


def _names_in(node: tree_sitter.Node) -> Iterator[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.child_count == 0:
            if current.type.endswith("identifier") or current.type in _NAME_LEAVES:
                yield _text(current)
            continue
        stack.extend(current.children)


def _import_names(node: tree_sitter.Node, language: Language) -> frozenset[str]:
    """The names an import binds in the importing file (empty when it cannot be told)."""
    kind = node.type
    names: list[str] = []
    if kind == "import_statement" and language.name == "python":
        for child in node.named_children:
            if child.type == "aliased_import":
                alias = child.child_by_field_name("alias")
                names += [_text(alias)] if alias is not None else []
            elif child.type == "dotted_name" and child.named_child_count:
                names.append(_text(child.named_children[0]))
    elif kind == "import_from_statement":
        for child in node.children_by_field_name("name"):
            alias = child.child_by_field_name("alias")
            target = alias if alias is not None else child
            names.append(_text(target).rsplit(".", 1)[-1])
        if any(c.type == "wildcard_import" for c in node.named_children):
            names.append("*")
    elif kind == "import_statement":  # JavaScript, TypeScript
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        for part in clause.named_children if clause is not None else []:
            if part.type == "identifier":
                names.append(_text(part))
            elif part.type == "namespace_import":
                names += _identifiers(part)
            elif part.type == "named_imports":
                for spec in part.named_children:
                    bound = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    names += [_text(bound)] if bound is not None else []
    elif kind in ("lexical_declaration", "variable_declaration"):  # require()
        for declarator in node.named_children:
            pattern = declarator.child_by_field_name("name")
            names += _identifiers(pattern) if pattern is not None else []
    elif kind == "use_declaration":
        argument = node.child_by_field_name("argument")
        names += _use_names(argument) if argument is not None else []
    elif kind == "import_declaration" and language.name == "go":
        for spec in _descendants(node, "import_spec"):
            alias, path = spec.child_by_field_name("name"), spec.child_by_field_name("path")
            if alias is not None:
                names.append(_text(alias))
            elif path is not None:
                names.append(_text(path).strip('"`').rsplit("/", 1)[-1])
    elif kind in ("import_declaration", "using_directive"):  # Java, C#
        last = node.child_by_field_name("name") or next(iter(reversed(node.named_children)), None)
        if last is not None:
            names.append(_text(last).rsplit(".", 1)[-1].strip())
    return frozenset(n for n in names if n)


def _use_names(node: tree_sitter.Node) -> list[str]:
    """The names a Rust ``use`` tree brings into scope."""
    if node.type == "use_as_clause":
        alias = node.child_by_field_name("alias")
        return [_text(alias)] if alias is not None else []
    if node.type == "scoped_identifier":
        name = node.child_by_field_name("name")
        return [_text(name)] if name is not None else []
    if node.type == "scoped_use_list":
        inner = node.child_by_field_name("list")
        return _use_names(inner) if inner is not None else []
    if node.type == "use_list":
        return [name for child in node.named_children for name in _use_names(child)]
    if node.type == "use_wildcard":
        return ["*"]
    if node.type in ("identifier", "crate", "super"):
        return [_text(node)]
    return []


def _descendants(node: tree_sitter.Node, kind: str) -> Iterator[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == kind:
            yield current
        else:
            stack.extend(reversed(current.named_children))


def _strip_comment(text: str) -> str:
    """A comment's words: without its opener, closer and repeated prefix characters."""
    body = text.strip()
    for opener, closer in (("/*", "*/"), ("--[[", "]]"), ("<!--", "-->")):
        if body.startswith(opener):
            body = body[len(opener) :]
            body = body[: -len(closer)] if body.endswith(closer) else body
            return " ".join(line.strip().lstrip("*").strip() for line in body.splitlines())
    return body.lstrip("#/-;!%").strip()
