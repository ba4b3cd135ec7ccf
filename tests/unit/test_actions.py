"""Actions as data: built-in set and user-defined actions."""

from __future__ import annotations

import pytest

from blitzls.actions import (
    BUILTIN_ACTIONS,
    PLACEHOLDERS,
    PROJECT_PROMPT_LIMIT,
    TITLE_PLACEHOLDERS,
    all_actions,
    check_template,
    find_action,
    parse_user_actions,
    project_action_problem,
)


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
        "action 'bad': 'prompt': unknown placeholder {nonsense} (known: language, file, unit, "
        "doc, target, first_line, last_line, selection, instruction, diagnostics)",
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


@pytest.mark.parametrize(
    ("prompt", "title", "problem"),
    [
        ("Fix {selection", "t", "'prompt' is not a valid template (expected '}' before end"),
        ("Fix } now", "t", "'prompt' is not a valid template (Single '}' encountered"),
        ("Do {} now", "t", "'prompt': positional placeholder {} is not allowed"),
        ("Do {0} now", "t", "'prompt': positional placeholder {0} is not allowed"),
        ("{file.__class__}", "t", "'prompt': unknown placeholder {file.__class__}"),
        ("{selection[0]}", "t", "'prompt': unknown placeholder {selection[0]}"),
        ("{file!z}", "t", "'prompt': unknown conversion !z in {file}"),
        ("{file!}", "t", "'prompt' is not a valid template"),
        ("{file:{language}}", "t", "'prompt': nested placeholders in {file:{language}}"),
        ("{first_line:s}", "t", "'prompt' cannot be filled in: Unknown format code 's'"),
        ("{file:d}", "t", "'prompt' cannot be filled in: Unknown format code 'd'"),
        ("{file:.999999999}", "t", "over 200"),
        ("ok", "{foo}", "'title': unknown placeholder {foo} (known: instruction, message)"),
        ("ok", "{selection}", "'title': unknown placeholder {selection}"),
        ("ok", "{instruction:>2000000000}", "'title': the width or precision in"),
        ("ok", "Run {", "'title' is not a valid template"),
    ],
)
def test_a_template_that_could_fail_is_refused_at_load_time(
    prompt: str, title: str, problem: str
) -> None:
    specs, problems = parse_user_actions(
        [
            {"id": "bad", "title": title, "prompt": prompt},
            {"id": "good", "title": "Good: {instruction}", "prompt": "Fix {selection} in {file}"},
        ]
    )
    assert [s.id for s in specs] == ["good"]
    assert len(problems) == 1 and problems[0].startswith("action 'bad': "), problems
    assert problem in problems[0]


@pytest.mark.parametrize(
    "template",
    ["{{literal}} {file:>20} {first_line:03d}-{last_line}", "{selection!r} {language!s:^10}", ""],
)
def test_valid_templates_pass_and_fill_in(template: str) -> None:
    check_template(template, PLACEHOLDERS, "prompt")
    check_template("Run: {instruction!r} {message:.40}", TITLE_PLACEHOLDERS, "title")


def action(**fields: str) -> dict[str, str]:
    return {"id": "tests", "title": "Write tests", "prompt": "Test {selection}", **fields}


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({}, None),
        ({"kind": "quickfix.tests"}, None),
        ({"prompt": "x" * PROJECT_PROMPT_LIMIT}, None),
        ({"id": "simplify"}, "may not replace the built-in action 'simplify'"),
        ({"title": " add A DOCSTRING"}, "may not use the title of the built-in action 'docstring'"),
        ({"kind": "source"}, "source.* kind ('source')"),
        ({"kind": "source.organizeImports"}, "source.* kind ('source.organizeImports')"),
        ({"prompt": "{file} {file}"}, "uses {file} 2 times"),
        ({"prompt": "x" * (PROJECT_PROMPT_LIMIT + 1)}, "may have at most 1,190"),
        ({"prompt": "{nope}"}, None),  # malformed: parse_user_actions reports it
    ],
)
def test_what_a_project_file_may_not_define(fields: dict[str, str], reason: str | None) -> None:
    found = project_action_problem(action(**fields))
    assert found == reason if reason is None else reason in (found or ""), found
