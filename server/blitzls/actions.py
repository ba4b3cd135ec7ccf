"""Code actions described as data: what they are called, when they apply, what they ask.

Built-in and user-defined actions go through the same path: an action is an id, a title, a
code-action kind, a trigger (when the editor offers it), a task template and an output
format. The engine adds the reply-format rules, so a template only describes the task.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

Trigger = Literal["comment_block", "instruction_comment", "scope", "diagnostic", "command"]
OutputFormat = Literal["range", "edits", "auto"]

PLACEHOLDERS = (
    "language",
    "file",
    "unit",
    "doc",
    "target",
    "first_line",
    "last_line",
    "selection",
    "instruction",
    "diagnostics",
)
TITLE_PLACEHOLDERS = ("instruction", "message")
MAX_FORMAT_WIDTH = 200  # a format spec's width or precision; more is a mistake (or an attack)
# Values of the types templates are filled with, to try each template once at load time.
_SAMPLE_VALUES: dict[str, str | int] = {
    "language": "Python",
    "file": "a.py",
    "unit": "function",
    "doc": "docstring",
    "target": " (from `# a` to `# b`)",
    "first_line": 1,
    "last_line": 2,
    "selection": "x = 1",
    "instruction": "do it",
    "diagnostics": "- line 1: bad",
    "message": "bad",
}


@dataclass(frozen=True)
class ActionSpec:
    """One code action.

    ``task`` is a ``str.format`` template over :data:`PLACEHOLDERS`. ``title`` may use
    ``{instruction}`` and ``{message}`` (a diagnostic's message).

    Triggers: ``comment_block`` — a selection, or the cursor in a block of comment lines;
    ``instruction_comment`` — the cursor on an ``ai!`` comment; ``scope`` — a selection, or the
    cursor inside a function or class; ``diagnostic`` — one action per diagnostic in range;
    ``command`` — only through ``workspace/executeCommand`` or the CLI.

    Output: ``range`` — the model rewrites exactly the target lines; ``edits`` — the model sends
    SEARCH/REPLACE blocks inside the target scope; ``auto`` — ``range`` for a small scope,
    ``edits`` for a larger one (fewer output tokens).

    ``keeps_code``: the action only writes comments and docstrings; code the reply changed
    stays as the file has it (and the user is told). ``ends_after_header``: the action
    changes only the header and what is above it or its docstring, so the answer is complete
    once the model echoes the body's first lines (the stream is closed there).
    ``docstring_aside``: the prompt gives a Python definition's docstring in words and leaves
    it out of the code, so the answer does not spend tokens repeating it; the file's
    docstring stays as it is.
    """

    id: str
    title: str
    kind: str
    task: str
    trigger: Trigger = "scope"
    output: OutputFormat = "auto"
    keeps_code: bool = False
    ends_after_header: bool = False
    docstring_aside: bool = False

    def title_for(self, *, instruction: str = "", message: str = "") -> str:
        return self.title.format(instruction=instruction, message=_one_line(message))


def _one_line(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


BUILTIN_ACTIONS: dict[str, ActionSpec] = {
    spec.id: spec
    for spec in (
        ActionSpec(
            id="pseudocode",
            title="Convert pseudocode to code",
            kind="refactor.rewrite.blitzls.pseudocode",
            trigger="comment_block",
            output="range",
            task=(
                "Complete this {language} {unit} from {file}: replace the pseudocode "
                "comments{target} with the code they describe."
            ),
        ),
        ActionSpec(
            id="instruction",
            title="Apply instruction: {instruction}",
            kind="refactor.rewrite.blitzls.instruction",
            trigger="instruction_comment",
            task=(
                "Do what the `ai!` comment in this {language} {unit} from {file} asks, and "
                "remove the comment: {instruction}"
            ),
        ),
        ActionSpec(
            id="edit",
            title="Edit: {instruction}",
            kind="refactor.rewrite.blitzls.edit",
            trigger="command",
            task="Change this {language} {unit} from {file}: {instruction}",
        ),
        ActionSpec(
            id="fix",
            title="Fix with blitzls: {message}",
            kind="quickfix.blitzls.fix",
            trigger="diagnostic",
            task="Fix this {language} {unit} from {file}.\n{diagnostics}",
            docstring_aside=True,
        ),
        ActionSpec(
            id="docstring",
            title="Add a docstring",
            kind="refactor.rewrite.blitzls.docstring",
            task="Add a {doc} to this {language} {unit} from {file}. Change nothing else.",
            keeps_code=True,
            ends_after_header=True,
        ),
        ActionSpec(
            id="annotations",
            title="Add type annotations",
            kind="refactor.rewrite.blitzls.annotations",
            task=(
                "Add type annotations to the parameters and the return value of this "
                "{language} {unit} from {file}. Change nothing else."
            ),
            ends_after_header=True,
            docstring_aside=True,
        ),
        ActionSpec(
            id="simplify",
            title="Simplify",
            kind="refactor.rewrite.blitzls.simplify",
            task=(
                "Simplify this {language} {unit} from {file} without changing what it does "
                "or its name."
            ),
            docstring_aside=True,
        ),
    )
}


# A project file travels with the repository, so its actions are held to what the built-in ones
# do: a prompt template at most this long (ten times the longest built-in task), each
# placeholder used once, no built-in id or title, and no ``source.*`` kind (editors apply
# those on save, without being asked).
PROJECT_PROMPT_LIMIT = 10 * max(len(spec.task) for spec in BUILTIN_ACTIONS.values())


class ActionConfigError(ValueError):
    """A user-defined action is malformed; the message names the action and the field."""


def action_tables(raw: Any) -> tuple[Any, ...] | None:
    """User-defined actions as a tuple of tables, or None when ``raw`` is neither form.

    A list is taken as it is; ``{id = {...}}`` (as TOML tables read naturally) gets each key
    as the table's ``id``. The tables themselves are checked by :func:`parse_user_actions`.
    """
    if isinstance(raw, Mapping):
        return tuple(
            {"id": key, **value} if isinstance(value, Mapping) else value
            for key, value in raw.items()
        )
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        return tuple(raw)
    return None


def parse_user_actions(raw: Any) -> tuple[list[ActionSpec], list[str]]:
    """User-defined actions from settings (a list of tables); problems are reported, not fatal."""
    if raw is None:
        return [], []
    items = action_tables(raw)
    if items is None:
        return [], ["setting 'actions' must be a list of tables"]
    specs: list[ActionSpec] = []
    problems: list[str] = []
    for index, item in enumerate(items):
        try:
            specs.append(_user_action(item, index))
        except ActionConfigError as exc:
            problems.append(str(exc))
    return specs, problems


def _user_action(item: Any, index: int) -> ActionSpec:
    if not isinstance(item, Mapping):
        raise ActionConfigError(f"actions[{index}] must be a table")
    name = item.get("id")
    where = f"action '{name}'" if isinstance(name, str) and name else f"actions[{index}]"
    for key in ("id", "title", "prompt"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ActionConfigError(f"{where}: '{key}' must be a non-empty string")
    unknown = set(item) - {"id", "title", "kind", "prompt", "trigger", "output"}
    if unknown:
        raise ActionConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    trigger = item.get("trigger", "scope")
    output = item.get("output", "auto")
    if trigger not in get_args(Trigger):
        raise ActionConfigError(f"{where}: 'trigger' must be one of {', '.join(get_args(Trigger))}")
    if output not in get_args(OutputFormat):
        raise ActionConfigError(
            f"{where}: 'output' must be one of {', '.join(get_args(OutputFormat))}"
        )
    check_template(item["prompt"], PLACEHOLDERS, f"{where}: 'prompt'")
    check_template(item["title"], TITLE_PLACEHOLDERS, f"{where}: 'title'")
    kind = item.get("kind") or f"refactor.rewrite.blitzls.{item['id']}"
    if not isinstance(kind, str):
        raise ActionConfigError(f"{where}: 'kind' must be a string")
    return ActionSpec(
        id=item["id"],
        title=item["title"],
        kind=kind,
        task=item["prompt"],
        trigger=trigger,
        output=output,
    )


def project_action_problem(item: Any) -> str | None:
    """Why a project file may not define the action ``item``, or None.

    A malformed table gets None here: :func:`parse_user_actions` reports it like any other.
    """
    try:
        spec = _user_action(item, 0)
    except ActionConfigError:
        return None
    if spec.id in BUILTIN_ACTIONS:
        return f"a project file may not replace the built-in action '{spec.id}'"
    title = spec.title.strip().casefold()
    for builtin in BUILTIN_ACTIONS.values():
        if builtin.title.strip().casefold() == title:
            return f"a project file may not use the title of the built-in action '{builtin.id}'"
    if spec.kind == "source" or spec.kind.startswith("source."):
        return (
            f"a project file may not give an action a source.* kind ('{spec.kind}'): "
            "editors apply those on save"
        )
    used: dict[str, int] = {}
    for _, name, _, _ in string.Formatter().parse(spec.task):
        if name is not None:
            used[name] = used.get(name, 0) + 1
    for name, count in used.items():
        if count > 1:
            return (
                f"its prompt uses {{{name}}} {count} times; a project file's action may use "
                "each placeholder once"
            )
    if len(spec.task) > PROJECT_PROMPT_LIMIT:
        return (
            f"its prompt has {len(spec.task):,} characters; a project file's action may have "
            f"at most {PROJECT_PROMPT_LIMIT:,}"
        )
    return None


def check_template(template: str, allowed: Sequence[str], what: str) -> None:
    """Raise ActionConfigError unless ``template`` can always be filled in.

    Every replacement field must name one of ``allowed`` (no positional ``{}``, no attribute
    or index access), with a valid conversion and a format spec that works on the value's
    type, has no nested fields and asks for no width or precision over MAX_FORMAT_WIDTH.
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ActionConfigError(
            f"{what} is not a valid template ({exc}); write {{{{ and }}}} for literal braces"
        ) from None
    known = ", ".join(allowed)
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name == "" or name.isdigit():
            raise ActionConfigError(
                f"{what}: positional placeholder {{{name}}} is not allowed; name one of: {known}"
            )
        if name not in allowed:
            raise ActionConfigError(f"{what}: unknown placeholder {{{name}}} (known: {known})")
        if conversion not in (None, "r", "s", "a"):
            raise ActionConfigError(
                f"{what}: unknown conversion !{conversion} in {{{name}}} (known: !r, !s, !a)"
            )
        if "{" in (spec or ""):
            raise ActionConfigError(f"{what}: nested placeholders in {{{name}:{spec}}}")
        if any(int(number) > MAX_FORMAT_WIDTH for number in re.findall(r"\d+", spec or "")):
            raise ActionConfigError(
                f"{what}: the width or precision in {{{name}:{spec}}} is over {MAX_FORMAT_WIDTH}"
            )
    try:
        template.format(**{name: _SAMPLE_VALUES[name] for name in allowed})
    except (ValueError, TypeError) as exc:
        raise ActionConfigError(f"{what} cannot be filled in: {exc}") from None


def find_action(action_id: str, extra: Sequence[ActionSpec] = ()) -> ActionSpec | None:
    """The action with this id (user-defined actions first), or None."""
    for spec in extra:
        if spec.id == action_id:
            return spec
    return BUILTIN_ACTIONS.get(action_id)


def all_actions(extra: Sequence[ActionSpec] = ()) -> list[ActionSpec]:
    """Built-in actions, with user-defined ones added or replacing those of the same id."""
    merged = dict(BUILTIN_ACTIONS)
    for spec in extra:
        merged[spec.id] = spec
    return list(merged.values())
