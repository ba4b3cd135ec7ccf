"""Which chat model answers, for the current settings: building, reusing and closing clients.

The embedded model is started here on first use (its endpoint lives in ``blitzls.local``);
hosted and self-hosted endpoints get the OpenAI-compatible client with the headers that help
their prompt caches. Replaced clients are closed; building is guarded by a lock, because the
warm-up thread and the event loop may both ask for the client at once.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from urllib.parse import urlsplit

from blitzls.config import (
    EMBEDDED_BASE_URL,
    LOCAL_API_KEY,
    Settings,
    api_key,
    effective_model,
    missing_key_message,
    uses_embedded_model,
)
from blitzls.model.errors import ModelError
from blitzls.model.protocol import ChatModel

ClientConfig = tuple[str, str, str, float, float, int, str]


class ModelProvider:
    """Builds the chat model for the current settings and keeps it until they change."""

    def __init__(self, settings: Settings, workspace: str) -> None:
        self.workspace = workspace
        self._lock = threading.Lock()
        self._model: ChatModel | None = None
        self._config: ClientConfig | None = None
        self._retired: list[ChatModel] = []  # replaced clients, closed on the next await
        self.configure(settings)

    def configure(self, settings: Settings) -> None:
        """Take new settings; the client is rebuilt lazily if its endpoint changed."""
        self.settings = settings
        self.embedded = uses_embedded_model(settings)
        self.model_name = effective_model(settings, self.embedded)

    @property
    def endpoint_id(self) -> str:
        """The endpoint as named in cache keys: stable even though the embedded port is not."""
        if self.embedded:
            return f"{EMBEDDED_BASE_URL}:{Path(self.settings.local_model).name or 'default'}"
        return self.settings.base_url

    @property
    def is_local(self) -> bool:
        """The model is treated as a small local one: ``modelClass`` says so, or, on
        'auto', it runs on this machine (embedded or a loopback endpoint)."""
        if self.settings.model_class != "auto":
            return self.settings.model_class == "small"
        from blitzls.config import is_loopback

        return self.embedded or is_loopback(self.settings.base_url)

    @property
    def sends_text_as_is(self) -> bool:
        """The endpoint gives a text completion's prompt to the model as it is (Ollama's
        ``/v1/completions`` wraps it in the model's chat template)."""
        from blitzls.config import wraps_text_completions

        return self.embedded or not wraps_text_completions(self.settings.base_url, self.model_name)

    def api_key(self) -> str:
        return api_key(self.settings) or (LOCAL_API_KEY if self.embedded else "")

    def check_key(self) -> None:
        if not self.embedded and not api_key(self.settings):
            raise ModelError("config", missing_key_message(self.settings))

    def model(self) -> ChatModel:
        """The chat model for the current settings (built on first use; no network)."""
        s = self.settings
        config: ClientConfig = (
            self.endpoint_id,
            self.model_name,
            self.api_key(),
            s.timeout,
            s.connect_timeout,
            s.max_retries,
            self.workspace,
        )
        with self._lock:
            if self._model is not None and config == self._config:
                return self._model
            from blitzls.model.client import OpenAIChatModel

            if self._model is not None:
                self._retired.append(self._model)
            self._model = OpenAIChatModel(
                base_url=self._base_url(),
                model=self.model_name,
                api_key=config[2],
                timeout=s.timeout,
                connect_timeout=s.connect_timeout,
                max_retries=s.max_retries,
                headers=provider_headers(s.base_url, self.workspace),
            )
            self._config = config
            return self._model

    async def close_retired(self) -> None:
        """Close clients that settings changes replaced."""
        with self._lock:
            retired, self._retired = self._retired, []
        for model in retired:
            await model.aclose()

    async def aclose(self) -> None:
        await self.close_retired()
        with self._lock:
            model, self._model, self._config = self._model, None, None
        if model is not None:
            await model.aclose()

    def _base_url(self) -> str:
        if not self.embedded:
            return self.settings.base_url
        from blitzls.local import find_model, unavailable_reason
        from blitzls.local.endpoint import embedded_base_url

        model_path = find_model(self.settings.local_model)
        reason = unavailable_reason(self.settings.local_model)
        if reason is not None or model_path is None:
            raise ModelError("config", reason or "the embedded model file was not found")
        return embedded_base_url(model_path)


def provider_headers(base_url: str, workspace: str) -> dict[str, str]:
    """Headers that help a provider cache and attribute requests; nothing secret, no times.

    xAI routes requests with the same ``x-grok-conv-id`` to the same prompt cache, so the id
    is derived from the workspace (stable across restarts, different per project).
    OpenRouter takes attribution headers.
    """
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "x.ai" or host.endswith(".x.ai"):
        digest = hashlib.sha256(f"blitzls:{workspace}".encode()).hexdigest()
        return {"x-grok-conv-id": f"blitzls-{digest[:32]}"}
    if host == "openrouter.ai" or host.endswith(".openrouter.ai"):
        return {"HTTP-Referer": "https://pypi.org/project/blitzls/", "X-Title": "blitzls"}
    return {}
