"""The plain-prompt arm: one chat message as a person would type it, with the same facts
blitzls gives the model.

The baseline is not blitzls's template. It is what a careful programmer writes in a chat box:
the code (the same definition blitzls shows, doc comments and attributes above it included;
the file too when blitzls sends the file) and the same facts about the task — which lines
are pseudocode, the instruction, the diagnostic, the documentation style the language uses,
which annotations are wanted, method or function, "change nothing else" where blitzls says
it. Its answer is put in place by ``placement.py``, as carefully as a person would paste it.
"""

from __future__ import annotations

from tasks import DISPLAY, FENCE_NAMES, Task

# What a person would ask, per action. The same facts as blitzls's prompt (server/blitzls/
# actions.py), in other words.
ASKS = {
    "pseudocode": "In this {language} {unit} from {file}, write the code that the pseudocode "
    "comments{span} describe, in place of those comments.",
    "instruction": "This {language} {unit} from {file} has an `ai!` comment that says what to "
    "change: {instruction} Make that change and remove the `ai!` comment.",
    "edit": "Please change this {language} {unit} from {file}: {instruction}",
    "fix": "This {language} {unit} from {file} has a bug. A test fails with: {message} "
    "Please fix it.",
    "docstring": "Write a {doc} for this {language} {unit} from {file}. Don't change anything "
    "else.",
    "annotations": "Add type annotations to all the parameters and to the return value of this "
    "{language} {unit} from {file}. Don't change anything else.",
    "simplify": "Simplify this {language} {unit} from {file}. It must still do the same thing "
    "and keep its name.",
}
REPLY_FORMAT = "Reply with the whole {unit} in one ```{fence} block."
DOC_NAMES = {
    "python": "docstring",
    "javascript": "JSDoc comment (/** ... */)",
    "typescript": "JSDoc comment (/** ... */)",
    "rust": "/// doc comment",
}
_COMMENT_MARKERS = ("///", "//", "#", "/*", "*")


def sentence(text: str) -> str:
    """``text`` ending in a full stop (or the punctuation it already ends with)."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def scope_lines(task: Task) -> list[str]:
    lines = task.source.splitlines()
    first, last = task.scope
    return lines[first - 1 : last]


def header_line(task: Task) -> str:
    """The definition's first line, below its doc comments, decorators and attributes."""
    for line in scope_lines(task):
        stripped = line.strip()
        if stripped and not stripped.startswith(("@", "#[", *_COMMENT_MARKERS)):
            return line
    return scope_lines(task)[0]


def unit(task: Task) -> str:
    """'method' for a definition inside a class or impl (indented), else 'function'."""
    return "method" if header_line(task)[:1] in (" ", "\t") else "function"


def _comment_text(line: str) -> str:
    text = line.strip()
    for marker in _COMMENT_MARKERS:
        if text.startswith(marker):
            return text[len(marker) :].strip()
    return text


def ai_instruction(task: Task) -> str:
    """The text of the file's ``ai!`` comment, without the marker."""
    for line in task.source.splitlines():
        if "ai!" in line.lower():
            text = _comment_text(line)
            at = text.lower().find("ai!")
            return (text[:at] + text[at + 3 :]).strip(" :")
    raise ValueError(f"{task.id}: no ai! comment")


def pseudocode_span(task: Task) -> str:
    """The pseudocode lines named by their first and last line."""
    lines = task.source.splitlines()
    first, _, last = task.lines.partition("-")
    a, b = int(first), int(last or first)
    if a == b:
        return f" (the line `{lines[a - 1].strip()}`)"
    return f" (from `{lines[a - 1].strip()}` to `{lines[b - 1].strip()}`)"


def baseline_prompt(task: Task, context: str = "scope") -> str:
    """The one message the baseline sends. ``context="file"``: the file first, as blitzls
    sends it to hosted models."""
    language = task.language
    fence = FENCE_NAMES[language]
    facts = {
        "language": DISPLAY[language],
        "unit": unit(task),
        "file": task.file,
        "doc": DOC_NAMES[language],
        "span": pseudocode_span(task) if task.action == "pseudocode" else "",
        "instruction": sentence(
            ai_instruction(task) if task.action == "instruction" else task.instruction
        ),
        "message": sentence(task.message),
    }
    ask = ASKS[task.action].format(**facts)
    reply = REPLY_FORMAT.format(unit=facts["unit"], fence=fence)
    code = "\n".join(scope_lines(task))
    parts = []
    if context == "file":
        parts.append(f"Here is {task.file}:\n```{fence}\n{task.source.rstrip()}\n```\n")
    parts.append(f"{ask} {reply}\n\n```{fence}\n{code}\n```")
    return "\n".join(parts)
