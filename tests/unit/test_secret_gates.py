"""The gates that let redaction skip text never change what it finds.

Each shape is compared with a plain scan of the whole text by its pattern, on the credential
examples of every shape placed in many surroundings (CRLF and CR files, non-ASCII text, the
letters IGNORECASE equates to ASCII ones, several secrets on a line) and on real source files.
"""

from __future__ import annotations

import random
import re
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from blitzls import secrets
from blitzls.secrets import SHAPES, SecretShape, redact
from tests.unit.test_secret_shapes import EXAMPLES, ORDINARY, ORDINARY_CONFIG

ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def plain_spans(text: str, code: bool = False) -> list[tuple[int, int]]:
    """What redaction finds when every pattern scans the whole text."""
    found = []
    for shape in SHAPES:
        if shape.unquoted and code:
            continue
        for match in shape.pattern.finditer(text):
            span = shape.span(match)
            if span is not None:
                found.append(span)
    return sorted(found)


def gated_spans(text: str, code: bool = False) -> list[tuple[int, int]]:
    return sorted(secrets._spans(text, code))


SAMPLES = [text for cases in EXAMPLES.values() for text, _ in cases]
SURROUNDINGS = [
    "{}",
    "x = 1\n{}\ny = 2\n",
    "x = 1\r\n{}\r\ny = 2\r\n",
    "x = 1\r{}\ry = 2\r",
    "Grüße 東京 😀 = 1\n\t{} # 😀\n",
    "a{}b",
    "{} {}",
    "{}\n{}",
    "    # {}\n",
    '"""{}"""',
]


def texts() -> Iterator[str]:
    for sample in SAMPLES:
        for surrounding in SURROUNDINGS:
            yield surrounding.replace("{}", sample)
            yield surrounding.replace("{}", sample.replace("\n", "\r\n"))
            yield surrounding.replace("{}", sample.upper())
            yield surrounding.replace("{}", sample.swapcase())


@pytest.mark.parametrize("text", list(texts()))
def test_gated_scan_finds_what_a_plain_scan_finds(text: str) -> None:
    assert gated_spans(text) == plain_spans(text)
    assert gated_spans(text, code=True) == plain_spans(text, code=True)


def test_random_mixtures_of_secrets_and_code() -> None:
    rng = random.Random(7)
    pieces = [
        *SAMPLES,
        *ORDINARY.splitlines(),
        *ORDINARY_CONFIG.splitlines(),
        *("password", "TOKEN=", "Private-MAC: ", "://", "curl", "machine", "pgpass", "sig="),
        *("name: x_token", "value: ", "password: ", " -u ", "MT", "SK", ": "),
    ]
    breaks = ["\n", "\r\n", "\r", " ", "", "\n\n"]
    for _ in range(600):
        text = "".join(rng.choice(pieces) + rng.choice(breaks) for _ in range(rng.randint(1, 12)))
        assert gated_spans(text) == plain_spans(text), text
        assert gated_spans(text, code=True) == plain_spans(text, code=True), text


@pytest.mark.parametrize(
    ("letter", "stand_in"), [("i", "\u0130"), ("i", "\u0131"), ("k", "\u212a"), ("s", "\u017f")]
)
def test_letters_ignorecase_equates_to_ascii_pass_the_gates(letter: str, stand_in: str) -> None:
    for text in ('DB_PASSWORD = "hunter2hunter2"', 'x = {"api_key": "abcd1234efgh5678"}'):
        odd = text.replace(letter, stand_in).replace(letter.upper(), stand_in)
        if odd == text:
            continue
        assert gated_spans(odd) == plain_spans(odd) != []
        assert redact(odd)[1] == 1


def test_the_fold_list_is_what_ignorecase_does() -> None:
    """IGNORECASE matches an ASCII letter with these and no other non-ASCII characters."""
    expected = {(char, letter) for char, letter in secrets._FOLD_TO_ASCII}
    found = set()
    for letter in "abcdefghijklmnopqrstuvwxyz":
        pattern = re.compile("(?i)" + letter)
        # The whole code-point range takes ~20 s; the characters Unicode folds to ASCII
        # letters all lie below U+3000.
        for code in range(0x80, 0x3000):
            if pattern.fullmatch(chr(code)):
                found.add((chr(code), letter))
    assert found == expected


def test_folding_keeps_offsets_and_line_breaks() -> None:
    """Lines found in the folded text are the text's: every character stays one character."""
    text = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    folded = secrets._Lines(text).folded
    assert len(folded) == len(text)
    assert [i for i, c in enumerate(folded) if c in "\r\n"] == [
        i for i, c in enumerate(text) if c in "\r\n"
    ]


@pytest.mark.parametrize(
    "path",
    [
        STDLIB / "typing.py",
        STDLIB / "smtplib.py",
        STDLIB / "http" / "client.py",
        STDLIB / "urllib" / "request.py",
        ROOT / "server" / "blitzls" / "secrets.py",
        ROOT / "tests" / "unit" / "test_secret_shapes.py",
        ROOT / "docs" / "reliability.md",
    ],
    ids=lambda p: p.name,
)
def test_real_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert gated_spans(text) == plain_spans(text)
    assert gated_spans(text, code=True) == plain_spans(text, code=True)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name[:40])
def test_every_shape_declares_a_gate_its_examples_hold(shape: SecretShape) -> None:
    for text, _ in EXAMPLES[shape.name]:
        haystack = secrets._Lines(text).folded if shape.fold else text
        assert any(literal in haystack for literal in shape.gate), shape.name
