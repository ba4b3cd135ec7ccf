"""Runs one action: policy checks, prompt, cache or model, the edit core, one repair round.

Shared by the language server and the CLI. The engine works on an immutable
:class:`Snapshot` and returns an :class:`Outcome` saying which region of the snapshot to
replace by what; it never touches a live document. The pure work (preparing the task,
applying replies) is in :mod:`blitzls.core`; the model behind :mod:`blitzls.provider`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from blitzls import policy, usage_log
from blitzls.config import Settings, cache_dir
from blitzls.core.apply import Applied, apply_reply_lines
from blitzls.core.echo import echo_stop
from blitzls.core.errors import ReplyError, SyntaxCheckError, TooLargeError
from blitzls.core.fill import (
    FillTemplate,
    MiddleWatcher,
    fill_prompt,
    fillable,
    reply_from_middle,
    template_for,
)
from blitzls.core.names import check_names
from blitzls.core.outcome import Outcome, outcome_for
from blitzls.core.prefill import ChatFormat, answer_start, format_for, head_rows
from blitzls.core.repair import repair
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.resync import resync_stop
from blitzls.core.task import EditTask, FormatChoice, prepare
from blitzls.model.cache import ReplyCache, cache_key
from blitzls.model.errors import ModelError
from blitzls.model.names import too_small_to_fill
from blitzls.model.protocol import Completion
from blitzls.pricing import cost, price_for, price_table
from blitzls.prompts import (
    ContextMode,
    PromptInput,
    build_messages,
    code_rows,
    fence_name,
    max_tokens_for,
    shown_regions,
    unit_name,
)
from blitzls.provider import ModelProvider
from blitzls.replies.extract import FenceWatcher
from blitzls.secrets import quotes_required, redact_quoted_lines

__all__ = ["ActionRequest", "Engine", "Outcome", "Snapshot", "SyntaxCheckError"]

ProgressCallback = Callable[[int], None]  # receives characters of reply received so far
# A reply may stream at most this many characters per output token allowed (plus a margin).
CHARS_PER_TOKEN_LIMIT = 8
CHARS_MARGIN = 10_000
# A fill-in-the-middle request that fails this way is asked again the usual way: the
# endpoint has no text completions, or the model's middle was no answer.
FILL_FALLBACK_KINDS = frozenset({"not_found", "server", "bad_response", "empty", "cut_off"})


@dataclass(frozen=True)
class _Fill:
    """A pseudocode action asked as fill-in-the-middle."""

    template: FillTemplate
    prompt: str

    @property
    def messages(self) -> list[dict[str, str]]:
        """The request as the cache key and the size check read it."""
        return [{"role": "fill", "content": self.prompt}]


@dataclass(frozen=True)
class _Started:
    """An instructed action whose answer blitzls starts: sent as a text completion."""

    chat: ChatFormat
    start: str  # the opening of the answer: the fence and the rows down to the change
    prompt: str  # the chat request in the model's chat format, then ``start``


@dataclass
class _Asked:
    """The replies an action got, what they cost and how long they took."""

    replies: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    filled: bool = False  # the edit came from a fill-in-the-middle answer
    started: bool = False  # the first answer was started by blitzls (text completion)
    unused: int = 0  # replies before the usual request: a filled middle that did not fit

    def add(self, completion: Completion, usage: dict[str, int]) -> None:
        self.replies.append(completion.text)
        for name, value in usage.items():
            self.usage[name] = self.usage.get(name, 0) + value
        self.seconds += completion.seconds


class Engine:
    """Owns the model provider and the reply cache; turns an action request into an Outcome."""

    def __init__(self, settings: Settings, *, use_cache: bool = True, workspace: str = "") -> None:
        self.settings = settings
        self.workspace = workspace
        self.use_cache = use_cache and settings.cache
        self.provider = ModelProvider(settings, workspace)
        self.cache = ReplyCache(cache_dir(settings), settings.cache_size_mb * 1024 * 1024)

    def configure(self, settings: Settings) -> None:
        """Apply new settings; the model client is rebuilt lazily if its endpoint changed."""
        size = settings.cache_size_mb * 1024 * 1024
        if cache_dir(settings) != self.cache.directory or size != self.cache.size_limit_bytes:
            self.cache.close()
            self.cache = ReplyCache(cache_dir(settings), size)
        self.use_cache = settings.cache
        self.settings = settings
        self.provider.configure(settings)

    @property
    def model_name(self) -> str:
        return self.provider.model_name

    @property
    def embedded(self) -> bool:
        return self.provider.embedded

    def warm_up(self) -> None:
        """Import and build what the first request needs; meant for a background thread."""
        if self.use_cache:
            self.cache.open()
        self.provider.model().warm_up()

    async def aclose(self) -> None:
        await self.provider.aclose()
        self.cache.close()

    # --- the action -------------------------------------------------------------------

    async def run(
        self,
        request: ActionRequest,
        *,
        use_cache: bool | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Outcome:
        """Ask the model (or the cache) for the action's edit."""
        started = time.perf_counter()
        snapshot = request.snapshot
        if not 0 <= request.start_line < request.end_line <= len(snapshot.lines):
            raise ReplyError("the target lines are outside the document")
        await policy.check_file(self.settings, snapshot, self.workspace)
        task = prepare(request, self.reply_format())
        context = self._context()
        regions = shown_regions(task, context, self.settings.context_lines)
        template = self._fill_template(task)
        fill_regions: list[tuple[int, int]] = []
        if template is not None:  # the file around the gap, unless the setting says 'scope'
            filled_in: ContextMode = "scope" if self.settings.context == "scope" else "file"
            fill_regions = shown_regions(task, filled_in, self.settings.context_lines)
        shown = policy.shown_lines(
            self.settings,
            task.lines,
            regions + fill_regions,
            snapshot.language_id,
            (request.instruction,),
        )
        task = replace(task, seen=shown, visible=tuple(regions))
        messages = self._messages(request, task, shown, context)
        policy.check_prompt_size(messages)
        fill = None
        if template is not None:
            fill = _Fill(template, fill_prompt(task, shown, template, fill_regions))
            policy.check_prompt_size(fill.messages)
        opening = self._started(task, shown, messages)
        params = self.request_params(task)
        caching = self.use_cache if use_cache is None else use_cache
        key = cache_key(
            base_url=self.provider.endpoint_id,
            model=self.model_name,
            messages=fill.messages if fill is not None else messages,
            params=params,
        )
        asked = _Asked()
        applied = self._from_cache(key, task, asked) if caching else None
        hit = applied is not None
        if applied is None:
            asked = _Asked()
            applied = await self._ask_and_apply(
                task, shown, messages, params, on_progress, asked, fill, opening
            )
            if caching:  # only replies that produced a usable edit are stored
                entry = {
                    "replies": asked.replies,
                    "usage": asked.usage,
                    "model": self.model_name,
                    "filled": asked.filled,
                    "unused": asked.unused,
                }
                self.cache.set(key, entry)
        outcome = outcome_for(request, task, applied.text, self.model_name, applied.lines)
        outcome.notes = applied.notes
        outcome.cache_hit = hit
        outcome.usage = asked.usage
        outcome.model_seconds = asked.seconds
        outcome.repaired = len(asked.replies) - asked.unused > 1
        outcome.seconds = time.perf_counter() - started
        usage_log.record(
            cache_dir(self.settings),
            {
                "kind": "action",
                "action": request.action.id,
                "model": self.model_name,
                "cache_hit": hit,
                "usage": asked.usage if hit else {},
                "seconds": round(outcome.seconds, 4),
                "format": "fill" if asked.filled else task.reply_format,
                "started": asked.started,
                "repaired": outcome.repaired,
            },
        )
        return outcome

    def reply_format(self) -> FormatChoice:
        """The reply format: the setting; "auto" is a rewrite for models on this machine, and
        for hosted ones decided by the size of the definition (``core.task.prepare``)."""
        chosen = self.settings.edit_format
        if chosen in ("rewrite", "search-replace"):
            return chosen  # type: ignore[return-value]
        return "rewrite" if self.provider.is_local else "auto"

    def request_params(self, task: EditTask) -> dict[str, Any]:
        """Sampling parameters sent with the request (and part of the cache key)."""
        params: dict[str, Any] = {"max_tokens": max_tokens_for(task, self.settings.max_tokens)}
        if self.settings.temperature is not None:
            params["temperature"] = self.settings.temperature
        return params

    def _fill_template(self, task: EditTask) -> FillTemplate | None:
        """The fill-in-the-middle template for pseudocode, where the setting and the model
        allow it."""
        if not fillable(task):
            return None
        small = self._raw_local() and not too_small_to_fill(self.model_name)
        return template_for(self.settings.fill_in_middle, self.model_name, small)

    def _started(
        self, task: EditTask, shown: Sequence[str], messages: list[dict[str, str]]
    ) -> _Started | None:
        """How an instructed action's answer is started for the model, where the setting,
        the model and the action's line allow it."""
        chat = format_for(self.settings.prefill_answer, self.model_name, self._raw_local())
        if chat is None:
            return None
        head = head_rows(task, code_rows(task))
        if not head:
            return None
        start = answer_start(shown, head, fence_name(task.language))
        return _Started(chat, start, chat.prompt(messages, start))

    def _raw_local(self) -> bool:
        """A small local model whose endpoint sends a text-completion prompt as it is: what
        'auto' fills in and starts answers for (not Ollama, which wraps it in a chat)."""
        return self.provider.is_local and self.provider.sends_text_as_is

    def _context(self) -> ContextMode:
        """What the model sees besides the code to change: the setting, or by the endpoint."""
        if self.settings.context == "auto":
            return "scope" if self.provider.is_local else "file"
        return "file" if self.settings.context == "file" else "scope"

    def _messages(
        self, request: ActionRequest, task: EditTask, shown: Sequence[str], context: ContextMode
    ) -> list[dict[str, str]]:
        return build_messages(
            PromptInput(
                action=request.action,
                task=task,
                file_label=request.snapshot.label,
                lines=shown,
                context=context,
                context_lines=self.settings.context_lines,
                instruction=policy.shown_text(self.settings, request.instruction),
                diagnostics=policy.shown_text(self.settings, request.diagnostics),
            )
        )

    def _from_cache(self, key: str, task: EditTask, asked: _Asked) -> Applied | None:
        """The edit from a cached answer, or None (not cached, or no longer applicable)."""
        cached = self.cache.get(key)
        if cached is None or not isinstance(cached.get("replies"), list) or not cached["replies"]:
            return None
        replies = [str(reply) for reply in cached["replies"]]
        try:
            applied = self._replay(task, replies)
        except ReplyError:
            return None  # reply handling changed since; ask again
        asked.replies = replies
        asked.filled = bool(cached.get("filled"))
        unused = cached.get("unused")
        asked.unused = unused if isinstance(unused, int) else 0
        asked.usage = dict(cached.get("usage") or {})
        return applied

    def _replay(self, task: EditTask, replies: Sequence[str]) -> Applied:
        """The edit the stored replies gave: the first, else the next ones in turn (a repair
        round's answer; after a filled middle that did not fit, the usual answers)."""
        tasks = [task, *[self._repair_task(task)] * (len(replies) - 1)]
        for attempt, (each, reply) in enumerate(zip(tasks, replies, strict=True), 1):
            try:
                return _apply(each, reply)
            except ReplyError:
                if attempt == len(replies):
                    raise
        raise ReplyError("no stored reply")  # pragma: no cover - _from_cache checks

    @staticmethod
    def _repair_task(task: EditTask) -> EditTask:
        return replace(task, reply_format="rewrite")

    async def _ask_and_apply(
        self,
        task: EditTask,
        shown: Sequence[str],
        messages: list[dict[str, str]],
        params: dict[str, Any],
        on_progress: ProgressCallback | None,
        asked: _Asked,
        fill: _Fill | None = None,
        started: _Started | None = None,
    ) -> Applied:
        deadline = self.settings.action_timeout
        try:
            async with asyncio.timeout(deadline):
                if fill is not None:
                    filled = await self._fill_and_apply(fill, params, on_progress, task, asked)
                    if filled is not None:
                        return filled
                first = None
                if started is not None:
                    try:
                        first = await self._ask(
                            messages, params, on_progress, task, asked, started=started
                        )
                        asked.started = True
                    except ModelError as problem:
                        if problem.kind not in FILL_FALLBACK_KINDS:
                            raise
                if first is None:
                    first = await self._ask(messages, params, on_progress, task, asked)
                try:
                    return _apply(task, first.text)
                except ReplyError as problem:
                    unit = unit_name(shown, task) if task.shown_kind == "definition" else "code"
                    fixed_task, reflection = repair(problem, task, unit, fence_name(task.language))
                    reflection = redact_quoted_lines(
                        reflection,
                        task.lines,
                        shown,
                        quotes_required=quotes_required(task.language),
                    )
                    again = [
                        *messages,
                        {"role": "assistant", "content": first.text},
                        {"role": "user", "content": reflection},
                    ]
                    second = await self._ask(again, params, on_progress, fixed_task, asked)
                    try:
                        return _apply(fixed_task, second.text)
                    except ReplyError as final:
                        final.args = (f"{final} (after one repair round)",)
                        raise
        except TimeoutError:
            raise ModelError(
                "timeout",
                f"no complete answer within {deadline:g} s (setting actionTimeout); "
                "nothing was changed",
            ) from None

    async def _fill_and_apply(
        self,
        fill: _Fill,
        params: dict[str, Any],
        on_progress: ProgressCallback | None,
        task: EditTask,
        asked: _Asked,
    ) -> Applied | None:
        """The edit from a filled-in middle; None when it must be asked the usual way (the
        endpoint cannot fill in, or the middle does not fit)."""
        try:
            completion = await self._ask([], params, on_progress, task, asked, fill)
            applied = _apply(task, completion.text)
        except ModelError as problem:
            if problem.kind not in FILL_FALLBACK_KINDS:
                raise
            return None
        except ReplyError:
            asked.unused = len(asked.replies)
            return None
        asked.filled = True
        return applied

    async def _ask(
        self,
        messages: list[dict[str, str]],
        params: dict[str, Any],
        on_progress: ProgressCallback | None,
        task: EditTask,
        asked: _Asked,
        fill: _Fill | None = None,
        started: _Started | None = None,
    ) -> Completion:
        """One paid model call; its usage is recorded whatever becomes of it. With ``fill``
        the model fills in the pseudocode's middle, returned as the rewritten definition;
        with ``started`` it goes on from the answer's start, returned with it."""
        self.provider.check_key()
        policy.check_budget(self.settings)
        await self.provider.close_retired()
        echo = echo_stop(task) if fill is None else None
        resync = resync_stop(task, code_rows(task)) if fill is None and echo is None else None
        watcher = FenceWatcher(echo or resync) if fill is None else None
        if started is not None and watcher is not None:
            watcher.feed(started.start)
        middle = MiddleWatcher(task, fill.template) if fill is not None else None
        stop_at_fence = task.reply_format == "rewrite"
        limit = CHARS_PER_TOKEN_LIMIT * int(params["max_tokens"]) + CHARS_MARGIN
        completing: tuple[str, Sequence[str]] | None = None  # a text completion: prompt, stops
        if fill is not None:
            completing = (fill.prompt, fill.template.stop)
        elif started is not None:
            completing = (started.prompt, started.chat.stop)
        if completing is not None:
            messages = [{"role": "user", "content": completing[0]}]  # for estimates
        received = 0
        too_large = False

        def on_text(delta: str) -> bool:
            nonlocal received, too_large
            received += len(delta)
            if on_progress is not None:
                on_progress(received)
            if received > limit:
                too_large = True
                return True
            if middle is not None:
                return middle.feed(delta)
            return watcher is not None and watcher.feed(delta) and stop_at_fence

        began = time.perf_counter()
        model = self.provider.model()
        try:
            if completing is not None:
                completion = await model.fill(
                    completing[0],
                    stop=list(completing[1]),
                    max_tokens=params.get("max_tokens"),
                    temperature=params.get("temperature"),
                    on_text=on_text,
                )
                if started is not None:
                    completion = replace(completion, text=started.start + completion.text)
            else:
                completion = await model.complete(
                    messages,
                    max_tokens=params.get("max_tokens"),
                    temperature=params.get("temperature"),
                    on_text=on_text,
                )
        except BaseException:
            # The call may have been paid for (cancelled, cut off, failed mid-stream).
            self._record_call(
                estimate_usage(messages, "x" * received, ""), time.perf_counter() - began
            )
            raise
        usage = _usage(completion, messages)
        if echo is not None and echo.done:  # ended where the model only echoed the file
            completion = replace(completion, text=echo.reply(fence_name(task.language)))
        if resync is not None and resync.done:  # ended where the model went back to the file
            completion = replace(completion, text=resync.reply(fence_name(task.language)))
        if middle is not None:
            lines = middle.finish()
            if not any(line.strip() for line in lines):
                completion = replace(completion, text="")
            else:
                text = reply_from_middle(task, lines, fence_name(task.language))
                completion = replace(completion, text=text)
        self._record_call(usage, completion.seconds)
        asked.add(completion, usage)
        if too_large:
            raise TooLargeError(
                f"the reply grew past {limit:,} characters for a task allowed "
                f"{params['max_tokens']} tokens; the stream was stopped and nothing was changed"
            )
        return completion

    def _record_call(self, usage: dict[str, int], seconds: float) -> None:
        price = price_for(self.model_name, price_table(self.settings.prices))
        tokens = sum(usage.get(k, 0) for k in ("prompt_tokens", "completion_tokens"))
        tokens += usage.get("reasoning_tokens", 0)
        usage_log.record_call(
            cache_dir(self.settings),
            {"model": self.model_name, "usage": usage, "model_seconds": round(seconds, 3)},
            tokens=tokens,
            cost=cost(usage, price),
        )


def _apply(task: EditTask, reply: str) -> Applied:
    """The file as ``reply`` leaves it, with the imports its new code needs."""
    applied = apply_reply_lines(task, reply)
    new_text, new_lines = check_names(task, applied.text, applied.lines)
    if new_text == applied.text:
        return applied
    before = set(applied.lines)
    added = [line for line in new_lines if line not in before]
    notes = (*applied.notes, *(f"added `{line.strip()}`" for line in added))
    return Applied(new_text, new_lines, notes)


def estimate_usage(messages: Sequence[dict[str, str]], text: str, reasoning: str) -> dict[str, int]:
    """Rough token counts (about four characters a token) for replies without usage data."""
    prompt = sum(len(m["content"]) for m in messages)
    return {
        "prompt_tokens": -(-prompt // 4),
        "completion_tokens": -(-len(text) // 4),
        "reasoning_tokens": -(-len(reasoning) // 4),
        "estimated": 1,
    }


def _usage(completion: Completion, messages: Sequence[dict[str, str]]) -> dict[str, int]:
    usage = completion.usage.to_dict()
    if not usage["completion_tokens"]:  # no usage chunk, e.g. the stream was stopped early
        usage.update(estimate_usage(messages, completion.text, completion.reasoning))
    return usage
