"""Keeping secrets out of model requests: redaction of obvious secrets, and excluded files.

Redaction keeps the line structure (a multi-line secret becomes one marker per line), so the
line numbers in a prompt still match the file.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

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


_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SecretShape:
    """One kind of secret: its ``pattern``'s group ``v`` is replaced (the whole match without).

    ``skip`` (optional) matches values that look like a secret but are code or a placeholder.
    """

    name: str
    pattern: re.Pattern[str]
    skip: re.Pattern[str] | None = None


_HAS_DIGIT = r"(?=[A-Za-z_-]*[0-9])"  # random keys have digits; prose like "sk-learn" has none
_BLOCK_NAME = r"[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?"  # RSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK
# A value that is a template or a reference, not a secret: ${VAR}, {name}, <password>, %s, ***, ...
_PLACEHOLDER = re.compile(r"[$<{%*…]|\.\.\.")
# Code rather than a value: a call, a subscript, an attribute path, a literal of a language.
_CODE = re.compile(
    r"[A-Za-z_][\w.]*[(\[]|(?i:true|false|none|null|nil|undefined)$|[0-9]+$|[A-Za-z_]+\.[A-Za-z_.]+$"
)


def _shape(name: str, pattern: str, skip: re.Pattern[str] | None = None) -> SecretShape:
    return SecretShape(name, re.compile(pattern), skip)


SHAPES: tuple[SecretShape, ...] = (
    _shape(
        "private key block (PEM: RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8; PGP; SSH2)",
        rf"(?s)-{{4,5}} ?BEGIN {_BLOCK_NAME} ?-{{4,5}}.*?-{{4,5}} ?END {_BLOCK_NAME} ?-{{4,5}}",
    ),
    _shape(  # a BEGIN marker without its END (a truncated key): the marker and the key lines
        "private key block without its end marker",
        rf"-{{4,5}} ?BEGIN {_BLOCK_NAME} ?-{{4,5}}[^\r\n]*"
        r"(?:(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))?"  # PGP armour: a blank line after headers
        r"[ \t\"'`]*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: [^\r\n]*)[^\r\n]*)*",
    ),
    _shape(
        "PuTTY private key lines",
        r"Private-Lines: \d+(?:(?:\r\n|\r|\n)[A-Za-z0-9+/=]{4,})+|Private-MAC: [0-9a-fA-F]{16,}",
    ),
    _shape("age secret key", r"\bAGE-SECRET-KEY-1[0-9A-Z]{50,}"),
    _shape("AWS access key ID", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    _shape(  # ("AKIA…", "secret") or {"AKIA…": "secret"} or key_id=…, secret=…
        "AWS secret key next to its key ID",
        r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b[\s\S]{0,120}?[\"'`](?P<v>[A-Za-z0-9/+]{40})[\"'`]",
    ),
    _shape(
        "AWS secret key by name",
        r"(?i)(?:aws_?)?secret_?access_?key[\"']?\s*[:=,]\s*[\"']?"
        r"(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
    ),
    _shape("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
    _shape(
        "GitLab token",
        r"\bgl(?:pat|dt|rt|ptt|cbt|ft|imt|oas|soat|agent)-[0-9A-Za-z_-]{20,}"
        r"|\bGR1348941[0-9A-Za-z_-]{20,}",
    ),
    _shape(
        "Slack token or webhook",
        r"\bxox[abpors]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"
        r"|https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}",
    ),
    _shape(
        "Stripe secret or restricted key, webhook secret",
        r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}|\bwhsec_[0-9A-Za-z]{24,}",
    ),
    _shape(
        "OpenAI, Anthropic, xAI key",
        rf"\bsk-(?:proj-|ant-(?:api\d\d-)?)?{_HAS_DIGIT}[A-Za-z0-9_-]{{20,}}"
        rf"|\bxai-{_HAS_DIGIT}[A-Za-z0-9_-]{{20,}}",
    ),
    _shape(
        "Google API key, OAuth client secret or access token",
        r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])|\bGOCSPX-[0-9A-Za-z_-]{20,}"
        r"|\bya29\.[0-9A-Za-z_-]{20,}",
    ),
    _shape("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    _shape("PyPI token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
    _shape("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}\b"),
    _shape("SendGrid key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{30,}"),
    _shape("JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _shape(
        "password in a URL (any scheme)",
        r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@\"'`]*:(?P<v>[^\s@/\"'`]+)@(?=[\w\[.-])",
        _PLACEHOLDER,
    ),
    _shape(
        "Authorization header (Bearer, Basic, token)",
        r"(?i)\bauthorization[\"'\]]*\s*[:=]\s*[\"']?(?:bearer|basic|token)\s+"
        r"(?P<v>[A-Za-z0-9._~+/=-]{8,})",
        _PLACEHOLDER,
    ),
    _shape(
        "npm (.npmrc) and Azure connection-string credentials",
        r"(?m)(?:^|(?<=[:;]))(?:_authToken|_auth|_password|AccountKey|SharedAccessKey)="
        r"(?P<v>[^\s;\"'`]{8,})",
        re.compile(_PLACEHOLDER.pattern + "|" + _CODE.pattern),
    ),
    _shape(  # name = "value": the name ends in a secret word, the value is a quoted string
        "quoted value of a variable named like a secret",
        r"(?i)(?<![A-Za-z0-9])[A-Za-z0-9_.-]*?"
        r"(?:password|passwd|secret|api_?key|token|access_?key|private_?key)(?:_?key)?"
        r"(?![A-Za-z0-9])[\"']?"
        r"(?:\s*:\s*[A-Za-z_][\w\[\]., |]*?(?=\s*=))?"  # a type annotation
        r"\s*(?<![=!<>])(?::=|[:=])(?!=)\s*"
        r"(?:\"(?P<v>[^\"\s\\]{8,})\"|'(?P<w>[^'\s\\]{8,})')",
    ),
    _shape(  # .env, shell, Dockerfile: DB_PASSWORD=hunter2, export API_TOKEN=…, ENV SECRET=…
        "unquoted .env-style assignment (PASSWORD=, SECRET=, TOKEN=, API_KEY=, …)",
        r"(?m)(?:^|(?<=[\s;]))(?:export\s+)?(?:[A-Z0-9]+_)*"
        r"(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|SECRET_?KEY"
        r"|PRIVATE_?KEY|CREDENTIALS?)=(?P<v>[^\s\"'`#]\S*)",
        re.compile(_PLACEHOLDER.pattern + "|" + _CODE.pattern),
    ),
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
    for shape in SHAPES:
        for match in shape.pattern.finditer(text):
            group = next((g for g in ("v", "w") if match.groupdict().get(g) is not None), None)
            value = match.group(group) if group else match.group()
            if shape.skip is not None and shape.skip.match(value):
                continue
            yield match.span(group) if group else match.span()


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


def redact_quoted_lines(text: str, real: Sequence[str], shown: Sequence[str]) -> str:
    """``text`` with every redacted line of ``real`` replaced by its redacted form ``shown``.

    Repair messages quote lines of the file; this keeps secrets out of them.
    """
    pairs = sorted(
        {(a.strip(), b.strip()) for a, b in zip(real, shown, strict=False) if a != b and a.strip()},
        key=lambda pair: -len(pair[0]),
    )
    for secret, marker in pairs:
        text = text.replace(secret, marker)
    return redact(text)[0]
