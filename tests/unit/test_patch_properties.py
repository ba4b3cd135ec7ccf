"""Properties of the matcher on random documents."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from blitzls.patch.match import MatchError, apply_blocks
from blitzls.patch.parse import EditBlock

LINE = st.text(alphabet="ab(): 😀é\t", max_size=8)
LINES = st.lists(LINE, max_size=12)
EOL = st.sampled_from(["\n", "\r\n", "\r"])
TRAILING = st.sampled_from(["", " ", "  ", "\t", " \t"])
INDENT = st.sampled_from(["", "  ", "    ", "\t"])
NEW = "NEW 😀 LINE"  # cannot occur in a random line


def key(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines]


def occurrences(lines: list[str], window: list[str]) -> list[int]:
    """Where ``window`` occurs in ``lines``, comparing stripped lines."""
    size = len(window)
    return [i for i in range(len(lines) - size + 1) if key(lines[i : i + size]) == key(window)]


def offset_of(lines: list[str], eol: str, index: int) -> int:
    return sum(len(line) + len(eol) for line in lines[:index])


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(LINE, min_size=1, max_size=25),
    eol=EOL,
    final_break=st.booleans(),
    extra=INDENT,
    data=st.data(),
)
def test_block_from_a_unique_window_applies_exactly_there(
    lines: list[str], eol: str, final_break: bool, extra: str, data: st.DataObject
) -> None:
    first = data.draw(st.integers(0, len(lines) - 1), label="first")
    last = data.draw(st.integers(first + 1, min(len(lines), first + 6)), label="last")
    window = lines[first:last]
    assume(window[0].strip() and window[-1].strip())
    assume(occurrences(lines, window) == [first])
    spaces = data.draw(st.lists(TRAILING, min_size=len(window), max_size=len(window)))
    search = [
        (extra + line if line.strip() else line) + tail
        for line, tail in zip(window, spaces, strict=True)
    ]
    replace = [extra + NEW, *search]
    text = eol.join(lines) + (eol if final_break else "")

    result = apply_blocks(
        text, [EditBlock("\n".join(search) + "\n", "\n".join(replace) + "\n")], scope=(0, len(text))
    )

    start = offset_of(lines, eol, first)
    terminated = last < len(lines) or final_break
    end = offset_of(lines, eol, last - 1) + len(lines[last - 1]) + (len(eol) if terminated else 0)
    used = eol if len(lines) > 1 or final_break else "\n"  # no line break: "\n"
    new = used.join([NEW, *window]) + (used if terminated else "")
    (applied,) = result.applied
    assert (applied.start, applied.end, applied.replacement) == (start, end, new)
    assert result.new_text == text[:start] + new + text[end:]


@settings(max_examples=100, deadline=None)
@given(
    head=LINES,
    middle=LINES,
    tail=LINES,
    window=st.lists(LINE, min_size=1, max_size=4),
    eol=EOL,
    extra=INDENT,
)
def test_search_occurring_twice_without_hint_is_refused(
    head: list[str], middle: list[str], tail: list[str], window: list[str], eol: str, extra: str
) -> None:
    assume(window[0].strip() and window[-1].strip())
    lines = [*head, *window, *middle, *window, *tail]
    text = eol.join(lines)
    shifted = [extra + line if line.strip() else line for line in window]
    # the re-indented text must not also occur exactly (then that one place is the match)
    assume(not extra or all(lines[i : i + len(shifted)] != shifted for i in range(len(lines))))
    search = "".join(line + "\n" for line in shifted)
    with pytest.raises(MatchError) as caught:
        apply_blocks(text, [EditBlock(search, NEW + "\n")], scope=(0, len(text)))
    (failure,) = caught.value.failures
    assert failure.kind == "ambiguous"
    assert caught.value.matched == ()


@settings(max_examples=100, deadline=None)
@given(
    head=LINES,
    middle=LINES,
    tail=LINES,
    window=st.lists(LINE, min_size=1, max_size=4),
    eol=EOL,
    second=st.booleans(),
)
def test_hint_inside_one_of_two_copies_picks_that_copy(
    head: list[str],
    middle: list[str],
    tail: list[str],
    window: list[str],
    eol: str,
    second: bool,
) -> None:
    assume(window[0].strip() and window[-1].strip())
    lines = [*head, *window, *middle, *window, *tail]
    copies = [len(head), len(head) + len(window) + len(middle)]
    assume(occurrences(lines, window) == copies)
    assume(copies[1] >= copies[0] + len(window))  # the copies do not overlap
    text = eol.join(lines) + eol
    chosen = copies[1] if second else copies[0]
    hint = offset_of(lines, eol, chosen) + len(window[0]) // 2
    search = "".join(line + "\n" for line in window)
    result = apply_blocks(text, [EditBlock(search, NEW + "\n")], scope=(0, len(text)), hint=hint)
    assert result.new_text == eol.join([*lines[:chosen], NEW, *lines[chosen + len(window) :]]) + eol
