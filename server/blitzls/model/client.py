"""OpenAIChatModel: one small adapter over ``openai.AsyncOpenAI`` streaming chat completions.

``import openai`` is slow, so it happens in :meth:`OpenAIChatModel.warm_up` (meant for a background
thread) or on the first :meth:`OpenAIChatModel.complete`, never at import time. Every failure leaves
as a :class:`~blitzls.model.errors.ModelError`, except cancellation, which closes the stream
and re-raises ``asyncio.CancelledError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from blitzls.model.errors import (
    HOST_NOT_FOUND,
    LOOKUP_FAILED,
    ModelError,
    bad_response_error,
    clean_detail,
    connection_error,
    cut_off_error,
    empty_error,
    endpoint_name,
    key_hint,
    status_error,
    timeout_error,
)
from blitzls.model.protocol import Completion, TextCallback, Usage

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream

_CLOSE_TIMEOUT = 1.0  # seconds allowed for closing a stream


@dataclass
class _Collected:
    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    finish_reason: str | None = None
    first_token_seconds: float | None = None
    chunks: int = 0
    stopped_early: bool = False


class OpenAIChatModel:
    """A streaming chat client for one OpenAI-compatible endpoint and model."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        timeout: float = 60.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self._api_key = api_key
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_retries = max_retries
        self.headers = dict(headers or {})
        self._client: AsyncOpenAI | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIChatModel(base_url={self.base_url!r}, model={self.model!r})"

    # -- lifecycle --------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Import openai and build the client. Synchronous, idempotent, thread-safe."""
        with self._lock:
            if self._client is not None:
                return
            import openai

            if not self._api_key or self._config_problem():
                import openai.resources.chat  # the imports a request needs

                return
            client = openai.AsyncOpenAI(
                api_key=self._api_key,
                base_url=self.base_url,
                timeout=openai.Timeout(self.timeout, connect=self.connect_timeout),
                max_retries=self.max_retries,
                default_headers=self.headers,
            )
            _forget_environment(client, self.headers)
            _ = client.chat.completions  # its first access imports ~480 modules
            self._client = client

    async def aclose(self) -> None:
        """Close the HTTP connections. The model can be used again afterwards."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            await client.close()

    # -- requests ---------------------------------------------------------------------------------

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_text: TextCallback | None = None,
    ) -> Completion:
        """Stream one answer. ``on_text`` sees each piece of answer text; True stops the stream.

        Raises ModelError; on cancellation the stream is closed and CancelledError re-raised.
        """
        client = await self._ready_client()
        from openai import omit

        return await self._stream(
            lambda: client.chat.completions.create(
                model=self.model,
                messages=cast(Any, messages),
                stream=True,
                stream_options={"include_usage": True},
                max_tokens=max_tokens if max_tokens is not None else omit,
                temperature=temperature if temperature is not None else omit,
            ),
            on_text,
        )

    async def fill(
        self,
        prompt: str,
        *,
        stop: list[str],
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_text: TextCallback | None = None,
    ) -> Completion:
        """Stream a text completion of ``prompt`` (``POST /completions``): a fill-in-the-middle
        prompt written in the model's own tokens. Otherwise like :meth:`complete`."""
        client = await self._ready_client()
        from openai import omit

        return await self._stream(
            lambda: client.completions.create(
                model=self.model,
                prompt=prompt,
                stream=True,
                stream_options={"include_usage": True},
                stop=stop[:4] or omit,  # OpenAI's limit; the model's end token ends it too
                max_tokens=max_tokens if max_tokens is not None else omit,
                temperature=temperature if temperature is not None else omit,
            ),
            on_text,
        )

    async def _stream(
        self, create: Callable[[], Awaitable[Any]], on_text: TextCallback | None
    ) -> Completion:
        started = time.perf_counter()
        got = _Collected(model=self.model)
        stream: AsyncStream[Any] | None = None
        try:
            try:
                stream = await create()
            except Exception as exc:
                raise self._map_error(exc, mid_stream=False) from exc
            while not got.stopped_early:
                chunk = await self._next_chunk(stream)
                if chunk is None:
                    break
                text = self._take(chunk, got)
                if not text:
                    continue
                if got.first_token_seconds is None:
                    got.first_token_seconds = time.perf_counter() - started
                got.text.append(text)
                if on_text is not None and on_text(text) is True:
                    got.stopped_early = True
        finally:
            if stream is not None:
                await _close_stream(stream)
        return self._finish(got, started)

    async def list_models(self) -> list[str]:
        """The model ids the endpoint offers (``GET /models``). Raises ModelError."""
        client = await self._ready_client()
        try:
            page = await client.models.list()
            return [str(getattr(item, "id", "")) for item in page.data]
        except Exception as exc:
            raise self._map_error(exc, mid_stream=False) from exc

    async def _ready_client(self) -> AsyncOpenAI:
        problem = self._config_problem()
        if problem:
            raise ModelError("config", problem)
        if not self._api_key:
            raise ModelError(
                "config",
                f"no API key for {endpoint_name(self.base_url)} — set {key_hint(self.base_url)}",
            )
        if self._client is None:
            await asyncio.to_thread(self.warm_up)  # keep the slow import off the event loop
        client = self._client
        if client is None:  # pragma: no cover - warm_up builds it whenever the config is valid
            raise ModelError("config", f"cannot build a client for {self.base_url}")
        return client

    def _config_problem(self) -> str:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"base URL {self.base_url!r} is not an http(s) URL — check BLITZLS_BASE_URL"
        if not self.model:
            return "no model name — set BLITZLS_MODEL"
        return ""

    async def _next_chunk(self, stream: AsyncStream[Any]) -> object | None:
        """The next chunk, None at the end of the stream; errors mapped to ModelError."""
        try:
            chunk: object = await stream.__anext__()
        except StopAsyncIteration:
            return None
        except Exception as exc:
            raise self._map_error(exc, mid_stream=True) from exc
        return chunk

    def _take(self, chunk: object, got: _Collected) -> str:
        """Record one chunk's reasoning, usage and finish reason; return its answer text."""
        got.chunks += 1
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            got.usage = _usage_of(usage)
        model = getattr(chunk, "model", None)
        if isinstance(model, str) and model:
            got.model = model
        choices = getattr(chunk, "choices", None)
        if choices is None and usage is None:
            raise bad_response_error(self.base_url, "sent an event that is not a completion chunk")
        if choices is None:
            choices = []
        if not isinstance(choices, list):
            raise bad_response_error(self.base_url, "sent a chunk without a choices list")
        text = ""
        for choice in choices:
            if getattr(choice, "index", 0) not in (0, None):
                continue
            finish = getattr(choice, "finish_reason", None)
            if isinstance(finish, str) and finish:
                got.finish_reason = finish
            piece = getattr(choice, "text", None)  # a text completion's choice
            if isinstance(piece, str):
                text += piece
            delta = getattr(choice, "delta", None)
            if delta is None:
                continue
            reasoning = _extra_text(delta, "reasoning_content") or _extra_text(delta, "reasoning")
            if reasoning:
                got.reasoning.append(reasoning)
            content = getattr(delta, "content", None)
            if isinstance(content, str):
                text += content
        return text

    def _finish(self, got: _Collected, started: float) -> Completion:
        if got.chunks == 0:
            raise bad_response_error(self.base_url, "did not answer with an event stream")
        completion = Completion(
            text="".join(got.text),
            reasoning="".join(got.reasoning),
            usage=got.usage,
            model=got.model or self.model,
            finish_reason=got.finish_reason,
            seconds=time.perf_counter() - started,
            first_token_seconds=got.first_token_seconds,
            stopped_early=got.stopped_early,
        )
        if not completion.text and not completion.reasoning:
            raise empty_error(self.base_url, self.model, got.finish_reason)
        if not got.stopped_early and got.finish_reason in (None, "length"):
            raise cut_off_error(self.base_url, got.finish_reason)
        return completion

    # -- errors -----------------------------------------------------------------------------------

    def _map_error(self, exc: Exception, *, mid_stream: bool) -> ModelError:
        """Translate an SDK (or decoding) exception into a ModelError."""
        import openai

        if isinstance(exc, ModelError):
            return exc
        base_url = self.base_url
        if isinstance(exc, openai.APITimeoutError):
            cause = type(exc.__cause__).__name__
            if cause in ("ConnectTimeout", "PoolTimeout"):
                return timeout_error(base_url, self.connect_timeout, connecting=True)
            return timeout_error(base_url, self.timeout)
        if isinstance(exc, openai.APIConnectionError):
            cause_exc = exc.__cause__
            if type(cause_exc).__name__ in ("UnsupportedProtocol", "InvalidURL"):
                return ModelError(
                    "config", f"cannot use base URL {base_url!r} — check BLITZLS_BASE_URL"
                )
            if mid_stream:
                return connection_error(base_url, self._reason(cause_exc), mid_stream=True)
            return connection_error(base_url, _connect_reason(cause_exc, self._api_key))
        if isinstance(exc, openai.APIStatusError):
            return status_error(
                exc.status_code,
                base_url=base_url,
                model=self.model,
                detail=_detail(exc.body, exc.message),
                retry_after=_retry_after(exc.response.headers),
                api_key=self._api_key,
            )
        if isinstance(exc, openai.APIResponseValidationError):
            return bad_response_error(base_url, "sent a reply of the wrong shape")
        if isinstance(exc, openai.APIError):  # an {"error": ...} event inside the stream
            detail = clean_detail(_detail(exc.body, exc.message), self._api_key)
            return ModelError(
                "server", f"{endpoint_name(base_url)} reported an error mid-answer: {detail}"
            )
        if isinstance(exc, ValueError):  # JSONDecodeError, UnicodeDecodeError in the SSE data
            return bad_response_error(base_url, "sent a stream event that is not valid JSON")
        if isinstance(exc, openai.OpenAIError):
            return ModelError("config", clean_detail(str(exc), self._api_key))
        return ModelError(
            "bad_response",
            clean_detail(
                f"unexpected {type(exc).__name__} talking to {base_url}: {exc}", self._api_key
            ),
        )

    def _reason(self, cause: BaseException | None) -> str:
        return clean_detail(str(cause), self._api_key) if cause is not None else ""


# -- helpers --------------------------------------------------------------------------------------


def _forget_environment(client: AsyncOpenAI, headers: Mapping[str, str]) -> None:
    """Undo what the SDK read from OPENAI_* variables: only our settings go to the endpoint."""
    client.organization = None
    client.project = None
    client.admin_api_key = None
    client.webhook_secret = None
    # OPENAI_CUSTOM_HEADERS lands in private attributes; reset them if this SDK has them.
    if hasattr(client, "_custom_headers"):
        client._custom_headers = dict(headers)
    if hasattr(client, "_ambient_authorizations"):
        client._ambient_authorizations = frozenset()


async def _close_stream(stream: AsyncStream[Any]) -> None:
    """Close the HTTP response (and the SDK's generator) even while being cancelled."""

    async def close() -> None:
        await stream.close()
        iterator = getattr(stream, "_iterator", None)  # the SDK's async generator over events
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()

    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.shield(close()), _CLOSE_TIMEOUT)


def _usage_of(usage: object) -> Usage:
    prompt_details = getattr(usage, "prompt_tokens_details", None)
    completion_details = getattr(usage, "completion_tokens_details", None)
    return Usage(
        prompt_tokens=_int(getattr(usage, "prompt_tokens", 0)),
        cached_tokens=_int(getattr(prompt_details, "cached_tokens", 0)),
        completion_tokens=_int(getattr(usage, "completion_tokens", 0)),
        reasoning_tokens=_int(getattr(completion_details, "reasoning_tokens", 0)),
    )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value)


def _extra_text(delta: object, name: str) -> str:
    """A non-standard text field of a delta (pydantic keeps unknown fields in model_extra)."""
    extra = getattr(delta, "model_extra", None)
    value = extra.get(name) if isinstance(extra, dict) else getattr(delta, name, None)
    return value if isinstance(value, str) else ""


def _detail(body: object, fallback: str) -> str:
    """The server's own error message from an error body (OpenAI or xAI shape)."""
    if isinstance(body, Mapping):
        for key in ("message", "error", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, Mapping) and isinstance(value.get("message"), str):
                return str(value["message"])
        return ""
    if isinstance(body, str):
        text = body.strip()
        return "" if text.startswith("<") else text  # skip HTML error pages
    return fallback.partition(" - ")[2] if fallback.startswith("Error code:") else fallback


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None


def _connect_reason(cause: BaseException | None, api_key: str) -> str:
    """A short reason from the exception chain (the SDK wraps the OSError several times)."""
    if cause is None:
        return ""
    chain: list[BaseException] = []
    current: BaseException | None = cause
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    lowered = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in lowered:
        return "connection refused"
    lookups = [e for e in chain if isinstance(e, socket.gaierror)]
    if any(e.errno == socket.EAI_AGAIN for e in lookups) or "temporary failure" in lowered:
        return LOOKUP_FAILED  # no name server answered: the name itself may be fine
    names = ("name or service", "nodename", "getaddrinfo", "resolution")
    if lookups or any(s in lowered for s in names):
        return HOST_NOT_FOUND
    if "certificate" in lowered or "ssl" in lowered:
        return "TLS error: " + clean_detail(str(chain[-1]), api_key)
    return clean_detail(str(chain[-1]), api_key)
