"""Keeping secrets out of model requests: redaction of obvious secrets, and excluded files.

Redaction keeps the line structure (a multi-line secret becomes one marker per line), so the
line numbers in a prompt still match the file.

The shapes follow maintained secret scanners' published rules where one exists (gitleaks'
``config/gitleaks.toml`` rule ids, detect-secrets' plugins, Microsoft's security-utilities
pattern ids), named beside each shape. As in detect-secrets' keyword plugin, a value without
quotes counts only where values need none: configuration files and prose (instructions,
diagnostics), not code (:func:`quotes_required`).
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections import Counter
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
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "id_xmss*",
    ".ssh/**",
    "secrets.*",
    "*.p12",
    "*.pfx",
    ".aws/credentials",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    "*.tfvars",
    "*.tfvars.json",
    "credentials.json",
)

# Language ids whose files are code: there, as in detect-secrets' keyword plugin
# (QUOTES_REQUIRED_FILETYPES), a secret-named value counts only when it is quoted, since
# ``password: str`` or ``token = make_token()`` is code. Anything else (YAML, INI, properties,
# TOML, Markdown, plain text, an unknown id) and free text (instructions, diagnostics) is
# scanned for unquoted values too.
_CODE_LANGUAGE_IDS = """
    python javascript js javascriptreact jsx typescript ts typescriptreact tsx go rust c cpp
    c++ cuda-cpp java csharp ruby lua shellscript sh bash zsh fish php swift kotlin scala dart
    groovy objective-c objc objective-cpp objcpp zig solidity fsharp terraform hcl powershell
    perl raku r julia elixir erlang clojure haskell elm purescript ocaml nim crystal
    coffeescript gdscript starlark d odin gleam vue svelte astro sql plsql lisp commonlisp
    scheme racket fennel emacs-lisp elisp vim viml vimscript awk tcl matlab prolog ada vhdl
    verilog systemverilog glsl hlsl wgsl graphql proto protobuf nix css scss less"""
CODE_LANGUAGES = frozenset(_CODE_LANGUAGE_IDS.split())


def quotes_required(language_id: str) -> bool:
    """Whether a file of ``language_id`` is code (secret values count only when quoted)."""
    return language_id.lower() in CODE_LANGUAGES


_BREAK = re.compile(r"\r\n|\r|\n")

# How much of a text holding a shape's gate is scanned: "at", matches are tried only where a
# gate string starts (every match starts with one); "line", only the lines holding it (no
# match crosses a line break); "start", matches are tried from the start of those lines on
# (a match starts on the line of its gate, but may run on); "text", the whole text.
Reach = Literal["at", "line", "start", "text"]
# Characters that IGNORECASE matching in ``re`` takes for an ASCII letter besides its two
# cases ("İ" and "ı" for i, the Kelvin sign for k, the long s for s): folded before lower().
_FOLD_TO_ASCII = (("\u0130", "i"), ("\u0131", "i"), ("\u212a", "k"), ("\u017f", "s"))


@dataclass(frozen=True)
class SecretShape:
    """One kind of secret: its ``pattern``'s named group that matched is replaced (the whole
    match when it has none).

    ``skip`` (optional) matches values that look like a secret but are code or a placeholder;
    ``entropy`` is the least Shannon entropy (bits a character) a value must have, as in
    gitleaks' rules. ``unquoted``: the shape finds values without quotes, so it is used only
    where values need none (not in code: :func:`quotes_required`). ``before`` (optional, ending
    in ``\\Z``) must match the text that ends where the match starts, and is part of the
    secret: a pattern that starts with a literal is found fast, the part before is checked then.

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
    entropy: float = 0.0
    unquoted: bool = False
    before: re.Pattern[str] | None = None

    def span(self, match: re.Match[str]) -> tuple[int, int] | None:
        """What of ``match`` is the secret, or None when its value is not one."""
        group = next((name for name, found in match.groupdict().items() if found is not None), None)
        value = match.group(group) if group else match.group()
        if self.skip is not None and self.skip.match(value):
            return None
        if self.entropy and shannon_entropy(value) < self.entropy:
            return None
        start, end = match.span(group) if group else match.span()
        if self.before is not None:  # the secret's first part, which ends where ``match`` starts
            head = self.before.search(match.string, max(match.start() - _BEFORE_REACH, 0), start)
            if head is None:
                return None
            start = head.start()
        return start, end


_BEFORE_REACH = 64  # how far before a match ``SecretShape.before`` looks


def shannon_entropy(value: str) -> float:
    """Bits of information a character of ``value`` carries (gitleaks' ``entropy``)."""
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


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
    entropy: float = 0.0,
    unquoted: bool = False,
    before: re.Pattern[str] | None = None,
) -> SecretShape:
    compiled = re.compile(pattern)
    return SecretShape(name, compiled, gate, reach, fold, skip, entropy, unquoted, before)


# Words a secret's name ends in (detect-secrets' keyword DENYLIST, gitleaks' generic keywords).
_SECRET_WORD = (
    r"(?:password|passwd|passphrase|secret|token|api_?key|access_?key|private_?key"
    r"|credentials?)"
)
_SECRET_GATE = (
    *("password", "passwd", "passphrase", "secret", "token", "apikey", "api_key"),
    *("accesskey", "access_key", "privatekey", "private_key", "credential"),
)
# Values an unquoted secret-named key holds that are not secrets: YAML booleans and nulls,
# type names (API docs), a block scalar's indicator, placeholders and code (detect-secrets'
# FALSE_POSITIVES, gitleaks' global allowlist).
_NOT_A_VALUE = re.compile(
    r"(?i:(?:true|false|yes|no|on|off|null|none|nil|undefined|string|str|int|integer|bool"
    r"|boolean|number|bytes|object|optional|required|redacted|password|passwd|secret|token"
    r"|api_?key)$)|[|>][-+0-9]*$|" + _PLACEHOLDER.pattern + "|" + _CODE.pattern
)


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
        "at",
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
        r"(?i)(?:password|passwd|secret|api_?key|token|access_?key|private_?key)(?:_?key)?"
        r"(?![A-Za-z0-9])[\"']?"
        r"(?:\s*:\s*[A-Za-z_][\w\[\]., |]*?(?=\s*=))?"  # a type annotation
        r"\s*(?<![=!<>])(?::=|[:=])(?!=)\s*"
        r"(?:\"(?P<v>[^\"\s\\]{8,})\"|'(?P<w>[^'\s\\]{8,})')",
        (
            *("password", "passwd", "secret", "token"),
            *("apikey", "api_key", "accesskey", "access_key", "privatekey", "private_key"),
        ),
        "at",
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
    _shape(  # gitleaks database-password: a password is short; any quoted value counts
        "quoted password of any length",
        r"(?i)(?:password|passwd|passphrase)(?![A-Za-z0-9])"
        r"[\"']?(?:[ \t]*:[ \t]*[A-Za-z_][\w\[\]., |]*?(?=[ \t]*=))?"
        r"[ \t]*(?<![=!<>])(?::=|=>|[:=])(?!=)[ \t]*"
        r"(?:\"(?P<v>[^\"\s\\]{1,7})\"|'(?P<w>[^'\s\\]{1,7})')",
        ("password", "passwd", "passphrase"),
        "at",
        fold=True,
    ),
    _shape(  # gitleaks generic-api-key: a name with a secret word and more (TOKEN_HEX = "…")
        "value of a name holding a secret word, high entropy",
        rf"(?i){_SECRET_WORD}"
        r"(?!(?:[_.-]?(?:urls?|uris?|endpoints?|files?|paths?|names?|ids?|types?|length|size"
        r"|count|limit|ttl|expir\w*))(?![A-Za-z0-9]))"
        r"[A-Za-z0-9_.-]{1,20}?[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"'`]?"
        r"(?P<v>[\w.=+/-]{10,150})(?![\w.=+/(\[-])",
        _SECRET_GATE,
        "at",
        fold=True,
        skip=re.compile(r"[A-Za-z_.-]+$"),  # gitleaks' allowlist: no digits, not random
        entropy=3.5,
    ),
    _shape(  # detect-secrets keyword plugin, YAML/INI/properties: ``password: hunter2``
        "unquoted value of a secret-named key (YAML, INI, properties, prose)",
        rf"(?im)^[ \t]*(?:-[ \t]+)?[A-Za-z0-9_.-]*?{_SECRET_WORD}(?![A-Za-z0-9])[\"']?"
        r"[ \t]*(?::=|[:=])[ \t]*(?P<v>[^\s\"'`#=][^\r\n]*?)(?=[ \t]+#|[ \t]*(?:[\r\n]|\Z))"
        rf"|{_SECRET_WORD}(?![A-Za-z0-9])[\"']?"
        r"[ \t]*(?::=|[:=])[ \t]*(?P<w>[^\s\"'`#=,;(){}\[\]][^\s\"'`,;(){}\[\]]*)",
        _SECRET_GATE,
        "line",
        fold=True,
        skip=_NOT_A_VALUE,
        unquoted=True,
    ),
    _shape(  # Kubernetes env: ``- name: DB_PASSWORD`` then ``value: …`` on the next line
        "Kubernetes env value of a secret-named variable",
        rf"(?i)\bname:[ \t]*[\"']?[A-Za-z0-9_.-]*?{_SECRET_WORD}[\"']?[ \t]*(?:\r\n|\r|\n)"
        r"[ \t]*value:[ \t]*(?:\"(?P<v>[^\"\r\n]+)\"|'(?P<w>[^'\r\n]+)'"
        r"|(?P<x>[^\s\"'#][^\r\n]*?))(?=[ \t]*(?:#|[\r\n]|\Z))",
        ("name:",),
        "start",
        fold=True,
        skip=_NOT_A_VALUE,
        unquoted=True,
    ),
    _shape(  # gitleaks curl-auth-user (and its allowlist), continuation lines included
        "curl user and password (-u, --user)",
        r"\bcurl\b[^\r\n]*?(?:\\[ \t]*(?:\r\n|\r|\n)[^\r\n]*?){0,5}[ \t](?:-u|--user)(?:=|[ \t]+)"
        r"(?:\"[^\"\s:]*:(?P<v>[^\"\s]{3,})\"|'[^'\s:]*:(?P<w>[^'\s]{3,})'"
        r"|[\w$@.-]*:(?P<x>[^\s\"']{3,}))",
        ("curl",),
        "start",
        skip=re.compile(
            r"(?i:(?:change(?:it|me)|pass(?:word)?|pwd|test|token|\*+|x+)[\"']?$)|"
            + _PLACEHOLDER.pattern
        ),
    ),
    _shape(  # the netrc(5) format; a .netrc file itself is excluded
        ".netrc machine entry password",
        r"\bmachine[ \t]+\S+(?:\s+(?:login|account|port)\s+\S+)*\s+password\s+(?P<v>[^\s\"']+)",
        ("machine",),
        "start",
        skip=_PLACEHOLDER,
    ),
    _shape(  # libpq's host:port:database:user:password, where the text names a .pgpass
        ".pgpass line (where the text names pgpass)",
        r"(?<![\w.:*-])[\w.*-]+:(?:\d{1,5}|\*):[\w.*-]+:[\w.*-]+:(?P<v>[^\s\"'`:]+)",
        ("pgpass",),
        fold=True,
        skip=_PLACEHOLDER,
    ),
    _shape(  # Microsoft security-utilities SEC101/051 LooseSasSecret (any length from 20)
        "Azure shared access signature (sig=)",
        r"(?i)(?<![\w%])sig=(?P<v>[0-9a-z/+%=_-]{20,})",
        ("sig=",),
        "line",
        fold=True,
    ),
    _shape(  # gitleaks twilio-api-key, detect-secrets TwilioKeyDetector
        "Twilio API key",
        r"\bSK[0-9a-fA-F]{32}\b",
        ("SK",),
        "line",
        entropy=3.0,
    ),
    _shape(  # detect-secrets DiscordBotTokenDetector, found from its first dot (fast)
        "Discord bot token",
        r"\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}\b",
        (".",),
        # The part before the dot: a user id in base64 (of ASCII digits: [MNO][DTjz]…)
        before=re.compile(r"(?<![A-Za-z\d_-])[MNO][DTjz][A-Za-z\d_-]{22,24}\Z"),
    ),
)


def redact(text: str, *, quotes_required: bool = False) -> tuple[str, int]:
    """``text`` with obvious secrets replaced by REDACTION, and how many were replaced.

    Line breaks inside a secret are kept: each of its lines becomes one marker.
    ``quotes_required``: the text is code (:func:`quotes_required`), where unquoted values
    after secret-named keys are not secrets.
    """
    spans = sorted(_spans(text, quotes_required))
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


def _spans(text: str, quotes_required: bool = False) -> Iterator[tuple[int, int]]:
    lines = _Lines(text)
    for shape in SHAPES:
        if shape.unquoted and quotes_required:
            continue
        for match in _matches(shape, text, lines):
            span = shape.span(match)
            if span is not None:
                yield span


def _matches(shape: SecretShape, text: str, lines: _Lines) -> Iterator[re.Match[str]]:
    """What ``shape.pattern.finditer(text)`` finds, scanning only what the gate allows."""
    found = [literal for literal in shape.gate if lines.has(literal, folded=shape.fold)]
    if not found:
        return
    if shape.reach == "text":
        yield from shape.pattern.finditer(text)
        return
    if shape.reach == "at":
        done = 0  # as finditer: the next match starts after the last
        for at in lines.where(found, folded=shape.fold):
            if at >= done:
                match = shape.pattern.match(text, at)
                if match is not None:
                    yield match
                    done = max(match.end(), at + 1)
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
        # Shapes share gate strings: whether each occurs, and the lines holding it, once.
        self._has: dict[tuple[str, bool], bool] = {}
        self._starts: dict[tuple[str, bool], list[int]] = {}
        self._at: dict[tuple[str, bool], list[int]] = {}

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

    def has(self, literal: str, *, folded: bool) -> bool:
        """Whether ``literal`` occurs (in the case-folded text when ``folded``)."""
        key = (literal, folded)
        if key not in self._has:
            self._has[key] = literal in (self.folded if folded else self.text)
        return self._has[key]

    def where(self, literals: Sequence[str], *, folded: bool) -> list[int]:
        """Every offset where one of ``literals`` starts, in order."""
        found: set[int] = set()
        for literal in literals:
            key = (literal, folded)
            if key not in self._at:
                haystack = self.folded if folded else self.text
                offsets = []
                at = haystack.find(literal)
                while at >= 0:
                    offsets.append(at)
                    at = haystack.find(literal, at + 1)
                self._at[key] = offsets
            found.update(self._at[key])
        return sorted(found)

    def holding(self, literals: Sequence[str], *, folded: bool) -> list[tuple[int, int]]:
        """(start, end) of each line where one of ``literals`` occurs, in order."""
        starts: set[int] = set()
        for literal in literals:
            starts.update(self._starts_of(literal, folded))
        return [(start, self._line_end(start)) for start in sorted(starts)]

    def _starts_of(self, literal: str, folded: bool) -> list[int]:
        key = (literal, folded)
        if key not in self._starts:
            haystack = self.folded if folded else self.text
            starts = []
            at = haystack.find(literal)
            while at >= 0:
                start = self._line_start(at)
                starts.append(start)
                at = haystack.find(literal, max(at + 1, self._line_end(start)))
            self._starts[key] = starts
        return self._starts[key]

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


def redact_quoted_lines(
    text: str, real: Sequence[str], shown: Sequence[str], *, quotes_required: bool = False
) -> str:
    """``text`` with every redacted line of ``real`` replaced by its redacted form ``shown``.

    Repair messages quote lines of the file; this keeps secrets out of them.
    """
    pairs = sorted(
        {(a.strip(), b.strip()) for a, b in zip(real, shown, strict=False) if a != b and a.strip()},
        key=lambda pair: -len(pair[0]),
    )
    for secret, marker in pairs:
        text = text.replace(secret, marker)
    return redact(text, quotes_required=quotes_required)[0]
