"""Editor settings stored as JSON: defaults, validation and saving only what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "tab_size": 4,
    "theme": "light",
    "word_wrap": False,
    "font_size": 13,
}
THEMES = ("light", "dark", "solarized")


def load_settings(text: str) -> dict[str, Any]:
    """Parse settings JSON and fill in the defaults for the keys it does not set."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("settings must be a JSON object")
    for key in data:
        if key not in DEFAULTS:
            raise ValueError(f"unknown setting {key!r}")
    settings = dict(DEFAULTS)
    settings.update(data)
    return settings


def check(settings: dict[str, Any]) -> list[str]:
    """Human-readable problems with the values; empty when all is well."""
    problems = []
    if settings["theme"] not in THEMES:
        problems.append(f"unknown theme {settings['theme']!r}")
    if not 1 <= settings["tab_size"] <= 16:
        problems.append("tab_size must be between 1 and 16")
    if not 6 <= settings["font_size"] <= 72:
        problems.append("font_size must be between 6 and 72")
    return problems


def save_settings(path: Path, settings: dict[str, Any]) -> None:
    changed = {key: value for key, value in settings.items() if DEFAULTS.get(key) != value}
    path.write_text(json.dumps(changed, indent=2, sort_keys=True) + "\n", encoding="utf-8")
