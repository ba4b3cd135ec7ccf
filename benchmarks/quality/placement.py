"""Put the plain prompt's answer in place as a careful person would paste it.

A person who asked a chat model for "the whole function" reads the answer and pastes the
right part of it over the function, not the whole reply over whatever is there:

- the code is taken from the fenced block that holds the definition (chatter and other
  blocks are left behind; an unclosed fence or a reply without one is read as code);
- the definition is found by its kind and name on the syntax tree, at any depth, so a class
  or ``impl`` wrapper around a method is taken off, and it is re-indented to the file's;
- doc comments the file has above the definition stay when the answer leaves them out, and
  ``export`` / ``pub`` stay when the answer drops them;
- a bare body (no definition of that name) goes under the file's header — or, for
  pseudocode, in place of the pseudocode lines when it is only their code;
- new helpers (functions, classes, constants) the new code uses and the file lacks are
  pasted beside it, new imports it uses go with the file's imports; what the file already
  has is not pasted twice;
- everything else (usage examples, tests, ``if __name__ == "__main__":``, ``fn main``) is
  left out, and the rest of the module is untouched.

This is deliberately independent of blitzls's own reply handling (``server/blitzls/core``):
it reads the trees with tree-sitter directly, so the baseline is not placed by the code it
is compared with.
"""

from __future__ import annotations

import importlib
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter
from tasks import Task

GRAMMARS = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "rust": ("tree_sitter_rust", "language"),
}
# Nodes that define something with a name, per language.
DEFINITIONS = {
    "python": {"function_definition", "class_definition"},
    "javascript": {
        "function_declaration",
        "generator_function_declaration",
        "method_definition",
        "class_declaration",
        "variable_declarator",
    },
    "rust": {
        "function_item",
        "struct_item",
        "enum_item",
        "trait_item",
        "const_item",
        "static_item",
        "type_item",
        "mod_item",
    },
}
DEFINITIONS["typescript"] = DEFINITIONS["javascript"] | {
    "abstract_class_declaration",
    "interface_declaration",
    "type_alias_declaration",
    "enum_declaration",
}
# Nodes that wrap a definition and belong to it (decorators, export, `const x = ...`).
WRAPPERS = {
    "decorated_definition",
    "export_statement",
    "lexical_declaration",
    "variable_declaration",
}
IMPORTS = {
    "python": {"import_statement", "import_from_statement", "future_import_statement"},
    "javascript": {"import_statement"},
    "typescript": {"import_statement"},
    "rust": {"use_declaration", "extern_crate_declaration"},
}
COMMENTS = {"comment", "line_comment", "block_comment"}
FUNCTIONS = {
    "function_definition",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "variable_declarator",
    "function_item",
}
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})([^\n`]*)$")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@cache
def parser(language: str) -> tree_sitter.Parser:
    module, function = GRAMMARS[language]
    grammar = getattr(importlib.import_module(module), function)()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def parse(language: str, text: str) -> tree_sitter.Node:
    return parser(language).parse(text.encode("utf-8")).root_node


# --------------------------------------------------------------------------- the reply's code


def fenced_blocks(reply: str) -> list[str]:
    """The fenced blocks of a reply, in order; an unclosed last fence runs to the end."""
    blocks: list[str] = []
    current: list[str] | None = None
    fence = ""
    for line in reply.replace("\r\n", "\n").split("\n"):
        match = _FENCE.match(line)
        if current is None:
            if match:
                current, fence = [], match.group(1)
        elif match and match.group(1).startswith(fence[0]) and not match.group(2).strip():
            blocks.append("\n".join(current))
            current = None
        else:
            current.append(line)
    if current is not None and any(line.strip() for line in current):
        blocks.append("\n".join(current))
    return blocks


def reply_code(reply: str, name: str, language: str) -> tuple[str, list[str]]:
    """The block holding the definition named ``name`` (else the longest, else the whole
    reply), and the other blocks (a person may take helpers or imports from them)."""
    blocks = fenced_blocks(reply) or [reply]
    for index, block in enumerate(blocks):
        root = parse(language, textwrap.dedent(block))
        if any(_name(node) == name for node in _definitions(root, language)):
            return block, blocks[:index] + blocks[index + 1 :]
    longest = max(range(len(blocks)), key=lambda i: len(blocks[i]))
    return blocks[longest], blocks[:longest] + blocks[longest + 1 :]


# --------------------------------------------------------------------------- tree helpers


def _walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _definitions(root: tree_sitter.Node, language: str) -> list[tree_sitter.Node]:
    kinds = DEFINITIONS[language]
    found = []
    for node in _walk(root):
        if node.type in kinds and _name(node):
            if node.type == "variable_declarator" and not _is_function_value(node):
                continue
            found.append(node)
    return found


def _is_function_value(node: tree_sitter.Node) -> bool:
    value = node.child_by_field_name("value")
    return value is not None and value.type in ("arrow_function", "function_expression", "function")


def _name(node: tree_sitter.Node) -> str:
    name = node.child_by_field_name("name")
    return name.text.decode("utf-8") if name is not None and name.text else ""


def outer(node: tree_sitter.Node) -> tree_sitter.Node:
    """The statement a definition stands in: through decorators, ``export``, ``const``."""
    while node.parent is not None and node.parent.type in WRAPPERS | {"variable_declarator"}:
        if node.parent.type in ("lexical_declaration", "variable_declaration"):
            declarators = [c for c in node.parent.named_children if c.type == "variable_declarator"]
            if len(declarators) != 1:
                break
        node = node.parent
    return node


def preamble_start(node: tree_sitter.Node) -> int:
    """The first row of the comments and attributes directly above ``node`` (no blank line
    between), or the node's own first row."""
    row = node.start_point.row
    sibling = node.prev_named_sibling
    while sibling is not None and (sibling.type in COMMENTS or sibling.type == "attribute_item"):
        if sibling.end_point.row < row - 1:
            break
        if sibling.type in COMMENTS and sibling.end_point.row == (
            sibling.prev_named_sibling.end_point.row if sibling.prev_named_sibling else -1
        ):
            break  # a trailing comment of the line above
        row = sibling.start_point.row
        sibling = sibling.prev_named_sibling
    return row


def _enclosing_class(node: tree_sitter.Node) -> tree_sitter.Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type in (
            "class_definition",
            "class_declaration",
            "abstract_class_declaration",
            "impl_item",
            "class",
        ):
            return parent
        parent = parent.parent
    return None


def _top_level(node: tree_sitter.Node) -> tree_sitter.Node:
    """The module-level statement ``node`` is part of."""
    while node.parent is not None and node.parent.parent is not None:
        node = node.parent
    return node


def _identifiers(text: str) -> set[str]:
    return set(_IDENTIFIER.findall(text))


# --------------------------------------------------------------------------- lines


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _reindent(lines: list[str], indent: str) -> list[str]:
    """``lines`` with their common indentation replaced by ``indent`` (blank lines empty)."""
    text = textwrap.dedent("\n".join(lines))
    return [indent + line if line.strip() else "" for line in text.split("\n")]


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


@dataclass(frozen=True)
class Target:
    """The definition the task is about, in the file."""

    node: tree_sitter.Node  # the definition node itself
    first: int  # 0-based first line of the scope (doc comments included)
    last: int  # 0-based line after the scope
    header: int  # 0-based line of the definition's first line
    name: str

    @property
    def is_function(self) -> bool:
        return self.node.type in FUNCTIONS


def find_target(task: Task, root: tree_sitter.Node) -> Target:
    first, last = task.scope
    lines = task.source.splitlines()
    candidates = [
        node
        for node in _definitions(root, task.language)
        if first - 1 <= outer(node).start_point.row <= last - 1
        and outer(node).end_point.row <= last - 1
    ]
    if not candidates:
        raise ValueError(f"{task.id}: no definition in scope {first}-{last}")
    node = min(candidates, key=lambda n: n.start_point.row)  # the outermost, first
    header = node.start_point.row
    while header < last - 1 and lines[header].strip().startswith(("@", "#[", "//", "#", "/*", "*")):
        header += 1
    return Target(node, first - 1, last, header, _name(node))


# --------------------------------------------------------------------------- placing


def place(task: Task, reply: str) -> str:
    """The file after pasting the answer ``reply`` as a careful person would."""
    language = task.language
    source = task.source
    lines = source.splitlines()
    final_newline = source.endswith("\n")
    file_root = parse(language, source)
    target = find_target(task, file_root)
    block, others = reply_code(reply, target.name, language)
    code = textwrap.dedent(block.replace("\t", "    ") if "\t" not in source else block)
    code_lines = code.split("\n")
    root = parse(language, code)
    same_kind = _named(root, language, target)
    if not same_kind and language in ("javascript", "typescript") and _enclosing_class(target.node):
        # a method on its own (`name(args) { ... }`) reads as a method only inside a class
        code_lines = ["class Wrapper {", *code_lines, "}"]
        root = parse(language, "\n".join(code_lines))
        same_kind = _named(root, language, target)
        if not same_kind:
            code_lines = code_lines[1:-1]
            root = parse(language, code)
    if same_kind:
        node = max(same_kind, key=lambda n: n.end_byte - n.start_byte)
        new = _definition_text(task, target, lines, code_lines, node)
        used_by = "\n".join(new)
        helpers, imports = _extras(
            language, root, code_lines, node, others, file_root, lines, used_by, target
        )
    else:
        new = _body_text(task, target, lines, code_lines, file_root)
        helpers, imports = _extras(
            language, None, code_lines, None, others, file_root, lines, "\n".join(new), target
        )
    result = lines[: target.first] + new + lines[target.last :]
    if helpers:
        result = _insert_helpers(task, target, result, helpers)
    if imports:
        at = _import_position(language, file_root, lines)
        result = result[:at] + imports + result[at:]
    return "\n".join(result) + ("\n" if final_newline else "")


def _named(root: tree_sitter.Node, language: str, target: Target) -> list[tree_sitter.Node]:
    """The answer's definitions of the target's name and kind (function or not)."""
    return [
        node
        for node in _definitions(root, language)
        if _name(node) == target.name and (node.type in FUNCTIONS) == target.is_function
    ]


def _definition_text(
    task: Task, target: Target, lines: list[str], code: list[str], node: tree_sitter.Node
) -> list[str]:
    """The answer's definition (its doc comments and attributes too), re-indented to the
    file's, with the file's doc comments and ``export``/``pub`` where the answer left them
    out."""
    statement = outer(node)
    start = preamble_start(statement)
    new = code[start : statement.end_point.row + 1]
    indent = _indent(lines[target.header])
    new = _reindent(new, indent)
    file_preamble = lines[target.first : target.header]
    answer_has_preamble = start < node.start_point.row and any(
        code[row].strip().startswith(("///", "/**", "//", "#", "*"))
        for row in range(start, node.start_point.row)
    )
    if file_preamble and not answer_has_preamble:
        # keep the file's doc comments and decorators the answer did not repeat
        decorators = [x for x in file_preamble if x.strip().startswith(("@", "#["))]
        comments = [x for x in file_preamble if x not in decorators]
        new_head = [x for x in new if x.strip().startswith(("@", "#["))]
        new = comments + (new if new_head else decorators + new)
    header_index = next(
        (
            i
            for i, x in enumerate(new)
            if not x.strip().startswith(("@", "#[", "//", "/*", "*", "#"))
        ),
        0,
    )
    file_header = lines[target.header].strip()
    for keyword in ("export default ", "export ", "pub(crate) ", "pub "):
        if file_header.startswith(keyword) and not new[header_index].strip().startswith(keyword):
            head = new[header_index]
            new[header_index] = _indent(head) + keyword + head.lstrip()
            break
    return new


def _body_text(
    task: Task, target: Target, lines: list[str], code: list[str], file_root: tree_sitter.Node
) -> list[str]:
    """A bare body: under the file's header (keeping the file's docstring when the answer
    has none), or in place of the pseudocode lines when it is only their code."""
    code = _trim(code)
    definition = lines[target.first : target.last]
    body = target.node.child_by_field_name("body")
    if body is None:
        raise ValueError(f"{task.id}: the target has no body")
    if task.language == "python":
        body_first = body.start_point.row
        if body_first == target.node.start_point.row:
            body_first += 1  # `def f(): pass` on one line
        body_last = target.last
    else:
        body_first = body.start_point.row + 1  # after the line with `{`
        body_last = body.end_point.row  # the line with the closing `}`
    inner = [x for x in lines[body_first:body_last] if x.strip()]
    indent = _indent(inner[0]) if inner else _indent(lines[target.header]) + "    "
    if task.action == "pseudocode":
        first, _, last = task.lines.partition("-")
        a, b = int(first) - 1, int(last or first)
        after = [x.strip() for x in lines[b:body_last] if x.strip()]
        code_stripped = {x.strip() for x in code}
        if after and not all(x in code_stripped for x in after[-1:]):
            pseudo_indent = _indent(lines[a])
            return (
                definition[: a - target.first]
                + _reindent(code, pseudo_indent)
                + definition[b - target.first :]
            )
    new_body = _reindent(code, indent)
    docstring = _docstring_rows(task, body)
    if docstring is not None and not _starts_with_string(code, task.language):
        new_body = lines[docstring[0] : docstring[1]] + new_body
    head = lines[target.first : body_first]
    tail = lines[body_last : target.last]
    return head + new_body + tail


def _docstring_rows(task: Task, body: tree_sitter.Node) -> tuple[int, int] | None:
    if task.language != "python" or not body.named_children:
        return None
    first = body.named_children[0]
    if (
        first.type == "expression_statement"
        and first.named_children[:1]
        and (first.named_children[0].type == "string")
    ):
        return first.start_point.row, first.end_point.row + 1
    return None


def _starts_with_string(code: list[str], language: str) -> bool:
    if language != "python":
        return False
    root = parse(language, "\n".join(code))
    first = root.named_children[0] if root.named_children else None
    return bool(
        first is not None
        and first.type == "expression_statement"
        and first.named_children[:1]
        and first.named_children[0].type == "string"
    )


def _file_names(language: str, file_root: tree_sitter.Node) -> set[str]:
    """Names the file already defines at any level, and names its imports bind."""
    names = {_name(node) for node in _definitions(file_root, language)}
    for child in file_root.named_children:
        if child.type in IMPORTS[language]:
            names |= _imported_names(language, child)
        else:
            names |= _defined_names(language, child)
    return names


def _extras(
    language: str,
    root: tree_sitter.Node | None,
    code: list[str],
    chosen: tree_sitter.Node | None,
    others: list[str],
    file_root: tree_sitter.Node,
    lines: list[str],
    new_text: str,
    target: Target,
) -> tuple[list[list[str]], list[str]]:
    """New helper definitions and imports the pasted code uses, that the file lacks."""
    have = _file_names(language, file_root)
    file_imports = {
        " ".join((c.text or b"").decode("utf-8").split())
        for c in file_root.named_children
        if c.type in IMPORTS[language]
    }
    sources: list[tuple[tree_sitter.Node, list[str]]] = []
    if root is not None:
        sources.append((root, code))
    for block in others:
        block = textwrap.dedent(block)
        sources.append((parse(language, block), block.split("\n")))
    helpers: list[list[str]] = []
    imports: list[str] = []
    used = _identifiers(new_text)
    wrapper = _enclosing_class(chosen) if chosen is not None else None
    for tree, text_lines in sources:
        candidates = list(tree.named_children)
        if wrapper is not None and tree is root:
            body = wrapper.child_by_field_name("body")
            candidates += [c for c in (body.named_children if body else []) if c != outer(chosen)]
        for node in candidates:
            if chosen is not None and (node == outer(chosen) or node == _top_level(chosen)):
                continue
            text = (node.text or b"").decode("utf-8")
            if node.type in IMPORTS[language]:
                key = " ".join(text.split())
                bound = _imported_names(language, node)
                if key not in file_imports and bound & used and not bound <= have:
                    imports.append(key)
                    file_imports.add(key)
                continue
            names = _defined_names(language, node)
            if names and names & used and not names & have and target.name not in names:
                start = preamble_start(node)
                helpers.append(text_lines[start : node.end_point.row + 1])
                have |= names
                used |= _identifiers(text)
    return helpers, imports


def _imported_names(language: str, node: tree_sitter.Node) -> set[str]:
    text = (node.text or b"").decode("utf-8")
    if language == "python":
        names = text.split(" import ", 1)[1] if " import " in text else text.removeprefix("import ")
        names = names.replace("(", " ").replace(")", " ")
        return {
            part.split(" as ")[-1].strip().split(".")[0]
            for part in names.split(",")
            if part.strip()
        }
    return _identifiers(text) - {"import", "from", "use", "as", "type", "crate", "self", "super"}


def _defined_names(language: str, node: tree_sitter.Node) -> set[str]:
    """Names a top-level statement defines (function, class, constant)."""
    inner = node
    while inner.type in WRAPPERS and inner.named_children:
        declaration = inner.child_by_field_name("declaration") or inner.child_by_field_name(
            "definition"
        )
        inner = declaration or inner.named_children[-1]
    if inner.type in DEFINITIONS[language]:
        return {_name(inner)} if _name(inner) else set()
    if inner.type in ("lexical_declaration", "variable_declaration"):
        return {_name(c) for c in inner.named_children if c.type == "variable_declarator"}
    if language == "python" and inner.type == "expression_statement":
        assignment = inner.named_children[0] if inner.named_children else None
        if assignment is not None and assignment.type == "assignment":
            left = assignment.child_by_field_name("left")
            if left is not None and left.type == "identifier" and left.text:
                return {left.text.decode("utf-8")}
    return set()


def _insert_helpers(
    task: Task,
    target: Target,
    result: list[str],
    helpers: list[list[str]],
) -> list[str]:
    """Helpers go beside the definition: at module level just above the top-level statement
    holding it (above the class, for a method), or inside the class when the answer had
    them there."""
    top = _top_level(target.node)
    at = preamble_start(top)
    gap = [""] * (2 if task.language == "python" else 1)
    block: list[str] = []
    for helper in helpers:
        block += _reindent(helper, "") + gap
    # rows before `at` are unchanged by the replacement (the target is at or below it)
    return result[:at] + block + result[at:]


def _import_position(language: str, file_root: tree_sitter.Node, lines: list[str]) -> int:
    """After the file's last top-level import; else after the module docstring, shebang
    and header comments."""
    last_import = None
    for child in file_root.named_children:
        if child.type in IMPORTS[language]:
            last_import = child.end_point.row + 1
    if last_import is not None:
        return last_import
    at = 0
    for child in file_root.named_children:
        is_doc = (
            language == "python"
            and child.type == "expression_statement"
            and (child.named_children[:1] and child.named_children[0].type == "string")
        )
        if child.type in COMMENTS or is_doc or child.type == "inner_attribute_item":
            at = child.end_point.row + 1
            continue
        break
    return at
