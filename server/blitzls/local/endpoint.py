"""The embedded endpoint: the local model served by a supervised child process on loopback.

:class:`EmbeddedEndpoint` binds a listening socket on ``127.0.0.1`` at once and keeps it for its
whole life, so its URL never changes. The child (:mod:`blitzls.local.child`, llama-cpp-python's
server) is started when the first request arrives: the watcher thread sees the waiting
connection, assembles the model file if it was never assembled, and starts the child, which
inherits the socket and answers that request and all later ones. Nothing blocks the caller.

- A crash of the child (llama.cpp is native code) cannot take this process down: the request
  in flight fails, a warning is logged, and the next request starts a new child.
- A child that cannot start (bad model file, failed assembly) makes the watcher answer the
  waiting requests itself, with HTTP 503 and the reason, for :data:`RETRY_AFTER_FAILURE`
  seconds; the next request after that tries again.
- The child exits when its standard input, a pipe from this process, closes: on :meth:`stop`,
  at exit, and when this process dies in any way, so it is never orphaned.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

from blitzls.local.assemble import (
    AssemblyError,
    Progress,
    ensure_model,
    spec_for_path,
    terminal_progress,
)
from blitzls.local.registry import ModelSpec
from blitzls.model.errors import ModelError

log = logging.getLogger("blitzls.local")

RETRY_AFTER_FAILURE = 10.0  # seconds a failed start is answered from memory
STOP_GRACE = 3.0  # seconds a child gets to exit after its pipe closes, before it is killed
MAX_REQUEST_BYTES = 16 * 1024 * 1024  # what the watcher reads of a request it refuses
UNAVAILABLE_CODE = "embedded_model_unavailable"
CRASH_MEMORY = 10.0  # seconds during which a broken connection is blamed on a crash


class ChildFailed(Exception):
    """The child process exited before it was ready to serve."""


class _Stopping(Exception):
    """The endpoint was stopped while it prepared the model."""


class EmbeddedEndpoint:
    """One GGUF model behind a loopback URL, served by a child process started on demand."""

    def __init__(
        self,
        model_path: Path,
        *,
        name: str | None = None,
        n_ctx: int = 0,
        threads: int = 0,
        command: Sequence[str] | None = None,
        spec: ModelSpec | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.spec: ModelSpec | None = spec or spec_for_path(self.model_path)
        self.name = name or (self.spec.name if self.spec else self.model_path.stem)
        self.n_ctx = n_ctx
        self.threads = threads
        self._command = list(command or [sys.executable, "-m", "blitzls.local.child"])
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self._wake_read, self._wake_write = os.pipe()
        self._stopping = threading.Event()
        self._stop_lock = threading.Lock()
        self._stopped = False
        self.process: subprocess.Popen[bytes] | None = None
        self.failure: str | None = None  # why the last start failed, while it is remembered
        self._failed_at = 0.0
        self.last_exit: str | None = None  # how the last child ended unexpectedly
        self.last_exit_at = -CRASH_MEMORY  # time.monotonic() of that end
        self._killed = False  # this process killed a child that would not stop
        self.starts = 0
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self._thread = threading.Thread(target=self._watch, name="blitzls-embedded", daemon=True)
        self._thread.start()
        _alive.add(self)

    @property
    def url(self) -> str:
        """The base URL clients use, ending in /v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        """The running child's process id."""
        process = self.process
        return process.pid if process is not None and process.poll() is None else None

    def stop(self, wait: bool = True) -> None:
        """Stop the child and release the port; ``wait=False`` returns at once."""
        first = not self._stopping.is_set()
        if first:
            self._stopping.set()
            with contextlib.suppress(OSError):
                os.write(self._wake_write, b"x")
            process = self.process
            if process is not None and process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()  # the child exits when its pipe closes
        if wait:
            self._finish_stop()
        elif first:
            threading.Thread(target=self._finish_stop, name="blitzls-embedded-stop").start()

    def _finish_stop(self) -> None:
        with self._stop_lock:
            if self._stopped:
                return
            for _ in range(2):  # the watcher may start one while it is told to stop
                process = self.process
                if process is not None:
                    _end(process, STOP_GRACE, before_kill=self._mark_killed)
                self._thread.join(STOP_GRACE)
            self._listener.close()
            for fd in (self._wake_read, self._wake_write):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._stopped = True

    def _mark_killed(self) -> None:
        self._killed = True

    # -- the watcher thread ------------------------------------------------------------------

    def _watch(self) -> None:
        while self._client_waiting():
            if self.failure and time.monotonic() - self._failed_at < RETRY_AFTER_FAILURE:
                self._refuse_waiting(self.failure)
                continue
            try:
                process = self._start(self._prepare_model())
            except _Stopping:
                return
            except (AssemblyError, ChildFailed, OSError) as exc:
                if self._stopping.is_set():
                    return
                self.failure = str(exc)
                self._failed_at = time.monotonic()
                log.error("the embedded model cannot start: %s", exc)
                self._refuse_waiting(self.failure)
                continue
            self.failure = None
            code = process.wait()
            if self._stopping.is_set() and (
                code == 0 or (code == -signal.SIGKILL and self._killed)
            ):
                return  # stopped on purpose
            self.last_exit = _describe_exit(code, self._stderr_tail)
            self.last_exit_at = time.monotonic()
            log.warning(
                "the embedded model stopped unexpectedly (%s, pid %d); the next action starts "
                "it again",
                self.last_exit,
                process.pid,
            )

    def _client_waiting(self) -> bool:
        """Wait until a connection is pending (True) or the endpoint stops (False)."""
        while not self._stopping.is_set():
            try:
                listener = self._listener.fileno()
                readable, _, _ = select.select([listener, self._wake_read], [], [])
            except (OSError, ValueError):
                return False
            if listener in readable and not self._stopping.is_set():
                return True
        return False

    def _prepare_model(self) -> Path:
        """The GGUF file to serve: assembled first when it is a registry model's."""
        if self.spec is None:
            if not self.model_path.is_file():
                raise ChildFailed(f"no model file at {self.model_path}")
            return self.model_path
        spec = self.spec
        show = terminal_progress(f"assembling {spec.title} (once)")
        if show is None:
            log.info("preparing %s at %s", spec.title, self.model_path)

        def progress(done: int, total: int) -> None:
            if self._stopping.is_set():
                raise _Stopping
            if show is not None:
                show(done, total)

        started = time.perf_counter()
        path = ensure_model(spec, progress)
        log.info("%s ready at %s (%.1f s)", spec.title, path, time.perf_counter() - started)
        return path

    def _start(self, model: Path) -> subprocess.Popen[bytes]:
        """Start a child on ``model`` and wait until it serves; ChildFailed if it cannot."""
        command = [
            *self._command,
            "--fd",
            str(self._listener.fileno()),
            "--model",
            str(model),
            "--name",
            self.name,
        ]
        if self.n_ctx:
            command += ["--ctx", str(self.n_ctx)]
        if self.threads:
            command += ["--threads", str(self.threads)]
        self._stderr_tail.clear()
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(self._listener.fileno(),),
            start_new_session=True,  # a Ctrl-C in the terminal goes to blitzls, which stops it
            env=_child_environment(),
        )
        self.process = process
        self.starts += 1
        threading.Thread(
            target=self._read_stderr, args=(process,), name="blitzls-embedded-log", daemon=True
        ).start()
        if self._stopping.is_set():  # stop() may have missed this process
            _end(process, STOP_GRACE)
            raise _Stopping
        started = time.perf_counter()
        assert process.stdout is not None
        for raw in process.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            if event.get("event") == "ready":
                log.info(
                    "the embedded model %s is serving at %s (pid %d, loaded in %.1f s)",
                    self.name,
                    self.url,
                    process.pid,
                    time.perf_counter() - started,
                )
                return process
            if event.get("event") == "error":
                _end(process, STOP_GRACE)
                raise ChildFailed(f"cannot load {model.name}: {event.get('message', '')}")
        code = process.wait()
        if self._stopping.is_set():
            raise _Stopping
        raise ChildFailed(
            f"the model process ended while loading ({_describe_exit(code, self._stderr_tail)})"
        )

    def _read_stderr(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                self._stderr_tail.append(line)
                log.debug("embedded model: %s", line)

    def _refuse_waiting(self, message: str) -> None:
        """Answer every pending connection with a 503 that says why there is no model."""
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            with connection:
                _answer_unavailable(connection, message)


def _answer_unavailable(connection: socket.socket, message: str) -> None:
    """Read one HTTP request from ``connection`` and answer 503 with an OpenAI-style error."""
    connection.setblocking(True)
    connection.settimeout(2.0)
    body = json.dumps(
        {
            "error": {
                "message": message,
                "type": "server_error",
                "param": None,
                "code": UNAVAILABLE_CODE,
            }
        }
    ).encode("utf-8")
    try:
        _read_request(connection)
        connection.sendall(
            b"HTTP/1.1 503 Service Unavailable\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: %d\r\n"
            b"x-should-retry: false\r\n"
            b"Connection: close\r\n\r\n%s" % (len(body), body)
        )
    except OSError:
        pass


def _read_request(connection: socket.socket) -> None:
    """Consume the request's head and body, so the client reads the answer, not a reset."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk or len(data) > 65536:
            return
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = min(int(value.strip()), MAX_REQUEST_BYTES)
    remaining = length - len(rest)
    while remaining > 0:
        chunk = connection.recv(min(remaining, 65536))
        if not chunk:
            return
        remaining -= len(chunk)


def _end(
    process: subprocess.Popen[bytes], grace: float, before_kill: Callable[[], None] | None = None
) -> None:
    """Close its pipe, wait ``grace`` seconds for ``process`` to exit, then kill it."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        if before_kill is not None:
            before_kill()
        with contextlib.suppress(OSError):
            process.kill()
        process.wait()


def _describe_exit(code: int, stderr_tail: Sequence[str]) -> str:
    """``killed by SIGSEGV`` or ``exit status 3``, with the last line the process printed."""
    if code < 0:
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = f"exit status {code}"
    last = next((line for line in reversed(stderr_tail) if line.strip()), "")
    return f"{how}: {last[-160:]}" if last else how


def _child_environment() -> dict[str, str]:
    """This environment, with this copy of blitzls first on the child's import path."""
    import blitzls

    source = str(Path(blitzls.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


# -- one embedded endpoint per process ------------------------------------------------------

_current: EmbeddedEndpoint | None = None
_retired: list[EmbeddedEndpoint] = []
_lock = threading.Lock()
_alive: weakref.WeakSet[EmbeddedEndpoint] = weakref.WeakSet()  # every endpoint, for exit


def embedded_base_url(model_path: Path) -> str:
    """The URL of this process's endpoint for ``model_path``; returns at once.

    The child starts with the first request. Asking for another model file stops the old
    endpoint in the background (the caller does not wait) and makes a new one.
    """
    global _current
    with _lock:
        path = Path(model_path)
        if _current is not None and _current.model_path != path:
            _current.stop(wait=False)
            _retired.append(_current)
            _current = None
        if _current is None:
            _current = EmbeddedEndpoint(path)
        return _current.url


def current_endpoint() -> EmbeddedEndpoint | None:
    """This process's endpoint, if one was made."""
    return _current


def explain_failure(error: ModelError, wait: float = 0.5) -> ModelError:
    """``error`` restated when it happened because the embedded model's process died.

    A broken connection to the embedded endpoint reads "the connection to 127.0.0.1:40123
    broke mid-answer"; when the child crashed, this returns "the embedded model crashed
    (killed by SIGSEGV) while answering; the next action starts it again" instead. Waits up to
    ``wait`` seconds for the watcher to notice the exit. Other errors come back unchanged.
    """
    endpoint = _current
    if error.kind != "connection" or endpoint is None:
        return error
    deadline = time.monotonic() + wait
    while time.monotonic() - endpoint.last_exit_at > CRASH_MEMORY:
        if time.monotonic() >= deadline:
            return error
        time.sleep(0.02)
    return ModelError(
        "connection",
        f"the embedded model crashed ({endpoint.last_exit}) while answering; the next action "
        "starts it again",
    )


def stop_embedded(wait: bool = True) -> None:
    """Stop this process's endpoint (and any being retired), waiting for them by default."""
    global _current
    with _lock:
        endpoints = [e for e in (_current, *_retired) if e is not None]
        _current = None
        _retired.clear()
    for endpoint in endpoints:
        endpoint.stop(wait=wait)


def _at_exit() -> None:
    stop_embedded(wait=False)
    for endpoint in list(_alive):
        endpoint.stop(wait=True)


import atexit  # noqa: E402 - registered once, when the first endpoint module import happens

atexit.register(_at_exit)

__all__ = [
    "ChildFailed",
    "EmbeddedEndpoint",
    "Progress",
    "current_endpoint",
    "embedded_base_url",
    "explain_failure",
    "stop_embedded",
]
