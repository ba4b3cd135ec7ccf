"""Settings: precedence, validation messages, key handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from blitzls.config import LOCAL_API_KEY, Settings, from_environment, is_loopback, merge


def test_environment_overrides_defaults_and_reports_bad_values_by_name() -> None:
    settings, problems = from_environment(
        {
            "BLITZLS_BASE_URL": "http://localhost:11434/v1",
            "BLITZLS_MODEL": "qwen2.5-coder",
            "BLITZLS_TIMEOUT": "soon",
            "BLITZLS_CACHE": "off",
        }
    )
    assert settings.base_url == "http://localhost:11434/v1"
    assert settings.model == "qwen2.5-coder"
    assert settings.cache is False
    assert settings.timeout == Settings().timeout
    assert problems == ["setting 'timeout' must be a number, got 'soon'"]


def test_editor_options_accept_camel_case_and_reject_wrong_types() -> None:
    settings, problems = merge(
        Settings(), {"baseUrl": "http://127.0.0.1:8080/v1", "maxTokens": "many", "color": 1}
    )
    assert settings.base_url == "http://127.0.0.1:8080/v1"
    assert settings.max_tokens == Settings().max_tokens
    assert "setting 'max_tokens' must be a whole number, got 'many'" in problems
    assert "unknown setting 'color'" in problems


def test_booleans_are_not_numbers() -> None:
    _, problems = merge(Settings(), {"timeout": True})
    assert problems == ["setting 'timeout' must be a number, got True"]


def test_api_key_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    assert Settings().resolved_api_key() == ""
    monkeypatch.setenv("XAI_API_KEY", "xai-from-env")
    assert Settings().resolved_api_key() == "xai-from-env"
    assert Settings(api_key="explicit").resolved_api_key() == "explicit"
    monkeypatch.setenv("MY_KEY", "mine")
    assert Settings(api_key_env="MY_KEY").resolved_api_key() == "mine"


def test_loopback_endpoints_need_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    local = Settings(base_url="http://127.0.0.1:11434/v1")
    assert local.resolved_api_key() == LOCAL_API_KEY
    assert is_loopback("http://localhost:8080/v1") and is_loopback("http://[::1]:80/v1")
    assert not is_loopback("https://api.x.ai/v1")


def test_key_is_not_in_repr_and_missing_key_message_says_what_to_set() -> None:
    settings = Settings(api_key="sk-secret")
    assert "sk-secret" not in repr(settings)
    message = Settings().missing_key_message()
    assert "api.x.ai" in message and "XAI_API_KEY" in message and "BLITZLS_API_KEY" in message


def test_cache_dir_override_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Settings(cache_dir=str(tmp_path)).resolved_cache_dir() == tmp_path
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings().resolved_cache_dir() == tmp_path / "xdg" / "blitzls" / "replies"
