"""The Zed extension in client-config/zed/blitzls agrees with the server and the settings.

Zed and the Rust crate it needs cannot be installed here (see client-config/zed/README.md), so
these checks read the files: the manifest Zed parses, the crate metadata, the hooks in lib.rs.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from blitzls.languages.comments import line_comment_prefixes
from blitzls.languages.registry import GUESS
from blitzls.lsp.listing import ACTION_KINDS
from tests.conftest import ROOT

ZED = ROOT / "client-config" / "zed"
EXTENSION = ZED / "blitzls"
# Zed's own default "language_servers" lists switch servers off with "!name" for these
# languages, so a user list starting with "..." would start those servers.
LANGUAGES_WITH_DEFAULT_LISTS = {"TypeScript", "JavaScript", "TSX", "Python", "Ruby", "PHP"}


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((EXTENSION / "extension.toml").read_text("utf-8"))
    return data


def server_entry() -> dict[str, Any]:
    entry: dict[str, Any] = manifest()["language_servers"]["blitzls"]
    return entry


def zed_language_id(name: str) -> str:
    """The languageId Zed sends for a language: the manifest's mapping, else the name lowered."""
    ids: dict[str, str] = server_entry().get("language_ids", {})
    return ids.get(name, name.lower())


def test_manifest_has_the_fields_zed_requires() -> None:
    data = manifest()
    assert data["id"] == "blitzls"
    assert data["schema_version"] == 1
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["version"])
    assert data["name"] and data["authors"] and data["description"]
    assert set(data["language_servers"]) == {"blitzls"}


def test_manifest_lists_the_languages_the_server_handles() -> None:
    languages = server_entry()["languages"]
    assert {"Python", "Rust", "Go", "TypeScript", "JavaScript"} <= set(languages)
    assert len(languages) == len(set(languages))
    for name in languages:
        language_id = zed_language_id(name)
        assert line_comment_prefixes(language_id) != GUESS, (name, language_id)
    # Zed's lower-cased names that are not LSP ids must be mapped.
    assert zed_language_id("TSX") == "typescriptreact"
    assert zed_language_id("C++") == "cpp"
    assert zed_language_id("Shell Script") == "shellscript"
    assert set(server_entry().get("language_ids", {})) <= set(languages)


def test_requested_code_action_kinds_cover_every_server_action() -> None:
    requested = server_entry()["code_action_kinds"]

    def covered(kind: str) -> bool:
        return any(kind == k or kind.startswith(f"{k}.") for k in requested)

    assert all(covered(kind) for kind in ACTION_KINDS), (requested, ACTION_KINDS)


def test_crate_is_a_wasm_library_on_the_extension_api() -> None:
    cargo = tomllib.loads((EXTENSION / "Cargo.toml").read_text("utf-8"))
    assert cargo["lib"]["crate-type"] == ["cdylib"]
    assert cargo["lib"]["path"] == "src/lib.rs"
    assert re.fullmatch(r"\d+\.\d+\.\d+", cargo["dependencies"]["zed_extension_api"])


def test_lib_rs_implements_the_language_server_hooks() -> None:
    source = (EXTENSION / "src" / "lib.rs").read_text("utf-8")
    assert re.search(r"impl zed::Extension for (\w+)", source)
    assert re.search(r"zed::register_extension!\(\w+\);", source)
    for hook in (
        "language_server_command",
        "language_server_initialization_options",
        "language_server_workspace_configuration",
    ):
        assert f"fn {hook}(" in source, hook
    assert 'const SERVER_NAME: &str = "blitzls";' in source
    assert "worktree.which(SERVER_NAME)" in source
    assert 'vec!["serve".to_string()]' in source
    assert "worktree.shell_env()" in source
    assert source.count("{") == source.count("}")


def _settings() -> dict[str, Any]:
    # Zed settings are JSON with // comments; none of ours sits after a string value.
    text = "\n".join(
        line
        for line in (ZED / "settings.json").read_text("utf-8").splitlines()
        if not line.lstrip().startswith("//")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def test_settings_configure_the_server_the_extension_declares() -> None:
    settings = _settings()
    server = settings["lsp"]["blitzls"]
    assert server["binary"]["arguments"] == ["serve"]
    assert set(server["initialization_options"]) == {"blitzls"}
    assert set(server["settings"]) == {"blitzls"}


def test_settings_language_lists_do_not_replace_lists_that_switch_servers_off() -> None:
    languages = _settings().get("languages", {})
    declared = set(server_entry()["languages"])
    for name, config in languages.items():
        servers = config.get("language_servers", [])
        assert name in declared, f"{name}: the extension does not declare blitzls for it"
        if "..." in servers:
            assert name not in LANGUAGES_WITH_DEFAULT_LISTS, name
