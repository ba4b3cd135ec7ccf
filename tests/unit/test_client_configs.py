"""The editor configurations in client-config/ parse and agree with the server's settings."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from blitzls.config import Settings, camel_case, schema_fields
from tests.conftest import ROOT

CLIENTS = ROOT / "client-config"
CLIENT_ONLY_VSCODE_KEYS = {"serverCommand", "trace.server"}


SERVER_KEYS = {camel_case(f.name) for f in schema_fields()}


def strip_line_comments(text: str) -> str:
    """Drop ``//`` comments outside strings (JSON with comments, as Zed and Sublime accept)."""
    out: list[str] = []
    for line in text.splitlines():
        in_string = escaped = False
        for index, char in enumerate(line):
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif line.startswith("//", index):
                line = line[:index]
                break
        out.append(line)
    return "\n".join(out)


def load_jsonc(path: Path) -> Any:
    return json.loads(strip_line_comments(path.read_text("utf-8")))


def test_strip_line_comments_keeps_slashes_inside_strings() -> None:
    text = '{"url": "http://x//y", // a comment\n "a": "\\"//"} // end'
    assert json.loads(strip_line_comments(text)) == {"url": "http://x//y", "a": '"//'}


def test_settings_keys_are_the_ones_the_server_accepts() -> None:
    # The camelCase spelling of every field is understood by the server (aliases or the
    # field name itself), so the configs below can be checked against SERVER_KEYS.
    from blitzls.config import merge

    _, problems = merge(Settings(), {key: getattr(Settings(), _snake(key)) for key in SERVER_KEYS})
    assert problems == []


def _snake(key: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), key)


# -- VS Code --------------------------------------------------------------------------------------


def vscode_manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CLIENTS / "vscode" / "package.json").read_text("utf-8"))
    return data


def test_vscode_configuration_mirrors_the_server_settings() -> None:
    properties = vscode_manifest()["contributes"]["configuration"]["properties"]
    assert all(name.startswith("blitzls.") for name in properties)
    keys = {name.removeprefix("blitzls.") for name in properties}
    assert keys - CLIENT_ONLY_VSCODE_KEYS == SERVER_KEYS
    assert all(
        properties[name].get("description") or properties[name].get("markdownDescription")
        for name in properties
    )
    assert properties["blitzls.serverCommand"]["default"] == ["blitzls", "serve"]


def test_vscode_defaults_match_the_server_defaults() -> None:
    properties = vscode_manifest()["contributes"]["configuration"]["properties"]
    defaults = Settings()
    for key in SERVER_KEYS:
        expected = getattr(defaults, _snake(key))
        if isinstance(expected, tuple):  # JSON has lists only
            expected = list(expected)
        assert properties[f"blitzls.{key}"]["default"] == expected, key


def test_vscode_manifest_basics() -> None:
    manifest = vscode_manifest()
    assert (manifest["name"], manifest["publisher"]) == ("blitzls", "blitzls")
    assert manifest["engines"]["vscode"] == "^1.85.0"
    assert manifest["main"] == "./out/extension.js"
    assert "onLanguage:python" in manifest["activationEvents"]
    commands = {c["command"]: c["title"] for c in manifest["contributes"]["commands"]}
    assert commands["blitzls.editSelection"] == "blitzls: Edit Selection with Instruction…"
    assert (CLIENTS / "vscode" / "package-lock.json").is_file()
    assert (CLIENTS / "vscode" / "LICENSE").is_file()


# -- Neovim ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lsp/blitzls.lua", "plugin/blitzls.lua", "lspconfig.lua"])
def test_neovim_files_reference_the_server(name: str) -> None:
    text = (CLIENTS / "neovim" / name).read_text("utf-8")
    assert "blitzls" in text
    if name != "plugin/blitzls.lua":
        assert re.search(r'cmd\s*=\s*\{\s*"blitzls",\s*"serve"\s*\}', text), name
    else:
        assert "blitzls.edit" in text and "LspProgress" in text and "BlitzEdit" in text


def test_neovim_config_returns_a_config_table() -> None:
    text = (CLIENTS / "neovim" / "lsp" / "blitzls.lua").read_text("utf-8")
    assert re.search(r"^return \{$", text, re.MULTILINE)
    assert "filetypes" in text and "root_markers" in text


# -- Helix, Zed, Sublime, Emacs --------------------------------------------------------------------


def load_toml(path: Path) -> Any:
    """Parsed TOML."""
    return tomllib.loads(path.read_text("utf-8"))


def test_helix_languages_toml() -> None:
    data = load_toml(CLIENTS / "helix" / "languages.toml")
    server = data["language-server"]["blitzls"]
    assert (server["command"], server["args"]) == ("blitzls", ["serve"])
    assert server["timeout"] == 60
    assert set(server["config"]["blitzls"]) <= SERVER_KEYS
    languages = {lang["name"]: lang["language-servers"] for lang in data["language"]}
    assert "python" in languages
    assert all("blitzls" in servers for servers in languages.values())


def test_zed_settings() -> None:
    data = load_jsonc(CLIENTS / "zed" / "settings.json")
    server = data["lsp"]["blitzls"]
    assert server["binary"] == {"path": "blitzls", "arguments": ["serve"]}
    assert set(server["initialization_options"]["blitzls"]) <= SERVER_KEYS
    assert set(server["settings"]["blitzls"]) <= SERVER_KEYS
    assert all("blitzls" in lang["language_servers"] for lang in data["languages"].values())


def test_sublime_settings() -> None:
    data = load_jsonc(CLIENTS / "sublime" / "LSP.sublime-settings")
    client = data["clients"]["blitzls"]
    assert client["command"] == ["blitzls", "serve"]
    assert "source.python" in client["selector"]
    assert set(client["initializationOptions"]["blitzls"]) <= SERVER_KEYS


def test_emacs_eglot_file_is_balanced_and_registers_blitzls() -> None:
    text = (CLIENTS / "emacs" / "blitzls.el").read_text("utf-8")
    code = _strip_elisp_comments_and_strings(text)
    depth = 0
    for char in code:
        depth += {"(": 1, ")": -1}.get(char, 0)
        assert depth >= 0, "unbalanced parentheses"
    assert depth == 0, "unbalanced parentheses"
    assert '("blitzls" "serve")' in text
    assert "eglot-server-programs" in text and "(provide 'blitzls)" in text
    assert '"blitzls.edit"' in text


def _strip_elisp_comments_and_strings(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "?" and index + 1 < len(text):  # character literals such as ?\( or ?)
            index += 3 if text[index + 1] == "\\" else 2
            continue
        if char == ";":
            while index < len(text) and text[index] != "\n":
                index += 1
            continue
        if char == '"':
            index += 1
            while index < len(text) and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


@pytest.mark.parametrize(
    "path",
    [
        "helix/languages.toml",
        "zed/settings.json",
        "sublime/LSP.sublime-settings",
        "emacs/blitzls.el",
    ],
)
def test_configs_without_a_prompt_explain_the_instruction_comments(path: str) -> None:
    text = (CLIENTS / path).read_text("utf-8")
    assert "ai! " in text and "Apply instruction: " in text
