"""Text generation with llama.cpp: chat formatting, prompt reuse, stop strings, cancellation.

:class:`LlamaBackend` owns one ``llama_cpp.Llama``; it is not thread-safe (the endpoint runs one
generation at a time). ``llama_cpp`` is imported when a backend is built, never at import time.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
import io
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from blitzls.local.protocol import ChatRequest, RequestProblem, Usage

log = logging.getLogger("blitzls.local")

DEFAULT_N_CTX = 8192  # SmolLM2's training context; a 400-line window weighs about 4-5k tokens
PREFILL_CHUNK = 256  # prompt tokens evaluated between two cancellation checks
# A tiny model at temperature 0 can get stuck repeating the same few lines until max_tokens
# (measured: 4096 tokens, 100-140 s of garbage). When the last LOOP_WINDOW tokens are an exact
# repetition of a cycle of at most LOOP_MAX_PERIOD tokens, generation stops with an error.
LOOP_WINDOW = 240
LOOP_MAX_PERIOD = 60

# Called with each new piece of answer text ("" while the prompt is read, or for a token that
# completes no character); returns False to stop generating (the client went away).
TextSink = Callable[[str], bool]


@dataclass(frozen=True)
class Prepared:
    """A request turned into prompt tokens, ready to generate."""

    tokens: Sequence[int]
    max_tokens: int
    stops: tuple[str, ...]
    temperature: float
    top_p: float
    seed: int | None
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0


@dataclass(frozen=True)
class Generation:
    """How a generation ended. ``finish_reason`` is None when it was cancelled."""

    finish_reason: str | None
    usage: Usage


class Backend(Protocol):
    """What the HTTP endpoint needs from a model."""

    n_ctx: int

    def prepare(self, request: ChatRequest) -> Prepared:
        """Format and tokenize; raise RequestProblem when the prompt does not fit."""

    def generate(self, prepared: Prepared, sink: TextSink) -> Generation:
        """Generate, handing text to ``sink`` until done or ``sink`` returns False."""


def cpu_threads() -> int:
    """The CPUs this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return max(os.cpu_count() or 1, 1)


def context_problem(prompt_tokens: int, n_ctx: int) -> RequestProblem:
    """The OpenAI-style error for a prompt that leaves no room for an answer."""
    return RequestProblem(
        f"This model's maximum context length is {n_ctx} tokens, but the messages take "
        f"{prompt_tokens} tokens. Send less context (blitzls: lower contextLines).",
        param="messages",
        code="context_length_exceeded",
    )


def answer_budget(prompt_tokens: int, n_ctx: int, max_tokens: int | None) -> int:
    """Tokens the answer may take: what was asked for, capped by the room left in the context."""
    room = n_ctx - prompt_tokens
    if room < 1:
        raise context_problem(prompt_tokens, n_ctx)
    return room if max_tokens is None else min(max_tokens, room)


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the common prefix of two token sequences."""
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def repeating_period(
    tokens: Sequence[int], window: int = LOOP_WINDOW, max_period: int = LOOP_MAX_PERIOD
) -> int:
    """The cycle length if the last ``window`` tokens repeat one short cycle, else 0."""
    if len(tokens) < window:
        return 0
    tail = list(tokens[-window:])
    for period in range(1, min(max_period, window // 2) + 1):
        if tail[period:] == tail[:-period]:
            return period
    return 0


def loop_problem(produced: int, period: int) -> RequestProblem:
    """The error for an answer that got stuck in a loop."""
    return RequestProblem(
        f"the model got stuck repeating the same {period} tokens after {produced} tokens, so "
        "its answer was dropped (small local models do this on tasks beyond them)",
        status=500,
        kind="server_error",
        code="repetition_loop",
    )


class StopScanner:
    """Cuts streamed text at the first stop string, holding back what could start one."""

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = tuple(s for s in stops if s)
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """The text that is safe to emit now; sets ``stopped`` when a stop string appears."""
        if self.stopped:
            return ""
        buffer = self._held + text
        hits = [i for i in (buffer.find(s) for s in self.stops) if i >= 0]
        if hits:
            self.stopped = True
            self._held = ""
            return buffer[: min(hits)]
        keep = max((_overlap(buffer, s) for s in self.stops), default=0)
        self._held = buffer[len(buffer) - keep :] if keep else ""
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """What is still held back, at the end of the text."""
        held, self._held = self._held, ""
        return "" if self.stopped else held


def _overlap(text: str, stop: str) -> int:
    """Length of the longest end of ``text`` that is a proper beginning of ``stop``."""
    for size in range(min(len(text), len(stop) - 1), 0, -1):
        if text.endswith(stop[:size]):
            return size
    return 0


# -- llama.cpp -------------------------------------------------------------------------------

_log_callback: Any = None  # the ctypes callback must stay referenced while llama.cpp holds it


def _forward_llama_log(level: int, text: bytes, user_data: object) -> None:
    # ggml.h: 1 debug, 2 info, 3 warn, 4 error, 5 continues the previous line
    python_level = {4: logging.WARNING, 3: logging.INFO}.get(level, logging.DEBUG)
    if log.isEnabledFor(python_level):
        log.log(python_level, "llama.cpp: %s", text.decode("utf-8", "replace").rstrip())


def _route_llama_logs(llama_cpp: Any) -> None:
    """Send llama.cpp's own log lines to the ``blitzls.local`` logger, not to stderr."""
    global _log_callback
    if _log_callback is not None:
        return
    import ctypes

    _log_callback = llama_cpp.llama_log_callback(_forward_llama_log)
    llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))


class LlamaBackend:
    """A GGUF model loaded with llama-cpp-python, formatted with the chat template it ships."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        threads: int = 0,
        loop_guard: bool = True,
    ) -> None:
        llama_cpp: Any = importlib.import_module("llama_cpp")  # typed as Any: it is optional
        _route_llama_logs(llama_cpp)
        self._llama_cpp = llama_cpp
        # Reading the prompt scales with cores; generating one token at a time is dominated by
        # thread synchronisation on a tiny model, and collapses when the CPUs are also busy
        # with other work (measured: 2 threads 5-80 tok/s, 1 thread 35-65 tok/s on 2 busy
        # cores). So generation gets half the cores unless told otherwise.
        cores = cpu_threads()
        batch_threads = threads or cores
        threads = threads or max(cores // 2, 1)
        llama = _load(llama_cpp, model_path, n_ctx, threads, batch_threads)
        architecture = llama.metadata.get("general.architecture", "")
        trained = _int(llama.metadata.get(f"{architecture}.context_length"))
        if 0 < trained < n_ctx:  # beyond its training context a model degrades: stay within
            log.info("%s was trained on %d tokens of context; using that", model_path, trained)
            llama.close()
            llama = _load(llama_cpp, model_path, trained, threads, batch_threads)
        self.llama = llama
        self.n_ctx = int(llama.n_ctx())
        self._format = _chat_formatter(llama)
        self.loop_guard = loop_guard

    def prepare(self, request: ChatRequest) -> Prepared:
        rendered = self._format(messages=[dict(m) for m in request.messages])
        tokens = self.llama.tokenize(
            rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
        )
        stops = list(request.stop)
        template_stops = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop]
        stops += [s for s in template_stops if isinstance(s, str) and s]
        return Prepared(
            tokens=tokens,
            max_tokens=answer_budget(len(tokens), self.n_ctx, request.max_tokens),
            stops=tuple(stops),
            temperature=request.temperature,
            top_p=request.top_p,
            seed=request.seed,
            frequency_penalty=request.frequency_penalty,
            presence_penalty=request.presence_penalty,
        )

    def generate(self, prepared: Prepared, sink: TextSink) -> Generation:
        tokens = list(prepared.tokens)
        cached = self._prefill(tokens, sink)
        if cached is None:
            return Generation(None, Usage(len(tokens), 0, 0))
        llama, llama_cpp = self.llama, self._llama_cpp
        llama.set_seed(prepared.seed if prepared.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        scanner = StopScanner(prepared.stops)
        vocab = llama_cpp.llama_model_get_vocab(llama.model)
        produced: list[int] = []
        finish: str | None = "length"
        stream = llama.generate(
            tokens,
            temp=prepared.temperature,
            top_p=prepared.top_p,
            frequency_penalty=prepared.frequency_penalty,
            presence_penalty=prepared.presence_penalty,
        )
        try:
            for token in stream:
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                produced.append(token)
                if self.loop_guard and len(produced) % 8 == 0:
                    period = repeating_period(produced)
                    if period:
                        raise loop_problem(len(produced), period)
                text = scanner.feed(decoder.decode(llama.detokenize([token])))
                if not sink(text):
                    finish = None
                    break
                if scanner.stopped:
                    finish = "stop"
                    break
                if len(produced) >= prepared.max_tokens:
                    break
        finally:
            stream.close()
        if finish is not None and not scanner.stopped:
            rest = scanner.feed(decoder.decode(b"", final=True)) + scanner.flush()
            if rest and not sink(rest):
                finish = None
        return Generation(finish, Usage(len(tokens), len(produced), cached))

    def close(self) -> None:
        """Free the model and its context."""
        self.llama.close()

    def _prefill(self, tokens: list[int], sink: TextSink) -> int | None:
        """Read all but the last prompt token in chunks, reusing the cached prefix.

        Returns the number of prompt tokens that were already cached, or None if ``sink``
        asked to stop. ``Llama.generate`` then finds the prefix in place and reads the rest.
        """
        llama = self.llama
        head = tokens[:-1]
        cached = common_prefix(llama.input_ids[: llama.n_tokens].tolist(), head)
        if getattr(llama, "_is_recurrent", False) or getattr(llama, "_is_hybrid", False):
            return cached  # their state cannot be cut back; leave it all to Llama.generate
        llama.n_tokens = cached  # Llama.eval drops the KV cache past n_tokens
        for start in range(cached, len(head), PREFILL_CHUNK):
            if not sink(""):
                return None
            llama.eval(head[start : start + PREFILL_CHUNK])
        return cached


def _load(llama_cpp: Any, model_path: Path, n_ctx: int, threads: int, batch_threads: int) -> Any:
    """A quiet ``Llama``, loaded without touching the process's file descriptors.

    ``verbose=False`` would make llama-cpp-python point descriptors 1 and 2 at /dev/null while
    it loads -- process-wide, which would swallow a language server's stdout. So it loads
    "verbose" with Python's stderr captured, and is made quiet afterwards (llama.cpp's own
    log lines already go to the ``blitzls.local`` logger).
    """
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        llama = llama_cpp.Llama(
            model_path=str(model_path),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=batch_threads,
            verbose=True,
        )
    llama.verbose = False
    log.debug("loaded %s: %s", model_path, captured.getvalue()[-2000:])
    return llama


def _chat_formatter(llama: Any) -> Any:
    """A formatter for the GGUF's own chat template (ChatML when it has none)."""
    llama_chat_format: Any = importlib.import_module("llama_cpp.llama_chat_format")

    def token_text(token: int) -> str:
        if token < 0:
            return ""
        return str(llama.detokenize([token], special=True).decode("utf-8", "replace"))

    template = llama.metadata.get("tokenizer.chat_template")
    eos = llama.token_eos()
    if not template:
        log.warning("the model has no chat template; using ChatML")
        return llama_chat_format.Jinja2ChatFormatter(
            template=llama_chat_format.CHATML_CHAT_TEMPLATE,
            eos_token=llama_chat_format.CHATML_EOS_TOKEN,
            bos_token=token_text(llama.token_bos()),
            stop_token_ids=[eos],
        )
    return llama_chat_format.Jinja2ChatFormatter(
        template=template,
        eos_token=token_text(eos),
        bos_token=token_text(llama.token_bos()),
        stop_token_ids=[eos],
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
