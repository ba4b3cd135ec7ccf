"""A stand-in for ``blitzls.local.child``: same command line, same status lines, no llama.cpp.

It serves the scripted OpenAI-compatible endpoint (:mod:`tests.support.scripted_model`) on the
listening socket it inherits, and exits when its standard input closes, exactly like the real
child. The "model file" it is given is JSON that says how to behave::

    {"load": "ok" | "error" | "exit", "load_seconds": 0.2, "reply": "...", "tps": 20,
     "ignore_stdin": false}

``error`` reports a load error and exits 1; ``exit`` dies with status 3 before saying anything.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.scripted_model import Reply, ScriptedModelServer, _Handler, _HTTPServer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--ctx", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    def watch() -> None:
        while os.read(0, 4096):
            pass
        os._exit(0)

    plan: dict[str, Any] = json.loads(args.model.read_text(encoding="utf-8"))
    if not plan.get("ignore_stdin"):  # a stubborn child must be killed
        threading.Thread(target=watch, daemon=True).start()
    time.sleep(float(plan.get("load_seconds", 0.0)))
    if plan.get("load") == "exit":
        print("stand-in: dying while loading", file=sys.stderr, flush=True)
        return 3
    if plan.get("load") == "error":
        print(json.dumps({"event": "error", "message": "bad magic"}), flush=True)
        return 1
    content = str(plan.get("reply", "```python\npass\n```\n"))
    tps = plan.get("tps")
    server = ScriptedModelServer(
        responder=lambda body: Reply(content=content, chunk_chars=4, tokens_per_second=tps),
        known_models=None,
    )
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler, bind_and_activate=False)
    httpd.socket.close()
    httpd.socket = socket.socket(fileno=args.fd)
    httpd.socket.setblocking(True)
    httpd.owner = server
    print(json.dumps({"event": "ready", "pid": os.getpid()}), flush=True)
    httpd.serve_forever(poll_interval=0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main())
