"""Fitting real reply shapes on syntax trees, through ``blitzls run --write``.

Each case streams an answer from the scripted endpoint on 127.0.0.1 into the real CLI and
checks the file it leaves and what it says: the right code written, with what the new code
needs (a helper, an import) in its place; the user's comments and docstrings kept where the
model only reworded them; and no wrong code with exit 0 — a refusal instead.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.cli import run_blitzls
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

SECRET = "sk-proj-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH"


@dataclass
class Ran:
    done: subprocess.CompletedProcess[str]
    text: str  # the file afterwards

    @property
    def code(self) -> int:
        return self.done.returncode

    @property
    def said(self) -> str:
        return self.done.stderr + self.done.stdout


def run(
    env: dict[str, str],
    server: ScriptedModelServer,
    folder: Path,
    name: str,
    source: str,
    reply: str,
    *args: str,
) -> Ran:
    """``blitzls run ACTION FILE --write ARGS`` with ``reply`` as every answer."""
    path = folder / name
    path.write_text(source, encoding="utf-8")
    server.enqueue(Reply(content=reply), Reply(content=reply))
    action, *rest = args
    done = run_blitzls(env, "run", action, str(path), "--write", *rest, timeout=180)
    return Ran(done, path.read_text(encoding="utf-8"))


def fenced(code: str, fence: str = "python") -> str:
    return f"```{fence}\n{textwrap.dedent(code).strip(chr(10))}\n```\n"


def edit(instruction: str, line: int = 1) -> tuple[str, ...]:
    return ("edit", "--lines", str(line), "--instruction", instruction)


# --------------------------------------------------------------------------- case 1


COMBINE = 'def join_all(parts):\n    return combine(\n        *parts,\n        sep=",")\n'


@pytest.mark.parametrize(
    ("name", "source", "reply", "args", "expected"),
    [
        (  # a line starting with "*" is code, not a comment
            "star.py",
            COMBINE,
            fenced(COMBINE.replace("*parts,", "*sorted(parts),")),
            edit("sort the parts first"),
            COMBINE.replace("*parts,", "*sorted(parts),"),
        ),
        (  # a docstring with a typo fixed is replaced, not doubled
            "doc.py",
            'def f(x):\n    """Retrun x plus one."""\n    return x + 1\n',
            fenced('def f(x):\n    """Return x plus one."""\n    return x + 1\n'),
            edit("fix the typo in the docstring"),
            'def f(x):\n    """Return x plus one."""\n    return x + 1\n',
        ),
        (  # so is a JavaScript comment
            "comment.js",
            "function f(x) {\n  // Retrun x plus one\n  return x + 1;\n}\n",
            fenced("function f(x) {\n  // Return x plus one\n  return x + 1;\n}", "js"),
            edit("fix the typo in the comment"),
            "function f(x) {\n  // Return x plus one\n  return x + 1;\n}\n",
        ),
        (  # removing a comment that was asked to go is the change
            "print.py",
            "def f(x):\n    y = x + 1\n    # print(y)\n    return y\n",
            fenced("def f(x):\n    y = x + 1\n    return y\n"),
            edit("remove the commented-out print"),
            "def f(x):\n    y = x + 1\n    return y\n",
        ),
        (  # an operator-first continuation line is code
            "area.js",
            "function area(w, h) {\n  const a = w\n    * h;\n  return a;\n}\n",
            fenced("function area(w, h) {\n  const a = w\n    * h * 2;\n  return a;\n}", "js"),
            edit("double it"),
            "function area(w, h) {\n  const a = w\n    * h * 2;\n  return a;\n}\n",
        ),
    ],
    ids=["star", "docstring", "js-comment", "removed-comment", "operator-first"],
)
def test_lines_that_look_like_comments_are_read_as_what_they_are(
    name: str,
    source: str,
    reply: str,
    args: tuple[str, ...],
    expected: str,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
) -> None:
    ran = run(server_env, model_server, tmp_path, name, source, reply, *args)
    assert ran.code == 0, ran.said
    assert ran.text == expected


# --------------------------------------------------------------------------- case 2


def test_a_comment_at_column_0_inside_a_function_does_not_end_it(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "def load(data):\n    data = strip(data)\n#    print(data)\n    data = clean(data)\n"
        "    return data\n\n\ndef other():\n    return 1\n"
    )
    reply = fenced(
        'def load(data):\n    """Load the data."""\n    data = strip(data)\n#    print(data)\n'
        "    data = clean(data)\n    return data\n"
    )
    ran = run(
        server_env, model_server, tmp_path, "load.py", source, reply, "docstring", "--lines", "2"
    )
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("(data):\n", '(data):\n    """Load the data."""\n', 1)


def test_a_string_with_lines_at_column_0_is_part_of_the_function(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        'def usage():\n    text = """\nUsage: tool [options]\n  -h  help\n"""\n    return text\n'
    )
    reply = fenced(source.replace("():\n", '():\n    """The usage text."""\n'))
    ran = run(
        server_env, model_server, tmp_path, "usage.py", source, reply, "docstring", "--lines", "2"
    )
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("():\n", '():\n    """The usage text."""\n')


# --------------------------------------------------------------------------- case 3


def test_a_helper_the_answer_defines_after_the_function_is_kept_and_named(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        '"""Numbers."""\n\n\ndef primes(limit):\n    # the primes below limit\n    return found\n'
        "\n\ndef other():\n    return 1\n"
    )
    reply = fenced(
        """
        def primes(limit):
            found = [n for n in range(2, limit) if is_prime(n)]
            return found


        def is_prime(n):
            return all(n % d for d in range(2, int(n**0.5) + 1))


        print(primes(10))
        """
    )
    ran = run(
        server_env, model_server, tmp_path, "primes.py", source, reply, "pseudocode", "--lines", "5"
    )
    assert ran.code == 0, ran.said
    namespace: dict[str, object] = {}
    exec(ran.text, namespace)
    assert namespace["primes"](12) == [2, 3, 5, 7, 11]  # type: ignore[operator]
    assert "print(" not in ran.text and ran.text.count("def is_prime") == 1
    assert ran.text.index("def is_prime") < ran.text.index("def other")
    assert "added the helper `is_prime`" in ran.said


def test_a_helper_written_above_a_class_wrapper_is_kept(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "class Thermo:\n    def set(self, t):\n        self.t = t\n"
    reply = fenced(
        """
        def _clamp(v, lo, hi):
            return max(lo, min(hi, v))


        class Thermo:
            def set(self, t):
                self.t = _clamp(t, 10, 30)
        """
    )
    ran = run(server_env, model_server, tmp_path, "thermo.py", source, reply, *edit("clamp t", 3))
    assert ran.code == 0, ran.said
    assert ran.text == (
        "def _clamp(v, lo, hi):\n    return max(lo, min(hi, v))\n\n\n"
        "class Thermo:\n    def set(self, t):\n        self.t = _clamp(t, 10, 30)\n"
    )


# --------------------------------------------------------------------------- case 4


def test_a_rust_function_with_lifetimes_is_rewritten_whole(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "fn first_word<'a>(s: &'a str) -> &'a str {\n    s\n}\n\nfn other() -> i32 {\n    1\n}\n"
    )
    body = "    s.split(' ').next().unwrap_or(\"\")\n"
    reply = fenced(source.split("\n\n")[0].replace("    s\n", body), "rust")
    ran = run(server_env, model_server, tmp_path, "word.rs", source, reply, *edit("first word", 2))
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("    s\n", body)


def test_a_regex_with_a_brace_does_not_let_a_usage_example_in(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "function hasBrace(s) {\n  return false;\n}\n\nfunction other() {\n  return 1;\n}\n"
    reply = fenced(
        'function hasBrace(s) {\n  return /[{]/.test(s);\n}\n\nconsole.log(hasBrace("{"));', "js"
    )
    ran = run(server_env, model_server, tmp_path, "brace.js", source, reply, *edit("test", 2))
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("return false;", "return /[{]/.test(s);")


# --------------------------------------------------------------------------- case 5

ROUND_UP = fenced("import math\n\n\ndef up(x):\n    return math.ceil(x)\n")


def test_a_new_import_goes_after_a_parenthesised_import_not_into_it(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "#!/usr/bin/env python3\n# Copyright 2024 Example\n# Licensed under MIT\n"
        "from typing import (\n    Any,\n    List,\n)\n\n\ndef up(x):\n    return x\n"
    )
    ran = run(server_env, model_server, tmp_path, "up.py", source, ROUND_UP, *edit("round up", 11))
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("\n)\n", "\n)\nimport math\n").replace(
        "return x", "return math.ceil(x)"
    )
    assert "added `import math`" in ran.said


def test_a_new_import_goes_below_the_shebang_cookie_and_docstring(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Rounding."""\n\n\n'
        "def up(x):\n    return x\n"
    )
    ran = run(server_env, model_server, tmp_path, "up.py", source, ROUND_UP, *edit("round up", 7))
    assert ran.code == 0, ran.said
    assert ran.text == source.replace('"""\n', '"""\nimport math\n').replace(
        "return x", "return math.ceil(x)"
    )


# --------------------------------------------------------------------------- case 6


def test_a_comment_that_only_sounds_like_an_elision_is_kept_as_written(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "def merge(base, override):\n    # merge override into a copy of base\n    return result\n"
    )
    body = (
        "    result = dict(base)\n    # existing keys are overwritten by override\n"
        "    result.update(override)\n"
    )
    reply = fenced(source.replace("    # merge override into a copy of base\n", body))
    ran = run(
        server_env, model_server, tmp_path, "merge.py", source, reply, "pseudocode", "--lines", "2"
    )
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("    # merge override into a copy of base\n", body)


def test_a_rest_of_comment_opening_a_change_is_not_dropped(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "def total(items):\n    n = len(items)\n    t = 0\n    return t\n"
    body = "    # rest of the items, one by one\n    t = 0\n    for x in items:\n        t += x\n"
    reply = fenced(source.replace("    n = len(items)\n    t = 0\n", body))
    ran = run(server_env, model_server, tmp_path, "rest.py", source, reply, *edit("sum", 2))
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("    n = len(items)\n    t = 0\n", body)


# --------------------------------------------------------------------------- case 7


def test_a_function_holding_a_redacted_secret_can_be_rewritten(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "from net import Session\n\n\n"
        f'def connect(host):\n    key = "{SECRET}"\n    # open a session on host with the key\n'
        "    return session\n"
    )
    reply = fenced(
        'def connect(host):\n    key = "[REDACTED by blitzls]"\n'
        "    session = Session(host, key)\n    return session\n"
    )
    ran = run(
        server_env, model_server, tmp_path, "key.py", source, reply, "pseudocode", "--lines", "6"
    )
    assert ran.code == 0, ran.said
    assert ran.text == source.replace(
        "    # open a session on host with the key\n", "    session = Session(host, key)\n"
    )
    assert SECRET not in ran.said


def test_a_refusal_never_prints_the_secret(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = f'def connect(host):\n    key = "{SECRET}"\n    # open a session\n    return None\n'
    reply = fenced('def connect(host):\n    key = "abc"\n    return Session(host, key)\n')
    ran = run(
        server_env, model_server, tmp_path, "key.py", source, reply, "pseudocode", "--lines", "3"
    )
    assert ran.code == 10 and ran.text == source
    assert "also changes `key = " in ran.said and "[REDACTED by blitzls]" in ran.said
    assert SECRET not in ran.said and SECRET[:12] not in ran.said


# --------------------------------------------------------------------------- case 8


def test_a_change_of_blank_lines_only_is_no_change(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "def f(x):\n    y = x + 1\n    return y\n"
    reply = fenced("def f(x):\n    y = x + 1\n\n    return y\n")
    ran = run(
        server_env, model_server, tmp_path, "blank.py", source, reply, "simplify", "--lines", "2"
    )
    assert ran.code == 16, ran.said
    assert "the model made no change" in ran.said and ran.text == source


# --------------------------------------------------------------------------- case 10

INVENTORY = '''\
"""A small module: the comments in total_price are pseudocode."""


def total_price(items):
    """Sum price times quantity over all items (dicts with "price" and "qty")."""
    # start a running total at zero
    # for each item add its price times its quantity
    return total
'''
BODY = '    total = 0\n    for item in items:\n        total += item["price"] * item["qty"]\n'
DONE = INVENTORY.replace(
    "    # start a running total at zero\n    # for each item add its price times its quantity\n",
    BODY,
)


@pytest.mark.parametrize(
    "docstring",
    [
        '"""Sum price times quantity over all the items (dicts with "price" and "qty")."""',
        "'''Sum price times quantity over all items (dicts with \"price\" and \"qty\").'''",
    ],
    ids=["reworded", "requoted"],
)
def test_a_docstring_the_model_reworded_above_pseudocode_is_kept(
    docstring: str,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
) -> None:
    reply = f"```python\ndef total_price(items):\n    {docstring}\n{BODY}    return total\n```\n"
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "inv.py",
        INVENTORY,
        reply,
        "pseudocode",
        "--lines",
        "6-7",
    )
    assert ran.code == 0, ran.said
    assert ran.text == DONE
    assert "kept your docstring as it was; the model had reworded it" in ran.said


def test_a_renamed_function_is_refused_not_nested(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    reply = fenced(DONE.split("\n\n\n")[1].replace("def total_price(", "def total_price2("))
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "inv.py",
        INVENTORY,
        reply,
        "pseudocode",
        "--lines",
        "6-7",
    )
    assert ran.code == 10, ran.said
    assert "also changes `def total_price(items):` (line 4)" in ran.said
    assert ran.text == INVENTORY


# --------------------------------------------------------------------------- case 11


@pytest.mark.parametrize(
    ("name", "source", "reply", "expected"),
    [
        (
            "double.py",
            "def double(x):\n    # TODO: return x doubled\n    pass\n",
            fenced("def double(x):\n    return x * 2\n"),
            "def double(x):\n    return x * 2\n",
        ),
        (
            "double.py",
            "def double(x):\n    # return x doubled\n    raise NotImplementedError\n",
            fenced("def double(x):\n    return x * 2\n"),
            "def double(x):\n    return x * 2\n",
        ),
        (
            "double.rs",
            "fn double(x: i32) -> i32 {\n    // return x doubled\n    todo!()\n}\n",
            fenced("fn double(x: i32) -> i32 {\n    x * 2\n}", "rust"),
            "fn double(x: i32) -> i32 {\n    x * 2\n}\n",
        ),
        (
            "double.js",
            "function double(x) {\n  // return x doubled\n"
            '  throw new Error("not implemented");\n}\n',
            fenced("function double(x) {\n  return x * 2;\n}", "js"),
            "function double(x) {\n  return x * 2;\n}\n",
        ),
    ],
    ids=["pass", "raise", "todo", "throw"],
)
def test_the_placeholder_under_pseudocode_goes_with_it(
    name: str,
    source: str,
    reply: str,
    expected: str,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
) -> None:
    ran = run(server_env, model_server, tmp_path, name, source, reply, "pseudocode", "--lines", "2")
    assert ran.code == 0, ran.said
    assert ran.text == expected
    (request,) = model_server.requests  # no repair round was needed
    prompt = str(request.body["messages"][-1]["content"])
    placeholder = source.splitlines()[2].strip()
    assert f"and the `{placeholder}` under it with the code they describe" in prompt


async def test_in_the_editor_the_placeholder_is_in_the_action_and_kept_text_is_said(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inv.py").as_uri()
    # a comment above the definition, reworded by the model, is the user's text kept
    source = INVENTORY.replace("    return total\n", "    pass\n    return total\n").replace(
        "def total_price", "# Prices are in cents.\ndef total_price"
    )
    done = DONE.replace("def total_price", "# Prices are in cents.\ndef total_price")
    docstring = '"""Sum price times quantity over all items (dicts with "price" and "qty")."""'
    reply = (
        "```python\n# Prices are given in cents.\ndef total_price(items):\n"
        f"    {docstring}\n{BODY}    return total\n```"
    )
    model_server.enqueue(Reply(content=reply))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, source)
        (action,) = await actions_at(client, uri, (6, 7))
        assert (action.data["start"], action.data["end"]) == (6, 9)  # the comments and `pass`
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None, client.messages
        edits, _ = edits_of(resolved.edit, uri)
        assert apply_text_edits(source, edits, "utf-16") == done
        said = "kept your comment as it was; the model had reworded it"
        info = [m.message for m in client.messages if m.type == types.MessageType.Info]
        assert f"blitzls: {said}" in info
        annotations = resolved.edit.change_annotations or {}
        assert [a.label for a in annotations.values()] == [said]


# --------------------------------------------------------------------------- docstring action

LEVENSHTEIN = (
    "use std::cmp::min;\n\npub fn distance(a: &str, b: &str) -> usize {\n    a.len() + b.len()\n}\n"
)


def test_a_doc_comment_answer_that_drops_pub_keeps_the_code_as_it_was(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    doc = "/// The edit distance between `a` and `b`.\n"
    reply = fenced(doc + LEVENSHTEIN.split("\n\n")[1].replace("pub fn", "fn"), "rust")
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "lib.rs",
        LEVENSHTEIN,
        reply,
        "docstring",
        "--lines",
        "3",
    )
    assert ran.code == 0, ran.said
    assert ran.text == LEVENSHTEIN.replace("pub fn", doc + "pub fn")
    assert "kept your code as it was; the model had changed `pub fn distance(" in ran.said


def test_a_docstring_answer_that_rewrites_the_code_adds_only_the_docstring(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "def area(w, h):\n    result = w * h\n    return result\n"
    docstring = '    """The area of a w by h rectangle."""\n'
    reply = fenced("def area(w: float, h: float) -> float:\n" + docstring + "    return w * h\n")
    ran = run(
        server_env, model_server, tmp_path, "geo.py", source, reply, "docstring", "--lines", "1"
    )
    assert ran.code == 0, ran.said
    assert ran.text == source.replace("h):\n", "h):\n" + docstring)
    assert "kept your code as it was" in ran.said


def test_a_docstring_answer_without_a_docstring_is_no_change(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "def area(w, h):\n    return w * h\n"
    reply = fenced("def area(w: float, h: float) -> float:\n    return w * h\n")
    ran = run(
        server_env, model_server, tmp_path, "geo.py", source, reply, "docstring", "--lines", "1"
    )
    assert ran.code == 16, ran.said
    assert ran.text == source


# ------------------------------------------------------------- definitions the model never saw

PAGES = (
    "#[derive(Debug, PartialEq)]\n"
    "pub enum PageError {\n    Empty,\n    Backwards(u32, u32),\n}\n\n"
    "pub fn parse_range(start: u32, end: u32) -> Result<(u32, u32), PageError> {\n"
    "    Ok((start, end))\n}\n"
)


def test_a_definition_the_model_was_not_shown_stays_as_the_file_has_it(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    check = "    if start > end {\n        return Err(PageError::Backwards(start, end));\n    }\n"
    guessed = "#[derive(Debug)]\npub enum PageError {\n    Backwards(u32, u32),\n}\n\n"
    function = PAGES.split("\n\n")[1].replace("    Ok(", check + "    Ok(")
    reply = fenced(guessed + function, "rust")
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "pages.rs",
        PAGES,
        reply,
        *edit("reject backwards ranges", 8),
    )
    assert ran.code == 0, ran.said
    assert ran.text == PAGES.replace("    Ok(", check + "    Ok(")


def test_the_instruction_echoed_without_its_marker_is_removed(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "def clamp(x):\n    # ai! keep x between 0 and 1\n    return x\n"
    reply = fenced("def clamp(x):\n    # keep x between 0 and 1\n    return min(max(x, 0), 1)\n")
    ran = run(
        server_env, model_server, tmp_path, "c.py", source, reply, "instruction", "--lines", "2"
    )
    assert ran.code == 0, ran.said
    assert ran.text == "def clamp(x):\n    return min(max(x, 0), 1)\n"


# ------------------------------------------------------------------- ending the answer early

REPORT = (
    "def report(rows, width):\n"
    "    lines = []\n"
    "    for row in rows:\n"
    "        lines.append(str(row).ljust(width))\n"
    "    return '\\n'.join(lines)\n"
)


def test_a_docstring_answer_ends_once_the_model_echoes_the_body(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    docstring = '    """The rows as lines padded to width."""\n'
    # the body as the model goes on to write it, changed and far longer: none of it counts
    body = REPORT.split("\n", 1)[1].replace("str(row)", "repr(row)")
    body += "".join(f"    lines.append({n})\n" for n in range(300))
    reply = fenced("def report(rows, width):\n" + docstring + body)
    path = tmp_path / "report.py"
    path.write_text(REPORT, encoding="utf-8")
    model_server.enqueue(Reply(content=reply, chunk_delay=0.01))
    done = run_blitzls(server_env, "run", "docstring", str(path), "--write", "--lines", "1")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == REPORT.replace("width):\n", "width):\n" + docstring)
    assert model_server.wait_closed_early(1, 5.0)
    (record,) = model_server.requests
    assert not record.completed, "the stream was read to its end"


def test_annotations_end_at_the_body_and_keep_it_as_it_was(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    header = "def report(rows: list[object], width: int) -> str:\n"
    body = REPORT.split("\n", 1)[1]
    reply = fenced(header + body.replace("    lines = []", "    lines: list[str] = []"))
    path = tmp_path / "report.py"
    path.write_text(REPORT, encoding="utf-8")
    model_server.enqueue(Reply(content=reply, chunk_delay=0.02))
    done = run_blitzls(server_env, "run", "annotations", str(path), "--write", "--lines", "1")
    assert done.returncode == 0, done.stderr
    # the body's first line differs, so the answer runs to its end and the change is kept
    assert path.read_text(encoding="utf-8") == header + body.replace(
        "    lines = []", "    lines: list[str] = []"
    )


def test_a_pseudocode_answer_that_only_echoes_the_code_is_no_change(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = "def total(items):\n    # add up the prices of the items\n    return result\n"
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "t.py",
        source,
        fenced(source),
        "pseudocode",
        "--lines",
        "2",
    )
    assert ran.code == 16, ran.said
    assert ran.text == source


# ------------------------------------------------------------ the docstring given in words

MEAN = (
    "def mean(values):\n"
    '    """The arithmetic mean of ``values``;\n'
    '    0.0 for none."""\n'
    "    total = sum(values)\n"
    "    count = len(values)\n"
    "    return total / count\n"
)
MEAN_FIXED_BODY = (
    "    total = sum(values)\n    count = len(values)\n    return total / count if count else 0.0\n"
)


def prompt_of(server: ScriptedModelServer) -> str:
    (record, *_) = server.requests
    return str(record.body["messages"][-1]["content"])


@pytest.mark.parametrize(
    "answer_docstring",
    ["", '    """Mean of the values."""\n'],
    ids=["left-out", "written-anyway"],
)
def test_a_fix_is_asked_without_the_docstring_and_the_file_keeps_it(
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
    answer_docstring: str,
) -> None:
    reply = fenced("def mean(values):\n" + answer_docstring + MEAN_FIXED_BODY)
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "stats.py",
        MEAN,
        reply,
        "fix",
        "--lines",
        "5",
        "--message",
        "ZeroDivisionError: division by zero",
    )
    assert ran.code == 0, ran.said
    assert ran.text == MEAN.split("    total")[0] + MEAN_FIXED_BODY
    prompt = prompt_of(model_server)
    assert "Its docstring (not shown below; it stays as it is): " in prompt
    assert "The arithmetic mean of ``values``; 0.0 for none." in prompt
    assert "```python\ndef mean(values):\n    total = sum(values)\n" in prompt
    assert "kept your" not in ran.said  # nothing was reworded: no note about it


def test_a_docstring_action_still_shows_the_docstring(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "stats.py",
        MEAN,
        fenced(MEAN),
        "docstring",
        "--lines",
        "1",
    )
    assert ran.code == 16, ran.said  # the answer is the file: no change
    assert '    """The arithmetic mean of ``values``;\n    0.0 for none."""\n' in prompt_of(
        model_server
    )
    assert "not shown below" not in prompt_of(model_server)


def test_annotations_with_the_docstring_aside_end_at_the_body(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    header = "def mean(values: list[float]) -> float:\n"
    body = MEAN.split('none."""\n')[1]
    # the answer goes on past the body's first two lines, changed: none of that counts
    tail = "".join(f"    print({n})\n" for n in range(300))
    reply = fenced(header + body.replace("total / count", "total / max(count, 1)") + tail)
    path = tmp_path / "stats.py"
    path.write_text(MEAN, encoding="utf-8")
    model_server.enqueue(Reply(content=reply, chunk_delay=0.01))
    done = run_blitzls(server_env, "run", "annotations", str(path), "--write", "--lines", "1")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == MEAN.replace("def mean(values):\n", header)
    assert model_server.wait_closed_early(1, 5.0)
    (record,) = model_server.requests
    assert not record.completed, "the stream was read to its end"


def test_a_docstring_on_the_header_line_is_shown_as_it_is(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = 'def one(): """One."""; return 1\n'
    reply = fenced('def one(): """One."""; return 1.0\n')
    ran = run(server_env, model_server, tmp_path, "o.py", source, reply, "simplify", "--lines", "1")
    assert ran.code == 0, ran.said
    assert ran.text == 'def one(): """One."""; return 1.0\n'
    assert "not shown below" not in prompt_of(model_server)


def test_a_fix_for_the_docstring_itself_shows_it(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    fixed = MEAN.replace("``values``;", "``values``,")
    ran = run(
        server_env,
        model_server,
        tmp_path,
        "stats.py",
        MEAN,
        fenced(fixed),
        "fix",
        "--lines",
        "2",
        "--message",
        "D400 First line should not end with a semicolon",
    )
    assert ran.code == 0, ran.said
    assert ran.text == fixed
    assert "not shown below" not in prompt_of(model_server)
