"""``blitzls run``: one action on one file, printed as a diff, written in place, or as JSON."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from blitzls.actions import BUILTIN_ACTIONS, find_action
from blitzls.config import Settings
from blitzls.engine import Engine, Outcome, Snapshot
from blitzls.model.errors import ModelError
from blitzls.replies.extract import ReplyError
from blitzls.targets import parse_line_spec
from blitzls.text.comments import comment_block_around, language_from_path, line_comment_prefixes
from blitzls.text.document import TextDocument
from blitzls.text.edits import minimal_edits

EXIT_USAGE = 2
EXIT_BAD_REPLY = 10
EXIT_FILE_CHANGED = 12


class RunError(Exception):
    """A failure with a one-line message and an exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


async def run_action(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``args.action`` on ``args.file``; print the result; return the exit code."""
    engine = Engine(settings, use_cache=not args.no_cache)
    try:
        result = await _run(args, engine)
    except RunError as exc:
        return _fail(args, str(exc), exc.exit_code)
    except ModelError as exc:
        return _fail(args, str(exc), exc.exit_code)
    except ReplyError as exc:
        return _fail(args, f"unusable reply: {exc}", EXIT_BAD_REPLY)
    finally:
        await engine.aclose()
    _report(args, result)
    return 0


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    print(f"blitzls: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps({"ok": False, "error": message, "exit_code": code}))
    return code


async def _run(args: argparse.Namespace, engine: Engine) -> dict[str, Any]:
    started = time.perf_counter()
    action = find_action(args.action)
    if action is None:
        known = ", ".join(sorted(BUILTIN_ACTIONS))
        raise RunError(f"unknown action {args.action!r} (known: {known})", EXIT_USAGE)
    path = Path(args.file)
    original = _read(path)
    text = _decode(path, original)
    doc = TextDocument(
        path.as_uri() if path.is_absolute() else str(path), text, 0, language_from_path(str(path))
    )
    start, end = _target_lines(args.lines, doc)
    snapshot = Snapshot(tuple(doc.lines), 0, doc.language_id, path.name)
    outcome = await engine.run(action, snapshot, start, end)
    new_text = text[: outcome.start_offset] + outcome.new_text + text[outcome.end_offset :]
    written = False
    if args.write and new_text != text:
        if _read(path) != original:
            raise RunError(
                f"{path} changed on disk while the model was answering; nothing was written",
                EXIT_FILE_CHANGED,
            )
        write_atomically(path, new_text.encode("utf-8"))
        written = True
    return {
        "outcome": outcome,
        "path": path,
        "old": text,
        "new": new_text,
        "doc": doc,
        "written": written,
        "total_seconds": time.perf_counter() - started,
    }


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RunError(f"{path}: no such file", EXIT_USAGE) from None
    except IsADirectoryError:
        raise RunError(f"{path} is a directory", EXIT_USAGE) from None
    except OSError as exc:
        raise RunError(f"{path}: {exc.strerror or exc}", EXIT_USAGE) from None


def _decode(path: Path, data: bytes) -> str:
    if b"\0" in data[:8192]:
        raise RunError(f"{path} looks like a binary file", EXIT_USAGE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RunError(f"{path} is not valid UTF-8 (byte {exc.start})", EXIT_USAGE) from None


def _target_lines(spec: str | None, doc: TextDocument) -> tuple[int, int]:
    if not spec:
        raise RunError("--lines is required, e.g. --lines 12-15", EXIT_USAGE)
    try:
        start, end = parse_line_spec(spec)
    except ValueError as exc:
        raise RunError(str(exc), EXIT_USAGE) from None
    last_line = doc.line_count - (1 if doc.lines[-1] == "" else 0)
    if start >= last_line or (end is not None and end > last_line):
        raise RunError(f"--lines {spec} is outside the file ({last_line} lines)", EXIT_USAGE)
    if end is None:
        block = comment_block_around(doc.lines, start, line_comment_prefixes(doc.language_id))
        return block if block is not None else (start, start + 1)
    return start, end


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` via a temporary file and rename, keeping its mode."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".blitzls", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    outcome: Outcome = result["outcome"]
    path: Path = result["path"]
    diff = "".join(
        difflib.unified_diff(
            result["old"].splitlines(keepends=True),
            result["new"].splitlines(keepends=True),
            fromfile=str(path) if path.is_absolute() else f"a/{path}",
            tofile=str(path) if path.is_absolute() else f"b/{path}",
        )
    )
    if args.json:
        edits = minimal_edits(
            result["doc"], outcome.start_offset, outcome.end_offset, outcome.new_text, "utf-16"
        )
        print(
            json.dumps(
                {
                    "ok": True,
                    "action": args.action,
                    "file": str(path),
                    "lines": [outcome.start_line + 1, outcome.end_line],
                    "changed": result["new"] != result["old"],
                    "written": result["written"],
                    "cache_hit": outcome.cache_hit,
                    "model": outcome.model,
                    "usage": outcome.usage,
                    "timings": {
                        "total_ms": round(result["total_seconds"] * 1000, 1),
                        "model_ms": round(outcome.model_seconds * 1000, 1),
                    },
                    "position_encoding": "utf-16",
                    "edits": [
                        {
                            "range": {
                                "start": {"line": e.start.line, "character": e.start.character},
                                "end": {"line": e.end.line, "character": e.end.character},
                            },
                            "newText": e.new_text,
                        }
                        for e in edits
                    ],
                    "diff": diff,
                },
                ensure_ascii=False,
            )
        )
        return
    if result["written"]:
        source = "cache" if outcome.cache_hit else outcome.model
        print(
            f"blitzls: wrote {path} (lines {outcome.start_line + 1}-{outcome.end_line}, "
            f"from {source})",
            file=sys.stderr,
        )
    elif diff:
        sys.stdout.write(diff)
    else:
        print("blitzls: no change", file=sys.stderr)
