"""Runs one action: prompt, cache or model, reply handling, checks, one repair round.

Shared by the language server and the CLI. The engine works on an immutable
:class:`Snapshot` and returns an :class:`Outcome` that says which region of the snapshot to
replace by what; it never touches a live document.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from blitzls import usage_log
from blitzls.actions import ActionSpec
from blitzls.config import EMBEDDED_BASE_URL, LOCAL_API_KEY, Settings
from blitzls.languages.scope import enclosing_scope
from blitzls.languages.syntax import introduces_syntax_error
from blitzls.model.cache import ReplyCache, cache_key
from blitzls.model.errors import ModelError
from blitzls.patch.match import MatchError, apply_blocks
from blitzls.patch.parse import EditBlock, parse_edits, parse_rewrite
from blitzls.pricing import price_table
from blitzls.prompts import PromptInput, build_messages
from blitzls.replies.extract import FenceWatcher, ReplyError, extract_code
from blitzls.replies.fit import fit_replacement
from blitzls.secrets import DEFAULT_EXCLUDES, REDACTION, excluded, git_ignored, redact, scrub
from blitzls.text.document import split_lines
from blitzls.text.edits import common_ends

if TYPE_CHECKING:
    from blitzls.model.client import Completion, Usage

# How many lines around the range reply handling looks at for repeated context.
FIT_CONTEXT_LINES = 200
# Scopes up to this many lines are rewritten whole; larger ones are edited with blocks.
SMALL_SCOPE_LINES = 8
# Never send megabytes: about 100k tokens is far beyond any targeted edit.
MAX_PROMPT_CHARS = 400_000

ProgressCallback = Callable[[int], None]  # receives characters of reply received so far
Mode = Literal["range", "edits"]


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of a document at one version."""

    lines: tuple[str, ...]  # with terminators; the last one has none
    version: int | None
    language_id: str
    label: str  # a path or URI shown to the model
    path: str = ""  # the absolute file path, when known

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def offset_of_line(self, line: int) -> int:
        """Code-point offset where ``line`` starts (the document's end past the last line)."""
        return sum(len(item) for item in self.lines[:line])


@dataclass(frozen=True)
class ActionRequest:
    """One action on one snapshot.

    ``start_line``/``end_line`` are the target lines. ``scope`` says which lines the reply may
    change: ``"target"`` exactly the target, ``"enclosing"`` the definition around it.
    ``replace_line`` edits one line before anything else (an instruction comment is removed
    this way): ``(line, None)`` deletes it, ``(line, text)`` replaces its content.
    """

    action: ActionSpec
    snapshot: Snapshot
    start_line: int
    end_line: int
    scope: Literal["target", "enclosing"] = "target"
    instruction: str = ""
    diagnostics: str = ""
    replace_line: tuple[int, str | None] | None = None


@dataclass
class Outcome:
    """The result of an action: replace ``snapshot.text[start_offset:end_offset]`` by new_text.

    ``anchor_start``/``anchor_end`` cover the whole scope the action looked at; a changed
    document is re-anchored on that text.
    """

    snapshot: Snapshot
    start_line: int
    end_line: int
    start_offset: int
    end_offset: int
    new_text: str
    anchor_start: int
    anchor_end: int
    cache_hit: bool
    model: str
    mode: Mode = "range"
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    model_seconds: float = 0.0
    repaired: bool = False

    @property
    def old_text(self) -> str:
        return self.snapshot.text[self.start_offset : self.end_offset]

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text


def line_text(line: str) -> str:
    """A line without its terminator."""
    return line.rstrip("\r\n")


@dataclass
class _Work:
    """The text the model sees and edits (the snapshot, minus a removed instruction)."""

    lines: list[str]
    start: int  # region the reply may change, in working lines
    end: int
    hint_line: int | None  # the cursor, to break ties between equal matches
    mode: Mode
    language: str
    replace_line: tuple[int, str | None] | None = None  # the instruction comment to remove
    shown: list[str] | None = None  # the lines as the model sees them (secrets redacted)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def offset(self, line: int) -> int:
        return sum(len(item) for item in self.lines[:line])


class Engine:
    """Owns the model client and the reply cache; turns an action request into an Outcome."""

    def __init__(self, settings: Settings, *, use_cache: bool = True, workspace: str = "") -> None:
        self.settings = settings
        self.workspace = workspace
        self.use_cache = use_cache and settings.cache
        self._model: Any = None
        self._model_config: tuple[Any, ...] | None = None
        self.cache = ReplyCache(settings.resolved_cache_dir(), settings.cache_size_mb * 1024 * 1024)
        self._choose_endpoint(settings)

    def configure(self, settings: Settings) -> None:
        """Apply new settings; the model client is rebuilt lazily if its endpoint changed."""
        if settings.resolved_cache_dir() != self.cache.directory:
            self.cache.close()
            self.cache = ReplyCache(
                settings.resolved_cache_dir(), settings.cache_size_mb * 1024 * 1024
            )
        self.use_cache = settings.cache
        self.settings = settings
        self._choose_endpoint(settings)

    def _choose_endpoint(self, settings: Settings) -> None:
        """Decide once per settings whether the embedded model answers, and the model name."""
        self.embedded = settings.uses_embedded_model()
        self.model_name = settings.effective_model(self.embedded)

    @property
    def endpoint_id(self) -> str:
        """The endpoint as named in cache keys: stable even though the embedded port is not."""
        if self.embedded:
            return f"{EMBEDDED_BASE_URL}:{Path(self.settings.local_model).name or 'default'}"
        return self.settings.base_url

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

    def _client_config(self) -> tuple[Any, ...]:
        s = self.settings
        return (
            self.endpoint_id,
            self.model_name,
            s.resolved_api_key() or (LOCAL_API_KEY if self.embedded else ""),
            s.timeout,
            s.connect_timeout,
            s.max_retries,
            self.workspace,
        )

    def model(self) -> Any:
        """The chat client for the current settings (built on first use; no network)."""
        config = self._client_config()
        if self._model is None or config != self._model_config:
            from blitzls.model.client import ChatModel

            s = self.settings
            self._model = ChatModel(
                base_url=self._base_url(),
                model=self.model_name,
                api_key=config[2],
                timeout=s.timeout,
                connect_timeout=s.connect_timeout,
                max_retries=s.max_retries,
                headers=provider_headers(s.base_url, self.workspace),
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
        await self._check_excluded(snapshot)
        work = self._prepare(request)
        if self.settings.redact:
            work.shown = redacted_lines(work.lines)
        messages = build_messages(
            PromptInput(
                action=request.action,
                file_label=snapshot.label,
                language=snapshot.language_id,
                lines=work.lines if work.shown is None else work.shown,
                start_line=work.start,
                end_line=work.end,
                context_lines=self.settings.context_lines,
                mode=work.mode,
                instruction=self._shown(request.instruction),
                diagnostics=self._shown(request.diagnostics),
            )
        )
        size = sum(len(m["content"]) for m in messages)
        if size > MAX_PROMPT_CHARS:
            raise ModelError(
                "config",
                f"the request would send {size:,} characters to the model (limit "
                f"{MAX_PROMPT_CHARS:,}): select fewer lines, or lower contextLines — very long "
                "lines (minified or generated code) make this happen",
            )
        params = self.request_params()
        caching = self.use_cache if use_cache is None else use_cache
        key = cache_key(
            base_url=self.endpoint_id,
            model=self.model_name,
            messages=messages,
            params=params,
        )
        cached = self.cache.get(key) if caching else None
        new_text: str | None = None
        replies: list[str] = []
        usage: dict[str, int] = {}
        model_seconds = 0.0
        if cached is not None and isinstance(cached.get("replies"), list):
            try:
                new_text = self._replay(work, [str(r) for r in cached["replies"]])
                replies, usage = list(cached["replies"]), dict(cached.get("usage") or {})
            except ReplyError:
                new_text = None  # reply handling changed since; ask again
        hit = new_text is not None
        if new_text is None:
            new_text, replies, usage, model_seconds = await self._ask_and_apply(
                work, messages, params, on_progress
            )
            if caching:  # only replies that produced a usable edit are stored
                self.cache.set(key, {"replies": replies, "usage": usage, "model": self.model_name})
        outcome = self._outcome(request, work, new_text)
        outcome.cache_hit = hit
        outcome.usage = usage
        outcome.model_seconds = model_seconds
        outcome.repaired = len(replies) > 1
        outcome.seconds = time.perf_counter() - started
        usage_log.record(
            self.settings.resolved_cache_dir(),
            {
                "action": request.action.id,
                "model": self.model_name,
                "cache_hit": hit,
                "usage": usage,
                "model_seconds": round(model_seconds, 3),
                "seconds": round(outcome.seconds, 4),
                "mode": work.mode,
                "repaired": outcome.repaired,
            },
        )
        return outcome

    def check_budget(self) -> None:
        """Refuse a model call once today's token or money budget is spent."""
        s = self.settings
        if not s.daily_token_budget and not s.daily_cost_budget:
            return
        today = usage_log.totals(
            usage_log.entries(s.resolved_cache_dir()),
            since=usage_log.start_of_today(),
            prices=price_table(s.prices),
        )
        spent_tokens = today.prompt_tokens + today.completion_tokens + today.reasoning_tokens
        if s.daily_token_budget and spent_tokens >= s.daily_token_budget:
            raise ModelError(
                "budget",
                f"today's token budget is spent ({spent_tokens} of {s.daily_token_budget}); "
                "raise dailyTokenBudget or wait until tomorrow — cached answers still work",
            )
        if s.daily_cost_budget and today.cost >= s.daily_cost_budget:
            raise ModelError(
                "budget",
                f"today's budget is spent (${today.cost:.4f} of ${s.daily_cost_budget:.2f}); "
                "raise dailyCostBudget or wait until tomorrow — cached answers still work",
            )

    async def _check_excluded(self, snapshot: Snapshot) -> None:
        """Refuse a file that an exclude pattern (or, when asked, .gitignore) keeps private."""
        patterns = (*DEFAULT_EXCLUDES, *self.settings.exclude)
        # The absolute path is checked too: the CLI's workspace may be the file's own folder,
        # and refusing too much is loud while sending too much is silent.
        candidates = [snapshot.label, snapshot.path]
        if snapshot.path and self.workspace:
            with contextlib.suppress(ValueError):  # another drive
                candidates.append(os.path.relpath(snapshot.path, self.workspace))
        for candidate in candidates:
            pattern = excluded(candidate, patterns)
            if pattern is not None:
                raise ModelError(
                    "config",
                    f"{snapshot.label} is excluded from model requests by the "
                    + ("pattern" if pattern in self.settings.exclude else "built-in pattern")
                    + f" '{pattern}' (setting 'exclude'); nothing was sent",
                )
        if (
            self.settings.respect_gitignore
            and snapshot.path
            and await asyncio.to_thread(git_ignored, snapshot.path)
        ):
            raise ModelError(
                "config",
                f"{snapshot.label} is ignored by git, so it is excluded from model requests "
                "(setting 'respectGitignore'); nothing was sent",
            )

    def _shown(self, text: str) -> str:
        """Free text (an instruction, diagnostics) as the model may see it."""
        return redact(text)[0] if self.settings.redact and text else text

    def _prepare(self, request: ActionRequest) -> _Work:
        # The model sees the file exactly as it is (an instruction comment included), so
        # successive actions on one file share their prompt prefix; the comment is removed
        # from the result afterwards.
        lines = list(request.snapshot.lines)
        start, end = request.start_line, request.end_line
        # A cursor breaks ties between equal matches; inside a selection every place is as
        # near as any other, so ties are refused.
        hint = start if request.scope == "enclosing" else None
        if request.scope == "enclosing":
            start, end = enclosing_scope(lines, start, end, request.snapshot.language_id)
        size = end - start
        output = request.action.output
        mode: Mode = (
            output if output != "auto" else ("range" if size <= SMALL_SCOPE_LINES else "edits")
        )
        return _Work(
            lines, start, end, hint, mode, request.snapshot.language_id, request.replace_line
        )

    async def _ask_and_apply(
        self,
        work: _Work,
        messages: list[dict[str, str]],
        params: dict[str, Any],
        on_progress: ProgressCallback | None,
    ) -> tuple[str, list[str], dict[str, int], float]:
        first = await self._ask(messages, params, on_progress, stop_at_fence=work.mode == "range")
        usage = _usage(first, messages)
        seconds = first.seconds
        try:
            return self._apply(work, first.text), [first.text], usage, seconds
        except ReplyError as problem:
            reflection = _reflection(problem, work.mode)
            if work.shown is not None:  # it may quote lines of the file
                reflection = scrub(reflection, work.lines, work.shown)
            repair = [
                *messages,
                {"role": "assistant", "content": first.text},
                {"role": "user", "content": reflection},
            ]
            second = await self._ask(
                repair, params, on_progress, stop_at_fence=work.mode == "range"
            )
            for name, value in _usage(second, repair).items():
                usage[name] = usage.get(name, 0) + value
            seconds += second.seconds
            try:
                new_text = self._replay(work, [first.text, second.text])
            except ReplyError as final:
                raise ReplyError(f"{final} (after one repair round)") from final
            return new_text, [first.text, second.text], usage, seconds

    async def _ask(
        self,
        messages: list[dict[str, str]],
        params: dict[str, Any],
        on_progress: ProgressCallback | None,
        *,
        stop_at_fence: bool,
    ) -> Completion:
        if not self.embedded and not self.settings.resolved_api_key():
            raise ModelError("config", self.settings.missing_key_message())
        self.check_budget()
        watcher = FenceWatcher()
        received = 0

        def on_text(delta: str) -> bool:
            nonlocal received
            received += len(delta)
            if on_progress is not None:
                on_progress(received)
            return watcher.feed(delta) and stop_at_fence

        completion: Completion = await self.model().complete(
            messages,
            max_tokens=params.get("max_tokens"),
            temperature=params.get("temperature"),
            on_text=on_text,
        )
        return completion

    def _replay(self, work: _Work, replies: Sequence[str]) -> str:
        """The new working text from a reply, or from a reply and its repair."""
        if len(replies) == 1:
            return self._apply(work, replies[0])
        try:
            return self._apply(work, replies[0])
        except MatchError as problem:
            if work.mode == "edits":
                fixed = parse_edits(replies[1])
                if fixed:
                    merged = problem.merge(parse_edits(replies[0]), fixed)
                    return self._apply_blocks(work, merged)
            return self._apply(work, replies[1])
        except ReplyError:
            return self._apply(work, replies[1])

    def _apply(self, work: _Work, reply: str) -> str:
        """Apply one reply to the working text; raise ReplyError when it cannot be used.

        Edit blocks are accepted whatever format was asked for; models drift between them.
        """
        blocks = parse_edits(reply)
        if blocks:
            return self._apply_blocks(work, blocks)
        if work.mode == "edits":
            rewrite = parse_rewrite(reply)
            if rewrite is None:
                raise ReplyError("the reply holds neither edit blocks nor code")
            new_text = self._replace_region(work, rewrite)
        else:
            new_text = self._replace_region(work, extract_code(reply))
        new_text = _remove_instruction(work, new_text)
        self._check(work, new_text)
        return new_text

    def _apply_blocks(self, work: _Work, blocks: Sequence[EditBlock]) -> str:
        result = apply_blocks(
            work.text,
            blocks,
            scope=(work.offset(work.start), work.offset(work.end)),
            hint=None if work.hint_line is None else work.offset(work.hint_line),
        )
        new_text = _remove_instruction(work, result.new_text)
        self._check(work, new_text)
        return new_text

    def _replace_region(self, work: _Work, code: str) -> str:
        lines = work.lines
        before = [line_text(x) for x in lines[max(0, work.start - FIT_CONTEXT_LINES) : work.start]]
        target = [line_text(x) for x in lines[work.start : work.end]]
        after = [line_text(x) for x in lines[work.end : work.end + FIT_CONTEXT_LINES]]
        new_lines = fit_replacement(code, before, target, after)
        replacement = join_lines(new_lines, lines, work.start, work.end)
        text = work.text
        return text[: work.offset(work.start)] + replacement + text[work.offset(work.end) :]

    @staticmethod
    def _check(work: _Work, new_text: str) -> None:
        if new_text.count(REDACTION) > work.text.count(REDACTION):
            raise ReplyError(
                "the reply contains the redaction marker; refusing to write it into the file"
            )
        problem = introduces_syntax_error(work.text, new_text, work.language)
        if problem is not None:
            raise SyntaxCheckError(problem)

    def _outcome(self, request: ActionRequest, work: _Work, new_text: str) -> Outcome:
        """The smallest whole-line region of the snapshot that changes, and its new text."""
        snapshot = request.snapshot
        old_lines = list(snapshot.lines)
        new_lines = split_lines(new_text)
        prefix, suffix = common_ends(old_lines, new_lines)
        old_end = len(old_lines) - suffix
        start_offset = snapshot.offset_of_line(prefix)
        end_offset = start_offset + sum(len(x) for x in old_lines[prefix:old_end])
        replacement = "".join(new_lines[prefix : len(new_lines) - suffix])
        anchor_first = min(prefix, request.start_line, work.start)
        anchor_last = max(old_end, request.end_line, work.end)
        return Outcome(
            snapshot=snapshot,
            start_line=prefix,
            end_line=old_end,
            start_offset=start_offset,
            end_offset=end_offset,
            new_text=replacement,
            anchor_start=snapshot.offset_of_line(anchor_first),
            anchor_end=snapshot.offset_of_line(min(anchor_last, len(old_lines))),
            cache_hit=False,
            model=self.model_name,
            mode=work.mode,
        )


def redacted_lines(lines: Sequence[str]) -> list[str]:
    """``lines`` with secrets redacted; the line count never changes."""
    shown = split_lines(redact("".join(lines))[0])
    if len(shown) != len(lines):  # cannot happen: redaction keeps every line break
        raise ModelError("config", "redacting secrets changed the line count; nothing was sent")
    return shown


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


class SyntaxCheckError(ReplyError):
    """The edit would introduce a syntax error the file did not have."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"the edit would introduce a syntax error ({problem})")
        self.problem = problem


def _remove_instruction(work: _Work, new_text: str) -> str:
    """Take the instruction comment out of the result, unless the model already did.

    The comment line is found by its text, nearest to where it was; a whole-line comment is
    deleted, a trailing one leaves the code before it.
    """
    if work.replace_line is None:
        return new_text
    index, replacement = work.replace_line
    wanted = line_text(work.lines[index]).strip()
    lines = split_lines(new_text)
    found = [i for i, line in enumerate(lines) if line_text(line).strip() == wanted]
    if not found:
        return new_text
    at = min(found, key=lambda i: abs(i - index))
    if replacement is None:
        del lines[at]
    else:
        lines[at] = replacement + lines[at][len(line_text(lines[at])) :]
    return "".join(lines)


def _reflection(problem: ReplyError, mode: Mode) -> str:
    """The message that asks the model to repair its reply."""
    if isinstance(problem, MatchError):
        return problem.reflection()
    again = "the complete corrected REPLACEMENT" if mode == "range" else "corrected EDITS"
    return (
        f"Your reply could not be applied: {problem}. The file has not been changed. "
        f"Reply again with {again}, in the same format."
    )


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


def _usage(completion: Completion, messages: Sequence[dict[str, str]]) -> dict[str, int]:
    usage = _usage_dict(completion.usage)
    if not usage["completion_tokens"]:  # no usage chunk, e.g. the stream was stopped early
        usage.update(estimate_usage(messages, completion.text, completion.reasoning))
    return usage


def _usage_dict(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "cached_tokens": usage.cached_tokens,
        "completion_tokens": usage.completion_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
    }
