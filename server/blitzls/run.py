"""``blitzls run``: one action on one file, printed as a diff, written in place, or as JSON."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from blitzls.actions import ActionSpec, all_actions, find_action, parse_user_actions
from blitzls.core.errors import NoChangeError
from blitzls.engine import Engine, Outcome, Snapshot
from blitzls.files import EXIT_NOT_WRITABLE, FileRefused, read_source, write_refusal, write_through
from blitzls.instructions import instructions_in
from blitzls.languages import comment_block_around, language_from_path, line_comment_prefixes
from blitzls.model.errors import ModelError
from blitzls.replies.extract import ReplyError
from blitzls.requests import RequestError, build_request
from blitzls.settings.project import with_project_file
from blitzls.settings.schema import Settings
from blitzls.targets import parse_line_spec, with_placeholder
from blitzls.text.document import TextDocument
from blitzls.text.edits import minimal_edits

EXIT_USAGE = 2
EXIT_BAD_REPLY = 10
EXIT_FILE_CHANGED = 12
EXIT_NO_CHANGE = 16


class RunError(Exception):
    """A failure with a one-line message and an exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


async def run_action(
    args: argparse.Namespace, settings: Settings, overrides: dict[str, Any]
) -> int:
    """Run ``args.action`` on ``args.file``; print the result; return the exit code."""
    _warnings_to_stderr()
    settings, user_actions, project = _with_project(settings, overrides, Path(args.file))
    workspace = str(project.parent) if project else str(Path(args.file).resolve().parent)
    engine = Engine(settings, use_cache=not args.no_cache, workspace=workspace)
    try:
        result = await _run(args, engine, user_actions)
    except (RunError, FileRefused) as exc:
        return _fail(args, str(exc), exc.exit_code)
    except ModelError as exc:
        return _fail(args, str(exc), exc.exit_code)
    except RequestError as exc:
        return _fail(args, str(exc), EXIT_USAGE)
    except NoChangeError as exc:
        return _fail(args, str(exc), EXIT_NO_CHANGE)
    except ReplyError as exc:
        return _fail(args, f"unusable reply: {exc}", EXIT_BAD_REPLY)
    finally:
        await engine.aclose()
    _report(args, result)
    return 0


def _warnings_to_stderr() -> None:
    """Warnings logged on the way (a broken cache, say) as ``blitzls: warning: …`` lines."""
    logger = logging.getLogger("blitzls")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("blitzls: warning: %(message)s"))
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    print(f"blitzls: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps({"ok": False, "error": message, "exit_code": code}))
    return code


def _with_project(
    settings: Settings, overrides: dict[str, Any], path: Path
) -> tuple[Settings, list[ActionSpec], Path | None]:
    """Add the project file's settings (``[tool.blitzls]``/``.blitzls.toml``) under the flags."""
    settings, problems, project = with_project_file(settings, overrides, path)
    user_actions, bad_actions = parse_user_actions(list(settings.actions))
    for problem in problems + bad_actions:
        print(f"blitzls: warning: {problem}", file=sys.stderr)
    return settings, user_actions, project


async def _run(
    args: argparse.Namespace, engine: Engine, user_actions: list[ActionSpec]
) -> dict[str, Any]:
    started = time.perf_counter()
    action = find_action(args.action, user_actions)
    if action is None:
        known = ", ".join(sorted(a.id for a in all_actions(user_actions)))
        raise RunError(f"unknown action {args.action!r} (known: {known})", EXIT_USAGE)
    path = Path(args.file)
    original = read_source(path)
    text = _decode(path, original)
    doc = TextDocument(
        path.as_uri() if path.is_absolute() else str(path), text, 0, language_from_path(str(path))
    )
    start, end, point = _target_lines(args.lines, doc, action)
    if args.write:  # before any request: a refusal after paying for the answer helps nobody
        refusal = write_refusal(Path(os.path.realpath(path)))
        if refusal is not None:
            raise RunError(f"{refusal}; nothing was sent or written", EXIT_NOT_WRITABLE)
    snapshot = Snapshot(tuple(doc.lines), 0, doc.language_id, path.name, str(path.resolve()))
    diagnostics = (
        [{"line": start, "source": "", "code": "", "message": args.message}] if args.message else []
    )
    if action.trigger == "diagnostic" and not diagnostics:
        raise RunError(f"the '{action.id}' action needs --message", EXIT_USAGE)
    request = build_request(
        action,
        snapshot,
        start,
        end,
        point=point,
        instruction=args.instruction or "",
        diagnostics=diagnostics,
    )
    meter = TerminalProgress(action.title_for(instruction=request.instruction))
    try:
        outcome = await engine.run(request, on_progress=meter.received)
    finally:
        meter.done()
    new_text = text[: outcome.start_offset] + outcome.new_text + text[outcome.end_offset :]
    written = False
    if args.write and new_text != text:
        _refuse_if_changed_on_disk(path, original)
        write_through(path, new_text.encode("utf-8"))
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


def _refuse_if_changed_on_disk(path: Path, original: bytes) -> None:
    """Exit 12 when the file is not what was read before the model answered: changed,
    deleted, or no longer a file that can be read."""
    try:
        unchanged = read_source(path) == original
        why = ""
    except FileRefused:
        unchanged = False
        why = " (it was deleted)" if not os.path.lexists(path) else " (it can no longer be read)"
    if not unchanged:
        raise RunError(
            f"{path} changed on disk while the model was answering{why}; nothing was written",
            EXIT_FILE_CHANGED,
        )


class TerminalProgress:
    """Tokens received and their rate on one stderr line, only when stderr is a terminal."""

    def __init__(self, title: str) -> None:
        self.enabled = sys.stderr.isatty()
        self.title = title
        self.started = time.perf_counter()
        self.shown = 0.0

    def received(self, chars: int) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.shown < 0.1:
            return
        self.shown = now
        tokens = chars // 4
        rate = tokens / max(now - self.started, 1e-6)
        sys.stderr.write(f"\r\033[Kblitzls: {self.title} — {tokens} tokens, {rate:.0f} tok/s")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _decode(path: Path, data: bytes) -> str:
    if b"\0" in data[:8192]:
        raise RunError(f"{path} looks like a binary file", EXIT_USAGE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RunError(f"{path} is not valid UTF-8 (byte {exc.start})", EXIT_USAGE) from None


def _target_lines(spec: str | None, doc: TextDocument, action: ActionSpec) -> tuple[int, int, bool]:
    """0-based [start, end) target lines and whether they stand for a cursor."""
    last_line = doc.line_count - (1 if doc.lines[-1] == "" and doc.line_count > 1 else 0)
    if not spec:
        if action.trigger == "instruction_comment":
            found = instructions_in(doc.lines, 0, doc.line_count, doc.language_id)
            if not found:
                raise RunError("the file has no 'ai!' instruction comment", EXIT_USAGE)
            return found[0].line, found[0].line + 1, True
        if action.trigger in ("comment_block", "diagnostic"):
            raise RunError("--lines is required, e.g. --lines 12-15", EXIT_USAGE)
        return 0, max(last_line, 1), False  # the whole file
    try:
        start, end = parse_line_spec(spec)
    except ValueError as exc:
        raise RunError(str(exc), EXIT_USAGE) from None
    if start >= last_line or (end is not None and end > last_line):
        raise RunError(f"--lines {spec} is outside the file ({last_line} lines)", EXIT_USAGE)
    if end is not None:
        return start, end, False
    if action.trigger == "comment_block":
        block = comment_block_around(doc.lines, start, line_comment_prefixes(doc.language_id))
        block = with_placeholder(doc.lines, block, doc.language_id)
        return (*(block if block is not None else (start, start + 1)), False)
    return start, start + 1, True


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
                    "notes": list(outcome.notes),
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
    notes = "".join(f"; {note}" for note in outcome.notes)
    if result["written"]:
        source = "cache" if outcome.cache_hit else outcome.model
        print(
            f"blitzls: wrote {path} (lines {outcome.start_line + 1}-{outcome.end_line}, "
            f"from {source}){notes}",
            file=sys.stderr,
        )
    elif diff:
        sys.stdout.write(diff)
        if notes:
            print(f"blitzls: {notes[2:]}", file=sys.stderr)
    else:
        print("blitzls: no change", file=sys.stderr)
