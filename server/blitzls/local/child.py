"""The embedded model's own process: llama-cpp-python's OpenAI-compatible server on one GGUF.

``python -m blitzls.local.child --fd N --model PATH`` is what :mod:`blitzls.local.endpoint`
starts: it serves on a listening socket the parent bound and handed over (so the URL never
changes, and requests made while the model loads simply wait), reports ``{"event": "ready"}``
or ``{"event": "error", ...}`` as JSON lines on standard output, and exits as soon as its
standard input (a pipe from the parent) reaches its end -- when the parent stops it, exits, or
is killed -- so it can never outlive the process that started it.

``blitzls local-server`` runs :func:`serve` in the foreground on a host and port.
Nothing here is imported by the language server itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from blitzls.local import DEFAULT_N_CTX


def cpu_threads() -> int:
    """The CPUs this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return max(os.cpu_count() or 1, 1)


def thread_counts(threads: int = 0) -> tuple[int, int]:
    """(threads generating, threads reading the prompt): ``threads`` for both when given.

    By default the prompt is read with every core and the answer generated with half of
    them: generating one token at a time makes llama.cpp's threads wait for each other, and
    when another program keeps a core busy that wait stalls everything (measured on 2 busy
    cores with Qwen2.5-Coder-1.5B: 0.3 tokens/s with 2 threads, 3.0 with 1).
    """
    if threads > 0:
        return threads, threads
    cores = cpu_threads()
    return max(cores // 2, 1), cores


def build_app(model: Path, name: str, *, n_ctx: int, threads: int = 0) -> Any:
    """llama-cpp-python's FastAPI app with the model loaded (this takes a few seconds)."""
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    generating, reading = thread_counts(threads)
    model_settings = ModelSettings(
        model=str(model),
        model_alias=name,
        n_ctx=n_ctx,
        n_threads=generating,
        n_threads_batch=reading,
        # Logits only for the last token: the server's default keeps them for every prompt
        # token, which costs n_ctx x vocabulary floats (5 GB for Qwen at 8192) and time.
        logits_all=False,
        use_mlock=False,  # the default locks the whole model in memory where it may
        chat_format=None,  # the chat template stored in the GGUF file
        verbose=False,
    )
    # Requests wait their turn instead of cutting the running answer short.
    server_settings = ServerSettings(interrupt_requests=False)
    app = create_app(server_settings=server_settings, model_settings=[model_settings])
    return ZeroTemperatureByDefault(app)


class ZeroTemperatureByDefault:
    """ASGI wrapper: a chat or text completion request that names no temperature is sampled
    at 0.

    The library's default is 0.8; blitzls caches answers and expects the same request to get
    the same answer, as it did from the endpoint blitzls used to ship.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or not str(scope.get("path", "")).endswith("/completions")
        ):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left before sending its request
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        body = with_default_temperature(body)
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()  # from here on: the client's disconnect
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay, send)


def with_default_temperature(body: bytes) -> bytes:
    """The request body with ``"temperature": 0`` added when it names none."""
    try:
        request = json.loads(body)
    except ValueError:
        return body  # the library answers with its own error
    if not isinstance(request, dict) or request.get("temperature") is not None:
        return body
    request["temperature"] = 0.0
    return json.dumps(request).encode("utf-8")


def serve(
    listener: socket.socket,
    model: Path,
    name: str,
    *,
    n_ctx: int = DEFAULT_N_CTX,
    threads: int = 0,
    access_log: bool = False,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Load the model, then answer on ``listener`` until stopped. Raises if loading fails."""
    app = build_app(model, name, n_ctx=n_ctx, threads=threads)
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level="info" if access_log else "warning",
        access_log=access_log,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    if on_ready is not None:
        on_ready()
    asyncio.run(uvicorn.Server(config).serve(sockets=[listener]))


def _exit_when_parent_goes(fd: int) -> None:
    """End this process as soon as ``fd`` (a pipe from the parent) reaches its end."""

    def watch() -> None:
        try:
            while os.read(fd, 4096):  # the raw descriptor: no buffer lock held at shutdown
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="blitzls-parent-watch", daemon=True).start()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blitzls.local.child", description=__doc__)
    parser.add_argument("--fd", type=int, required=True, help="the listening socket")
    parser.add_argument("--model", type=Path, required=True, help="the GGUF file")
    parser.add_argument("--name", required=True, help="the model id to report")
    parser.add_argument("--ctx", type=int, default=DEFAULT_N_CTX)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    _exit_when_parent_goes(sys.stdin.fileno())
    # Status lines go to a private copy of standard output; the library's own prints (it
    # prints "disconnected" whenever a client hangs up) go to standard error.
    status = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr

    def report(event: str, **fields: Any) -> None:
        status.write(json.dumps({"event": event, **fields}) + "\n")

    listener = socket.socket(fileno=args.fd)
    try:
        serve(
            listener,
            args.model,
            args.name,
            n_ctx=args.ctx,
            threads=args.threads,
            on_ready=lambda: report("ready", pid=os.getpid()),
        )
    except Exception as exc:
        report("error", message=f"{type(exc).__name__}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
