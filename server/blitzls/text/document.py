"""An open text document kept as a list of lines, with incremental LSP changes."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from blitzls.text.lines import line_content, split_lines
from blitzls.text.positions import Encoding, Pos, column_to_units, units_to_column


class TextDocument:
    """One open document. ``lines`` is the primary representation; ``text`` is derived."""

    def __init__(
        self, uri: str, text: str, version: int | None = None, language_id: str = ""
    ) -> None:
        self.uri = uri
        self.version = version
        self.language_id = language_id
        self._lines = split_lines(text)
        self._text: str | None = text
        self._starts: list[int] | None = None

    def __repr__(self) -> str:
        return f"TextDocument({self.uri!r}, version={self.version!r}, lines={self.line_count})"

    # --- access --------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The whole text (joined once per change)."""
        if self._text is None:
            self._text = "".join(self._lines)
        return self._text

    @property
    def lines(self) -> list[str]:
        """The lines with their terminators; treat as read-only."""
        return self._lines

    @property
    def line_count(self) -> int:
        """The LSP line count (a trailing line break starts one more, empty, line)."""
        return len(self._lines)

    def line_text(self, i: int) -> str:
        """Line ``i`` without its terminator."""
        return line_content(self._lines[i])

    # --- positions -----------------------------------------------------------------

    def _line_starts(self) -> list[int]:
        """Code-point offset of every line start, plus the text length at the end."""
        if self._starts is None:
            self._starts = [0, *accumulate(map(len, self._lines))]
        return self._starts

    def _clamp(self, pos: Pos, encoding: Encoding) -> tuple[int, int]:
        """``pos`` as a (line, code-point column) inside the document's content."""
        if pos.line < 0:
            return 0, 0
        if pos.line >= len(self._lines):
            last = len(self._lines) - 1
            return last, len(self._lines[last])  # the last line has no terminator
        return pos.line, units_to_column(self.line_text(pos.line), pos.character, encoding)

    def offset_at(self, pos: Pos, encoding: Encoding) -> int:
        """Code-point offset of ``pos`` in ``text``.

        A line past the end clamps to the end of the document; a character past the end of
        its line clamps to the end of the line's content (before the terminator).
        """
        line, column = self._clamp(pos, encoding)
        return self._line_starts()[line] + column

    def position_at(self, offset: int, encoding: Encoding) -> Pos:
        """The position of code-point ``offset`` (clamped to the text; inside a "\\r\\n" it
        maps to the end of the line's content)."""
        starts = self._line_starts()
        offset = min(max(offset, 0), starts[-1])
        line = min(bisect_right(starts, offset) - 1, len(self._lines) - 1)
        content = self.line_text(line)
        column = min(offset - starts[line], len(content))
        return Pos(line, column_to_units(content, column, encoding))

    # --- changes -------------------------------------------------------------------

    def apply_change(
        self,
        text: str,
        range: tuple[Pos, Pos] | None,
        encoding: Encoding,
        version: int | None = None,
    ) -> None:
        """Apply one LSP content change: ``range`` None replaces everything.

        Only the lines the range touches (plus a neighbouring "\\r" that a leading "\\n" may
        join) are re-split. ``version``, when given, becomes the document's version.
        """
        if range is None:
            self._lines = split_lines(text)
        else:
            self._splice(text, self._clamp(range[0], encoding), self._clamp(range[1], encoding))
        self._text = text if range is None else None
        self._starts = None
        if version is not None:
            self.version = version

    def _splice(self, text: str, start: tuple[int, int], end: tuple[int, int]) -> None:
        if end < start:
            start, end = end, start
        lines = self._lines
        (first, start_col), (last, end_col) = start, end
        # end_col never passes the content, so ``tail`` keeps the whole terminator of ``last``
        # and the line after it cannot join the new text.
        chunk = lines[first][:start_col] + text + lines[last][end_col:]
        if first > 0 and chunk.startswith("\n") and lines[first - 1].endswith("\r"):
            first -= 1  # "\r" + "\n" becomes one CRLF break
            chunk = lines[first] + chunk
        new_lines = split_lines(chunk)
        if last < len(lines) - 1:
            new_lines.pop()  # chunk ends with a terminator: drop the empty final element
        lines[first : last + 1] = new_lines
