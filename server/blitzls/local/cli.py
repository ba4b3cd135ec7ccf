"""``blitzls local-server``: serve the local model on loopback in the foreground.

It is llama-cpp-python's own OpenAI-compatible server, run on the embedded model (assembled
first if needed, with progress on the terminal) or on any GGUF file.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence

from blitzls.local import (
    DEFAULT_N_CTX,
    MODEL_ENV,
    find_model,
    model_name_for,
    registry_spec,
    unavailable_reason,
)
from blitzls.local.registry import EMBEDDED_MODEL

DEFAULT_PORT = 8012


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``local-server`` flags."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0 picks a free one)"
    )
    parser.add_argument(
        "--model",
        metavar="PATH_OR_NAME",
        default=None,
        help=f"a GGUF file or a known model name (env {MODEL_ENV}; default: {EMBEDDED_MODEL})",
    )
    parser.add_argument(
        "--ctx", type=int, default=DEFAULT_N_CTX, help=f"context size in tokens ({DEFAULT_N_CTX})"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="CPU threads (default: every core reads the prompt, half of them generate)",
    )


def main(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C. Prints the base URL on the first line of stdout."""
    setting = args.model if args.model is not None else os.environ.get(MODEL_ENV, "")
    reason = unavailable_reason(setting)
    model = find_model(setting)
    if reason is not None or model is None:
        print(f"blitzls: {reason or 'no local model'}", file=sys.stderr)
        return 2
    spec = registry_spec(setting)
    if spec is not None:
        from blitzls.local.assemble import AssemblyError, ensure_model, terminal_progress

        try:
            model = ensure_model(spec, terminal_progress(f"assembling {spec.title} (once)"))
        except AssemblyError as exc:
            print(f"blitzls: {exc}", file=sys.stderr)
            return 1
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"blitzls: warning: listening on {args.host}: anyone who can reach it can use the "
            "model (there is no authentication)",
            file=sys.stderr,
        )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    try:
        listener = socket.create_server((args.host, args.port), family=family, backlog=64)
    except OSError as exc:
        print(
            f"blitzls: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    host, port = listener.getsockname()[:2]
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/v1"
    print(url, flush=True)
    sys.stdout = sys.stderr  # the library prints a line whenever a client hangs up
    name = model_name_for(model)
    print(f"blitzls: loading {name} ({model}); Ctrl-C stops", file=sys.stderr, flush=True)

    def ready() -> None:
        print(f"blitzls: model loaded; try BLITZLS_BASE_URL={url}", file=sys.stderr, flush=True)

    from blitzls.local.child import serve

    try:
        serve(
            listener,
            model,
            name,
            n_ctx=args.ctx,
            threads=args.threads or 0,
            access_log=True,
            on_ready=ready,
        )
    except KeyboardInterrupt:
        print("blitzls: stopping", file=sys.stderr)
    except Exception as exc:
        print(f"blitzls: cannot load {model}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        listener.close()
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    """``python -m blitzls.local.cli``: the same command without the main CLI."""
    parser = argparse.ArgumentParser(prog="blitzls local-server", description=__doc__)
    add_arguments(parser)
    return main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(run())
