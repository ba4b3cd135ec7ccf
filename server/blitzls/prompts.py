"""Prompt building, laid out stable-first so providers' prompt caches hit.

Order: the system rules (identical for every request), then the file context
(identical for every action on the same file version), then the task last.
Nothing volatile (times, ids) goes into the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from blitzls.actions import ActionSpec

SYSTEM_PROMPT = """\
You are blitzls, a precise code-editing engine inside a programmer's editor.
You receive a source file and then a task about some of its lines.
Rules:
- Follow the task's reply format exactly; no greetings, no explanations.
- Match the file's language, style, naming and indentation.
- Change only what the task asks for; never rewrite unrelated code.
- Code you write must be complete and runnable: no placeholders, no elisions.
- If new code needs a module the file does not import, import it inside the new code.

Reply formats (the task names one):
REPLACEMENT: one fenced code block holding only the code that takes the place of the named
lines, indented exactly as it must appear in the file.
EDITS: one or more SEARCH/REPLACE blocks, each exactly like this:
<<<<<<< SEARCH
lines copied exactly from the file, with their indentation
=======
the lines that replace them
>>>>>>> REPLACE
Each SEARCH must match the file exactly and only once; include just enough lines to be
unique. Keep blocks small and never repeat unchanged code beyond that. To delete lines,
leave REPLACE empty."""

# Files longer than this many lines are sent as an aligned window (plus the file's header),
# so that actions at nearby places share the same prefix.
WINDOW_ALIGN = 100
HEADER_LINES = 30


@dataclass(frozen=True)
class PromptInput:
    """What a prompt is built from."""

    action: ActionSpec
    file_label: str
    language: str
    lines: Sequence[str]  # the document's lines, with terminators
    start_line: int  # 0-based, inclusive: the lines the reply may change
    end_line: int  # 0-based, exclusive
    context_lines: int
    mode: Literal["range", "edits"] = "range"
    instruction: str = ""
    diagnostics: str = ""


def build_messages(spec: PromptInput) -> list[dict[str, str]]:
    """The chat messages for one action: system rules, file context, then the task."""
    context = file_context(spec.lines, spec.start_line, spec.end_line, spec.context_lines)
    selection = _normalise("".join(spec.lines[spec.start_line : spec.end_line]))
    first, last = spec.start_line + 1, spec.end_line
    task = spec.action.task.format(
        language=display_language(spec.language),
        file=spec.file_label,
        first_line=first,
        last_line=last,
        selection=selection,
        instruction=spec.instruction,
        diagnostics=spec.diagnostics,
    )
    if spec.mode == "range":
        indent = describe_indent(leading_indent(spec.lines, spec.start_line, spec.end_line))
        reply_format = (
            f"Reply format: REPLACEMENT of lines {first}-{last}; its first line starts with "
            f"{indent}. Do not repeat any line before or after them. The lines are:\n"
            f"```\n{selection}\n```"
        )
    else:
        head = _normalise(spec.lines[spec.start_line]).strip()
        tail = _normalise(spec.lines[spec.end_line - 1]).strip()
        reply_format = (
            f"Reply format: EDITS, changing only lines {first}-{last} (from `{head}` to `{tail}`)."
        )
    user = (
        f"File: {spec.file_label} ({display_language(spec.language)})\n{context}\n\n"
        f"Task: {task}\n{reply_format}"
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def file_context(lines: Sequence[str], start: int, end: int, budget: int) -> str:
    """The file as the model sees it: whole when short, else an aligned window and the header."""
    total = len(lines)
    if total <= budget:
        body = "".join(lines)
        return f"```\n{_normalise(body)}\n```"
    half = max((budget - HEADER_LINES) // 2, 1)
    first = max(((start - half) // WINDOW_ALIGN) * WINDOW_ALIGN, 0)
    last = min(first + budget - HEADER_LINES, total)
    if last < end:  # a very long selection: centre on it instead
        first = max(start - HEADER_LINES, 0)
        last = min(end + HEADER_LINES, total)
    parts = []
    if first > HEADER_LINES:
        parts.append(
            f"Lines 1-{HEADER_LINES}:\n```\n{_normalise(''.join(lines[:HEADER_LINES]))}\n```"
        )
    elif first > 0:
        first = 0
    parts.append(
        f"Lines {first + 1}-{last} of {total}:\n```\n{_normalise(''.join(lines[first:last]))}\n```"
    )
    return "\n".join(parts)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def leading_indent(lines: Sequence[str], start: int, end: int) -> str:
    """The indentation of the first non-blank line of the range."""
    for line in lines[start:end]:
        if line.strip():
            return line[: len(line) - len(line.lstrip(" \t"))]
    return ""


def describe_indent(indent: str) -> str:
    """'8 spaces', '1 tab', 'no indentation'."""
    if not indent:
        return "no indentation"
    tabs, spaces = indent.count("\t"), indent.count(" ")
    words = []
    if tabs:
        words.append(f"{tabs} tab" + ("s" if tabs > 1 else ""))
    if spaces:
        words.append(f"{spaces} space" + ("s" if spaces > 1 else ""))
    return " and ".join(words)


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


def display_language(language_id: str) -> str:
    """A human name for an LSP language id."""
    return _LANGUAGE_NAMES.get(language_id, language_id.capitalize() or "source")
