"""Prompt building, laid out stable-first so providers' prompt caches hit.

Order: the system rules (identical for every request), then the file context
(identical for every action on the same file version), then the task last.
Nothing volatile (times, ids) goes into the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.actions import ActionSpec

SYSTEM_PROMPT = """\
You are blitzls, a precise code-editing engine inside a programmer's editor.
You receive a source file and then a task about some of its lines.
Rules:
- Follow the task's reply format exactly; no greetings, no explanations.
- Match the file's language, style, naming and indentation.
- Change only what the task asks for; never rewrite unrelated code.
- Code you write must be complete and runnable: no placeholders, no elisions.
- If new code needs a module the file does not import, import it inside the new code."""

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
    start_line: int  # 0-based, inclusive
    end_line: int  # 0-based, exclusive
    context_lines: int


def build_messages(spec: PromptInput) -> list[dict[str, str]]:
    """The chat messages for one action."""
    context = file_context(spec.lines, spec.start_line, spec.end_line, spec.context_lines)
    selection = "".join(spec.lines[spec.start_line : spec.end_line]).rstrip("\r\n")
    selection = selection.replace("\r\n", "\n").replace("\r", "\n")
    task = spec.action.task.format(
        language=display_language(spec.language),
        file=spec.file_label,
        first_line=spec.start_line + 1,
        last_line=spec.end_line,
        selection=selection,
        indent=describe_indent(leading_indent(spec.lines, spec.start_line, spec.end_line)),
    )
    user = f"File: {spec.file_label} ({display_language(spec.language)})\n{context}\n\n{task}"
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
