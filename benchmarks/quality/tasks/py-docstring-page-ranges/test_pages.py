import inspect

import pytest
from pages import format_pages, make_job, parse_pages

FORMAT_PAGES_SOURCE = '''def format_pages(pages: list[int]) -> str:
    """The shortest spec for sorted `pages`: [1, 2, 3, 5] -> "1-3,5"."""
    parts = []
    run_start = previous = None
    for page in [*pages, None]:
        if previous is not None and page != previous + 1:
            parts.append(str(run_start) if run_start == previous else f"{run_start}-{previous}")
            run_start = page
        elif run_start is None:
            run_start = page
        previous = page
    return ",".join(parts)
'''


def test_parse_pages_has_a_docstring():
    assert (inspect.getdoc(parse_pages) or "").strip()


def test_the_rest_of_the_module_is_unchanged():
    assert inspect.getsource(format_pages) == FORMAT_PAGES_SOURCE


def test_behaviour_is_unchanged():
    assert parse_pages("1-3, 5,8-", 10) == [1, 2, 3, 5, 8, 9, 10]
    assert parse_pages("-2,2,40", 12) == [1, 2, 12]
    assert format_pages(parse_pages("4-6,1", 9)) == "1,4-6"
    assert make_job("report.pdf", "2-3", 5).pages == (2, 3)
    with pytest.raises(ValueError):
        parse_pages("5-2", 10)
