"""Scope detection and the syntax check on real files: what is chosen, what is caught, how fast.

    python benchmarks/bench_languages.py FILE... [--json OUT]
    python benchmarks/bench_languages.py --compare BEFORE.json AFTER.json

For each file (language from its extension) it
- times ``enclosing_scope`` at every 5th non-blank line (at most 300 per file) and records
  the span; for Python files it also checks the span against the definition ``ast`` finds
  (an independent parser): right when the span ends where the innermost def/class ends;
- applies edits to a few hundred seeded random lines and times ``introduces_syntax_error``:
  broken edits (a closing "}"/")" removed, a stray ")" added, a string's closing quote
  removed) should be refused, correct edits (a comment line inserted, an identifier renamed)
  should pass.

The same script runs against an older checkout (``PYTHONPATH=old/server``) to compare;
``--compare`` prints how often the two chose the same span. Only stdlib and blitzls.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

try:  # the languages package, or the modules it replaced
    from blitzls.languages.scope import enclosing_scope
    from blitzls.languages.syntax import introduces_syntax_error
except ImportError:  # pragma: no cover - an older checkout
    from blitzls.patch.syntax import introduces_syntax_error  # type: ignore[no-redef]
    from blitzls.scope import enclosing_scope  # type: ignore[no-redef]
from blitzls.text.lines import split_lines

try:
    from blitzls.languages.registry import language_from_path
except ImportError:  # pragma: no cover - an older checkout
    from blitzls.text.comments import language_from_path  # type: ignore[no-redef]

SCOPE_EVERY = 5
SCOPE_MAX = 300
EDITS_PER_KIND = 40
_COMMENT = {"python": "#", "shellscript": "#", "ruby": "#", "lua": "--"}
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+|[A-Z][a-z0-9]*)+\b")  # never a keyword
_STRING = re.compile(r"([\"'])[^\"'\\]{2,}\1")
_CHAR_QUOTES = {"rust", "go", "c", "cpp", "java", "csharp"}  # ' is a char literal, a lifetime


def _python_truth(text: str) -> dict[int, tuple[int, int]] | None:
    """Line -> (first, last) of the innermost def/class around it, from ``ast``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    truth: dict[int, tuple[int, int]] = {}
    nodes = [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    nodes.sort(key=lambda n: (n.end_lineno or n.lineno) - n.lineno, reverse=True)
    for node in nodes:  # outer first, so inner ones overwrite
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        for line in range(first, node.end_lineno or node.lineno):
            truth[line] = (first, node.end_lineno or node.lineno)
    return truth


def _scopes(lines: list[str], language: str, text: str) -> dict[str, Any]:
    candidates = [i for i, line in enumerate(lines) if line.strip()][::SCOPE_EVERY][:SCOPE_MAX]
    truth = _python_truth(text) if language == "python" else None
    spans, times, right, judged = {}, [], 0, 0
    for line in candidates:
        started = time.perf_counter()
        span = enclosing_scope(lines, line, line + 1, language)
        times.append(time.perf_counter() - started)
        spans[line] = list(span)
        if truth is not None and line in truth:
            judged += 1
            right += span[1] == truth[line][1] and span[0] <= truth[line][0]
    return {"spans": spans, "times": times, "right": right, "judged": judged}


def _edits(lines: list[str], language: str, rng: random.Random) -> dict[str, list[tuple[int, str]]]:
    """Edited copies of the file, by kind: (changed line, new text)."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)

    def edited(i: int, new_line: str) -> str:
        return "".join([*lines[:i], new_line, *lines[i + 1 :]])

    order = list(range(len(lines)))
    rng.shuffle(order)
    comment = _COMMENT.get(language, "//")
    for i in order:
        line = lines[i]
        body = line.rstrip("\r\n")
        eol = line[len(body) :]
        s = body.strip()
        if not s or s.startswith(("#", "//", "/*", "*", "--")):
            continue
        kinds = found
        if "}" in body and len(kinds["bad: '}' removed"]) < EDITS_PER_KIND:
            k = body.rindex("}")
            kinds["bad: '}' removed"].append((i, edited(i, body[:k] + body[k + 1 :] + eol)))
        elif ")" in body and len(kinds["bad: ')' removed"]) < EDITS_PER_KIND:
            k = body.rindex(")")
            kinds["bad: ')' removed"].append((i, edited(i, body[:k] + body[k + 1 :] + eol)))
        if len(kinds["bad: stray ')' added"]) < EDITS_PER_KIND and body.rstrip().endswith(
            (";", ")", "]")
        ):
            kinds["bad: stray ')' added"].append((i, edited(i, body + ")" + eol)))
        m = _STRING.search(body)
        quotes = '"' if language in _CHAR_QUOTES else "\"'"
        first_quote = min((k for k in map(body.find, quotes) if k >= 0), default=-1)
        if (
            m
            and m.start() == first_quote
            and m.group(1) in quotes
            and len(kinds["bad: closing quote removed"]) < EDITS_PER_KIND
        ):
            cut = body[: m.end() - 1] + body[m.end() :]
            kinds["bad: closing quote removed"].append((i, edited(i, cut + eol)))
        if len(kinds["good: comment line added"]) < EDITS_PER_KIND:
            indent = body[: len(body) - len(body.lstrip())]
            new = f"{indent}{comment} a note\n{line}"
            kinds["good: comment line added"].append((i, edited(i, new)))
        names = _NAME.findall(body)
        if names and len(kinds["good: identifier renamed"]) < EDITS_PER_KIND:
            renamed = re.sub(rf"\b{names[0]}\b", names[0] + "Renamed", body)
            kinds["good: identifier renamed"].append((i, edited(i, renamed + eol)))
    return found


def _checks(text: str, lines: list[str], language: str, seed: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for kind, edits in _edits(lines, language, random.Random(seed)).items():
        refused, times = 0, []
        for _, new_text in edits:
            started = time.perf_counter()
            problem = introduces_syntax_error(text, new_text, language)
            times.append(time.perf_counter() - started)
            refused += problem is not None
        results[kind] = {"edits": len(edits), "refused": refused, "times": times}
    return results


def measure(paths: list[Path]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for seed, path in enumerate(paths):
        text = path.read_text(encoding="utf-8")
        language = language_from_path(str(path))
        lines = split_lines(text)
        enclosing_scope(lines, 0, 1, language)  # load the grammar before timing
        report[str(path)] = {
            "language": language,
            "lines": len(lines),
            "scopes": _scopes(lines, language, text),
            "checks": _checks(text, lines, language, seed),
        }
    return report


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"{statistics.median(values) * 1000:.2f} / {p95 * 1000:.2f} / {values[-1] * 1000:.2f}"


def summarize(report: dict[str, Any]) -> None:
    by_language: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "files": 0,
            "lines": 0,
            "scope_times": [],
            "right": 0,
            "judged": 0,
            "checks": defaultdict(lambda: [0, 0, []]),
        }
    )
    for entry in report.values():
        row = by_language[entry["language"]]
        row["files"] += 1
        row["lines"] += entry["lines"]
        row["scope_times"] += entry["scopes"]["times"]
        row["right"] += entry["scopes"]["right"]
        row["judged"] += entry["scopes"]["judged"]
        for kind, result in entry["checks"].items():
            acc = row["checks"][kind]
            acc[0] += result["edits"]
            acc[1] += result["refused"]
            acc[2] += result["times"]
    print("language | files | lines | enclosing_scope ms (median / p95 / max) | right (ast)")
    for language, row in sorted(by_language.items()):
        right = f"{row['right']}/{row['judged']}" if row["judged"] else "-"
        print(f"{language} | {row['files']} | {row['lines']} | {_ms(row['scope_times'])} | {right}")
    print()
    print("language | edit | refused | introduces_syntax_error ms (median / p95 / max)")
    for language, row in sorted(by_language.items()):
        for kind, (edits, refused, times) in sorted(row["checks"].items()):
            print(f"{language} | {kind} | {refused}/{edits} | {_ms(times)}")


def compare(before: dict[str, Any], after: dict[str, Any]) -> None:
    same: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, entry in after.items():
        old = before.get(path)
        if old is None:
            continue
        for line, span in entry["scopes"]["spans"].items():
            counts = same[entry["language"]]
            counts[1] += 1
            counts[0] += old["scopes"]["spans"].get(line) == span
    print("language | same span as before | lines compared")
    for language, (agree, total) in sorted(same.items()):
        print(f"{language} | {agree * 100 / total:.0f}% | {total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", type=Path, help="write the raw measurements here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        compare(before, after)
        return
    if not args.files:
        parser.error("give the files to measure")
    report = measure(args.files)
    if args.json:
        args.json.write_text(json.dumps(report), encoding="utf-8")
    summarize(report)


if __name__ == "__main__":
    sys.exit(main())
