"""Settings: one schema with defaults, filled from environment, editor options and CLI flags.

Precedence, lowest first: built-in defaults < provider preset < environment variables <
project file (``.blitzls.toml`` or ``[tool.blitzls]``) < editor settings < command-line flags.
Every value remembers where it came from (``Settings.origins``), for ``blitzls doctor``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from blitzls.local.registry import DEFAULT_MODEL as EMBEDDED_MODEL

DEFAULT_BASE_URL = "https://api.x.ai/v1"
DEFAULT_MODEL = "grok-code-fast-1"
DEFAULT_API_KEY_ENV = "XAI_API_KEY"
LOCAL_API_KEY = "blitzls-local"  # sent to loopback endpoints, which need some key but check none
EMBEDDED_BASE_URL = "embedded"  # the in-process model of the blitzls[local] extra
DEFAULT_ORIGIN = "default"

# Provider presets fill these three settings unless they are set explicitly.
PRESET_KEYS = ("base_url", "api_key_env", "model")
PROVIDERS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "xai": {
            "base_url": DEFAULT_BASE_URL,
            "api_key_env": DEFAULT_API_KEY_ENV,
            "model": DEFAULT_MODEL,
        },
        "openrouter": {
            "base_url": "https://openrouter.ai/api/v1",
            "api_key_env": "OPENROUTER_API_KEY",
            "model": "x-ai/grok-code-fast-1",
        },
        "openai": {
            "base_url": "https://api.openai.com/v1",
            "api_key_env": "OPENAI_API_KEY",
            "model": "gpt-4.1-mini",
        },
        "ollama": {
            "base_url": "http://localhost:11434/v1",
            "api_key_env": "",
            "model": "qwen2.5-coder:7b",
        },
        "llamacpp": {
            "base_url": "http://localhost:8080/v1",
            "api_key_env": "LLAMA_API_KEY",
            "model": "default",
        },
        "vllm": {
            "base_url": "http://localhost:8000/v1",
            "api_key_env": "VLLM_API_KEY",
            "model": "Qwen/Qwen2.5-Coder-7B-Instruct",
        },
        "local": {
            "base_url": EMBEDDED_BASE_URL,
            "api_key_env": "",
            "model": EMBEDDED_MODEL,
        },
    }
)


@dataclass(frozen=True)
class Settings:
    """Everything that configures blitzls. Field metadata holds the user-facing description."""

    provider: str = field(
        default="",
        metadata={
            "env": "BLITZLS_PROVIDER",
            "doc": "Preset for baseUrl, apiKeyEnv and model: "
            + ", ".join(PROVIDERS)
            + ". Empty: xAI when a key is found, else the embedded model when "
            "blitzls[local] is installed.",
        },
    )
    base_url: str = field(
        default=DEFAULT_BASE_URL,
        metadata={
            "env": "BLITZLS_BASE_URL",
            "doc": "OpenAI-compatible endpoint base URL ('embedded': the blitzls[local] model).",
        },
    )
    model: str = field(
        default=DEFAULT_MODEL, metadata={"env": "BLITZLS_MODEL", "doc": "Model name."}
    )
    local_model: str = field(
        default="",
        metadata={
            "env": "BLITZLS_LOCAL_MODEL",
            "doc": "GGUF file for the embedded model, or the name of a model blitzls assembles "
            f"from its packages (default: {EMBEDDED_MODEL}; see docs/local-model.md).",
        },
    )
    api_key: str = field(
        default="",
        repr=False,
        metadata={
            "env": "BLITZLS_API_KEY",
            "doc": "API key. Prefer an environment variable over writing it into a file.",
        },
    )
    api_key_env: str = field(
        default=DEFAULT_API_KEY_ENV,
        metadata={
            "env": "BLITZLS_API_KEY_ENV",
            "doc": "Environment variable read for the key when api_key is empty.",
        },
    )
    cache: bool = field(
        default=True,
        metadata={"env": "BLITZLS_CACHE", "doc": "Cache model replies on disk."},
    )
    cache_dir: str = field(
        default="",
        metadata={
            "env": "BLITZLS_CACHE_DIR",
            "doc": "Cache directory (default: the platform's user cache directory).",
        },
    )
    cache_size_mb: int = field(
        default=256,
        metadata={"env": "BLITZLS_CACHE_SIZE_MB", "doc": "Upper bound of the disk cache."},
    )
    timeout: float = field(
        default=30.0,
        metadata={
            "env": "BLITZLS_TIMEOUT",
            "doc": "Seconds to wait for the next streamed chunk.",
        },
    )
    connect_timeout: float = field(
        default=10.0,
        metadata={"env": "BLITZLS_CONNECT_TIMEOUT", "doc": "Seconds to wait for a connection."},
    )
    max_retries: int = field(
        default=1,
        metadata={
            "env": "BLITZLS_MAX_RETRIES",
            "doc": "Retries on connection errors, 429 and 5xx.",
        },
    )
    max_tokens: int = field(
        default=4096,
        metadata={"env": "BLITZLS_MAX_TOKENS", "doc": "Upper bound of output tokens per call."},
    )
    temperature: float | None = field(
        default=None,
        metadata={
            "env": "BLITZLS_TEMPERATURE",
            "doc": "Sampling temperature (unset: the endpoint's default).",
        },
    )
    context_lines: int = field(
        default=400,
        metadata={
            "env": "BLITZLS_CONTEXT_LINES",
            "doc": "Most file lines sent as context around the target range.",
        },
    )
    daily_token_budget: int = field(
        default=0,
        metadata={
            "env": "BLITZLS_DAILY_TOKEN_BUDGET",
            "doc": "Stop model calls after this many tokens (prompt + output) a day; 0: no limit.",
        },
    )
    daily_cost_budget: float = field(
        default=0.0,
        metadata={
            "env": "BLITZLS_DAILY_COST_BUDGET",
            "doc": "Stop model calls after this many US dollars a day; 0: no limit.",
        },
    )
    prefetch: bool = field(
        default=False,
        metadata={
            "env": "BLITZLS_PREFETCH",
            "doc": "Compute pseudocode and ai! actions in the background when the cursor rests "
            "on them, so choosing them is instant. Costs a model call per block visited.",
        },
    )
    prefetch_per_minute: int = field(
        default=4,
        metadata={
            "env": "BLITZLS_PREFETCH_PER_MINUTE",
            "doc": "At most this many prefetching model calls a minute.",
        },
    )
    prices: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}),
        metadata={
            "doc": "Prices in USD per million tokens by model, over the built-in table: "
            '{"my-model": {"input": 0.2, "cached_input": 0.02, "output": 1.5}}.',
        },
    )
    exclude: tuple[str, ...] = field(
        default=(),
        metadata={
            "env": "BLITZLS_EXCLUDE",
            "doc": "Glob patterns of files never sent to the model, over the built-in ones "
            "(.env, *.pem, *.key, id_rsa*, secrets.*, ...); 'dir/**' excludes a directory. "
            "Comma-separated in the environment.",
        },
    )
    redact: bool = field(
        default=True,
        metadata={
            "env": "BLITZLS_REDACT",
            "doc": "Replace obvious secrets (private keys, API tokens, passwords in "
            "assignments) by a marker in what is sent to the model.",
        },
    )
    respect_gitignore: bool = field(
        default=False,
        metadata={
            "env": "BLITZLS_RESPECT_GITIGNORE",
            "doc": "Never send files that git ignores (asks 'git check-ignore').",
        },
    )
    actions: tuple[Any, ...] = field(
        default=(),
        metadata={
            "doc": "User-defined actions: tables with id, title, prompt and optionally kind, "
            "trigger and output (see docs/actions.md).",
        },
    )
    origins: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}),
        compare=False,
        repr=False,
        metadata={"internal": True},
    )

    def origin(self, name: str) -> str:
        """Where the value of setting ``name`` came from ("default" when nobody set it)."""
        return self.origins.get(name, DEFAULT_ORIGIN)

    def uses_embedded_model(self) -> bool:
        """True when actions go to the in-process model of the ``blitzls[local]`` extra.

        Chosen explicitly (``provider = "local"`` or ``baseUrl = "embedded"``), or by default
        when no endpoint, provider or key is configured and the extra is installed.
        """
        if self.base_url == EMBEDDED_BASE_URL:
            return True
        if self.provider or self.origin("base_url") != DEFAULT_ORIGIN or self.resolved_api_key():
            return False
        from blitzls.local import unavailable_reason

        return unavailable_reason(self.local_model) is None

    def effective_model(self, embedded: bool | None = None) -> str:
        """The model name requests carry (the embedded model's when it is chosen by default).

        ``embedded``: the result of ``uses_embedded_model()`` when the caller has it already.
        """
        if embedded is None:
            embedded = self.uses_embedded_model()
        if embedded and self.origin("model") in (DEFAULT_ORIGIN, "provider local"):
            from blitzls.local import model_name

            return model_name(self.local_model)
        return self.model

    def resolved_api_key(self) -> str:
        """The key to send: explicit, else from ``api_key_env``, else a placeholder for loopback."""
        if self.api_key:
            return self.api_key
        if self.base_url == EMBEDDED_BASE_URL:
            return LOCAL_API_KEY
        if self.api_key_env:
            from_env = os.environ.get(self.api_key_env, "")
            if from_env:
                return from_env
        if is_loopback(self.base_url):
            return LOCAL_API_KEY
        return ""

    def resolved_cache_dir(self) -> Path:
        """Where the disk cache lives."""
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        return user_cache_dir() / "replies"

    def missing_key_message(self) -> str:
        """How to fix a missing API key, in one line."""
        host = urlsplit(self.base_url).hostname or self.base_url
        others = ", ".join(name for name in PROVIDERS if name not in (self.provider, "local"))
        return (
            f"no API key for {host}: set {self.api_key_env or 'BLITZLS_API_KEY'} "
            "(or BLITZLS_API_KEY, or the 'apiKey' editor setting), choose another provider "
            f"(BLITZLS_PROVIDER={others}), or use the offline model: BLITZLS_PROVIDER=local "
            """after CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install 'blitzls[local]'"""
        )


class SettingsError(ValueError):
    """A setting has a wrong type or value; the message names the key."""


_ALIASES = {
    # camelCase spellings used by editors' JSON settings
    "baseUrl": "base_url",
    "apiKey": "api_key",
    "apiKeyEnv": "api_key_env",
    "localModel": "local_model",
    "cacheDir": "cache_dir",
    "cacheSizeMb": "cache_size_mb",
    "connectTimeout": "connect_timeout",
    "maxRetries": "max_retries",
    "maxTokens": "max_tokens",
    "contextLines": "context_lines",
    "prefetchPerMinute": "prefetch_per_minute",
    "dailyTokenBudget": "daily_token_budget",
    "dailyCostBudget": "daily_cost_budget",
    "respectGitignore": "respect_gitignore",
}

_FIELDS = {f.name: f for f in dataclasses.fields(Settings) if not f.metadata.get("internal")}


def schema_fields() -> list[dataclasses.Field[Any]]:
    """The user-facing settings, in declaration order."""
    return list(_FIELDS.values())


def camel_case(name: str) -> str:
    """``cache_size_mb`` → ``cacheSizeMb``: the spelling editors' JSON settings use."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _coerce(name: str, value: Any, *, from_text: bool) -> Any:
    """Convert ``value`` to the type of field ``name`` or raise SettingsError naming the key."""
    default = _FIELDS[name].default
    if name == "provider":
        if isinstance(value, str) and value.strip().lower() in PROVIDERS:
            return value.strip().lower()
        raise SettingsError(
            f"setting 'provider' must be one of {', '.join(PROVIDERS)}, got {value!r}"
        )
    if name == "prices":
        if not isinstance(value, Mapping) or not all(
            isinstance(v, Mapping)
            and all(isinstance(v.get(k), (int, float)) for k in ("input", "output"))
            for v in value.values()
        ):
            raise SettingsError(
                "setting 'prices' must map model names to {input, cached_input, output} "
                f"numbers, got {value!r}"
            )
        return MappingProxyType(
            {
                str(model): {
                    "input": float(v["input"]),
                    "cached_input": float(v.get("cached_input", v["input"])),
                    "output": float(v["output"]),
                }
                for model, v in value.items()
            }
        )
    if name == "actions":
        if isinstance(value, Mapping):
            return tuple(
                {"id": key, **item} if isinstance(item, Mapping) else item
                for key, item in value.items()
            )
        if isinstance(value, (list, tuple)):
            return tuple(value)
        raise SettingsError(f"setting 'actions' must be a list of tables, got {value!r}")
    if name == "exclude":
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, (list, tuple)) and all(isinstance(item, str) for item in items):
            return tuple(item.strip() for item in items if item.strip())
        raise SettingsError(
            f"setting 'exclude' must be a list of glob patterns (or a comma-separated string), "
            f"got {value!r}"
        )
    if name == "temperature":
        if value is None or value == "":
            return None
        kind: type = float
    else:
        kind = type(default)
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            if from_text and str(value).strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if from_text and str(value).strip().lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError
        if kind is int:
            if isinstance(value, bool) or (not from_text and not isinstance(value, int)):
                raise ValueError
            return int(value)
        if kind is float:
            if isinstance(value, bool) or (not from_text and not isinstance(value, (int, float))):
                raise ValueError
            number = float(value)
            if number < 0:
                raise ValueError
            return number
        if kind is str:
            if not isinstance(value, str):
                raise ValueError
            return value
    except (TypeError, ValueError):
        pass
    raise SettingsError(f"setting '{name}' must be {_type_word(kind)}, got {value!r}")


def _type_word(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(
        kind, kind.__name__
    )


def _normalise_key(key: str) -> str:
    return _ALIASES.get(key, key)


# An empty string for these means "not set" (editors often send empty defaults).
_EMPTY_IS_UNSET = frozenset({"provider", "base_url", "model"})


def merge(
    base: Settings,
    values: Mapping[str, Any],
    *,
    from_text: bool = False,
    source: str | Mapping[str, str] = "editor settings",
) -> tuple[Settings, list[str]]:
    """Apply ``values`` over ``base``; unknown keys and bad values are reported, not fatal.

    ``source`` names where the values come from (or maps each key to its origin); it is
    recorded in ``Settings.origins``. Provider presets are re-applied afterwards.
    """
    changes: dict[str, Any] = {}
    origins = dict(base.origins)
    problems: list[str] = []
    for raw_key, value in values.items():
        key = _normalise_key(raw_key)
        if key not in _FIELDS:
            problems.append(f"unknown setting '{raw_key}'")
            continue
        if key in _EMPTY_IS_UNSET and value in ("", None):
            continue
        try:
            changes[key] = _coerce(key, value, from_text=from_text)
        except SettingsError as exc:  # named as the user spelled it (maxTokens, not max_tokens)
            problems.append(str(exc).replace(f"'{key}'", f"'{raw_key}'", 1))
            continue
        origins[key] = source if isinstance(source, str) else source.get(raw_key, "")
    merged = dataclasses.replace(base, **changes, origins=MappingProxyType(origins))
    return _with_preset(merged), problems


def _with_preset(settings: Settings) -> Settings:
    """Fill base URL, key variable and model from the provider preset where not set."""
    preset = PROVIDERS.get(settings.provider)
    origins = dict(settings.origins)
    changes: dict[str, Any] = {}
    for key in PRESET_KEYS:
        origin = origins.get(key, DEFAULT_ORIGIN)
        if origin != DEFAULT_ORIGIN and not origin.startswith("provider "):
            continue
        if preset is not None:
            changes[key] = preset[key]
            origins[key] = f"provider {settings.provider}"
        else:
            changes[key] = _FIELDS[key].default
            origins.pop(key, None)
    return dataclasses.replace(settings, **changes, origins=MappingProxyType(origins))


def from_environment(environ: Mapping[str, str] | None = None) -> tuple[Settings, list[str]]:
    """Defaults overlaid with ``BLITZLS_*`` environment variables."""
    env = os.environ if environ is None else environ
    names = {f.name: f.metadata["env"] for f in schema_fields() if f.metadata.get("env")}
    values = {name: env[var] for name, var in names.items() if var in env}
    return merge(
        Settings(),
        values,
        from_text=True,
        source={name: f"environment {names[name]}" for name in values},
    )


# A project file travels with the repository: it must not redirect code or keys elsewhere.
PROJECT_FORBIDDEN = frozenset(
    {"provider", "base_url", "api_key", "api_key_env", "cache_dir", "redact", "local_model"}
)
PROJECT_FILES = (".blitzls.toml", "pyproject.toml")


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
        return path.read_bytes()[:200_000]
    except OSError:
        return b""


def project_values(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The settings a project file sets, minus those it may not set."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"cannot read {path.name}: {exc}"]
    table = data if path.name == ".blitzls.toml" else data.get("tool", {}).get("blitzls", {})
    if not isinstance(table, dict):
        return {}, [f"[tool.blitzls] in {path.name} must be a table"]
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in table.items():
        if _normalise_key(key) in PROJECT_FORBIDDEN:
            problems.append(
                f"setting '{key}' in {path.name} is ignored: set it in your editor or "
                "environment, not in a file shared with the repository"
            )
        else:
            values[key] = value
    return values, problems


def with_project_file(
    settings: Settings, overrides: Mapping[str, Any], start: Path
) -> tuple[Settings, list[str], Path | None]:
    """Add the project file found from ``start`` upwards, under the command-line flags.

    Returns the settings, the problems found, and the project file (None without one).
    """
    problems: list[str] = []
    project = find_project_file(start.resolve())
    if project is not None:
        values, problems = project_values(project)
        settings, bad = merge(settings, values, source=project_label(project))
        problems += [f"{project.name}: {p}" for p in bad]
    settings, _ = merge(settings, overrides, source="command line")
    return settings, problems, project


def project_label(path: Path) -> str:
    """How a project file is named as the origin of a setting."""
    return str(path) if path.name == ".blitzls.toml" else f"{path} [tool.blitzls]"


def is_loopback(base_url: str) -> bool:
    """True for endpoints on this machine (Ollama, llama.cpp, a test server)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def user_cache_dir() -> Path:
    """The platform's per-user cache directory for blitzls."""
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(root) / "blitzls" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "blitzls"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "blitzls"
