"""Settings: precedence, validation messages, key handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from blitzls.config import (
    EMBEDDED_BASE_URL,
    LOCAL_API_KEY,
    PROVIDERS,
    Settings,
    api_key,
    cache_dir,
    effective_model,
    from_environment,
    is_loopback,
    merge,
    missing_key_message,
    uses_embedded_model,
)


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
    assert problems == [
        "setting 'timeout' (environment BLITZLS_TIMEOUT) must be a number from 0.1 to 3600, "
        "got 'soon'; using the default 30.0"
    ]


def test_editor_options_accept_camel_case_and_reject_wrong_types() -> None:
    settings, problems = merge(
        Settings(), {"baseUrl": "http://127.0.0.1:8080/v1", "maxTokens": "many", "color": 1}
    )
    assert settings.base_url == "http://127.0.0.1:8080/v1"
    assert settings.max_tokens == Settings().max_tokens
    assert (
        "setting 'maxTokens' (editor settings) must be a whole number from 1 to 1_000_000, "
        "got 'many'; using the default 4096"
    ) in problems
    assert "unknown setting 'color' (editor settings) is ignored" in problems


def test_booleans_are_not_numbers() -> None:
    _, problems = merge(Settings(), {"timeout": True})
    assert problems == [
        "setting 'timeout' (editor settings) must be a number from 0.1 to 3600, got True; "
        "using the default 30.0"
    ]


def test_api_key_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    assert api_key(Settings()) == ""
    monkeypatch.setenv("XAI_API_KEY", "xai-from-env")
    assert api_key(Settings()) == "xai-from-env"
    assert api_key(Settings(api_key="explicit")) == "explicit"
    monkeypatch.setenv("MY_KEY", "mine")
    assert api_key(Settings(api_key_env="MY_KEY")) == "mine"


def test_loopback_endpoints_need_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    local = Settings(base_url="http://127.0.0.1:11434/v1")
    assert api_key(local) == LOCAL_API_KEY
    assert is_loopback("http://localhost:8080/v1") and is_loopback("http://[::1]:80/v1")
    assert not is_loopback("https://api.x.ai/v1")


def test_key_is_not_in_repr_and_missing_key_message_says_what_to_set() -> None:
    settings = Settings(api_key="sk-secret")
    assert "sk-secret" not in repr(settings)
    message = missing_key_message(Settings())
    assert "api.x.ai" in message and "XAI_API_KEY" in message and "BLITZLS_API_KEY" in message


def test_cache_dir_override_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache_dir(Settings(cache_dir=str(tmp_path))) == tmp_path
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir(Settings()) == tmp_path / "xdg" / "blitzls" / "replies"


def test_provider_preset_fills_endpoint_key_variable_and_model() -> None:
    settings, problems = from_environment({"BLITZLS_PROVIDER": "OpenRouter"})
    assert problems == []
    assert (settings.provider, settings.base_url, settings.api_key_env, settings.model) == (
        "openrouter",
        "https://openrouter.ai/api/v1",
        "OPENROUTER_API_KEY",
        "x-ai/grok-code-fast-1",
    )
    assert settings.origin("base_url") == "provider openrouter"
    assert settings.origin("provider") == "environment BLITZLS_PROVIDER"


def test_explicit_values_win_over_the_preset_whatever_the_layer_order() -> None:
    env, _ = from_environment({"BLITZLS_MODEL": "llama3.1:8b"})
    settings, problems = merge(env, {"provider": "ollama"}, source="editor settings")
    assert problems == []
    assert settings.base_url == "http://localhost:11434/v1"
    assert settings.model == "llama3.1:8b"
    assert settings.origin("model") == "environment BLITZLS_MODEL"
    # a later layer switching provider refills only what the preset had filled
    switched, _ = merge(settings, {"provider": "vllm"}, source="command line")
    assert switched.base_url == PROVIDERS["vllm"]["base_url"]
    assert switched.model == "llama3.1:8b"


def test_every_preset_is_complete_and_local_ones_need_no_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ollama", "llamacpp", "vllm", "local"):
        monkeypatch.delenv(PROVIDERS[name]["api_key_env"] or "UNSET_VAR", raising=False)
    for name, preset in PROVIDERS.items():
        assert set(preset) == {"base_url", "api_key_env", "model"}, name
        settings, _ = merge(Settings(), {"provider": name})
        assert settings.model == preset["model"]
        if name in ("ollama", "llamacpp", "vllm", "local"):
            assert api_key(settings) == LOCAL_API_KEY, name
    local, _ = merge(Settings(), {"provider": "local"})
    assert local.base_url == EMBEDDED_BASE_URL and uses_embedded_model(local)


def test_unknown_provider_and_empty_values() -> None:
    settings, problems = merge(Settings(), {"provider": "anthropic", "baseUrl": "", "model": ""})
    assert problems == [
        "setting 'provider' (editor settings) must be one of xai, openrouter, openai, ollama, "
        "llamacpp, vllm, local, got 'anthropic'; using the default ''"
    ]
    assert settings == Settings()  # empty strings mean "not set"
    assert settings.origin("base_url") == "default"


def test_project_file_may_not_choose_the_provider(tmp_path: Path) -> None:
    from blitzls.config import with_project_layer

    path = tmp_path / ".blitzls.toml"
    path.write_text('provider = "openrouter"\nmax_tokens = 100\n')
    settings, problems, found = with_project_layer(Settings(), tmp_path)
    assert found == path
    assert (settings.provider, settings.max_tokens) == ("", 100)
    assert problems == [
        f"setting 'provider' in {path} is ignored: a project file may not set it (set it in "
        "your editor or environment, not in a file shared with the repository); using the "
        "default ''"
    ]


def test_embedded_model_is_the_default_only_without_endpoint_or_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import blitzls.local

    monkeypatch.delenv("XAI_API_KEY", raising=False)
    monkeypatch.setattr(blitzls.local, "unavailable_reason", lambda path="": None)
    assert uses_embedded_model(Settings())
    assert effective_model(Settings()) != Settings().model
    monkeypatch.setenv("XAI_API_KEY", "xai-key")
    assert not uses_embedded_model(Settings())
    monkeypatch.delenv("XAI_API_KEY")
    ollama, _ = merge(Settings(), {"provider": "ollama"})
    assert not uses_embedded_model(ollama)
    explicit, _ = merge(Settings(), {"baseUrl": "https://example.test/v1"})
    assert not uses_embedded_model(explicit)
    monkeypatch.setattr(blitzls.local, "unavailable_reason", lambda path="": "not installed")
    assert not uses_embedded_model(Settings())


def test_the_placeholder_key_is_known_to_the_error_messages() -> None:
    from blitzls.model.errors import LOCAL_PLACEHOLDER_KEY, status_error

    assert LOCAL_PLACEHOLDER_KEY == LOCAL_API_KEY
    error = status_error(401, base_url="http://127.0.0.1:8080/v1", model="m", api_key=LOCAL_API_KEY)
    assert "wants an API key (401)" in str(error)


def test_ollama_is_known_by_its_port_or_its_model_names_tag() -> None:
    from blitzls.settings.keys import wraps_text_completions

    ollama = PROVIDERS["ollama"]
    assert wraps_text_completions(ollama["base_url"], ollama["model"])
    assert wraps_text_completions("http://127.0.0.1:11434/v1", "qwen2.5-coder")
    assert wraps_text_completions("http://127.0.0.1:9999/v1", "qwen2.5-coder:1.5b")
    assert not wraps_text_completions("http://localhost:8080/v1", "qwen2.5-coder-1.5b-instruct")
    assert not wraps_text_completions(PROVIDERS["vllm"]["base_url"], PROVIDERS["vllm"]["model"])
