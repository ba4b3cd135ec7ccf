"""Names the changed lines of an edit use that nothing defines (languages/names.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from blitzls.languages import names
from blitzls.languages.names import Undefined, changed_rows, undefined_names
from blitzls.text.lines import split_lines
from tests.conftest import ROOT


def check(old: str, new: str, language: str = "python") -> list[Undefined]:
    return undefined_names(split_lines(old), split_lines(new), language)


def found(old: str, new: str, language: str = "python") -> dict[str, str | None]:
    return {u.name: u.import_line for u in check(old, new, language)}


BEFORE = textwrap.dedent(
    """\
    \"\"\"Héllo — 東京 😀.\"\"\"

    import os
    from typing import (
        Any,
    )

    LIMIT = 10


    def helper(x: Any) -> int:
        return x


    def f(items):
        # TODO 😀
        return 0
    """
)


def after(body: str) -> str:
    return BEFORE.replace("    # TODO 😀\n    return 0\n", textwrap.indent(body, " " * 4))


def test_a_helper_nothing_defines_is_named_with_its_line() -> None:
    (undefined,) = check(BEFORE, after("return is_prime(items) + helper(LIMIT)\n"))
    assert undefined == Undefined("is_prime", 15, None)


def test_a_standard_module_used_as_one_comes_with_its_import() -> None:
    new = after("return math.ceil(len(items) / 2) + json.dumps(items).count(os.sep)\n")
    assert found(BEFORE, new) == {"json": "import json", "math": "import math"}


def test_names_the_file_defines_imports_or_builtins_are_fine() -> None:
    body = "total = helper(LIMIT) + len(items)\nprint(__name__, os.sep, Any)\nreturn total\n"
    assert check(BEFORE, after(body)) == []


@pytest.mark.parametrize(
    ("use", "import_line"),
    [
        ("os.path.join('a', 'b')", None),  # os is imported
        ("datetime.datetime.now()", "import datetime"),  # a module: any attribute chain
        ("sys.stdout.write('é')", "import sys"),
        ("json.dumps(items)", "import json"),  # a package, one attribute deep
        ("xml.etree.ElementTree.fromstring(items)", None),  # a submodule: no safe import
        ("collections.abc.Mapping", None),
        ("time + 1", None),  # not used as a module
        ("this.x", None),  # importing it prints the Zen of Python
    ],
)
def test_which_standard_modules_get_an_import(use: str, import_line: str | None) -> None:
    got = found(BEFORE, after(f"return {use}\n"))
    name = use.split(".")[0].split()[0]
    assert got == ({} if name == "os" else {name: import_line})


def test_only_changed_lines_count() -> None:
    old = BEFORE.replace("LIMIT = 10", "LIMIT = undefined_elsewhere(10)")
    new = after("return helper(items)\n").replace("LIMIT = 10", "LIMIT = undefined_elsewhere(10)")
    assert check(old, new) == []


def test_a_name_the_original_used_undefined_is_not_the_edits_fault() -> None:
    old = BEFORE + "\n\ndef g():\n    return injected(1)\n"
    new = after("return injected(items)\n") + "\n\ndef g():\n    return injected(1)\n"
    assert check(old, new) == []


def test_a_local_of_another_function_is_undefined_here() -> None:
    old = BEFORE + "\n\ndef g():\n    subtotal = 1\n    return subtotal\n"
    new = after("return subtotal\n") + "\n\ndef g():\n    subtotal = 1\n    return subtotal\n"
    assert found(old, new) == {"subtotal": None}


def test_bindings_in_blocks_globals_and_type_checking_imports_count() -> None:
    extra = """\


        if TYPE_CHECKING:
            from decimal import Decimal
        try:
            import numpy as np
        except ImportError:
            np = None
        for k in range(3):
            pass


        def setup():
            global CONFIG
            CONFIG = {}
        """
    old, new = BEFORE + textwrap.dedent(extra), after("return (np, Decimal, k, CONFIG)\n")
    assert check(old, new + textwrap.dedent(extra)) == []


def test_a_star_import_makes_every_name_possible() -> None:
    old = BEFORE.replace("import os\n", "import os\nfrom helpers import *\n")
    new = after("return is_prime(items)\n").replace(
        "import os\n", "import os\nfrom helpers import *\n"
    )
    assert check(old, new) == []


def test_a_name_defined_ten_thousand_lines_away_is_found_without_parsing_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filler = "".join(f"def fill_{i}(x):\n    return x + {i}  # ✓\n\n\n" for i in range(2500))
    tail = "def far_helper(x):\n    return x\n"
    old = "import os\n\n\ndef f(items):\n    # TODO\n    return 0\n\n\n" + filler + tail
    new = old.replace("    # TODO\n    return 0\n", "    return far_helper(os.sep) + fill_7(1)\n")
    parsed: list[int] = []
    real_parse = names._parse

    def counting(lines, first, last, **kw):  # type: ignore[no-untyped-def]
        parsed.append(last - first)
        return real_parse(lines, first, last, **kw)

    monkeypatch.setattr(names, "_parse", counting)
    assert undefined_names(split_lines(old), split_lines(new), "python") == []
    assert 0 < sum(parsed) < 50  # the function, the import, and far_helper's statement
    new = new.replace("far_helper(os.sep)", "far_helpr(os.sep)")
    assert [u.name for u in undefined_names(split_lines(old), split_lines(new), "python")] == [
        "far_helpr"
    ]


def test_crlf_lines_and_a_file_that_does_not_parse() -> None:
    old, new = BEFORE.replace("\n", "\r\n"), after("return nope(items)\n").replace("\n", "\r\n")
    assert found(old, new) == {"nope": None}
    assert check(BEFORE, after("return nope(items\n")) == []  # a syntax error: cannot tell


def test_changed_rows_ignore_trailing_whitespace_and_blank_lines() -> None:
    old = split_lines("a\nb\nc\n")
    assert changed_rows(old, split_lines("a  \nB\n\nc\n")) == [1]


# --------------------------------------------------------------------------- JavaScript

JS = textwrap.dedent(
    """\
    const fs = require("fs");
    import { join as pathJoin } from "path";

    /** Héllo 😀 */
    function helper(x) {
      return x;
    }

    function count(limit) {
      // TODO
      return 0;
    }
    """
)


def js_after(body: str) -> str:
    return JS.replace("  // TODO\n  return 0;\n", textwrap.indent(body, "  "))


def test_javascript_names_that_nothing_declares_are_found() -> None:
    body = "const n = isPrime(limit) + helper(1);\nreturn new Sieve(n);\n"
    assert [u.name for u in check(JS, js_after(body), "javascript")] == ["isPrime", "Sieve"]


def test_javascript_declarations_globals_and_modules_are_fine() -> None:
    body = (
        "const { a, b: c } = fs.statSync(pathJoin('x', 'y'));\n"
        "let total = 0;\n"
        "for (const item of [a, c]) total += Math.max(item, limit);\n"
        "const square = (v) => v * v;\n"
        "console.log(JSON.stringify({ total }), process.env.HOME, square(total));\n"
        "if (typeof maybeGlobal === 'undefined') return helper(total);\n"
        "return document.title.length + window.innerWidth;\n"
    )
    assert check(JS, js_after(body), "javascript") == []


def test_javascript_names_used_elsewhere_in_the_file_are_not_reported() -> None:
    old = JS + "\nexport const later = fromAnotherScript();\n"
    new = js_after("return fromAnotherScript(limit);\n") + "\nexport const later = 1;\n"
    assert check(old, new, "javascript") == []
    new = js_after("return declaredLater(limit);\n") + "\nvar declaredLater = (x) => x;\n"
    assert check(JS, new, "javascript") == []


def test_typescript_types_are_not_names_and_with_blocks_are_not_judged() -> None:
    ts = JS.replace("function count(limit) {", "function count(limit: number): Result {")
    body = "const out: Array<Item> = [];\nreturn out.length as Result + isPrime(limit);\n"
    assert [
        u.name
        for u in check(
            ts,
            ts.replace("  // TODO\n  return 0;\n", textwrap.indent(body, "  ")),
            "typescript",
        )
    ] == ["isPrime"]
    assert check(JS, js_after("with (Math) { return unknownThing(PI); }\n"), "javascript") == []


def test_other_languages_are_not_checked() -> None:
    assert check("fn f() {\n    0\n}\n", "fn f() {\n    nope()\n}\n", "rust") == []


def test_a_name_the_edit_left_undefined_on_an_unchanged_line_counts() -> None:
    old = BEFORE.replace(
        "    # TODO 😀\n    return 0\n", "    total = len(items)\n    return total\n"
    )
    new = old.replace("    total = len(items)\n", "    # the total 😀\n")  # its definition removed
    assert found(old, new) == {"total": None}
    renamed = old.replace("def f(items):", "def f(rows):")  # its parameter renamed
    assert found(old, renamed) == {"items": None}


def test_an_unchanged_line_that_was_undefined_before_does_not_count() -> None:
    old = BEFORE.replace("    return 0\n", "    return magic(0)\n")
    assert check(old, old.replace("    # TODO 😀\n", "    n = len(items)\n")) == []


def test_pyflakes_is_imported_when_python_is_checked_never_at_start_up() -> None:
    code = (
        "import sys\n"
        "import blitzls.lsp.server, blitzls.engine\n"
        "assert 'pyflakes' not in sys.modules, 'imported at start-up'\n"
        "from blitzls.languages.names import undefined_names\n"
        "undefined_names(['x = 1\\n', ''], ['x = y\\n', ''], 'javascript')\n"
        "assert 'pyflakes' not in sys.modules, 'imported for JavaScript'\n"
        "print(undefined_names(['x = 1\\n', ''], ['x = y\\n', ''], 'python'))\n"
        "assert 'pyflakes' in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Undefined(name='y', row=0" in done.stdout


def test_an_edit_that_only_removes_a_definition_is_checked_too() -> None:
    old = BEFORE.replace(
        "    # TODO 😀\n    return 0\n", "    total = len(items)\n    return total\n"
    )
    assert found(old, old.replace("    total = len(items)\n", "")) == {"total": None}
    commented = old.replace("    return total\n", "    # keep it ✓\n    return total\n")
    assert check(commented, old) == []  # only a comment removed
