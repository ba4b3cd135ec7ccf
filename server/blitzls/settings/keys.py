"""The API key a request carries: explicit, from an environment variable, or a placeholder
for endpoints on this machine (which need some key but check none)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from blitzls.settings.providers import EMBEDDED_BASE_URL, LOCAL_API_KEY, PROVIDERS
from blitzls.settings.schema import Settings


def is_loopback(base_url: str) -> bool:
    """True for endpoints on this machine (Ollama, llama.cpp, a test server)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


OLLAMA_PORT = 11434


def wraps_text_completions(base_url: str, model: str) -> bool:
    """True for Ollama, whose ``/v1/completions`` puts the prompt in the model's chat
    template instead of sending it as it is: its port, or a model named ``name:tag``."""
    return urlsplit(base_url).port == OLLAMA_PORT or ":" in model


def api_key(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The key to send: explicit, else from ``api_key_env``, else a placeholder for loopback.

    ``environ``: where ``api_key_env`` is looked up (this process's environment by default).
    """
    if settings.api_key:
        return settings.api_key
    if settings.base_url == EMBEDDED_BASE_URL:
        return LOCAL_API_KEY
    if settings.api_key_env:
        from_env = (os.environ if environ is None else environ).get(settings.api_key_env, "")
        if from_env:
            return from_env
    if is_loopback(settings.base_url):
        return LOCAL_API_KEY
    return ""


def missing_key_message(settings: Settings) -> str:
    """How to fix a missing API key, in one line."""
    host = urlsplit(settings.base_url).hostname or settings.base_url
    others = ", ".join(name for name in PROVIDERS if name not in (settings.provider, "local"))
    return (
        f"no API key for {host}: set {settings.api_key_env or 'BLITZLS_API_KEY'} "
        "(or BLITZLS_API_KEY, or the 'apiKey' editor setting), choose another provider "
        f"(BLITZLS_PROVIDER={others}), or use the offline model: BLITZLS_PROVIDER=local "
        """after CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install 'blitzls[local]'"""
    )
