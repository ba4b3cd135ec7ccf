"""Replay a recorded real-model answer through ``blitzls run``, against the scripted endpoint.

A fixture (``tests/fixtures/real_replies/*.json``) holds the file an action ran on, the action
as the CLI was given it, and the replies a real model sent, in order. Replaying runs the CLI's
own entry point in this process with the scripted OpenAI-compatible server on 127.0.0.1
answering with those replies: the real openai client, the real streaming, the real engine.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from blitzls import cli
from tests.support.scripted_model import Reply, ScriptedModelServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "real_replies"
# A repair round the recording has no answer for gets the model's last answer again: what a
# small model at temperature 0 sends back when asked the same thing once more.
MOST_REQUESTS = 2


@dataclass(frozen=True)
class Replayed:
    exit_code: int
    text: str  # the file afterwards
    error: str  # the CLI's one-line message on failure
    requests: int  # chat requests the endpoint received


def load_fixtures() -> list[dict[str, Any]]:
    return [
        {"name": path.stem, **json.loads(path.read_text(encoding="utf-8"))}
        for path in sorted(FIXTURES.glob("*.json"))
    ]


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    removed = {
        key: value
        for key, value in os.environ.items()
        if key.startswith(("BLITZLS_", "OPENAI_", "XAI_", "OPENROUTER_")) and key not in values
    }
    for key in removed:
        del os.environ[key]
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        os.environ.update(removed)


def replay(fixture: Mapping[str, Any], server: ScriptedModelServer, folder: Path) -> Replayed:
    """Run the fixture's action on a copy of its file with its replies; what happened."""
    path = folder / fixture["file"]
    path.write_text(fixture["source"], encoding="utf-8")
    server.reset()
    model = str(fixture.get("model") or "test-model")
    if server.known_models is not None and model not in server.known_models:
        server.known_models.append(model)  # the endpoint serves the model that answered
    replies = list(fixture["replies"])
    replies += replies[-1:] * (MOST_REQUESTS - len(replies))
    server.enqueue(*(Reply(content=text, chunk_chars=40) for text in replies))
    argv = ["run", fixture["action"], str(path), "--write", "--json", "--no-cache"]
    for flag in ("lines", "instruction", "message"):
        if fixture.get(flag):
            argv += [f"--{flag}", str(fixture[flag])]
    settings = {
        "BLITZLS_BASE_URL": server.url,
        "BLITZLS_MODEL": model,
        "BLITZLS_API_KEY": "sk-replay",
        "BLITZLS_CACHE_DIR": str(folder / "cache"),
        "BLITZLS_MAX_RETRIES": "0",
        "BLITZLS_TIMEOUT": "10",
        # answers recorded from the chat prompt are asked for the same way; a fixture of a
        # filled-in middle or of a started answer says so in its settings
        "BLITZLS_FILL_IN_MIDDLE": "off",
        "BLITZLS_PREFILL_ANSWER": "off",
        **{str(k): str(v) for k, v in (fixture.get("settings") or {}).items()},
    }
    out, err = io.StringIO(), io.StringIO()
    with _environment(settings), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    report = json.loads(out.getvalue().strip().splitlines()[-1]) if out.getvalue().strip() else {}
    return Replayed(
        exit_code=code,
        text=path.read_text(encoding="utf-8"),
        # the endpoint's port changes from run to run
        error=str(report.get("error", "")).replace(urlsplit(server.url).netloc, "<endpoint>"),
        requests=len(server.chat_requests),
    )
