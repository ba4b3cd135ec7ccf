"""Actions as data: built-in set and user-defined actions."""

from __future__ import annotations

from blitzls.actions import BUILTIN_ACTIONS, all_actions, find_action, parse_user_actions


def test_builtin_actions_have_unique_ids_kinds_and_known_placeholders() -> None:
    kinds = [a.kind for a in BUILTIN_ACTIONS.values()]
    assert len(set(kinds)) == len(kinds)
    assert BUILTIN_ACTIONS["pseudocode"].kind == "refactor.rewrite.blitzls.pseudocode"
    assert BUILTIN_ACTIONS["fix"].kind == "quickfix.blitzls.fix"
    for spec in BUILTIN_ACTIONS.values():
        spec.task.format(
            language="Python",
            file="a.py",
            unit="function",
            doc="docstring",
            target="",
            first_line=1,
            last_line=2,
            selection="x",
            instruction="do it",
            diagnostics="- line 1: bad",
        )


def test_titles_fill_in_instruction_and_shorten_long_messages() -> None:
    assert (
        BUILTIN_ACTIONS["instruction"].title_for(instruction="use pathlib")
        == "Apply instruction: use pathlib"
    )
    title = BUILTIN_ACTIONS["fix"].title_for(message="x " * 100)
    assert title.startswith("Fix with blitzls: x x") and title.endswith("…")
    assert len(title) < 120


def test_user_actions_are_validated_one_by_one() -> None:
    specs, problems = parse_user_actions(
        [
            {"id": "tests", "title": "Write tests", "prompt": "Test {selection} in {file}"},
            {"id": "bad", "title": "Bad", "prompt": "Use {nonsense}"},
            {"id": "worse", "title": "Worse"},
            {"id": "odd", "title": "Odd", "prompt": "x", "trigger": "always"},
            "not a table",
        ]
    )
    assert [s.id for s in specs] == ["tests"]
    assert specs[0].kind == "refactor.rewrite.blitzls.tests"
    assert specs[0].trigger == "scope" and specs[0].output == "auto"
    assert problems == [
        "action 'bad': unknown placeholder(s) {nonsense} in 'prompt' (known: language, file, "
        "unit, doc, target, first_line, last_line, selection, instruction, diagnostics)",
        "action 'worse': 'prompt' must be a non-empty string",
        "action 'odd': 'trigger' must be one of comment_block, instruction_comment, scope, "
        "diagnostic, command",
        "actions[4] must be a table",
    ]


def test_user_action_replaces_builtin_of_same_id() -> None:
    specs, problems = parse_user_actions(
        {"docstring": {"title": "Google docstring", "prompt": "Google style for {file}"}}
    )
    assert not problems
    assert find_action("docstring", specs) is specs[0]
    merged = all_actions(specs)
    assert [a.title for a in merged if a.id == "docstring"] == ["Google docstring"]
    assert len(merged) == len(BUILTIN_ACTIONS)
