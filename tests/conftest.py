"""Shared fixtures: the scripted model endpoint and the environment the real server runs in."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.required import (  # noqa: F401 - the hooks that make required tests run
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_makereport,
)
from tests.support.scripted_model import ScriptedModelServer

ROOT = Path(__file__).resolve().parent.parent
TEST_KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def model_server() -> Iterator[ScriptedModelServer]:
    """A scripted OpenAI-compatible endpoint on loopback."""
    server = ScriptedModelServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def clean_environment() -> dict[str, str]:
    """This process's environment without any model configuration a developer may have set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BLITZLS_", "OPENAI_", "XAI_", "OPENROUTER_"))
    }
    source = str(ROOT / "server")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def server_env(model_server: ScriptedModelServer, tmp_path: Path) -> dict[str, str]:
    """Environment for a blitzls process that talks to the scripted endpoint."""
    env = clean_environment()
    env.update(
        BLITZLS_BASE_URL=model_server.url,
        BLITZLS_MODEL="grok-code-fast-1",
        BLITZLS_API_KEY=TEST_KEY,
        BLITZLS_CACHE_DIR=str(tmp_path / "cache"),
        BLITZLS_MAX_RETRIES="0",
        BLITZLS_TIMEOUT="10",
    )
    return env


SERVER_COMMAND = [sys.executable, "-m", "blitzls", "serve"]
CLI_COMMAND = [sys.executable, "-m", "blitzls"]
