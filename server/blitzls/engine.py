"""Runs one action: prompt, cache or model, reply handling. Shared by the server and the CLI."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from blitzls.actions import ActionSpec
from blitzls.config import Settings
from blitzls.model.cache import ReplyCache, cache_key
from blitzls.model.errors import ModelError
from blitzls.prompts import PromptInput, build_messages
from blitzls.replies.extract import FenceWatcher, extract_code
from blitzls.replies.fit import fit_replacement

if TYPE_CHECKING:
    from blitzls.model.client import ChatModel, Usage

# How many lines around the range reply handling looks at for repeated context.
FIT_CONTEXT_LINES = 200

ProgressCallback = Callable[[int], None]  # receives characters of reply received so far


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of a document at one version."""

    lines: tuple[str, ...]  # with terminators; the last one has none
    version: int | None
    language_id: str
    label: str  # a path or URI shown to the model

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def offset_of_line(self, line: int) -> int:
        """Code-point offset where ``line`` starts (the document's end past the last line)."""
        return sum(len(item) for item in self.lines[:line])


@dataclass
class Outcome:
    """The result of an action: replace ``snapshot.text[start_offset:end_offset]`` by new_text."""

    snapshot: Snapshot
    start_line: int
    end_line: int
    start_offset: int
    end_offset: int
    new_text: str
    cache_hit: bool
    model: str
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    model_seconds: float = 0.0

    @property
    def old_text(self) -> str:
        return self.snapshot.text[self.start_offset : self.end_offset]

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text


def line_text(line: str) -> str:
    """A line without its terminator."""
    return line.rstrip("\r\n")


class Engine:
    """Owns the model client and the reply cache; turns an action request into an Outcome."""

    def __init__(self, settings: Settings, *, use_cache: bool = True) -> None:
        self.settings = settings
        self.use_cache = use_cache and settings.cache
        self._model: ChatModel | None = None
        self._model_config: tuple[Any, ...] | None = None
        self.cache = ReplyCache(settings.resolved_cache_dir(), settings.cache_size_mb * 1024 * 1024)

    def configure(self, settings: Settings) -> None:
        """Apply new settings; the model client is rebuilt lazily if its endpoint changed."""
        if settings.resolved_cache_dir() != self.cache.directory:
            self.cache.close()
            self.cache = ReplyCache(
                settings.resolved_cache_dir(), settings.cache_size_mb * 1024 * 1024
            )
        self.use_cache = settings.cache
        self.settings = settings

    def _client_config(self) -> tuple[Any, ...]:
        s = self.settings
        return (
            s.base_url,
            s.model,
            s.resolved_api_key(),
            s.timeout,
            s.connect_timeout,
            s.max_retries,
        )

    def model(self) -> ChatModel:
        """The chat client for the current settings (built on first use; no network)."""
        config = self._client_config()
        if self._model is None or config != self._model_config:
            from blitzls.model.client import ChatModel

            s = self.settings
            self._model = ChatModel(
                base_url=s.base_url,
                model=s.model,
                api_key=config[2],
                timeout=s.timeout,
                connect_timeout=s.connect_timeout,
                max_retries=s.max_retries,
            )
            self._model_config = config
        return self._model

    def warm_up(self) -> None:
        """Import and build what the first request needs; meant for a background thread."""
        if self.use_cache:
            self.cache.open()
        self.model().warm_up()

    async def aclose(self) -> None:
        if self._model is not None:
            await self._model.aclose()
        self.cache.close()

    def request_params(self) -> dict[str, Any]:
        """Sampling parameters sent with every request (and part of the cache key)."""
        params: dict[str, Any] = {"max_tokens": self.settings.max_tokens}
        if self.settings.temperature is not None:
            params["temperature"] = self.settings.temperature
        return params

    def messages_for(
        self, action: ActionSpec, snapshot: Snapshot, start_line: int, end_line: int
    ) -> list[dict[str, str]]:
        return build_messages(
            PromptInput(
                action=action,
                file_label=snapshot.label,
                language=snapshot.language_id,
                lines=snapshot.lines,
                start_line=start_line,
                end_line=end_line,
                context_lines=self.settings.context_lines,
            )
        )

    async def run(
        self,
        action: ActionSpec,
        snapshot: Snapshot,
        start_line: int,
        end_line: int,
        *,
        use_cache: bool | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Outcome:
        """Ask the model (or the cache) for the action's edit of lines [start_line, end_line)."""
        started = time.perf_counter()
        if not 0 <= start_line < end_line <= len(snapshot.lines):
            raise ModelError("bad_response", "the target lines are outside the document")
        caching = self.use_cache if use_cache is None else use_cache
        messages = self.messages_for(action, snapshot, start_line, end_line)
        params = self.request_params()
        key = cache_key(
            base_url=self.settings.base_url,
            model=self.settings.model,
            messages=messages,
            params=params,
        )
        cached = self.cache.get(key) if caching else None
        if cached is not None and isinstance(cached.get("text"), str):
            reply: str = cached["text"]
            usage: dict[str, int] = dict(cached.get("usage") or {})
            model_seconds = 0.0
            hit = True
        else:
            completion = await self._ask(messages, params, on_progress)
            reply, model_seconds, hit = completion.text, completion.seconds, False
            usage = _usage_dict(completion.usage)
            if not usage["completion_tokens"]:  # no usage chunk, e.g. the stream was stopped early
                usage.update(estimate_usage(messages, completion.text, completion.reasoning))
        new_lines = self._fit(reply, snapshot, start_line, end_line)
        outcome = Outcome(
            snapshot=snapshot,
            start_line=start_line,
            end_line=end_line,
            start_offset=snapshot.offset_of_line(start_line),
            end_offset=snapshot.offset_of_line(end_line),
            new_text=join_lines(new_lines, snapshot.lines, start_line, end_line),
            cache_hit=hit,
            model=self.settings.model,
            usage=usage,
            model_seconds=model_seconds,
        )
        if caching and not hit:  # store only replies that produced a usable edit
            self.cache.set(key, {"text": reply, "usage": usage, "model": self.settings.model})
        outcome.seconds = time.perf_counter() - started
        return outcome

    async def _ask(
        self,
        messages: list[dict[str, str]],
        params: dict[str, Any],
        on_progress: ProgressCallback | None,
    ) -> Any:
        if not self.settings.resolved_api_key():
            raise ModelError("config", self.settings.missing_key_message())
        watcher = FenceWatcher()
        received = 0

        def on_text(delta: str) -> bool:
            nonlocal received
            received += len(delta)
            if on_progress is not None:
                on_progress(received)
            return watcher.feed(delta)

        return await self.model().complete(
            messages,
            max_tokens=params.get("max_tokens"),
            temperature=params.get("temperature"),
            on_text=on_text,
        )

    @staticmethod
    def _fit(reply: str, snapshot: Snapshot, start_line: int, end_line: int) -> list[str]:
        lines = snapshot.lines
        before = [line_text(x) for x in lines[max(0, start_line - FIT_CONTEXT_LINES) : start_line]]
        target = [line_text(x) for x in lines[start_line:end_line]]
        after = [line_text(x) for x in lines[end_line : end_line + FIT_CONTEXT_LINES]]
        return fit_replacement(extract_code(reply), before, target, after)


def join_lines(new_lines: Sequence[str], lines: Sequence[str], start: int, end: int) -> str:
    """Render replacement lines with the range's own line ending style."""
    eol = _eol_of(lines, start)
    text = eol.join(new_lines)
    if new_lines and end < len(lines):  # only the document's last line has no terminator
        text += eol
    return text


def _eol_of(lines: Sequence[str], start: int) -> str:
    for line in list(lines[start:]) + list(lines[:start]):
        stripped = line_text(line)
        if stripped != line:
            return line[len(stripped) :]
    return "\n"


def estimate_usage(messages: Sequence[dict[str, str]], text: str, reasoning: str) -> dict[str, int]:
    """Rough token counts (about four characters a token) for replies without usage data."""
    prompt = sum(len(m["content"]) for m in messages)
    return {
        "prompt_tokens": -(-prompt // 4),
        "completion_tokens": -(-len(text) // 4),
        "reasoning_tokens": -(-len(reasoning) // 4),
        "estimated": 1,
    }


def _usage_dict(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "cached_tokens": usage.cached_tokens,
        "completion_tokens": usage.completion_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
    }
