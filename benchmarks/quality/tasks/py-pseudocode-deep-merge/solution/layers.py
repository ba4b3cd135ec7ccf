"""Layered configuration: built-in defaults, a user file, then environment overrides."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "server": {"host": "127.0.0.1", "port": 8080, "tls": {"enabled": False}},
    "log": {"level": "info", "file": None},
    "features": ["search"],
}
ENV_PREFIX = "APP_"


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A new dict: `override` laid over `base`, merging nested dicts key by key."""
    result = deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """APP_SERVER__PORT=9000 becomes {"server": {"port": 9000}}; values are JSON when they parse."""
    result: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return result


def load_config(
    user_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    config = deepcopy(DEFAULTS)
    if user_file is not None and user_file.exists():
        config = deep_merge(config, json.loads(user_file.read_text(encoding="utf-8")))
    return deep_merge(config, env_overrides(os.environ if environ is None else environ))
