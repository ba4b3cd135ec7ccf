"""The edit core's names check: imports added for standard modules, refusals naming the rest,
and the repair round that asks for them."""

from __future__ import annotations

import pytest

from blitzls.core.errors import UndefinedNameError
from blitzls.core.names import check_names, with_imports
from blitzls.core.repair import repair
from blitzls.core.task import EditTask
from blitzls.text.lines import split_lines

SOURCE = 'import os\n\n\ndef size(items):\n    """Größe 😀."""\n    # TODO\n    return 0\n'


def task(text: str = SOURCE, language: str = "python") -> EditTask:
    lines = tuple(split_lines(text))
    return EditTask(lines, language, (3, 7), (5, 6), (5, 6), "rewrite", "definition", True)


def checked(old: str, new: str) -> str:
    return check_names(task(old), new, split_lines(new))[0]


def test_a_standard_module_gets_its_import_after_the_others() -> None:
    new = SOURCE.replace("    # TODO\n", "    n = math.ceil(len(items) / 2) + len(os.sep)\n")
    assert checked(SOURCE, new) == new.replace("import os\n", "import os\nimport math\n")


def test_crlf_files_get_a_crlf_import_and_a_file_without_imports_gets_it_first() -> None:
    old = SOURCE.replace("import os\n\n\n", "").replace("\n", "\r\n")
    new = old.replace("    # TODO\r\n", "    n = math.floor(1.5)  # ✓\r\n")
    assert checked(old, new) == "import math\r\n" + new


def test_names_nothing_defines_are_refused_by_name() -> None:
    new = SOURCE.replace("    # TODO\n", "    n = is_prime(math.ceil(2)) + helpr(1)\n")
    with pytest.raises(UndefinedNameError) as refused:
        checked(SOURCE, new)
    assert refused.value.names == ["helpr", "is_prime"]
    assert str(refused.value) == (
        "the code uses `helpr` and `is_prime`, which are not defined; nothing was changed"
    )


def test_a_result_without_new_names_is_returned_as_it_is() -> None:
    new = SOURCE.replace("    # TODO\n", "    n = len(items)\n")
    lines = split_lines(new)
    assert check_names(task(), new, lines) == (new, lines)


def test_imports_go_after_an_unterminated_last_import() -> None:
    assert with_imports(split_lines("import os"), ["import math"], "python") == [
        "import os\n",
        "import math\n",
        "",
    ]


def test_the_repair_round_names_what_is_not_defined() -> None:
    fixed, message = repair(UndefinedNameError(["is_prime"]), task(), "function", "python")
    assert fixed.reply_format == "rewrite"
    assert message.startswith("`is_prime` is not defined. ")
    assert message.endswith("Reply with the whole function in one ```python block.")
    _, message = repair(UndefinedNameError(["a", "b", "c"]), task(), "function", "python")
    assert message.startswith("`a`, `b` and `c` are not defined. ")
