"""Targeted edits end to end: instruction comments, blitzls.edit, diagnostic fixes, repairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import TEST_KEY
from tests.e2e.edit_samples import (
    AMBIGUOUS,
    FIX_SHAPES,
    INSTRUCTION,
    INSTRUCTION_LINE,
    NO_MATCH,
    SEARCH_REPLACE,
    STATS,
    check_stats,
    expected_fixed,
    without_instruction,
)
from tests.e2e.test_cli_run import blitzls
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer


def changed_lines(before: str, after: str) -> list[str]:
    old, new = before.splitlines(), after.splitlines()
    return [line for line in new if line not in old]


@pytest.mark.parametrize("shape", sorted(FIX_SHAPES))
def test_cli_instruction_comment_fix_for_every_reply_shape(
    shape: str, tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    path.write_text(STATS, encoding="utf-8")
    model_server.enqueue(Reply(content=FIX_SHAPES[shape]))
    line = str(INSTRUCTION_LINE + 1)
    done = blitzls(server_env, "run", "instruction", str(path), "--lines", line, "--write")
    assert done.returncode == 0, done.stderr
    edited = path.read_text(encoding="utf-8")
    assert edited == expected_fixed()
    check_stats(edited)
    with pytest.raises(AssertionError):
        check_stats(STATS)  # the module's tests really catch the bug
    (request,) = model_server.requests
    prompt = request.body["messages"][-1]["content"]
    assert INSTRUCTION in prompt
    assert "Reply with the whole function in one ```python block." in prompt


def test_search_replace_is_asked_for_when_configured(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    path.write_text(STATS, encoding="utf-8")
    model_server.enqueue(Reply(content=FIX_SHAPES["fenced"]))
    env = {**server_env, "BLITZLS_EDIT_FORMAT": "search-replace"}
    line = str(INSTRUCTION_LINE + 1)
    done = blitzls(env, "run", "instruction", str(path), "--lines", line, "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == expected_fixed()
    (request,) = model_server.requests
    prompt = request.body["messages"][-1]["content"]
    assert "Reply with SEARCH/REPLACE blocks" in prompt and "<<<<<<< SEARCH" in prompt


def test_cli_edit_with_instruction_flag_changes_only_the_buggy_line(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    source = without_instruction()
    path.write_text(source, encoding="utf-8")
    model_server.enqueue(Reply(content=FIX_SHAPES["fenced"]))
    done = blitzls(
        server_env,
        "run",
        "edit",
        str(path),
        "--instruction",
        "fix median for even lengths",
        "--lines",
        "12",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    (edit,) = result["edits"]
    assert edit["range"]["start"]["line"] == edit["range"]["end"]["line"] - 1
    assert edit["newText"] == "        return (ordered[middle - 1] + ordered[middle]) / 2\n"
    assert path.read_text(encoding="utf-8") == source  # no --write: untouched


def test_crlf_file_keeps_crlf_through_search_replace(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    path.write_bytes(STATS.replace("\n", "\r\n").encode("utf-8"))
    model_server.enqueue(Reply(content=FIX_SHAPES["trailing_whitespace"]))
    line = str(INSTRUCTION_LINE + 1)
    done = blitzls(server_env, "run", "instruction", str(path), "--lines", line, "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == expected_fixed().replace("\n", "\r\n").encode("utf-8")


@pytest.mark.parametrize(
    ("bad", "args", "reason"),
    [
        (NO_MATCH, ["instruction", "--lines", str(INSTRUCTION_LINE + 1)], "no match"),
        (AMBIGUOUS, ["edit", "--lines", "12-24", "--instruction", "fix median"], "2 matches"),
    ],
)
def test_unmatched_or_ambiguous_search_fails_after_one_repair(
    bad: str,
    args: list[str],
    reason: str,
    tmp_path: Path,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    path = tmp_path / "stats.py"
    source = STATS if args[0] == "instruction" else without_instruction()
    path.write_text(source, encoding="utf-8")
    model_server.enqueue(Reply(content=bad), Reply(content=bad))
    done = blitzls(server_env, "run", args[0], str(path), *args[1:], "--write")
    assert done.returncode == 10, done.stderr
    assert "after one repair round" in done.stderr
    assert path.read_text(encoding="utf-8") == source
    assert model_server.request_count == 2
    repair = model_server.requests[1].body["messages"]
    assert repair[-2] == {"role": "assistant", "content": bad}
    assert "SEARCH" in repair[-1]["content"] and reason in repair[-1]["content"]


def test_repair_round_recovers_and_is_cached(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    path.write_text(STATS, encoding="utf-8")
    model_server.enqueue(Reply(content=NO_MATCH), Reply(content=SEARCH_REPLACE))
    line = str(INSTRUCTION_LINE + 1)
    first = blitzls(server_env, "run", "instruction", str(path), "--lines", line, "--json")
    assert first.returncode == 0, first.stderr
    assert model_server.request_count == 2
    again = blitzls(server_env, "run", "instruction", str(path), "--lines", line, "--write")
    assert again.returncode == 0, again.stderr
    assert model_server.request_count == 2, "the repaired answer came from the cache"
    assert path.read_text(encoding="utf-8") == expected_fixed()


def test_edit_that_breaks_syntax_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    path.write_text(STATS, encoding="utf-8")
    broken = SEARCH_REPLACE.replace("/ 2", "/ 2)")
    model_server.enqueue(Reply(content=broken), Reply(content=broken))
    line = str(INSTRUCTION_LINE + 1)
    done = blitzls(server_env, "run", "instruction", str(path), "--lines", line, "--write")
    assert done.returncode == 10
    assert "syntax error" in done.stderr
    assert path.read_text(encoding="utf-8") == STATS


@pytest.mark.parametrize("preset", ["vscode", "neovim"])
async def test_lsp_instruction_comment_fix_for_every_reply_shape(
    preset: str, server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    encoding = "utf-8" if preset == "neovim" else "utf-16"
    async with lsp_session(server_env, capabilities(preset)) as client:
        for shape, reply in FIX_SHAPES.items():
            uri = (tmp_path / f"stats_{shape}.py").as_uri()
            open_document(client, uri, STATS)
            actions = await actions_at(client, uri, (INSTRUCTION_LINE, 10), kind=None)
            titles = [a.title for a in actions]
            assert f"Apply instruction: {INSTRUCTION}" in titles
            assert "Convert pseudocode to code" not in titles
            (action,) = [a for a in actions if a.kind == "refactor.rewrite.blitzls.instruction"]
            model_server.enqueue(Reply(content=reply, chunk_chars=7))
            resolved = await client.code_action_resolve_async(action)
            assert resolved.edit is not None, (shape, client.messages)
            edits, _ = edits_of(resolved.edit, uri)
            new_text = apply_text_edits(STATS, edits, encoding)
            assert new_text == expected_fixed(), shape
            check_stats(new_text)
            # only the instruction line and the buggy line were touched
            touched = {e.range.start.line for e in edits} | {e.range.end.line - 1 for e in edits}
            assert touched <= {INSTRUCTION_LINE, INSTRUCTION_LINE + 2}, (shape, edits)
    assert model_server.request_count == len(FIX_SHAPES)


async def test_lsp_instruction_in_javascript_applies_and_removes_the_comment(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "user.js").as_uri()
    source = (
        "// Users — ünïcode 🚀\n"
        "function displayName(user) {\n"
        "  // ai! handle a missing user\n"
        "  return user.first + ' ' + user.last;\n"
        "}\n"
    )
    reply = (
        "```js\n<<<<<<< SEARCH\n  return user.first + ' ' + user.last;\n=======\n"
        "  if (!user) return '';\n  return user.first + ' ' + user.last;\n>>>>>>> REPLACE\n```"
    )
    model_server.enqueue(Reply(content=reply))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="javascript", version=1, text=source
                )
            )
        )
        (action,) = await actions_at(
            client, uri, (2, 0), kind="refactor.rewrite.blitzls.instruction"
        )
        assert action.title == "Apply instruction: handle a missing user"
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None, client.messages
        edits, _ = edits_of(resolved.edit, uri)
    assert apply_text_edits(source, edits, "utf-16") == (
        "// Users — ünïcode 🚀\n"
        "function displayName(user) {\n"
        "  if (!user) return '';\n"
        "  return user.first + ' ' + user.last;\n"
        "}\n"
    )


async def test_lsp_edit_command_applies_instruction_to_selection(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "stats.py").as_uri()
    source = without_instruction()
    model_server.enqueue(Reply(content=FIX_SHAPES["unified_diff"]))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, source)
        commands = client.init_result.capabilities.execute_command_provider.commands  # type: ignore[attr-defined]
        assert "blitzls.edit" in commands
        applied = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="blitzls.edit",
                arguments=[
                    {
                        "uri": uri,
                        "range": {
                            "start": {"line": 14, "character": 4},
                            "end": {"line": 14, "character": 4},
                        },
                        "instruction": "make median average the middle pair for even lengths",
                    }
                ],
            )
        )
        assert applied is True, client.messages
        (edit,) = client.applied_edits  # type: ignore[attr-defined]
        edits, version = edits_of(edit, uri)
        assert version == 1
    new_text = apply_text_edits(source, edits, "utf-16")
    check_stats(new_text)
    assert new_text == source.replace(
        "        return ordered[middle]\n    return",
        "        return (ordered[middle - 1] + ordered[middle]) / 2\n    return",
    )
    prompt = model_server.requests[0].body["messages"][-1]["content"]
    assert "make median average the middle pair" in prompt


async def test_lsp_fix_quickfix_for_a_foreign_diagnostic(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "stats.py").as_uri()
    source = without_instruction()
    model_server.enqueue(Reply(content=FIX_SHAPES["fenced"]))
    diagnostic = types.Diagnostic(
        range=types.Range(
            start=types.Position(line=21, character=8), end=types.Position(line=21, character=30)
        ),
        message="median([1, 2]) returns 2, expected 1.5",
        source="pytest",
        code="T100",
        severity=types.DiagnosticSeverity.Error,
    )
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, source)
        result = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic], only=["quickfix"]),
            )
        )
        (action,) = [a for a in result or [] if isinstance(a, types.CodeAction)]
        assert action.kind == "quickfix.blitzls.fix"
        assert action.title == "Fix with blitzls: median([1, 2]) returns 2, expected 1.5"
        assert list(action.diagnostics or []) == [diagnostic]
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None, client.messages
        edits, _ = edits_of(resolved.edit, uri)
    check_stats(apply_text_edits(source, edits, "utf-16"))
    prompt = model_server.requests[0].body["messages"][-1]["content"]
    assert "pytest T100 reports: median([1, 2]) returns 2, expected 1.5" in prompt


@pytest.mark.parametrize(
    ("name", "language", "source", "line"),
    [
        (
            "app.js",
            "javascript",
            "function f(x) {\n  // ai! handle the null case\n  return x.y;\n}\n",
            1,
        ),
        (
            "app.ts",
            "typescript",
            "const f = (x: A) => {\n  // AI! handle the null case\n  return x.y;\n};\n",
            1,
        ),
        (
            "lib.rs",
            "rust",
            "fn f(x: &A) -> i32 {\n    // ai! handle the null case\n    x.y\n}\n",
            1,
        ),
        (
            "main.go",
            "go",
            "func f(x *A) int {\n\t// ai! handle the null case\n\treturn x.Y\n}\n",
            1,
        ),
        (
            "init.lua",
            "lua",
            "local function f(x)\n  -- ai! handle the null case\n  return x.y\nend\n",
            1,
        ),
        ("run.sh", "shellscript", 'f() {\n  # ai! handle the null case\n  echo "$1"\n}\n', 1),
    ],
)
async def test_instruction_comments_in_other_languages_are_offered(
    name: str,
    language: str,
    source: str,
    line: int,
    server_env: dict[str, str],
    tmp_path: Path,
) -> None:
    uri = (tmp_path / name).as_uri()
    async with lsp_session(server_env, capabilities("vscode")) as client:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=source
                )
            )
        )
        titles = [a.title for a in await actions_at(client, uri, (line, 3), kind=None)]
        assert "Apply instruction: handle the null case" in titles
        assert not [
            a
            for a in await actions_at(client, uri, (line + 1, 3), kind=None)
            if "instruction" in a.title
        ]


def test_key_never_reaches_output(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "stats.py"
    path.write_text(STATS, encoding="utf-8")
    model_server.enqueue(Reply(content=FIX_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "instruction", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert TEST_KEY not in done.stdout + done.stderr
