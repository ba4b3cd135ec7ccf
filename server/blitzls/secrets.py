"""Keeping secrets out of model requests: redaction of obvious secrets, and excluded files.

Redaction keeps the line structure (a multi-line secret becomes one marker per line), so the
line numbers in a prompt still match the file.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Iterator, Sequence

REDACTION = "[REDACTED by blitzls]"

DEFAULT_EXCLUDES = (
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
    "id_rsa*",
    "id_ed25519*",
    "secrets.*",
    "*.p12",
    "*.pfx",
)

GIT_TIMEOUT = 2.0

_BREAK = re.compile(r"\r\n|\r|\n")

# Each pattern's group "v" is the part replaced (the whole match when there is no such group).
_PEM = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----.*?-----END[A-Z0-9 ]*PRIVATE KEY-----", re.DOTALL
)
# A BEGIN marker without an END (a truncated key): the marker line and the key lines after it.
_PEM_OPEN = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[^\r\n]*"
    r"(?:(?:\r\n|\r|\n)[ \t\"'`]*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: [^\r\n]*)[^\r\n]*)*"
)
_HAS_DIGIT = r"(?=[A-Za-z_-]*[0-9])"  # random keys have digits; prose like "sk-learn" has none
_TOKENS = re.compile(
    "|".join(
        [
            r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b",
            r"\bgh[pousr]_[A-Za-z0-9]{30,}\b",
            r"\bgithub_pat_[A-Za-z0-9_]{22,}\b",
            r"\bxox[abpors]-[A-Za-z0-9-]{10,}",
            rf"\bsk-(?:proj-|ant-)?{_HAS_DIGIT}[A-Za-z0-9_-]{{20,}}",
            rf"\bxai-{_HAS_DIGIT}[A-Za-z0-9_-]{{20,}}",
            r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
            r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ]
    )
)
_AWS_SECRET = re.compile(
    r"(?i)aws_secret_access_key[\"']?\s*[:=]\s*[\"']?(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
)
# name = "value": the name ends in a secret word (optionally followed by "key"), the value is
# a quoted string of at least 8 characters without whitespace (prose is not a secret).
_ASSIGNMENT = re.compile(
    r"(?i)(?<![A-Za-z0-9])[A-Za-z0-9_.-]*?"
    r"(?:password|passwd|secret|api_?key|token|access_?key|private_?key)(?:_?key)?"
    r"(?![A-Za-z0-9])[\"']?"
    r"(?:\s*:\s*[A-Za-z_][\w\[\]., |]*?(?=\s*=))?"  # a type annotation
    r"\s*(?<![=!<>])(?::=|[:=])(?!=)\s*"
    r"(?:\"(?P<v>[^\"\s\\]{8,})\"|'(?P<w>[^'\s\\]{8,})')"
)


def redact(text: str) -> tuple[str, int]:
    """``text`` with obvious secrets replaced by REDACTION, and how many were replaced.

    Line breaks inside a secret are kept: each of its lines becomes one marker.
    """
    spans = sorted(_spans(text))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    if not merged:
        return text, 0
    out: list[str] = []
    last = 0
    for start, end in merged:
        out.append(text[last:start])
        out.append(_mask(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out), len(merged)


def _spans(text: str) -> Iterator[tuple[int, int]]:
    for match in _PEM.finditer(text):
        yield match.span()
    for match in _PEM_OPEN.finditer(text):
        yield match.span()
    for match in _TOKENS.finditer(text):
        yield match.span()
    for match in _AWS_SECRET.finditer(text):
        yield match.span("v")
    for match in _ASSIGNMENT.finditer(text):
        yield match.span("v" if match.group("v") is not None else "w")


def _mask(secret: str) -> str:
    """One marker per line of ``secret``, its line breaks kept."""
    return REDACTION + "".join(line_break + REDACTION for line_break in _BREAK.findall(secret))


def excluded(path: str, patterns: Sequence[str]) -> str | None:
    """The first pattern that matches ``path`` (its name, its path, or a directory in it).

    Patterns are shell globs, matched case-insensitively. ``dir/**`` or ``dir/`` also
    matches any file below a directory called ``dir``.
    """
    if not path:
        return None
    normal = path.replace("\\", "/").lower()
    parts = [part for part in normal.split("/") if part]
    if not parts:
        return None
    name = parts[-1]
    for pattern in patterns:
        glob = pattern.replace("\\", "/").lower().strip()
        if not glob:
            continue
        if (
            fnmatch.fnmatchcase(name, glob)
            or fnmatch.fnmatchcase(normal, glob)
            or fnmatch.fnmatchcase(normal, "*/" + glob.lstrip("/"))
        ):
            return pattern
        directory = (glob[:-3] if glob.endswith("/**") else glob.rstrip("/")).strip("/")
        if not directory or directory == glob:
            continue
        if "/" in directory:
            if fnmatch.fnmatchcase(normal, f"{directory}/*") or fnmatch.fnmatchcase(
                normal, f"*/{directory}/*"
            ):
                return pattern
        elif any(fnmatch.fnmatchcase(part, directory) for part in parts[:-1]):
            return pattern
    return None


def git_ignored(path: str) -> bool:
    """True when git reports ``path`` as ignored; any git problem counts as not ignored."""
    if not path or not os.path.isabs(path):
        return False
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-q", "--", path],
            cwd=os.path.dirname(path) or None,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def scrub(text: str, real: Sequence[str], shown: Sequence[str]) -> str:
    """``text`` with every redacted line of ``real`` replaced by its redacted form ``shown``.

    Repair messages quote lines of the file; this keeps secrets out of them.
    """
    pairs = sorted(
        {
            (a.rstrip("\r\n").strip(), b.rstrip("\r\n").strip())
            for a, b in zip(real, shown, strict=False)
            if a != b and a.strip()
        },
        key=lambda pair: -len(pair[0]),
    )
    for secret, marker in pairs:
        text = text.replace(secret, marker)
    return redact(text)[0]
