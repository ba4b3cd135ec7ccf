"""The embedded endpoint's supervision: start on demand, crash and restart, refusal, no orphans.

The child is a stand-in (tests/support/stand_in_child.py) with the real child's command line
and status lines, serving the scripted OpenAI-compatible endpoint on the inherited socket;
the supervision, the sockets, the pipes and the signals are real. The real model runs in
tests/e2e/test_local_model.py.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from blitzls.local import endpoint as endpoint_module
from blitzls.local.assemble import target_path
from blitzls.local.endpoint import RETRY_AFTER_FAILURE, UNAVAILABLE_CODE, EmbeddedEndpoint
from tests.unit.test_local_assembly import CHUNKS, make_parts, spec_for

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = [sys.executable, "-m", "tests.support.stand_in_child"]
CODE = "```python\nx = 1\n```\n"


def plan(tmp_path: Path, name: str = "model.gguf", **behaviour: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"load": "ok", "reply": CODE, **behaviour}), encoding="utf-8")
    return path


@pytest.fixture
def endpoints() -> Iterator[list[EmbeddedEndpoint]]:
    made: list[EmbeddedEndpoint] = []
    yield made
    for endpoint in made:
        endpoint.stop()


def start(made: list[EmbeddedEndpoint], model: Path, **options: Any) -> EmbeddedEndpoint:
    endpoint = EmbeddedEndpoint(model, command=STAND_IN, **options)
    made.append(endpoint)
    return endpoint


def client(endpoint: EmbeddedEndpoint) -> openai.OpenAI:
    return openai.OpenAI(base_url=endpoint.url, api_key="blitzls-local", max_retries=0, timeout=20)


def ask(endpoint: EmbeddedEndpoint) -> str:
    with client(endpoint) as c:
        reply = c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], max_tokens=50
        )
    return reply.choices[0].message.content or ""


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_url_is_ready_at_once_and_the_child_starts_with_the_first_request(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path
) -> None:
    started = time.perf_counter()
    endpoint = start(endpoints, plan(tmp_path, load_seconds=0.5))
    assert time.perf_counter() - started < 0.2
    assert endpoint.url == f"http://127.0.0.1:{endpoint.port}/v1"
    time.sleep(0.3)
    assert endpoint.pid is None and endpoint.starts == 0  # nothing runs until asked
    assert ask(endpoint) == CODE  # waited in the backlog while the child loaded
    assert endpoint.pid is not None and endpoint.starts == 1
    assert ask(endpoint) == CODE and endpoint.starts == 1


def test_a_child_killed_mid_answer_fails_that_request_and_the_next_one_restarts_it(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    endpoint = start(endpoints, plan(tmp_path, reply="x = 1\n" * 200, tps=20))
    with client(endpoint) as c:
        stream = c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        first = next(iter(stream))
        assert first is not None
        pid = endpoint.pid
        assert pid is not None
        with caplog.at_level(logging.WARNING, logger="blitzls.local"):
            os.kill(pid, signal.SIGSEGV)
            with pytest.raises(openai.APIConnectionError):
                for _ in stream:
                    pass
            assert wait_gone(pid)
            deadline = time.monotonic() + 30  # a loaded machine reaps slowly
            while endpoint.last_exit is None and time.monotonic() < deadline:
                time.sleep(0.05)
    assert endpoint.last_exit is not None and "killed by SIGSEGV" in endpoint.last_exit
    assert any("killed by SIGSEGV" in r.getMessage() for r in caplog.records)
    assert "next action starts it again" in caplog.text
    assert ask(endpoint).startswith("x = 1") and endpoint.starts == 2
    assert endpoint.pid not in (None, pid)


def test_a_child_that_cannot_load_is_reported_by_a_503_and_not_retried_at_once(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path
) -> None:
    endpoint = start(endpoints, plan(tmp_path, load="error"))
    with pytest.raises(openai.InternalServerError) as caught:
        ask(endpoint)
    assert caught.value.status_code == 503
    assert caught.value.response.headers["x-should-retry"] == "false"
    error = caught.value.body
    assert isinstance(error, dict) and error["code"] == UNAVAILABLE_CODE
    assert error["message"] == "cannot load model.gguf: bad magic"
    started = time.perf_counter()
    with pytest.raises(openai.InternalServerError, match="bad magic"):
        ask(endpoint)
    assert time.perf_counter() - started < 1.0 and endpoint.starts == 1  # remembered
    assert RETRY_AFTER_FAILURE >= 5


def test_a_child_that_dies_while_loading_is_reported_with_its_last_words(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path
) -> None:
    endpoint = start(endpoints, plan(tmp_path, load="exit"))
    with pytest.raises(openai.InternalServerError) as caught:
        ask(endpoint)
    message = str(caught.value.body and caught.value.body["message"])  # type: ignore[index]
    assert message == (
        "the model process ended while loading (exit status 3: stand-in: dying while loading)"
    )


def test_a_missing_model_file_is_reported_without_starting_a_child(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path
) -> None:
    endpoint = start(endpoints, tmp_path / "gone.gguf")
    with pytest.raises(openai.InternalServerError, match="no model file at"):
        ask(endpoint)
    assert endpoint.starts == 0


def test_a_registry_model_is_assembled_on_first_use_then_served(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    behaviour = json.dumps({"load": "ok", "reply": CODE}).encode()
    chunks = [behaviour[:10], behaviour[10:]]  # the "GGUF" is the stand-in's plan
    site.mkdir()
    make_parts(site, "served", chunks)
    importlib.invalidate_caches()
    spec = spec_for("served", chunks)
    endpoint = start(endpoints, target_path(spec), spec=spec)
    assert not target_path(spec).exists()
    assert ask(endpoint) == CODE
    assert target_path(spec).read_bytes() == behaviour


def test_a_model_that_fails_verification_is_refused_with_the_reason(
    endpoints: list[EmbeddedEndpoint], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    make_parts(site, "tampered", CHUNKS)
    importlib.invalidate_caches()
    spec = spec_for("tampered", CHUNKS, sha256=hashlib.sha256(b"other").hexdigest())
    endpoint = start(endpoints, target_path(spec), spec=spec)
    with pytest.raises(openai.InternalServerError, match="is not the published file"):
        ask(endpoint)
    assert endpoint.starts == 0 and not target_path(spec).exists()


def test_stopping_without_waiting_returns_at_once_and_still_ends_a_stubborn_child(
    tmp_path: Path,
) -> None:
    endpoint = EmbeddedEndpoint(plan(tmp_path, ignore_stdin=True), command=STAND_IN)
    assert ask(endpoint) == CODE
    pid = endpoint.pid
    assert pid is not None
    started = time.perf_counter()
    endpoint.stop(wait=False)
    assert time.perf_counter() - started < 0.1
    assert alive(pid)  # it ignores its closed pipe...
    assert wait_gone(pid, endpoint_module.STOP_GRACE + 5)  # ...so it is killed after the grace


def test_switching_the_model_file_does_not_wait_for_the_old_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoint_module, "EmbeddedEndpoint", _StandInEndpoint)
    first = plan(tmp_path, "a.gguf", ignore_stdin=True)
    second = plan(tmp_path, "b.gguf")
    try:
        url = endpoint_module.embedded_base_url(first)
        old = endpoint_module.current_endpoint()
        assert old is not None and ask(old) == CODE and old.pid is not None
        pid = old.pid
        started = time.perf_counter()
        other = endpoint_module.embedded_base_url(second)
        assert time.perf_counter() - started < 0.1  # the old child takes 3 s to be killed
        assert other != url and endpoint_module.embedded_base_url(second) == other
        current = endpoint_module.current_endpoint()
        assert current is not None and ask(current) == CODE
        assert wait_gone(pid, endpoint_module.STOP_GRACE + 5)
    finally:
        endpoint_module.stop_embedded()
    assert endpoint_module.current_endpoint() is None


class _StandInEndpoint(EmbeddedEndpoint):
    def __init__(self, model_path: Path, **options: Any) -> None:
        super().__init__(model_path, command=STAND_IN, **options)


ORPHAN_PARENT = """
import sys, time, urllib.request, json
sys.path[:0] = [{server!r}, {root!r}]
from pathlib import Path
from blitzls.local.endpoint import EmbeddedEndpoint
endpoint = EmbeddedEndpoint(Path({model!r}), command={command!r})
body = json.dumps({{"model": "m", "messages": [{{"role": "user", "content": "hi"}}]}}).encode()
request = urllib.request.Request(endpoint.url + "/chat/completions", body,
                                 {{"Content-Type": "application/json"}})
urllib.request.urlopen(request, timeout=20).read()
print(endpoint.pid, flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_child_never_outlives_its_parent(tmp_path: Path, how: signal.Signals) -> None:
    script = ORPHAN_PARENT.format(
        server=str(ROOT / "server"), root=str(ROOT), model=str(plan(tmp_path)), command=STAND_IN
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.send_signal(how)
    parent.wait(10)
    assert wait_gone(child, 5), f"the child {child} outlived its parent ({how.name})"


def test_a_normal_exit_stops_the_child(tmp_path: Path) -> None:
    script = ORPHAN_PARENT.format(
        server=str(ROOT / "server"), root=str(ROOT), model=str(plan(tmp_path)), command=STAND_IN
    ).replace("time.sleep(120)", "sys.exit(0)")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=30
    )
    child = int(done.stdout)
    assert wait_gone(child, 1)


def test_a_broken_connection_is_explained_as_a_crash_only_after_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blitzls.model.errors import ModelError

    monkeypatch.setattr(endpoint_module, "EmbeddedEndpoint", _StandInEndpoint)
    broken = ModelError("connection", "the connection to 127.0.0.1:1 broke mid-answer")
    try:
        endpoint_module.embedded_base_url(plan(tmp_path, reply="x = 1\n" * 200, tps=20))
        endpoint = endpoint_module.current_endpoint()
        assert endpoint is not None and ask(endpoint).startswith("x = 1")
        assert endpoint_module.explain_failure(broken, wait=0.1) is broken  # no crash yet
        timeout = ModelError("timeout", "127.0.0.1:1 timed out")
        pid = endpoint.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        explained = endpoint_module.explain_failure(broken, wait=5)
        assert explained.kind == "connection"
        assert str(explained) == (
            "the embedded model crashed (killed by SIGKILL) while answering; the next action "
            "starts it again"
        )
        assert endpoint_module.explain_failure(timeout) is timeout
    finally:
        endpoint_module.stop_embedded()


def test_generation_uses_half_the_cores_unless_told() -> None:
    from blitzls.local.child import cpu_threads, thread_counts

    cores = cpu_threads()
    assert thread_counts() == (max(cores // 2, 1), cores)
    assert thread_counts(3) == (3, 3)
