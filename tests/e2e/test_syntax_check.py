"""``blitzls run … --write`` refuses an edit that breaks the syntax, in every checked language.

The real CLI against the scripted model: the reply is a SEARCH/REPLACE block for one line of
a function long enough to be edited by blocks. A reply that breaks the syntax is sent back
once for repair, then refused (exit code 10, file untouched); a correct one lands, also in a
file that already has a syntax error somewhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.test_cli_run import blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer

EXIT_BAD_REPLY = 10


@dataclass(frozen=True)
class Case:
    suffix: str
    source: str
    target: str  # the line of the first function that the replies rewrite
    good: str
    bad: str
    elsewhere: tuple[str, str]  # a syntax error in the second function

    def reply(self, new_line: str) -> str:
        return f"<<<<<<< SEARCH\n{self.target}\n=======\n{new_line}\n>>>>>>> REPLACE"

    def second(self) -> int:
        """The 1-based line where the second function starts."""
        lines = self.source.splitlines()
        return next(i for i, line in enumerate(lines) if self.elsewhere[0] in line) + 1

    def line(self) -> int:
        """The 1-based line of ``target``."""
        return self.source.splitlines().index(self.target) + 1


CASES = {
    "python": Case(
        ".py",
        "def total(items):\n    result = 0\n    for item in items:\n"
        "        if item is None:\n            continue\n        result += item\n"
        "    if result < 0:\n        result = 0\n    result = round(result, 2)\n"
        "    return result\n\n\ndef label(name):\n    return 'name: ' + name\n",
        "        result += item",
        "        result += item * 2",
        "        result += (item * 2",
        ("def label(name):", "def label(name:"),
    ),
    "javascript": Case(
        ".js",
        "export function total(items) {\n  let result = 0;\n  for (const item of items) {\n"
        "    if (item === null) {\n      continue;\n    }\n    result += item;\n  }\n"
        "  if (result < 0) {\n    result = 0;\n  }\n  return result;\n}\n\n"
        "export function label(name) {\n  return `name: ${name}`;\n}\n",
        "    result += item;",
        "    result += item * 2;",
        "    result += (item * 2;",
        ("export function label(name) {", "export function label(name {"),
    ),
    "typescript": Case(
        ".ts",
        "export function total(items: number[]): number {\n  let result = 0;\n"
        "  for (const item of items) {\n    if (item < 0) {\n      continue;\n    }\n"
        "    result += item;\n  }\n  if (result > 100) {\n    result = 100;\n  }\n"
        "  return result;\n}\n\nexport function label(name: string): string {\n"
        "  return `name: ${name}`;\n}\n",
        "    result += item;",
        "    result += item as number;",
        "    result += item as;",
        ("label(name: string): string {", "label(name: string: string {"),
    ),
    "go": Case(
        ".go",
        "package totals\n\nfunc Total(items []int) int {\n\tresult := 0\n"
        "\tfor _, item := range items {\n\t\tif item < 0 {\n\t\t\tcontinue\n\t\t}\n"
        "\t\tresult += item\n\t}\n\tif result > 100 {\n\t\tresult = 100\n\t}\n"
        '\treturn result\n}\n\nfunc Label(name string) string {\n\treturn "name: " + name\n}\n',
        "\t\tresult += item",
        "\t\tresult += item * 2",
        "\t\tresult += item * 2 {",
        ("func Label(name string) string {", "func Label(name string string {"),
    ),
    "rust": Case(
        ".rs",
        "pub fn total(items: &[i32]) -> i32 {\n    let mut result = 0;\n    for item in items {\n"
        "        if *item < 0 {\n            continue;\n        }\n        result += item;\n"
        "    }\n    if result > 100 {\n        result = 100;\n    }\n    result\n}\n\n"
        'pub fn label(name: &str) -> String {\n    format!("name: {}", name)\n}\n',
        "        result += item;",
        "        result += item * 2;",
        "        result += item * 2;}",
        ("pub fn label(name: &str) -> String {", "pub fn label(name: &str -> String {"),
    ),
}


def _file(tmp_path: Path, case: Case, text: str) -> Path:
    path = tmp_path / f"totals{case.suffix}"
    path.write_text(text, encoding="utf-8")
    return path


def _edit(
    env: dict[str, str], path: Path, case: Case, instruction: str = "double each item"
) -> tuple[int, str]:
    done = blitzls(
        env, "run", "edit", str(path), "--lines", str(case.line()), "--instruction",
        instruction, "--write",
    )  # fmt: skip
    return done.returncode, done.stderr


@pytest.mark.parametrize("language", sorted(CASES))
def test_an_edit_that_breaks_the_syntax_is_refused(
    language: str, tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    case = CASES[language]
    path = _file(tmp_path, case, case.source)
    bad = Reply(content=case.reply(case.bad))
    model_server.enqueue(bad, bad)
    code, stderr = _edit(server_env, path, case)
    assert code == EXIT_BAD_REPLY, stderr
    found = re.search(r"syntax error \(line (\d+): ", stderr)
    assert found is not None, stderr
    assert case.line() <= int(found.group(1)) < case.second(), stderr  # in the edited function
    assert path.read_text(encoding="utf-8") == case.source
    assert model_server.request_count == 2  # one repair round, also refused
    repair = model_server.requests[1].body["messages"][-1]["content"]
    assert "syntax error" in repair


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_correct_edit_lands_even_beside_an_old_error(
    language: str, tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    case = CASES[language]
    # each step must reach the model (with only the function sent, steps 1 and 2 would share
    # a cache entry)
    server_env = {**server_env, "BLITZLS_CACHE": "false"}
    path = _file(tmp_path, case, case.source)
    model_server.enqueue(Reply(content=case.reply(case.good)))
    code, stderr = _edit(server_env, path, case)
    assert code == 0, stderr
    assert path.read_text(encoding="utf-8") == case.source.replace(case.target, case.good)

    broken = case.source.replace(*case.elsewhere)  # the second function does not parse
    path = _file(tmp_path, case, broken)
    model_server.enqueue(Reply(content=case.reply(case.good)))
    code, stderr = _edit(server_env, path, case)
    assert code == 0, stderr
    assert path.read_text(encoding="utf-8") == broken.replace(case.target, case.good)
    assert model_server.pending == 0  # every reply was asked for

    path = _file(tmp_path, case, broken)
    bad = Reply(content=case.reply(case.bad))
    model_server.enqueue(bad, bad)  # an error of its own is still refused
    code, stderr = _edit(server_env, path, case, "double each item, again")
    assert code == EXIT_BAD_REPLY, stderr
    assert "syntax error" in stderr, stderr
    assert path.read_text(encoding="utf-8") == broken
    assert model_server.pending == 0  # every reply was asked for
