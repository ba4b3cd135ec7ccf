"""``blitzls local-server``: serve the local model on loopback in the foreground."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence

from blitzls.local import MODEL_ENV, find_model, unavailable_reason
from blitzls.local.generation import DEFAULT_N_CTX

DEFAULT_PORT = 8012


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``local-server`` flags."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0 picks a free one)"
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        default=None,
        help=f"a GGUF model file (env {MODEL_ENV}; default: the bundled SmolLM2-135M-Instruct)",
    )
    parser.add_argument(
        "--ctx", type=int, default=DEFAULT_N_CTX, help=f"context size in tokens ({DEFAULT_N_CTX})"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="CPU threads (default: all cores read the prompt, half of them generate)",
    )


def main(args: argparse.Namespace) -> int:
    """Run the endpoint until Ctrl-C. Prints the base URL on the first line of stdout."""
    setting = args.model if args.model is not None else os.environ.get(MODEL_ENV, "")
    reason = unavailable_reason(setting)
    model = find_model(setting)
    if reason is not None or model is None:
        print(f"blitzls: {reason or 'no local model'}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"blitzls: warning: listening on {args.host}: anyone who can reach it can use the "
            "model (there is no authentication)",
            file=sys.stderr,
        )
    import logging

    from blitzls.local.endpoint import LocalEndpoint

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("blitzls: %(message)s"))
    local_log = logging.getLogger("blitzls.local")
    local_log.addHandler(handler)
    local_log.setLevel(logging.INFO)
    local_log.propagate = False

    endpoint = LocalEndpoint(
        model, host=args.host, port=args.port, n_ctx=args.ctx, threads=args.threads
    )
    try:
        url = endpoint.start()
    except OSError as exc:
        print(
            f"blitzls: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    print(url, flush=True)
    print(f"blitzls: serving {endpoint.model_name} ({model}); Ctrl-C stops", file=sys.stderr)
    try:
        endpoint.wait_loaded()
        if endpoint.load_error:
            print(f"blitzls: cannot load {model}: {endpoint.load_error}", file=sys.stderr)
            return 1
        print(f"blitzls: model loaded; try BLITZLS_BASE_URL={url}", file=sys.stderr, flush=True)
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        print("blitzls: stopping", file=sys.stderr)
    finally:
        endpoint.stop(timeout=5.0)
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    """``python -m blitzls.local.cli``: the same command without the main CLI."""
    parser = argparse.ArgumentParser(prog="blitzls local-server", description=__doc__)
    add_arguments(parser)
    return main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(run())
