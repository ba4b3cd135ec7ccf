"""Where blitzls keeps files on this machine: the per-user cache directory."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from blitzls.settings.schema import Settings


def user_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The platform's per-user cache directory for blitzls."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32":
        root = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(root) / "blitzls" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "blitzls"
    xdg = env.get("XDG_CACHE_HOME")
    return Path(xdg if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "blitzls"


def cache_dir(settings: Settings, environ: Mapping[str, str] | None = None) -> Path:
    """Where the disk cache (and the usage log beside it) lives."""
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    return user_cache_dir(environ) / "replies"
