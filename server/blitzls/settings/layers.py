"""Settings layers: each source laid over the one below, remembering where values came from.

Precedence, lowest first: built-in defaults < provider preset < environment variables <
project file (:mod:`.project`) < editor settings < command-line flags. A bad value is
reported by key and source, and the value from the layer below stays in force.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from blitzls.settings.options import SettingsError
from blitzls.settings.providers import PRESET_KEYS, PROVIDERS
from blitzls.settings.schema import (
    DEFAULT_ORIGIN,
    FIELDS,
    Settings,
    convert,
    schema_fields,
    setting_name,
)

# An empty string for these means "not set" (editors often send empty defaults).
EMPTY_IS_UNSET = frozenset({"provider", "base_url", "model"})


def shown_value(value: Any) -> str:
    """A setting's value as messages quote it."""
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, Mapping):
        value = dict(value)
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def kept(settings: Settings, name: str) -> str:
    """What stays in force when a new value for ``name`` is refused: "using the default 30.0"."""
    value = shown_value(getattr(settings, name))
    origin = settings.origin(name)
    if origin == DEFAULT_ORIGIN:
        return f"using the default {value}"
    return f"keeping {value} from {origin}"


def merge(
    base: Settings,
    values: Mapping[str, Any],
    *,
    from_text: bool = False,
    source: str | Mapping[str, str] = "editor settings",
) -> tuple[Settings, list[str]]:
    """Lay ``values`` over ``base``; unknown keys and bad values are reported, not fatal.

    ``source`` names where the values come from (or maps each key to its origin); it is
    recorded in ``Settings.origins`` and named in problems, each of which also says which
    value stays in force. Provider presets are re-applied afterwards.
    """
    changes: dict[str, Any] = {}
    origins = dict(base.origins)
    problems: list[str] = []
    for raw_key, value in values.items():
        key = setting_name(raw_key)
        origin = source if isinstance(source, str) else source.get(raw_key, "")
        if key is None:
            problems.append(f"unknown setting '{raw_key}' ({origin}) is ignored")
            continue
        if key in EMPTY_IS_UNSET and value in ("", None):
            continue
        try:
            changes[key] = convert(key, value, from_text=from_text)
        except SettingsError as exc:  # named as the user spelled it (maxTokens, not max_tokens)
            problems.append(f"setting '{raw_key}' ({origin}) {exc}; {kept(base, key)}")
            continue
        origins[key] = origin
    merged = dataclasses.replace(base, **changes, origins=MappingProxyType(origins))
    return with_preset(merged), problems


def with_preset(settings: Settings) -> Settings:
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
            changes[key] = FIELDS[key].default
            origins.pop(key, None)
    return dataclasses.replace(settings, **changes, origins=MappingProxyType(origins))


def from_environment(environ: Mapping[str, str] | None = None) -> tuple[Settings, list[str]]:
    """Defaults overlaid with the ``BLITZLS_*`` variables of ``environ`` (this process's)."""
    env = os.environ if environ is None else environ
    names = {f.name: f.metadata["env"] for f in schema_fields() if f.metadata["env"]}
    values = {name: env[var] for name, var in names.items() if var in env}
    return merge(
        Settings(),
        values,
        from_text=True,
        source={name: f"environment {names[name]}" for name in values},
    )
