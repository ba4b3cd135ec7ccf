"""The project file (``.blitzls.toml`` or ``[tool.blitzls]`` in ``pyproject.toml``) and what
it may set.

A project file travels with the repository: whoever can commit to a repository you clone
writes it. It may add actions and project-specific style; it may never raise a limit, remove
an exclusion, change where code is sent or how much of it, nor what an action costs. Each
setting's rule is in the schema (:func:`blitzls.settings.schema.project_rule`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from blitzls.actions import action_tables, project_action_problem
from blitzls.settings.layers import kept, merge
from blitzls.settings.options import SettingsError
from blitzls.settings.schema import FIELDS, Settings, convert, project_rule, setting_name

# What a project file may do with a setting, as warnings say it.
PROJECT_RULES: Mapping[str, str] = MappingProxyType(
    {
        "yes": "may set it",
        "no": "may not set it",
        "lower": "may only lower it",
        "tighten": "may only lower it (0, no limit, is not lower)",
        "add": "may only add to it",
        "on": "may only turn it on",
        "off": "may only turn it off",
    }
)
PROJECT_FORBIDDEN = frozenset(name for name in FIELDS if project_rule(name) == "no")
PROJECT_FILES = (".blitzls.toml", "pyproject.toml")
_HEAD_BYTES = 200_000  # where pyproject.toml is searched for [tool.blitzls]


def find_project_file(start: Path) -> Path | None:
    """The nearest ``.blitzls.toml``, or ``pyproject.toml`` with ``[tool.blitzls]``, upwards."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in PROJECT_FILES:
            candidate = folder / name
            if candidate.is_file() and (
                name == ".blitzls.toml" or b"[tool.blitzls" in _read_head(candidate)
            ):
                return candidate
    return None


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD_BYTES)
    except OSError:
        return b""


def project_label(path: Path) -> str:
    """How a project file is named as the origin of a setting."""
    return str(path) if path.name == ".blitzls.toml" else f"{path} [tool.blitzls]"


def read_project_table(path: Path) -> tuple[dict[str, Any], str | None]:
    """Every setting a project file sets, as written (rules not applied: :func:`apply_project`),
    or why the file cannot be read (then no action may send anything: :func:`unreadable`)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return {}, unreadable(path, _located(str(exc)))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, unreadable(path, str(exc))
    if path.name == ".blitzls.toml":
        return data, None
    tool = data.get("tool", {})
    table = tool.get("blitzls", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        return {}, unreadable(path, "[tool.blitzls] must be a table")
    return table, None


def unreadable(path: Path, reason: str) -> str:
    """The message for a project file that cannot be read: it names the file and the error."""
    return (
        f"cannot read the project file {path}: {reason}; nothing is sent to a model from this "
        "project until the file can be read (its exclusions and limits would be lost)"
    )


def _located(message: str) -> str:
    """``Invalid value (at line 2, column 14)`` → ``line 2, column 14: invalid value``."""
    match = re.fullmatch(r"(?s)(.*?)\s*\(at (line \d+, column \d+|end of document)\)", message)
    if match is None:
        return message
    text, where = match.groups()
    where = "at the end of the file" if where == "end of document" else where
    return f"{where}: {text[:1].lower()}{text[1:]}"


def apply_project(
    base: Settings, values: Mapping[str, Any], label: str
) -> tuple[Settings, list[str]]:
    """Lay a project file's ``values`` over ``base`` within the project rules.

    A value the rules refuse is reported (naming the key and the file) and ``base``'s value
    stays; ``exclude`` patterns are added to ``base``'s; actions are checked one by one
    (:func:`project_actions`).
    """
    accepted: dict[str, Any] = {}
    problems: list[str] = []
    for raw_key, value in values.items():
        key = setting_name(raw_key)
        if key == "actions":
            accepted[raw_key], refused_actions = project_actions(value, label)
            problems += refused_actions
            continue
        rule = "yes" if key is None else project_rule(key)  # merge reports unknown keys
        if key is None or rule == "yes":
            accepted[raw_key] = value
            continue
        refused = f"setting '{raw_key}' in {label} is ignored: a project file {PROJECT_RULES[rule]}"
        if rule == "no":
            problems.append(
                f"{refused} (set it in your editor or environment, not in a file shared with "
                f"the repository); {kept(base, key)}"
            )
            continue
        try:
            typed = convert(key, value)
        except SettingsError as exc:
            problems.append(f"setting '{raw_key}' ({label}) {exc}; {kept(base, key)}")
            continue
        current = getattr(base, key)
        if rule == "add":
            accepted[raw_key] = tuple(dict.fromkeys((*current, *typed)))
        elif within_rule(rule, typed, current):
            accepted[raw_key] = typed
        else:
            problems.append(f"{refused}; {kept(base, key)}")
    merged, more = merge(base, accepted, source=label)
    return merged, problems + more


def project_actions(raw: Any, label: str) -> tuple[Any, list[str]]:
    """A project file's actions without those it may not define (each named in a problem):
    a built-in's id or title, a ``source.*`` kind, a prompt far larger than a built-in's."""
    tables = action_tables(raw)
    if tables is None:  # not a list of tables: merge reports it
        return raw, []
    kept: list[Any] = []
    problems: list[str] = []
    for table in tables:
        reason = project_action_problem(table)
        if reason is None:
            kept.append(table)
        else:
            problems.append(f"action '{table['id']}' in {label} is ignored: {reason}")
    return kept, problems


def within_rule(rule: str, new: Any, current: Any) -> bool:
    """Whether a project file's ``new`` value keeps within ``rule`` relative to ``current``."""
    if rule == "lower":
        return bool(new <= current)
    if rule == "tighten":  # 0 means no limit
        return bool(new == current or (new > 0 and (current == 0 or new < current)))
    if rule == "on":
        return bool(new) or not current
    if rule == "off":
        return not new or bool(current)
    return rule == "yes"


def with_project_layer(settings: Settings, start: Path) -> tuple[Settings, list[str], Path | None]:
    """``settings`` with the project file found from ``start`` upwards (None: no file).

    A file that cannot be read sets ``Settings.refusal``: every action then stops before
    sending anything, with the file, line and error named."""
    project = find_project_file(start.resolve())
    if project is None:
        return settings, [], None
    values, refusal = read_project_table(project)
    if refusal is not None:  # fail closed: what the file excludes or limits is unknown
        return dataclasses.replace(settings, refusal=refusal), [], project
    settings, problems = apply_project(settings, values, project_label(project))
    return settings, problems, project


def with_project_file(
    settings: Settings, overrides: Mapping[str, Any], start: Path
) -> tuple[Settings, list[str], Path | None]:
    """The project file's layer, then the command-line flags (``overrides``) over it.

    Returns the settings, the problems found, and the project file (None without one).
    """
    settings, problems, project = with_project_layer(settings, start)
    settings, _ = merge(settings, overrides, source="command line")
    return settings, problems, project
