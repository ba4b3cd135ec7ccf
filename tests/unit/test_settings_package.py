"""blitzls.settings: value kinds, the one converter, layers, project rules and the lookups,
each on its own; and the schema value reads nothing from the environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blitzls.local.registry import EMBEDDED_MODEL
from blitzls.settings.endpoint import effective_model, uses_embedded_model
from blitzls.settings.keys import api_key, is_loopback
from blitzls.settings.layers import from_environment, kept, merge
from blitzls.settings.options import (
    Choice,
    Flag,
    Number,
    Patterns,
    Prices,
    SettingsError,
    Tables,
    Text,
)
from blitzls.settings.paths import cache_dir, user_cache_dir
from blitzls.settings.project import (
    PROJECT_RULES,
    apply_project,
    with_project_layer,
    within_rule,
)
from blitzls.settings.providers import LOCAL_API_KEY
from blitzls.settings.schema import (
    Settings,
    bounds,
    convert,
    kind_of,
    project_rule,
    schema_fields,
    setting_name,
)


@pytest.mark.parametrize(
    ("kind", "value", "from_text", "expected"),
    [
        (Text(), "x", False, "x"),
        (Choice(("a", "b")), " B ", False, "b"),
        (Flag(), True, False, True),
        (Flag(), "Off", True, False),
        (Number(int, 0, 10), "3", True, 3),
        (Number(int, 0, 10), 4.0, False, 4),
        (Number(float, 0.1, 5), 2, False, 2.0),
        (Number(float, 0, 2, optional=True), "", True, None),
        (Patterns(), " a/**, *.sql ,", True, ("a/**", "*.sql")),
        (Tables(), {"t": {"title": "T"}}, False, ({"id": "t", "title": "T"},)),
    ],
)
def test_each_kind_converts_good_values(
    kind: Any, value: Any, from_text: bool, expected: Any
) -> None:
    assert kind.convert(value, from_text=from_text) == expected


@pytest.mark.parametrize(
    ("kind", "value", "from_text", "message"),
    [
        (Text(), 3, False, "must be a string, got 3"),
        (Choice(("a", "b")), "c", False, "must be one of a, b, got 'c'"),
        (Flag(), "yes", False, "must be true or false, got 'yes'"),  # text only from the env
        (Flag(), 1, True, "must be true or false, got 1"),
        (Number(int, 0, 10), "3", False, "must be a whole number from 0 to 10, got '3'"),
        (Number(int, 0, 10), 3.5, False, "must be a whole number from 0 to 10, got 3.5"),
        (Number(int, 0, 10), True, False, "must be a whole number from 0 to 10, got True"),
        (Number(int, 0, 10), 11, False, "from 0 to 10, got 11"),
        (Number(int, 0, 10), 10**400, False, "from 0 to 10, got 1000000000"),
        (Number(float, 0.1, 5), float("nan"), False, "a number from 0.1 to 5, got nan"),
        (Number(float, 0.1, 5), "inf", True, "got 'inf'"),
        (Number(float, 0.1, 5), "-1", True, "got '-1'"),
        (Number(float, 0, 1_000_000), 1e9, False, "from 0 to 1_000_000, got 1000000000.0"),
        (Patterns(), [1], False, "must be a list of glob patterns"),
        (Prices(), {"m": {"input": -1, "output": 1}}, False, "numbers from 0 to 10000"),
        (Prices(), {"m": {"input": float("inf"), "output": 1}}, False, "numbers from 0"),
        (Tables(), "x", False, "must be a list of tables"),
    ],
)
def test_each_kind_says_what_a_value_must_be(
    kind: Any, value: Any, from_text: bool, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        kind.convert(value, from_text=from_text)
    assert message in str(caught.value)
    assert len(str(caught.value)) < 200  # one readable line, whatever the value


def test_every_setting_has_a_kind_a_description_and_a_known_project_rule() -> None:
    for f in schema_fields():
        assert kind_of(f.name) is f.metadata["kind"]
        assert f.metadata["doc"], f.name
        assert project_rule(f.name) in PROJECT_RULES, f.name
        assert setting_name(f.name) == f.name
    numbers = [f.name for f in schema_fields() if isinstance(kind_of(f.name), Number)]
    assert all(bounds(name) is not None for name in numbers)
    numeric_defaults = {
        f.name
        for f in schema_fields()
        if isinstance(f.default, (int, float)) and not isinstance(f.default, bool)
    }
    assert set(numbers) == numeric_defaults | {"temperature"}  # every number is bounded
    assert setting_name("maxTokens") == "max_tokens" and setting_name("max-tokens") is None
    assert convert("max_tokens", "12", from_text=True) == 12


@pytest.mark.parametrize(
    ("rule", "new", "current", "allowed"),
    [
        ("lower", 5, 10, True),
        ("lower", 10, 10, True),
        ("lower", 11, 10, False),
        ("tighten", 5, 0, True),  # a budget where there was none
        ("tighten", 0, 5, False),  # 0 is "no limit"
        ("tighten", 6, 5, False),
        ("tighten", 4, 5, True),
        ("tighten", 0, 0, True),
        ("on", True, False, True),
        ("on", False, True, False),
        ("on", False, False, True),
        ("off", False, True, True),
        ("off", True, False, False),
        ("no", 1, 1, False),
    ],
)
def test_project_rules(rule: str, new: Any, current: Any, allowed: bool) -> None:
    assert within_rule(rule, new, current) is allowed


def test_a_project_layer_keeps_the_users_values_and_adds_exclusions() -> None:
    user, _ = from_environment(
        {"BLITZLS_MAX_RETRIES": "0", "BLITZLS_EXCLUDE": "private/**", "BLITZLS_MODEL": "m"}
    )
    merged, problems = apply_project(
        user,
        {"maxRetries": 5, "exclude": ["gen/**", "private/**"], "model": "x", "max_tokens": 9},
        "/repo/.blitzls.toml",
    )
    assert (merged.max_retries, merged.model, merged.max_tokens) == (0, "m", 9)
    assert merged.exclude == ("private/**", "gen/**")
    assert merged.origin("max_tokens") == "/repo/.blitzls.toml"
    assert merged.origin("max_retries") == "environment BLITZLS_MAX_RETRIES"
    assert problems == [
        "setting 'maxRetries' in /repo/.blitzls.toml is ignored: a project file may only lower "
        "it; keeping 0 from environment BLITZLS_MAX_RETRIES",
        "setting 'model' in /repo/.blitzls.toml is ignored: a project file may not set it (set "
        "it in your editor or environment, not in a file shared with the repository); keeping "
        "'m' from environment BLITZLS_MODEL",
    ]


def test_a_broken_project_file_is_named_and_stops_every_action(tmp_path: Path) -> None:
    (tmp_path / ".blitzls.toml").write_text("max_tokens = \n", encoding="utf-8")
    settings, problems, found = with_project_layer(Settings(), tmp_path / "src" / "a.py")
    assert found == tmp_path / ".blitzls.toml" and problems == []
    assert settings == dataclasses.replace(Settings(), refusal=settings.refusal)
    assert settings.refusal.startswith(f"cannot read the project file {found}: line 1, column ")


@pytest.mark.parametrize(
    "text", ["tool = 3\n# [tool.blitzls]\n", "[tool]\nblitzls = 3  # [tool.blitzls]\n"]
)
def test_a_tool_section_that_is_not_a_table_stops_every_action(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    settings, problems, found = with_project_layer(Settings(), tmp_path)
    assert found == tmp_path / "pyproject.toml" and problems == []
    assert "[tool.blitzls] must be a table; nothing is sent" in settings.refusal


def test_kept_says_which_value_stays() -> None:
    settings, _ = merge(Settings(), {"timeout": 5}, source="editor settings")
    assert kept(settings, "timeout") == "keeping 5.0 from editor settings"
    assert kept(settings, "max_tokens") == "using the default 4096"


class _NoEnvironment(dict[str, str]):
    """Fails any test that reads the process environment."""

    def __getitem__(self, key: str) -> str:
        raise AssertionError(f"os.environ[{key!r}] was read")

    def get(self, key: str, default: Any = None) -> Any:
        raise AssertionError(f"os.environ.get({key!r}) was read")

    def __contains__(self, key: object) -> bool:
        raise AssertionError(f"{key!r} in os.environ was read")

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("os.environ was iterated")


def test_building_merging_and_layering_settings_reads_no_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {"BLITZLS_TIMEOUT": "5", "MY_KEY": "k"}
    monkeypatch.setattr(os, "environ", _NoEnvironment())
    settings, _ = from_environment(env)
    settings, _ = merge(settings, {"maxTokens": 10, "apiKeyEnv": "MY_KEY"})
    settings, _ = apply_project(settings, {"context_lines": 10}, "p")
    assert settings == Settings(timeout=5.0, max_tokens=10, api_key_env="MY_KEY", context_lines=10)
    assert repr(settings) and hash(settings.origins.get("timeout")) is not None
    # the lookups read only what they are given
    assert api_key(settings, env) == "k"
    assert cache_dir(settings, {"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "blitzls" / "replies"
    )


def test_lookups_with_an_explicit_environment(tmp_path: Path) -> None:
    assert api_key(Settings(), {}) == ""
    assert api_key(Settings(), {"XAI_API_KEY": "x"}) == "x"
    assert api_key(Settings(base_url="http://127.0.0.1:9/v1"), {}) == LOCAL_API_KEY
    assert is_loopback("http://[::1]:1/v1") and not is_loopback("https://api.x.ai/v1")
    assert user_cache_dir({"XDG_CACHE_HOME": "relative"}) != Path("relative") / "blitzls"
    assert cache_dir(Settings(cache_dir=str(tmp_path))) == tmp_path


def test_the_embedded_model_is_chosen_only_when_nothing_else_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import blitzls.local

    monkeypatch.setattr(blitzls.local, "unavailable_reason", lambda path="": None)
    assert uses_embedded_model(Settings(), {})
    assert effective_model(Settings(), True) == EMBEDDED_MODEL
    assert not uses_embedded_model(Settings(), {"XAI_API_KEY": "x"})
    explicit, _ = merge(Settings(), {"model": "mine"})
    assert effective_model(explicit, True) == "mine"
