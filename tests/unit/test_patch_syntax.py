"""Syntax checks of edited documents."""

from __future__ import annotations

from blitzls.patch.syntax import introduces_syntax_error, syntax_error

GOOD = "def f(x):\n    return x + 1\n"
BAD = "def f(x):\n    return (x + 1\n\nprint('é😀')\n"


def test_valid_python_has_no_error() -> None:
    assert syntax_error(GOOD, "python") is None
    assert syntax_error(GOOD.replace("\n", "\r\n"), "python") is None
    assert syntax_error(GOOD.replace("\n", "\r"), "python") is None


def test_error_names_its_line() -> None:
    error = syntax_error("x = 1\ny = 2\nif x\n    pass\n", "python")
    assert error is not None and error.startswith("line 3: ")


def test_error_line_in_a_crlf_document() -> None:
    error = syntax_error("x = 1\r\n\r\ndef f(:\r\n", "python")
    assert error is not None and error.startswith("line 3: ")


def test_unclosed_bracket_is_reported() -> None:
    error = syntax_error(BAD, "python")
    assert error is not None and error.startswith("line 2: ")


def test_null_byte_is_an_error() -> None:
    error = syntax_error("x = 1\ny = '\0'\n", "python")
    assert error is not None and error.startswith("line ")


def test_warnings_are_not_errors() -> None:
    assert syntax_error("import re\npattern = '\\d+'\nassert (1, 'x')\n", "python") is None


def test_other_languages_are_unknown() -> None:
    assert syntax_error("int main( {", "c") is None
    assert syntax_error(BAD, "javascript") is None


def test_introduced_error_only_when_the_old_text_was_fine() -> None:
    assert introduces_syntax_error(GOOD, BAD, "python") == syntax_error(BAD, "python")
    assert introduces_syntax_error(BAD, BAD + "x = (\n", "python") is None
    assert introduces_syntax_error(BAD, GOOD, "python") is None
    assert introduces_syntax_error(GOOD, GOOD, "python") is None
    assert introduces_syntax_error(GOOD, BAD, "rust") is None


def test_quick_check_on_a_long_file_agrees_with_the_whole_file() -> None:
    source = "".join(f"def f{i}(x):\n    y = x + {i}\n    return y\n\n\n" for i in range(2000))
    fine = source.replace("    y = x + 1000\n", "    y = x + 1001\n", 1)
    broken = source.replace("    y = x + 1000\n", "    y = (x + 1000\n", 1)
    assert introduces_syntax_error(source, fine, "python") is None
    error = introduces_syntax_error(source, broken, "python")
    assert error is not None and error.startswith("line 5002:")
    nested = "class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n"
    assert introduces_syntax_error(nested, nested.replace("return 2", "return 2)"), "python")
    assert introduces_syntax_error(nested, nested + "\n'''\n", "python")
