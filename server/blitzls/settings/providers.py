"""Provider presets: the endpoint, key variable and model each named provider stands for."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from blitzls.local.registry import EMBEDDED_MODEL

DEFAULT_BASE_URL = "https://api.x.ai/v1"
DEFAULT_MODEL = "grok-code-fast-1"
DEFAULT_API_KEY_ENV = "XAI_API_KEY"
LOCAL_API_KEY = "blitzls-local"  # sent to loopback endpoints, which need some key but check none
EMBEDDED_BASE_URL = "embedded"  # the in-process model of the blitzls[local] extra

# A preset fills these three settings unless they are set explicitly.
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
