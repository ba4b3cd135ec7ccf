"""Keeping secrets out of model requests: redaction of obvious secrets, and excluded files.

Redaction keeps the line structure (a multi-line secret becomes one marker per line), so the
line numbers in a prompt still match the file.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

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

# How much of a text holding a shape's gate is scanned: "line", only the lines holding it (no
# match crosses a line break); "start", matches are tried from the start of those lines on
# (a match starts on the line of its gate, but may run on); "text", the whole text.
Reach = Literal["line", "start", "text"]
# Characters that IGNORECASE matching in ``re`` takes for an ASCII letter besides its two
# cases ("İ" and "ı" for i, the Kelvin sign for k, the long s for s): folded before lower().
_FOLD_TO_ASCII = (("\u0130", "i"), ("\u0131", "i"), ("\u212a", "k"), ("\u017f", "s"))


@dataclass(frozen=True)
class SecretShape:
    """One kind of secret: its ``pattern``'s group ``v`` is replaced (the whole match without).

    ``skip`` (optional) matches values that look like a secret but are code or a placeholder.

    ``gate`` holds strings of which every match contains one (in the case-folded text when
    ``fold``): a text with none of them is not scanned, and ``reach`` says how much of a text
    with one is. Scanning is the cost of redaction and most code holds none of these words, so the
    gates decide the time; they never change what is found (``tests/unit/test_secret_gates``
    compares every shape with a plain scan of the whole text).
    """

    name: str
    pattern: re.Pattern[str]
    gate: tuple[str, ...]
    reach: Reach = "text"
    fold: bool = False
    skip: re.Pattern[str] | None = None


_HAS_DIGIT = r"(?=[A-Za-z_-]*[0-9])"  # random keys have digits; prose like "sk-learn" has none
_BLOCK_NAME = r"[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?"  # RSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK
# A value that is a template or a reference, not a secret: ${VAR}, {name}, <password>, %s, ***, ...
_PLACEHOLDER = re.compile(r"[$<{%*…]|\.\.\.")
# Code rather than a value: a call, a subscript, an attribute path, a literal of a language.
_CODE = re.compile(
    r"[A-Za-z_][\w.]*[(\[]|(?i:true|false|none|null|nil|undefined)$|[0-9]+$|[A-Za-z_]+\.[A-Za-z_.]+$"
)


def _shape(
    name: str,
    pattern: str,
    gate: tuple[str, ...],
    reach: Reach = "text",
    *,
    fold: bool = False,
    skip: re.Pattern[str] | None = None,
) -> SecretShape:
    return SecretShape(name, re.compile(pattern), gate, reach, fold, skip)


SHAPES: tuple[SecretShape, ...] = (
    _shape(
        "private key block (PEM: RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8; PGP; SSH2)",
        rf"(?s)-{{4,5}} ?BEGIN {_BLOCK_NAME} ?-{{4,5}}.*?-{{4,5}} ?END {_BLOCK_NAME} ?-{{4,5}}",
        ("PRIVATE KEY",),
    ),
    _shape(  # a BEGIN marker without its END (a truncated key): the marker and the key lines
        "private key block without its end marker",
        rf"-{{4,5}} ?BEGIN {_BLOCK_NAME} ?-{{4,5}}[^\r\n]*"
        r"(?:(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))?"  # PGP armour: a blank line after headers
        r"[ \t\"'`]*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: [^\r\n]*)[^\r\n]*)*",
        ("PRIVATE KEY",),
    ),
    _shape(
        "PuTTY private key lines",
        r"Private-Lines: \d+(?:(?:\r\n|\r|\n)[A-Za-z0-9+/=]{4,})+|Private-MAC: [0-9a-fA-F]{16,}",
        ("Private-Lines: ", "Private-MAC: "),
    ),
    _shape("age secret key", r"\bAGE-SECRET-KEY-1[0-9A-Z]{50,}", ("AGE-SECRET-KEY-1",), "line"),
    _shape("AWS access key ID", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", ("AKIA", "ASIA"), "line"),
    _shape(  # ("AKIA…", "secret") or {"AKIA…": "secret"} or key_id=…, secret=…
        "AWS secret key next to its key ID",
        r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b[\s\S]{0,120}?[\"'`](?P<v>[A-Za-z0-9/+]{40})[\"'`]",
        ("AKIA", "ASIA"),
    ),
    _shape(
        "AWS secret key by name",
        r"(?i)(?:aws_?)?secret_?access_?key[\"']?\s*[:=,]\s*[\"']?"
        r"(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        ("secretaccesskey", "secret_accesskey", "secretaccess_key", "secret_access_key"),
        fold=True,
    ),
    _shape(
        "GitHub token",
        r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        "line",
    ),
    _shape(
        "GitLab token",
        r"\bgl(?:pat|dt|rt|ptt|cbt|ft|imt|oas|soat|agent)-[0-9A-Za-z_-]{20,}"
        r"|\bGR1348941[0-9A-Za-z_-]{20,}",
        (
            *("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glimt-", "gloas-"),
            *("glsoat-", "glagent-", "GR1348941"),
        ),
        "line",
    ),
    _shape(
        "Slack token or webhook",
        r"\bxox[abpors]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"
        r"|https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}",
        (*(f"xox{kind}-" for kind in "abpors"), "xapp-", "hooks.slack.com/"),
        "line",
    ),
    _shape(
        "Stripe secret or restricted key, webhook secret",
        r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}|\bwhsec_[0-9A-Za-z]{24,}",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"),
        "line",
    ),
    _shape(
        "OpenAI, Anthropic, xAI key",
        rf"\bsk-(?:proj-|ant-(?:api\d\d-)?)?{_HAS_DIGIT}[A-Za-z0-9_-]{{20,}}"
        rf"|\bxai-{_HAS_DIGIT}[A-Za-z0-9_-]{{20,}}",
        ("sk-", "xai-"),
        "line",
    ),
    _shape(
        "Google API key, OAuth client secret or access token",
        r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])|\bGOCSPX-[0-9A-Za-z_-]{20,}"
        r"|\bya29\.[0-9A-Za-z_-]{20,}",
        ("AIza", "GOCSPX-", "ya29."),
        "line",
    ),
    _shape("npm token", r"\bnpm_[A-Za-z0-9]{36}\b", ("npm_",), "line"),
    _shape("PyPI token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}", ("pypi-AgE",), "line"),
    _shape("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}\b", ("hf_",), "line"),
    _shape("SendGrid key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{30,}", ("SG.",), "line"),
    _shape(
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ("eyJ",),
        "line",
    ),
    _shape(
        "password in a URL (any scheme)",
        r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@\"'`]*:(?P<v>[^\s@/\"'`]+)@(?=[\w\[.-])",
        ("://",),
        "line",
        skip=_PLACEHOLDER,
    ),
    _shape(
        "Authorization header (Bearer, Basic, token)",
        r"(?i)\bauthorization[\"'\]]*\s*[:=]\s*[\"']?(?:bearer|basic|token)\s+"
        r"(?P<v>[A-Za-z0-9._~+/=-]{8,})",
        ("authorization",),
        fold=True,
        skip=_PLACEHOLDER,
    ),
    _shape(
        "npm (.npmrc) and Azure connection-string credentials",
        r"(?m)(?:^|(?<=[:;]))(?:_authToken|_auth|_password|AccountKey|SharedAccessKey)="
        r"(?P<v>[^\s;\"'`]{8,})",
        ("_auth", "_password=", "AccountKey=", "SharedAccessKey="),
        "line",
        skip=re.compile(_PLACEHOLDER.pattern + "|" + _CODE.pattern),
    ),
    _shape(  # name = "value": the name ends in a secret word, the value is a quoted string
        "quoted value of a variable named like a secret",
        r"(?i)(?<![A-Za-z0-9])[A-Za-z0-9_.-]*?"
        r"(?:password|passwd|secret|api_?key|token|access_?key|private_?key)(?:_?key)?"
        r"(?![A-Za-z0-9])[\"']?"
        r"(?:\s*:\s*[A-Za-z_][\w\[\]., |]*?(?=\s*=))?"  # a type annotation
        r"\s*(?<![=!<>])(?::=|[:=])(?!=)\s*"
        r"(?:\"(?P<v>[^\"\s\\]{8,})\"|'(?P<w>[^'\s\\]{8,})')",
        (
            *("password", "passwd", "secret", "token"),
            *("apikey", "api_key", "accesskey", "access_key", "privatekey", "private_key"),
        ),
        "start",
        fold=True,
    ),
    _shape(  # .env, shell, Dockerfile: DB_PASSWORD=hunter2, export API_TOKEN=…, ENV SECRET=…
        "unquoted .env-style assignment (PASSWORD=, SECRET=, TOKEN=, API_KEY=, …)",
        r"(?m)(?:^|(?<=[\s;]))(?:export\s+)?(?:[A-Z0-9]+_)*"
        r"(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|SECRET_?KEY"
        r"|PRIVATE_?KEY|CREDENTIALS?)=(?P<v>[^\s\"'`#]\S*)",
        ("PASS", "PWD=", "SECRET", "TOKEN=", "KEY=", "CREDENTIAL"),
        skip=re.compile(_PLACEHOLDER.pattern + "|" + _CODE.pattern),
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
    lines = _Lines(text)
    for shape in SHAPES:
        for match in _matches(shape, text, lines):
            group = next((g for g in ("v", "w") if match.groupdict().get(g) is not None), None)
            value = match.group(group) if group else match.group()
            if shape.skip is not None and shape.skip.match(value):
                continue
            yield match.span(group) if group else match.span()


def _matches(shape: SecretShape, text: str, lines: _Lines) -> Iterator[re.Match[str]]:
    """What ``shape.pattern.finditer(text)`` finds, scanning only what the gate allows."""
    haystack = lines.folded if shape.fold else text
    found = [literal for literal in shape.gate if literal in haystack]
    if not found:
        return
    if shape.reach == "text":
        yield from shape.pattern.finditer(text)
        return
    spans = lines.holding(found, folded=shape.fold)
    if shape.reach == "line":
        for start, end in spans:
            yield from shape.pattern.finditer(text, start, end)
        return
    done = 0  # finditer's matches do not overlap: the next one starts after the last
    for start, end in spans:
        at = max(start, done)
        while at <= end:
            match = shape.pattern.match(text, at)
            if match is None:
                at += 1
                continue
            yield match
            done = match.end()
            at = max(done, at + 1)


class _Lines:
    """Finds the lines (split at every "\\r" and "\\n") holding a string, in a text or in
    its case-folded copy, which is made when first asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._has_cr = "\r" in text

    @property
    def folded(self) -> str:
        """The text lower-cased, with the letters IGNORECASE equates to ASCII ones made ASCII.

        Offsets are the text's: the one character lower() makes two of is replaced first."""
        if self._folded is None:
            text = self.text
            if not text.isascii():
                for char, ascii_letter in _FOLD_TO_ASCII:
                    text = text.replace(char, ascii_letter)
            self._folded = text.lower()
        return self._folded

    def holding(self, literals: Sequence[str], *, folded: bool) -> list[tuple[int, int]]:
        """(start, end) of each line where one of ``literals`` occurs, in order."""
        haystack = self.folded if folded else self.text
        starts: set[int] = set()
        for literal in literals:
            at = haystack.find(literal)
            while at >= 0:
                starts.add(self._line_start(at))
                at = haystack.find(literal, at + 1)
        return [(start, self._line_end(start)) for start in sorted(starts)]

    def _line_start(self, at: int) -> int:
        start = self.text.rfind("\n", 0, at) + 1
        if self._has_cr:
            start = max(start, self.text.rfind("\r", start, at) + 1)
        return start

    def _line_end(self, start: int) -> int:
        end = self.text.find("\n", start)
        end = len(self.text) if end < 0 else end
        if self._has_cr:
            cr = self.text.find("\r", start, end)
            end = end if cr < 0 else cr
        return end


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
