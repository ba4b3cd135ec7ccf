"""The settings schema: every setting once, with its kind of value, default, environment
variable, description and what a project file may do with it (see :mod:`.project`).

:class:`Settings` is a frozen value: building, copying and comparing it reads nothing from
the environment or the disk. Where a setting leads (the key to send, the cache directory,
whether the embedded model answers) is looked up by :mod:`.keys`, :mod:`.paths` and
:mod:`.endpoint`, which import this module (never the other way round).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from blitzls.settings.options import (
    Choice,
    Flag,
    Kind,
    Number,
    Patterns,
    Prices,
    Tables,
    Text,
)
from blitzls.settings.providers import (
    DEFAULT_API_KEY_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    PROVIDERS,
)

DEFAULT_ORIGIN = "default"
PROJECT_RULE_NAMES = ("yes", "no", "lower", "tighten", "add", "on", "off")


def option(
    default: Any,
    kind: Kind,
    doc: str,
    *,
    env: str | None = None,
    project: str = "yes",
    secret: bool = False,
) -> Any:
    """A field of :class:`Settings`: its default, kind of value and documentation.

    ``project`` says what a project file may do with it (a key of ``PROJECT_RULES``).
    """
    assert project in PROJECT_RULE_NAMES, project
    metadata = {"kind": kind, "doc": doc, "env": env, "project": project}
    if isinstance(default, (dict, MappingProxyType)):
        frozen = MappingProxyType(dict(default))
        return dataclasses.field(default_factory=lambda: frozen, metadata=metadata)
    return dataclasses.field(default=default, repr=not secret, metadata=metadata)


def _seconds(low: float, high: float) -> Number:
    return Number(float, low, high)


# The fill-in-the-middle families ``blitzls.core.fill`` has templates for.
FILL_FAMILIES = ("qwen", "deepseek", "starcoder", "codegemma", "codellama")


@dataclass(frozen=True)
class Settings:
    """Everything that configures blitzls, and where each value came from (``origins``)."""

    provider: str = option(
        "",
        Choice(tuple(PROVIDERS)),
        "Preset for baseUrl, apiKeyEnv and model: "
        + ", ".join(PROVIDERS)
        + ". Empty: xAI when a key is found, else the embedded model when "
        "blitzls[local] is installed.",
        env="BLITZLS_PROVIDER",
        project="no",
    )
    base_url: str = option(
        DEFAULT_BASE_URL,
        Text(),
        "OpenAI-compatible endpoint base URL ('embedded': the blitzls[local] model).",
        env="BLITZLS_BASE_URL",
        project="no",
    )
    model: str = option(DEFAULT_MODEL, Text(), "Model name.", env="BLITZLS_MODEL", project="no")
    local_model: str = option(
        "",
        Text(),
        "GGUF file for the embedded model, or the name of a model blitzls assembles from its "
        "packages (default: qwen2.5-coder-1.5b-instruct; see docs/local-model.md).",
        env="BLITZLS_LOCAL_MODEL",
        project="no",
    )
    api_key: str = option(
        "",
        Text(),
        "API key. Prefer an environment variable over writing it into a file.",
        env="BLITZLS_API_KEY",
        project="no",
        secret=True,
    )
    api_key_env: str = option(
        DEFAULT_API_KEY_ENV,
        Text(),
        "Environment variable read for the key when api_key is empty.",
        env="BLITZLS_API_KEY_ENV",
        project="no",
    )
    cache: bool = option(
        True, Flag(), "Cache model replies on disk.", env="BLITZLS_CACHE", project="no"
    )
    cache_dir: str = option(
        "",
        Text(),
        "Cache directory (default: the platform's user cache directory).",
        env="BLITZLS_CACHE_DIR",
        project="no",
    )
    cache_size_mb: int = option(
        256,
        Number(int, 1, 1_000_000),
        "Upper bound of the disk cache.",
        env="BLITZLS_CACHE_SIZE_MB",
        project="no",
    )
    timeout: float = option(
        30.0,
        _seconds(0.1, 3600),
        "Seconds to wait for the next streamed chunk.",
        env="BLITZLS_TIMEOUT",
        project="lower",
    )
    connect_timeout: float = option(
        10.0,
        _seconds(0.1, 600),
        "Seconds to wait for a connection.",
        env="BLITZLS_CONNECT_TIMEOUT",
        project="lower",
    )
    max_retries: int = option(
        1,
        Number(int, 0, 10),
        "Retries on connection errors, 429 and 5xx.",
        env="BLITZLS_MAX_RETRIES",
        project="lower",
    )
    max_tokens: int = option(
        4096,
        Number(int, 1, 1_000_000),
        "Upper bound of output tokens per call.",
        env="BLITZLS_MAX_TOKENS",
        project="lower",
    )
    temperature: float | None = option(
        0.0,
        Number(float, 0, 2, optional=True),
        "Sampling temperature. 0 (the default) makes answers as repeatable as the endpoint "
        "allows, which the reply cache assumes; empty: the endpoint's default.",
        env="BLITZLS_TEMPERATURE",
    )
    edit_format: str = option(
        "auto",
        Choice(("auto", "rewrite", "search-replace")),
        "How the model answers: 'rewrite' (the whole function in a fenced block, turned into "
        "a minimal diff by blitzls; what small models do best), 'search-replace' "
        "(SEARCH/REPLACE blocks: fewer output tokens on long functions for capable models), or "
        "'auto' (rewrite for local models and pseudocode, SEARCH/REPLACE for hosted models on "
        "functions over 40 lines, counting the whole function a cursor, diagnostic or ai! "
        "comment is in).",
        env="BLITZLS_EDIT_FORMAT",
        project="no",
    )
    model_class: str = option(
        "auto",
        Choice(("auto", "small", "capable")),
        "What the model can do, which sets what 'auto' means for editFormat and context: "
        "'small' (a local model: only the function, answered as a whole), 'capable' (a "
        "hosted model: the file as context, SEARCH/REPLACE on long functions), or 'auto' "
        "(small for the embedded model and endpoints on this machine, capable otherwise; "
        "set 'capable' for a proxy on this machine, such as LiteLLM, in front of a hosted "
        "model).",
        env="BLITZLS_MODEL_CLASS",
        project="no",
    )
    fill_in_middle: str = option(
        "auto",
        Choice(("off", "auto", *FILL_FAMILIES)),
        "Pseudocode answered by filling in the middle: the model is sent the code before and "
        "after the pseudocode in its own fill-in-the-middle tokens (the endpoint's "
        "/completions) and writes only the new code — about a third of a rewrite's output "
        "tokens and half its time on the quality benchmark. 'auto': for small models of at "
        "least a billion parameters (by the name) whose name shows a family blitzls knows "
        "(Qwen2.5-Coder, DeepSeek-Coder, StarCoder, CodeGemma, Code Llama); smaller ones "
        "passed fewer tasks that way. Or the family to use whatever the model's name. An "
        "endpoint without /completions, or a middle that does not fit, is asked the usual "
        "way. 'auto' leaves out Ollama (port 11434, or a model named name:tag), whose "
        "/v1/completions wraps the prompt in the model's chat template; set 'off' for any "
        "other endpoint that does.",
        env="BLITZLS_FILL_IN_MIDDLE",
        project="no",
    )
    prefill_answer: str = option(
        "auto",
        Choice(("off", "auto", "qwen")),
        "Fixes, instructions and edits answered from where the change is: blitzls writes "
        "the start of the answer itself (the function's lines down to the statement before "
        "the action's line) and the model goes on from there, sent in the model's own chat "
        "format on the endpoint's /completions; the lines above stay as they are. 'auto': "
        "for small models whose name shows a chat format blitzls knows (Qwen); 'qwen': that "
        "format whatever the model's name. An endpoint without /completions is asked the "
        "usual way; 'auto' leaves out Ollama, as fillInMiddle does.",
        env="BLITZLS_PREFILL_ANSWER",
        project="no",
    )
    context: str = option(
        "auto",
        Choice(("auto", "scope", "file")),
        "What the model sees besides the function: 'scope' (nothing: fastest on a CPU), "
        "'file' (the file, or contextLines of it, first: cached by hosted providers), or "
        "'auto' (scope for local models, file for hosted ones).",
        env="BLITZLS_CONTEXT",
        project="no",
    )
    action_timeout: float = option(
        300.0,
        _seconds(1, 86_400),
        "Seconds one action may take in all, repair round included; keep-alive messages from "
        "the endpoint do not extend it.",
        env="BLITZLS_ACTION_TIMEOUT",
        project="lower",
    )
    context_lines: int = option(
        400,
        Number(int, 0, 100_000),
        "Most file lines sent as context around the target range.",
        env="BLITZLS_CONTEXT_LINES",
        project="lower",
    )
    daily_token_budget: int = option(
        0,
        Number(int, 0, 10**12),
        "Stop model calls after this many tokens (prompt + output) a day; 0: no limit.",
        env="BLITZLS_DAILY_TOKEN_BUDGET",
        project="tighten",
    )
    daily_cost_budget: float = option(
        0.0,
        Number(float, 0, 1_000_000),
        "Stop model calls after this many US dollars a day; 0: no limit.",
        env="BLITZLS_DAILY_COST_BUDGET",
        project="tighten",
    )
    prefetch: bool = option(
        False,
        Flag(),
        "Compute pseudocode and ai! actions in the background when the cursor rests on them, "
        "so choosing them is instant. Costs a model call per block visited.",
        env="BLITZLS_PREFETCH",
        project="off",
    )
    prefetch_per_minute: int = option(
        4,
        Number(int, 0, 600),
        "At most this many prefetching model calls a minute.",
        env="BLITZLS_PREFETCH_PER_MINUTE",
        project="lower",
    )
    prices: Mapping[str, Any] = option(
        {},
        Prices(),
        "Prices in USD per million tokens by model, over the built-in table: "
        '{"my-model": {"input": 0.2, "cached_input": 0.02, "output": 1.5}}.',
        project="no",
    )
    exclude: tuple[str, ...] = option(
        (),
        Patterns(),
        "Glob patterns of files never sent to the model, over the built-in ones "
        "(.env, *.pem, *.key, id_rsa*, secrets.*, ...); 'dir/**' excludes a directory. "
        "Comma-separated in the environment.",
        env="BLITZLS_EXCLUDE",
        project="add",
    )
    redact: bool = option(
        True,
        Flag(),
        "Replace obvious secrets (private keys, API tokens, passwords in assignments) by a "
        "marker in what is sent to the model.",
        env="BLITZLS_REDACT",
        project="on",
    )
    respect_gitignore: bool = option(
        False,
        Flag(),
        "Never send files that git ignores (asks 'git check-ignore').",
        env="BLITZLS_RESPECT_GITIGNORE",
        project="on",
    )
    actions: tuple[Any, ...] = option(
        (),
        Tables(),
        "User-defined actions: tables with id, title, prompt and optionally kind, "
        "trigger and output (see docs/actions.md).",
    )
    origins: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    # Why no action may send anything (a project file that cannot be read, whose exclusions
    # and limits would otherwise be lost); empty when actions may run. Not a setting.
    refusal: str = ""

    def origin(self, name: str) -> str:
        """Where the value of setting ``name`` came from ("default" when nobody set it)."""
        return self.origins.get(name, DEFAULT_ORIGIN)


FIELDS: Mapping[str, dataclasses.Field[Any]] = MappingProxyType(
    {f.name: f for f in dataclasses.fields(Settings) if "kind" in f.metadata}
)


def camel_case(name: str) -> str:
    """``cache_size_mb`` → ``cacheSizeMb``: the spelling editors' JSON settings use."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# Editors spell keys in camelCase; both spellings name the same setting.
_BY_SPELLING = {**{camel_case(name): name for name in FIELDS}, **{name: name for name in FIELDS}}


def schema_fields() -> list[dataclasses.Field[Any]]:
    """The user-facing settings, in declaration order."""
    return list(FIELDS.values())


def setting_name(key: str) -> str | None:
    """The setting a key names (``maxTokens`` or ``max_tokens`` → ``max_tokens``), or None."""
    return _BY_SPELLING.get(key)


def kind_of(name: str) -> Kind:
    """The kind of value setting ``name`` takes."""
    kind: Kind = FIELDS[name].metadata["kind"]
    return kind


def convert(name: str, value: Any, *, from_text: bool = False) -> Any:
    """The one converter: ``value`` as setting ``name``'s type, or SettingsError."""
    return kind_of(name).convert(value, from_text=from_text)


def project_rule(name: str) -> str:
    """What a project file may do with setting ``name`` (a key of ``PROJECT_RULES``)."""
    return str(FIELDS[name].metadata["project"])


def bounds(name: str) -> tuple[float, float] | None:
    """The smallest and largest value a numeric setting accepts (None: not a number)."""
    kind = kind_of(name)
    return (kind.low, kind.high) if isinstance(kind, Number) else None


def env_variable(name: str) -> str | None:
    """The environment variable that sets ``name``, if any."""
    variable: str | None = FIELDS[name].metadata["env"]
    return variable
