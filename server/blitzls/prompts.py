"""The messages sent to the model for one action.

One user message, in the plain words a programmer would use, with the code to change shown
the way models are trained on: a fenced block holding the whole definition. The reply is
asked for in the same shape (the whole definition in one fenced block), which small models
follow reliably; blitzls turns it into a minimal diff itself. Where an action allows it, a
Python docstring is stated in words instead of shown (``ActionSpec.docstring_aside``), so the
answer does not copy it back; the file's docstring stays. Capable models may instead be
asked for SEARCH/REPLACE blocks, which cost fewer output tokens on large definitions.

Optional context (the file, or a window of it) comes first and the task last, so actions on
the same file share their prompt prefix with providers that cache prompts. Nothing volatile
(times, ids, line numbers that shift) is in the prompt.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from blitzls.actions import ActionSpec
from blitzls.core.task import EditTask

ContextMode = Literal["scope", "file"]

# Files longer than this many lines are sent as an aligned window (plus the file's header),
# so that actions at nearby places share the same prefix.
WINDOW_ALIGN = 100
HEADER_LINES = 30
# Output budget: this many tokens, plus per character of the code the model rewrites, plus
# per pseudocode line (the code it becomes is longer than the comment).
MAX_TOKENS_BASE = 256
MAX_TOKENS_PER_CHAR = 0.6
MAX_TOKENS_PER_TARGET_LINE = 48

SEARCH_REPLACE_RULES = """\
Reply with SEARCH/REPLACE blocks, each exactly like this:
<<<<<<< SEARCH
lines copied exactly from the code, with their indentation
=======
the lines that replace them
>>>>>>> REPLACE
Each SEARCH must match the code exactly and only once; include just enough lines to be
unique. To delete lines, leave the part after ======= empty."""


@dataclass(frozen=True)
class PromptInput:
    """What a prompt is built from."""

    action: ActionSpec
    task: EditTask
    file_label: str
    lines: Sequence[str]  # the lines as the model may see them (secrets redacted)
    context: ContextMode = "scope"
    context_lines: int = 400
    instruction: str = ""
    diagnostics: str = ""


def build_messages(spec: PromptInput) -> list[dict[str, str]]:
    """The chat messages for one action: one user message, context first, task last."""
    task = spec.task
    language = display_language(task.language)
    fence = fence_name(task.language)
    unit = unit_name(spec.lines, task) if task.shown_kind == "definition" else "code"
    shown = _normalise("".join(spec.lines[i] for i in code_rows(task)))
    aside = ""
    if task.aside is not None:
        text = docstring_text(spec.lines[task.aside[0] : task.aside[1]])
        name = doc_comment_name(task.language)
        aside = f"Its {name} (not shown below; it stays as it is): {text}\n"
    ask = spec.action.task.format(
        language=language,
        file=spec.file_label,
        unit=unit,
        doc=doc_comment_name(task.language),
        target=_target_phrase(spec.lines, task),
        first_line=task.target[0] + 1,
        last_line=task.target[1],
        selection=_normalise("".join(spec.lines[task.target[0] : task.target[1]])),
        instruction=spec.instruction,
        diagnostics=spec.diagnostics,
    )
    if task.reply_format == "search-replace":
        reply_format = SEARCH_REPLACE_RULES
    elif unit == "code":
        reply_format = f"Reply with the new code in one ```{fence} block."
    else:
        reply_format = f"Reply with the whole {unit} in one ```{fence} block."
    parts = []
    if spec.context == "file":
        window = file_context(spec.lines, *task.shown, spec.context_lines)
        parts.append(f"The file {spec.file_label}:\n{window}\n")
    parts.append(f"{ask}\n{aside}{reply_format}\n\n```{fence}\n{shown}\n```")
    return [{"role": "user", "content": "\n".join(parts)}]


def max_tokens_for(task: EditTask, cap: int) -> int:
    """An output budget sized from the task: generous, but not a fixed maximum."""
    shown_chars = sum(len(line) for line in task.lines[task.shown[0] : task.shown[1]])
    target_lines = task.target[1] - task.target[0] if task.pseudocode else 0
    budget = (
        MAX_TOKENS_BASE
        + int(MAX_TOKENS_PER_CHAR * shown_chars)
        + MAX_TOKENS_PER_TARGET_LINE * target_lines
    )
    return max(1, min(cap, budget))


def _target_phrase(lines: Sequence[str], task: EditTask) -> str:
    """How the task's lines are named in the prompt: quoted by their first and last line when
    they are only part of what is shown, else nothing. A placeholder statement after
    pseudocode (``pass``, ``todo!()``) is named as going with it."""
    if task.target == task.shown:
        return ""
    end = task.target[1] if task.placeholder is None else task.placeholder
    first = lines[task.target[0]].strip()
    last = lines[end - 1].strip()
    extra = ""
    if task.placeholder is not None:
        under = "it" if end - task.target[0] == 1 else "them"
        extra = f" and the `{lines[task.placeholder].strip()}` under {under}"
    if end - task.target[0] == 1:
        return f" (the line `{first}`){extra}"
    return f" (from `{first}` to `{last}`){extra}"


def unit_name(lines: Sequence[str], task: EditTask) -> str:
    """'function', 'method' or 'class', from the definition's header line."""
    from blitzls.core.rewrite import header_row

    header = header_row(task)
    text = lines[header].strip() if header is not None else ""
    words = text.replace("(", " ").split()
    if any(w in ("class", "struct", "enum", "trait", "interface", "impl") for w in words[:3]):
        return "class" if "class" in words[:3] else "definition"
    indented = header is not None and lines[header][:1] in (" ", "\t")
    return "method" if indented else "function"


def doc_comment_name(language_id: str) -> str:
    """What a documentation comment is called in the language."""
    if language_id == "python":
        return "docstring"
    if language_id in ("javascript", "javascriptreact", "typescript", "typescriptreact"):
        return "JSDoc comment"
    if language_id == "rust":
        return "/// doc comment"
    return "doc comment"


def context_window(total: int, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """The line ranges file context shows: the whole file when it has at most ``budget``
    lines, else its first lines and a window around ``start``-``end`` aligned to
    WINDOW_ALIGN (so nearby actions share the prompt prefix)."""
    if total <= budget:
        return [(0, total)]
    half = max((budget - HEADER_LINES) // 2, 1)
    first = max(((start - half) // WINDOW_ALIGN) * WINDOW_ALIGN, 0)
    last = min(first + budget - HEADER_LINES, total)
    if last < end:  # a very long selection: centre on it instead
        first = max(start - HEADER_LINES, 0)
        last = min(end + HEADER_LINES, total)
    if first > HEADER_LINES:
        return [(0, HEADER_LINES), (first, last)]
    return [(0, last)]


def shown_regions(task: EditTask, context: ContextMode, budget: int) -> list[tuple[int, int]]:
    """Every line range of the file the prompt for ``task`` shows the model."""
    regions = [task.shown]
    if context == "file":
        regions += context_window(len(task.lines), *task.shown, budget)
    return regions


def file_context(lines: Sequence[str], start: int, end: int, budget: int) -> str:
    """The file as the model sees it: whole when short, else an aligned window and the header."""
    total = len(lines)
    regions = context_window(total, start, end, budget)
    if regions == [(0, total)]:
        return f"```\n{_normalise(''.join(lines))}\n```"
    parts = []
    if len(regions) == 2:
        parts.append(
            f"Lines 1-{HEADER_LINES}:\n```\n{_normalise(''.join(lines[:HEADER_LINES]))}\n```"
        )
    first, last = regions[-1]
    parts.append(
        f"Lines {first + 1}-{last} of {total}:\n```\n{_normalise(''.join(lines[first:last]))}\n```"
    )
    return "\n".join(parts)


def code_rows(task: EditTask) -> list[int]:
    """The rows of the code block the prompt shows: the shown lines, less a docstring
    given in words instead."""
    rows = range(*task.shown)
    if task.aside is None:
        return list(rows)
    first, last = task.aside
    return [i for i in rows if not first <= i < last]


def docstring_text(lines: Sequence[str]) -> str:
    """A Python docstring's text on one line, as the prompt states it: the string's value
    with its whitespace collapsed (the rows as written, for a literal that does not
    evaluate, such as one with a redacted secret in it)."""
    source = textwrap.dedent("".join(lines)).strip()
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = source
    return " ".join(str(value).split())


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


_LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "javascriptreact": "JavaScript (JSX)",
    "typescript": "TypeScript",
    "typescriptreact": "TypeScript (TSX)",
    "rust": "Rust",
    "go": "Go",
    "lua": "Lua",
    "shellscript": "shell",
    "cpp": "C++",
    "csharp": "C#",
    "plaintext": "source",
}
_FENCE_NAMES = {
    "javascriptreact": "jsx",
    "typescriptreact": "tsx",
    "shellscript": "sh",
    "plaintext": "",
    "csharp": "csharp",
}


def display_language(language_id: str) -> str:
    """A human name for an LSP language id."""
    return _LANGUAGE_NAMES.get(language_id, language_id.capitalize() or "source")


def fence_name(language_id: str) -> str:
    """The info string of a Markdown fence for the language."""
    return _FENCE_NAMES.get(language_id, language_id)
