"""``modelClass`` decides what 'auto' means, whatever the endpoint's address: a proxy on this
machine (LiteLLM, or the quality benchmark's recorder) in front of a hosted model gets what a
hosted model gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli_run import blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer

# A 45-line function: over the 40 lines above which capable models answer in SEARCH/REPLACE.
LONG = (
    '"""Reports — Grüße 😀."""\n\n\n'
    "def report(rows):\n"
    + "".join(f"    value_{n} = rows[{n}]  # é\n" for n in range(43))
    + "    return value_0\n"
)
FIX = "<<<<<<< SEARCH\n    return value_0\n=======\n    return value_1\n>>>>>>> REPLACE\n"
REWRITE = "```python\n" + LONG.split("\n\n\n", 1)[1].replace("return value_0", "return value_1")


def prompt(server: ScriptedModelServer) -> str:
    (request,) = server.requests
    return str(request.body["messages"][-1]["content"])


@pytest.mark.parametrize(
    ("model_class", "reply", "capable"),
    [
        ("auto", REWRITE + "```\n", False),
        ("small", REWRITE + "```\n", False),
        ("capable", FIX, True),
    ],
)
def test_model_class_sets_context_and_reply_format_on_a_loopback_endpoint(
    model_class: str,
    reply: str,
    capable: bool,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.py"
    path.write_text(LONG, encoding="utf-8")
    model_server.enqueue(Reply(content=reply))
    env = {**server_env, "BLITZLS_MODEL_CLASS": model_class}
    done = blitzls(
        env,
        "run",
        "edit",
        str(path),
        "--lines",
        "4-48",
        "--instruction",
        "return value_1",
        "--write",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    sent = prompt(model_server)
    assert ("The file report.py:" in sent) is capable
    assert ("<<<<<<< SEARCH" in sent) is capable
    assert path.read_text(encoding="utf-8") == LONG.replace("return value_0", "return value_1")
