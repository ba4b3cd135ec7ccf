"""The module map of docs/architecture.md, enforced: what each part of blitzls may import.

Imports under ``if TYPE_CHECKING:`` do not count (they never run); imports inside functions
do (they run, later). A part is a top-level module or a package folder. No two modules may
import each other, directly or through others: for that rule every import counts, those for
type checking too (a circle of types is a circle of modules all the same).
"""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.conftest import ROOT

PACKAGE = ROOT / "server" / "blitzls"

# Pure leaves: text and language knowledge, reply reading and patching, the edit core.
PURE = {"text/", "languages/", "replies/", "patch/", "core/", "actions", "secrets"}
ALLOWED: dict[str, set[str]] = {
    "text/": set(),
    "languages/": {"text/"},
    "replies/": set(),
    "patch/": {"replies/"},
    "actions": set(),
    "secrets": set(),
    "core/": {"actions", "languages/", "patch/", "replies/", "secrets", "text/"},
    "prompts": {"actions", "core/", "text/"},
    "instructions": {"languages/", "text/"},
    "targets": {"languages/"},
    "pricing": set(),
    "settings/": {"actions", "local/"},  # local/: the model registry and its availability
    "config": {"settings/"},
    "model/": {"settings/"},
    "local/": {"model/", "settings/", "blitzls"},
    "provider": {"config", "local/", "model/"},
    "usage_log": {"model/", "pricing"},
    "policy": {"config", "core/", "model/", "secrets", "text/", "usage_log"},
    "engine": {
        "blitzls",
        "config",
        "core/",
        "model/",
        "policy",
        "pricing",
        "prompts",
        "provider",
        "replies/",
        "secrets",
        "usage_log",
    },
    "requests": {"actions", "engine", "instructions", "replies/"},
}


def _part(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "blitzls"
    return parts[1] + "/" if (PACKAGE / parts[1]).is_dir() else parts[1]


def _runtime_imports(tree: ast.Module) -> list[str]:
    return [module for module, _ in _imports(tree, typing=False)]


def _imports(tree: ast.Module, *, typing: bool) -> list[tuple[str, list[str]]]:
    """The blitzls modules ``tree`` imports, each with the names taken from it; with
    ``typing``, those imported for type checking only too."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if not typing and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for inner in node.body for child in ast.walk(inner))
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return [(m, names) for m, names in found if m == "blitzls" or m.startswith("blitzls.")]


def imports_by_part() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(part for part in relative.parts if part != "__init__")
        source = _part(module)
        for name in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = _part(name)
            if target != source:
                edges[source].add(target)
    return edges


def test_each_part_imports_only_what_the_map_allows() -> None:
    edges = imports_by_part()
    wrong = {
        part: sorted(targets - ALLOWED[part])
        for part, targets in edges.items()
        if part in ALLOWED and targets - ALLOWED[part]
    }
    assert wrong == {}


def test_the_pure_leaves_do_no_io_and_know_no_server() -> None:
    io_modules = {"asyncio", "subprocess", "socket", "openai", "pygls", "lsprotocol", "diskcache"}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        part = relative.parts[0] + "/" if len(relative.parts) > 1 else relative.stem
        if part not in PURE or part == "languages/":  # languages/ loads grammar packages
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in io_modules, f"{relative} imports {name}"


def test_no_part_outside_the_shells_imports_the_shells() -> None:
    shells = {"lsp/", "cli", "run", "probe", "doctor", "__main__"}
    edges = imports_by_part()
    for part, targets in edges.items():
        if part in shells or part in ("config_docs",):
            continue
        assert not targets & shells, (part, sorted(targets & shells))


def module_graph() -> dict[str, set[str]]:
    """Module → the blitzls modules it imports (``from blitzls import policy`` names the
    module ``blitzls.policy``), every import counted."""
    modules: dict[str, ast.Module] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(part for part in relative.parts if part != "__init__")
        modules[name] = ast.parse(path.read_text(encoding="utf-8"))
    graph: dict[str, set[str]] = {}
    for name, tree in modules.items():
        targets: set[str] = set()
        for module, names in _imports(tree, typing=True):
            submodules = {f"{module}.{n}" for n in names} & modules.keys()
            if submodules:
                targets |= submodules
            if len(submodules) < len(names) or not names:
                targets.add(module)
        graph[name] = targets - {name}
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected components with more
    than one module), each sorted."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def test_no_modules_import_each_other() -> None:
    assert import_circles(module_graph()) == []


def test_the_circle_check_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert import_circles(graph) == [["a", "b", "c"]]
