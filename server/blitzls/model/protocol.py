"""The seam between the engine and a model: what a model does, and what it returns.

:class:`ChatModel` is the interface; :mod:`blitzls.model.client` implements it over
``openai.AsyncOpenAI`` for any OpenAI-compatible endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Protocol

TextCallback = Callable[[str], "bool | None"]  # return True to stop the stream early


@dataclass
class Usage:
    """Token counts reported by the endpoint (zeros when it reported none)."""

    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0  # xAI: excludes reasoning tokens
    reasoning_tokens: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Completion:
    """One streamed answer."""

    text: str
    reasoning: str
    usage: Usage
    model: str
    finish_reason: str | None  # None if the stream was stopped early or ended without one
    seconds: float  # request start to stream end
    first_token_seconds: float | None  # request start to the first answer (content) text
    stopped_early: bool  # on_text asked to stop, the stream was closed


class ChatModel(Protocol):
    """A streaming chat model at one endpoint."""

    base_url: str
    model: str

    def warm_up(self) -> None:
        """Import and build what the first request needs (blocking; for a worker thread)."""

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_text: TextCallback | None = None,
    ) -> Completion:
        """Stream one complete answer; raises ModelError (a cut-off answer is an error)."""
        ...

    async def fill(
        self,
        prompt: str,
        *,
        stop: list[str],
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_text: TextCallback | None = None,
    ) -> Completion:
        """Stream a text completion of a fill-in-the-middle ``prompt``; as :meth:`complete`."""
        ...

    async def list_models(self) -> list[str]:
        """The model ids the endpoint offers."""
        ...

    async def aclose(self) -> None:
        """Close the connections; the model may be used again afterwards."""
