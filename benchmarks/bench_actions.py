"""Code actions end to end: what blitzls adds to a model call, and what it saves.

Runs the real ``python -m blitzls serve`` over stdio with a VS Code-like pygls client
(UTF-16 columns, ``codeAction/resolve`` of edits, versioned ``documentChanges``, work-done
progress) against an in-process scripted OpenAI-compatible endpoint on 127.0.0.1 that
streams like a fast model (first token after 0.25 s, then 92 tokens/s). Reports medians of:

1. resolve overhead: ``codeAction/resolve`` latency of *Convert pseudocode to code* minus
   the model's own streaming time (distinct file per run, so every run is a cache miss);
2. cache hit: the same resolve again, end to end, with no request reaching the model;
3. cancel → stream closed: from the client's ``$/cancelRequest`` (or
   ``window/workDoneProgress/cancel``) to the model endpoint seeing the connection closed;
4. peak memory (VmHWM) of the server process after the whole session, which includes a
   10,000-line file and actions on it;
5. output tokens of a targeted SEARCH/REPLACE fix against a whole-function rewrite, both
   applied through ``blitzls.edit``;
6. the share of a prompt that is a common prefix with the previous action's prompt on the
   same file (what a provider's prompt cache can reuse).

The scripted server records when a request arrived, but not when it finished streaming; the
model's own time is computed from its schedule (the first token delay plus the remaining
characters at 4 characters per token and 92 tokens/s), exactly as the server paces it.

Run: ``.venv/bin/python benchmarks/bench_actions.py`` (``--quick`` for 3 runs per case,
``--json`` for machine output, ``--svg PATH`` to draw the latency rows against targets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.support

from bench_lsp import make_file  # noqa: E402 - this directory is on sys.path when run
from tests.support.lsp import apply_text_edits, edits_of  # noqa: E402
from tests.support.scripted_model import (  # noqa: E402
    CHARS_PER_TOKEN,
    RecordedRequest,
    Reply,
    ScriptedModelServer,
    estimate_usage,
)

TTFT = 0.25  # seconds to the first token
TPS = 92.0  # output tokens per second
CANCEL_AFTER = 0.4  # seconds from sending the resolve to cancelling it
KIND = "refactor.rewrite.blitzls."
MIB = 1024 * 1024

# name: (comparison, target, unit)
TARGETS: dict[str, tuple[str, float, str]] = {
    "overhead": ("<", 30.0, "ms"),
    "cache_hit": ("<", 20.0, "ms"),
    "cancel": ("<", 100.0, "ms"),
    "memory": ("<", 100.0, "MiB"),
    "tokens": ("<=", 25.0, "%"),
    "prefix": (">=", 80.0, "%"),
}


# --- sample files and replies ---------------------------------------------------------------


def filler(prefix: str, count: int) -> str:
    """``count`` small, realistic functions (7 lines each with the blank lines)."""
    return "".join(
        f"def {prefix}_{i}(rows):\n"
        f'    """Mean of column {i} over the non-empty rows."""\n'
        f"    values = [row[{i}] for row in rows if row]\n"
        "    if not values:\n"
        "        return 0.0\n"
        "    return sum(values) / len(values)\n"
        "\n\n"
        for i in range(count)
    )


ORDERS_HEAD = '''\
"""Order totals — Grüße, 東京 😀."""

TAX_RATE = 0.2


def order_total(order):
    """The order's total with tax, in cents — ✓."""
    # add up price times quantity over the order's lines 😀
    # take off the order's discount if it has one, then add the tax
    return total


'''
ORDERS = ORDERS_HEAD + filler("metric", 36)  # 300 lines
PSEUDO_LINE = 7  # the first comment line
PSEUDO_CODE = (
    '    subtotal = sum(line["price"] * line["qty"] for line in order["lines"])\n'
    '    subtotal -= order.get("discount", 0)\n'
    "    total = round(subtotal * (1 + TAX_RATE))\n"
)
PSEUDO_REPLY = f"```python\n{PSEUDO_CODE}```\n"
ORDERS_DONE = ORDERS.replace(
    "    # add up price times quantity over the order's lines 😀\n"
    "    # take off the order's discount if it has one, then add the tax\n",
    PSEUDO_CODE,
)
# A long answer for cancellation: about 11 s of streaming at 92 tokens/s.
SLOW_REPLY = (
    "```python\n" + "    total = 0  # accumulate the order's lines one by one\n" * 70 + "```\n"
)


REPORT_KINDS = (
    "retail",
    "wholesale",
    "online",
    "refund",
    "exchange",
    "gift",
    "subscription",
    "rental",
    "repair",
    "service",
    "warranty",
)


def report_function(fixed: bool) -> str:
    """A 150-line function; ``fixed`` decides three lines of its discount step."""
    lines = [
        "def build_report(orders, customers, tier, shipping):",
        '    """Totals, largest orders and the discounted grand total per region."""',
        "    report = {}",
    ]
    for kind in REPORT_KINDS:
        lines += [
            f"    # {kind}: per-region totals and the largest single order",
            f"    {kind}_totals = {{}}",
            f"    {kind}_largest = None",
            "    for order in orders:",
            f"        if order.get('kind') != '{kind}':",
            "            continue",
            "        region = customers[order['customer']]['region']",
            f"        {kind}_totals[region] = {kind}_totals.get(region, 0) + order['amount']",
            f"        if {kind}_largest is None or order['amount'] > {kind}_largest['amount']:",
            f"            {kind}_largest = order",
            f"    report['{kind}'] = ({kind}_totals, {kind}_largest)",
            "",
        ]
    lines += [
        "    # the grand total, discounted by the customer's tier, plus shipping",
        "    subtotal = sum(sum(totals.values()) for totals, _ in report.values())",
    ]
    if fixed:
        lines += [
            "    discount_rate = DISCOUNTS.get(tier, 0.0)",
            "    discounted = subtotal * (1 - discount_rate)",
            "    total = discounted + shipping",
        ]
    else:
        lines += [
            "    discount_rate = DISCOUNTS.get(tier, 0)",
            "    discounted = subtotal * discount_rate",
            "    total = subtotal + discounted",
        ]
    lines += [
        "    report['total'] = round(total, 2)",
        "",
        "    # how many orders of each kind, and the busiest kind",
        "    counts = {}",
        "    for order in orders:",
        "        counts[order.get('kind')] = counts.get(order.get('kind'), 0) + 1",
        "    busiest = max(counts, key=counts.get) if counts else None",
        "    report['counts'] = counts",
        "    report['busiest'] = (busiest, counts.get(busiest, 0) / max(len(orders), 1))",
        "    return report",
    ]
    assert len(lines) == 150, len(lines)
    return "\n".join(lines) + "\n"


REPORT_HEAD = (
    '"""Monthly reports — ünïcode 😀."""\n\nDISCOUNTS = {"silver": 0.05, "gold": 0.1}\n\n\n'
)
REPORT = REPORT_HEAD + report_function(fixed=False) + "\n\n" + filler("column", 3)
REPORT_DONE = REPORT_HEAD + report_function(fixed=True) + "\n\n" + filler("column", 3)
REPORT_CURSOR = 60  # a line inside build_report (0-based)
REPORT_INSTRUCTION = "apply the tier discount as a reduction, then add shipping"
SEARCH_REPLACE_REPLY = (
    "<<<<<<< SEARCH\n"
    "    discount_rate = DISCOUNTS.get(tier, 0)\n"
    "    discounted = subtotal * discount_rate\n"
    "    total = subtotal + discounted\n"
    "=======\n"
    "    discount_rate = DISCOUNTS.get(tier, 0.0)\n"
    "    discounted = subtotal * (1 - discount_rate)\n"
    "    total = discounted + shipping\n"
    ">>>>>>> REPLACE\n"
)
REWRITE_REPLY = f"```python\n{report_function(fixed=True)}```\n"

SESSION = "".join(
    [
        '"""Reading and summarising sales exports — ünïcode 😀."""\n\n',
        "import csv\nfrom collections import Counter\n\n\n",
        filler("price", 5),
        "def parse_row(row):\n"
        "    name, qty, price = row\n"
        "    return name.strip(), int(qty), float(price)\n\n\n",
        filler("quantity", 5),
        "def top_products(rows, n):\n"
        "    # count the quantity sold per product name, across all rows\n"
        "    # keep the counts in a Counter called counts\n"
        "    return counts.most_common(n)\n\n\n",
        filler("share", 5),
        "def revenue_by_day(rows):\n"
        "    # ai! skip rows whose quantity is zero or negative\n"
        "    totals = {}\n"
        "    for day, _name, qty, price in rows:\n"
        "        totals[day] = totals.get(day, 0.0) + qty * price\n"
        "    return totals\n\n\n",
        filler("weight", 5),
    ]
)
# (action kind, a line to find the cursor by, the model's reply)
SESSION_STEPS: list[tuple[str, str, str]] = [
    (
        KIND + "docstring",
        "    name, qty, price = row",
        "```python\ndef parse_row(row):\n"
        '    """Split a CSV row into (name, quantity, price)."""\n'
        "    name, qty, price = row\n"
        "    return name.strip(), int(qty), float(price)\n```\n",
    ),
    (
        KIND + "pseudocode",
        "    # count the quantity sold per product name, across all rows",
        "```python\n    counts = Counter()\n    for name, qty, _price in rows:\n"
        "        counts[name] += qty\n```\n",
    ),
    (
        KIND + "instruction",
        "    # ai! skip rows whose quantity is zero or negative",
        "```python\ndef revenue_by_day(rows):\n    totals = {}\n"
        "    for day, _name, qty, price in rows:\n        if qty <= 0:\n            continue\n"
        "        totals[day] = totals.get(day, 0.0) + qty * price\n    return totals\n```\n",
    ),
]
LARGE_REPLY = "```python\n    value = abs(value)\n    value = value * 2\n```\n"


def paced(content: str) -> Reply:
    """A reply streamed like a fast hosted model."""
    return Reply(content=content, first_token_delay=TTFT, tokens_per_second=TPS)


def stream_seconds(reply: Reply) -> float:
    """When the scripted server sends the last text chunk, counted from the request's arrival.

    Mirrors its pacing: the first chunk after ``first_token_delay``, each later chunk
    ``len(chunk) / 4 / tokens_per_second`` after the one before.
    """
    text = reply.reasoning + reply.content
    first = min(reply.chunk_chars, len(text))
    assert reply.tokens_per_second
    return reply.first_token_delay + (len(text) - first) / CHARS_PER_TOKEN / reply.tokens_per_second


def output_tokens(text: str) -> int:
    """Tokens as the scripted server estimates them (``len // 4``)."""
    return int(estimate_usage({"messages": []}, Reply(content=text))["completion_tokens"])


def prompt_text(request: RecordedRequest) -> str:
    """The system and user message contents of a chat request, concatenated in order."""
    return "".join(str(m.get("content", "")) for m in request.body["messages"])


def common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def line_of(text: str, needle: str) -> int:
    (index,) = [i for i, line in enumerate(text.splitlines()) if line == needle]
    return index


# --- the editor -----------------------------------------------------------------------------


@dataclass
class Editor:
    """A VS Code-like client on a real ``blitzls serve``, recording what the server sends."""

    client: LanguageClient = field(default_factory=lambda: LanguageClient("bench-actions", "0"))
    progress_tokens: list[str] = field(default_factory=list)
    applied: list[types.WorkspaceEdit] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    _drain: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        client = self.client

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_create(params: types.WorkDoneProgressCreateParams) -> None:
            self.progress_tokens.append(str(params.token))

        @client.feature(types.PROGRESS)
        def on_progress(params: types.ProgressParams) -> None:
            pass

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            self.applied.append(params.edit)
            return types.ApplyWorkspaceEditResult(applied=True)

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

    async def start(self, env: dict[str, str], log: BinaryIO) -> None:
        await self.client.start_io(sys.executable, "-m", "blitzls", "serve", env=env)
        self._drain = asyncio.create_task(self._copy_stderr(log))
        await self.client.initialize_async(
            types.InitializeParams(capabilities=vscode_capabilities(), process_id=os.getpid())
        )
        self.client.initialized(types.InitializedParams())

    async def _copy_stderr(self, log: BinaryIO) -> None:
        """Keep the server's stderr pipe (which pygls opens and never reads) from filling up."""
        process = self.client._server
        assert process is not None and process.stderr is not None
        while chunk := await process.stderr.read(65536):
            log.write(chunk)

    @property
    def pid(self) -> int:
        process = self.client._server
        assert process is not None
        return int(process.pid)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()
        if self._drain is not None:
            await self._drain

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=text
                )
            )
        )

    def replace(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def action(self, uri: str, line: int, character: int, kind: str) -> types.CodeAction:
        """The one code action of ``kind`` offered at a cursor."""
        position = types.Position(line=line, character=character)
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        (found,) = [a for a in result or [] if isinstance(a, types.CodeAction) and a.kind == kind]
        return found

    def send_resolve(self, action: types.CodeAction, msg_id: str) -> asyncio.Future[Any]:
        future = self.client.protocol.send_request(types.CODE_ACTION_RESOLVE, action, msg_id=msg_id)
        return asyncio.wrap_future(future)

    async def resolve(self, action: types.CodeAction) -> tuple[float, float, types.CodeAction]:
        """Resolve an action; returns when it was sent and answered (monotonic) and the answer."""
        sent = time.monotonic()
        resolved = await self.client.code_action_resolve_async(action)
        return sent, time.monotonic(), resolved


def vscode_capabilities() -> types.ClientCapabilities:
    """What VS Code announces for the features used here."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf16]
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["", "quickfix", "refactor", "refactor.rewrite", "source"]
                    )
                ),
                is_preferred_support=True,
                disabled_support=True,
                data_support=True,
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
                honors_change_annotations=True,
            ),
        ),
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            execute_command=types.ExecuteCommandClientCapabilities(),
            configuration=True,
        ),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )


def environment(model: ScriptedModelServer, cache_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BLITZLS_", "XAI_", "OPENAI_", "OPENROUTER_"))
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "server"), env.get("PYTHONPATH")]))
    env.update(
        BLITZLS_BASE_URL=model.url,
        BLITZLS_MODEL="grok-code-fast-1",
        BLITZLS_API_KEY="bench",
        BLITZLS_CACHE_DIR=str(cache_dir),
        BLITZLS_MAX_RETRIES="0",
        # a hosted model on a loopback address: what blitzls sends a hosted one (the file as
        # context, SEARCH/REPLACE on long functions), not what it sends a local model
        BLITZLS_CONTEXT="file",
        BLITZLS_EDIT_FORMAT="search-replace",
    )
    return env


def memory_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) and VmRSS of a process, in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            values[name] = int(rest.split()[0]) / 1024  # kB
    return values


# --- the measurements -----------------------------------------------------------------------


@dataclass
class Bench:
    editor: Editor
    model: ScriptedModelServer
    tmp: Path
    samples: dict[str, list[float]] = field(default_factory=dict)  # seconds
    details: dict[str, Any] = field(default_factory=dict)

    def uri(self, name: str) -> str:
        return (self.tmp / name).as_uri()

    def add(self, name: str, value: float) -> None:
        self.samples.setdefault(name, []).append(value)

    def add_overhead(
        self, suffix: str, sent: float, done: float, request: RecordedRequest, model: float
    ) -> None:
        """Resolve latency minus the model's streaming time, and its two parts."""
        self.add("overhead" + suffix, done - sent - model)
        self.add("overhead_before" + suffix, request.received_at - sent)
        self.add("overhead_after" + suffix, done - request.received_at - model)

    def new_requests(self, before: int) -> list[RecordedRequest]:
        return self.model.chat_requests[before:]

    async def pseudocode_miss_then_hit(self, name: str, *, record: bool) -> None:
        """One cache miss (overhead = latency - model time), then the same resolve again."""
        uri = self.uri(name)
        self.editor.open(uri, ORDERS)
        action = await self.editor.action(uri, PSEUDO_LINE, 4, KIND + "pseudocode")
        reply = paced(PSEUDO_REPLY)
        self.model.enqueue(reply)
        before = len(self.model.chat_requests)
        sent, done, resolved = await self.editor.resolve(action)
        assert resolved.edit is not None, self.editor.messages
        (request,) = self.new_requests(before)
        edits, version = edits_of(resolved.edit, uri)
        assert version == 1
        assert apply_text_edits(ORDERS, edits, "utf-16") == ORDERS_DONE
        model_seconds = stream_seconds(reply)
        hit_sent, hit_done, again = await self.editor.resolve(action)
        assert len(self.model.chat_requests) == before + 1, "the cache hit reached the model"
        assert again.edit == resolved.edit
        if record:
            self.add("resolve_total", done - sent)
            self.add_overhead("", sent, done, request, model_seconds)
            self.add("cache_hit", hit_done - hit_sent)
            self.details["model_seconds_pseudocode"] = model_seconds

    async def cancel(self, how: str, index: int) -> None:
        """Cancel a streaming resolve after CANCEL_AFTER; time until the stream is closed."""
        uri = self.uri(f"cancel_{how}_{index}.py")
        self.editor.open(uri, ORDERS)
        action = await self.editor.action(uri, PSEUDO_LINE, 4, KIND + "pseudocode")
        self.model.enqueue(paced(SLOW_REPLY))
        before, closed = len(self.model.chat_requests), self.model.closed_early
        tokens = len(self.editor.progress_tokens)
        msg_id = f"bench-cancel-{how}-{index}"
        sent = time.monotonic()
        pending = self.editor.send_resolve(action, msg_id)
        while len(self.editor.progress_tokens) == tokens:
            assert time.monotonic() - sent < 5, "no work-done progress was created"
            await asyncio.sleep(0.002)
        token = self.editor.progress_tokens[-1]
        await asyncio.sleep(max(0.0, sent + CANCEL_AFTER - time.monotonic()))
        (request,) = self.new_requests(before)
        assert request.closed_at is None, "the stream ended before the cancel"
        cancelled = time.monotonic()
        if how == "request":
            self.editor.client.cancel_request(types.CancelParams(id=msg_id))
        else:
            self.editor.client.window_work_done_progress_cancel(
                types.WorkDoneProgressCancelParams(token=token)
            )
        closed_in_time = await asyncio.to_thread(self.model.wait_closed_early, closed + 1, 5.0)
        assert closed_in_time, f"{how}: the stream was still open 5 s after the cancel"
        assert request.closed_early and request.closed_at is not None
        self.add(f"cancel_{how}", request.closed_at - cancelled)
        try:
            answer: Any = await asyncio.wait_for(pending, 5.0)
        except Exception as exc:  # the expected outcome: a RequestCancelled error
            answer = type(exc).__name__
        self.details[f"cancel_{how}_answer"] = (
            answer if isinstance(answer, str) else f"edit={answer.edit is not None}"
        )

    async def edit_tokens(self) -> None:
        """The same 3-line fix as SEARCH/REPLACE and as a rewrite, both through blitzls.edit."""
        result: dict[str, Any] = {}
        for name, reply_text in (
            ("search_replace", SEARCH_REPLACE_REPLY),
            ("rewrite", REWRITE_REPLY),
        ):
            uri = self.uri(f"report_{name}.py")
            self.editor.open(uri, REPORT)
            reply = paced(reply_text)
            self.model.enqueue(reply)
            before, applied = len(self.model.chat_requests), len(self.editor.applied)
            cursor = {"line": REPORT_CURSOR, "character": 4}
            started = time.monotonic()
            ok = await self.editor.client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="blitzls.edit",
                    arguments=[
                        {
                            "uri": uri,
                            "range": {"start": cursor, "end": cursor},
                            "instruction": REPORT_INSTRUCTION,
                        }
                    ],
                )
            )
            seconds = time.monotonic() - started
            assert ok is True, self.editor.messages
            assert len(self.new_requests(before)) == 1, "a repair round was needed"
            (edit,) = self.editor.applied[applied:]
            edits, _ = edits_of(edit, uri)
            assert apply_text_edits(REPORT, edits, "utf-16") == REPORT_DONE, name
            result[name] = {
                "output_tokens": output_tokens(reply_text),
                "characters": len(reply_text),
                "seconds": seconds,
                "model_seconds": stream_seconds(reply),
                "text_edits": len(edits),
            }
        result["ratio"] = (
            result["search_replace"]["output_tokens"] / result["rewrite"]["output_tokens"]
        )
        self.details["tokens"] = result

    async def prefix_shares(self, *, apply: bool) -> list[dict[str, Any]]:
        """Docstring, pseudocode, instruction on one file; prefix shared by successive prompts.

        ``apply``: each edit is applied (as the editor would) before the next action.
        """
        uri = self.uri("session_applied.py" if apply else "session.py")
        text = SESSION
        self.editor.open(uri, text)
        prompts: list[str] = []
        for kind, needle, reply in SESSION_STEPS:
            action = await self.editor.action(uri, line_of(text, needle), 6, kind)
            self.model.enqueue(paced(reply))
            before = len(self.model.chat_requests)
            _, _, resolved = await self.editor.resolve(action)
            assert resolved.edit is not None, (kind, self.editor.messages)
            (request,) = self.new_requests(before)
            prompts.append(prompt_text(request))
            if apply:
                edits, _ = edits_of(resolved.edit, uri)
                text = apply_text_edits(text, edits, "utf-16")
                self.editor.replace(uri, text)
        steps = [kind.rsplit(".", 1)[1] for kind, _, _ in SESSION_STEPS]
        return [
            {
                "from": steps[i],
                "to": steps[i + 1],
                "common_prefix_chars": common_prefix(a, b),
                "prompt_chars": len(b),
                "share": common_prefix(a, b) / len(b),
                "diverges_at": b[common_prefix(a, b) :][:60],
            }
            for i, (a, b) in enumerate(pairwise(prompts))
        ]

    async def large_file(self, runs: int) -> None:
        """A 10,000-line file: open it, list, and convert pseudocode at several places."""
        uri = self.uri("large.py")
        text = make_file(1000)
        self.editor.open(uri, text)
        for i in range(runs):
            function = 100 + i * 800 // max(runs, 1)
            line = 3 + function * 10 + 2  # its first comment line
            action = await self.editor.action(uri, line, 6, KIND + "pseudocode")
            reply = paced(LARGE_REPLY)
            self.model.enqueue(reply)
            before = len(self.model.chat_requests)
            sent, done, resolved = await self.editor.resolve(action)
            assert resolved.edit is not None, self.editor.messages
            (request,) = self.new_requests(before)
            self.add_overhead("_large", sent, done, request, stream_seconds(reply))


async def run_all(args: argparse.Namespace) -> dict[str, Any]:
    runs = 3 if args.quick else args.runs
    with (
        tempfile.TemporaryDirectory(prefix="bench-actions-") as tmp_name,
        ScriptedModelServer() as model,
    ):
        tmp = Path(tmp_name)
        editor = Editor()
        with open(tmp / "server.log", "wb") as log:
            await editor.start(environment(model, tmp / "cache"), log)
            bench = Bench(editor, model, tmp)
            try:
                await bench.pseudocode_miss_then_hit("warm_up.py", record=False)
                bench.details["memory_after_first_action_mb"] = memory_mb(editor.pid)
                for i in range(runs):
                    await bench.pseudocode_miss_then_hit(f"orders_{i}.py", record=True)
                for i in range(runs):  # interleaved, so both see the same machine load
                    await bench.cancel("request", i)
                    await bench.cancel("progress", i)
                await bench.edit_tokens()
                bench.details["prefix"] = await bench.prefix_shares(apply=False)
                bench.details["prefix_applied"] = await bench.prefix_shares(apply=True)
                bench.details["memory_before_large_file_mb"] = memory_mb(editor.pid)
                await bench.large_file(2 if args.quick else 5)
                bench.details["memory_end_mb"] = memory_mb(editor.pid)
                assert model.pending == 0, "a scripted reply was not used"
            finally:
                await editor.stop()
    return {
        "machine": machine(),
        "profile": {"first_token_seconds": TTFT, "tokens_per_second": TPS},
        "runs": runs,
        "rows": rows_of(bench),
        "samples_ms": {k: [round(v * 1000, 3) for v in s] for k, s in bench.samples.items()},
        "details": bench.details,
    }


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip() + ", "
                break
    return f"{platform.machine()}, {cpu}{os.cpu_count()} cores, Python {platform.python_version()}"


# --- reporting ------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: float
    unit: str
    p90: float | None = None
    n: int = 1
    target: str | None = None  # a TARGETS key
    met: bool | None = None


def check(target: str, value: float) -> bool:
    comparison, limit, _ = TARGETS[target]
    return {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[comparison]


def latency_row(label: str, samples: list[float], target: str | None = None) -> Row:
    ms = sorted(s * 1000 for s in samples)
    median = statistics.median(ms)
    p90 = ms[int(len(ms) * 0.9) - 1] if len(ms) >= 10 else None
    met = check(target, median) if target else None
    return Row(label, median, "ms", p90, len(ms), target, met)


def rows_of(bench: Bench) -> list[dict[str, Any]]:
    s, d = bench.samples, bench.details
    tokens = d["tokens"]
    sr, rewrite = tokens["search_replace"], tokens["rewrite"]
    peak = d["memory_end_mb"]["VmHWM"]
    ratio = tokens["ratio"] * 100
    rows = [
        latency_row("resolve overhead (pseudocode, 300-line file)", s["overhead"], "overhead"),
        latency_row("… before the model request arrives", s["overhead_before"]),
        latency_row("… after the model's last token", s["overhead_after"]),
        latency_row(
            "resolve overhead (pseudocode, 10,000-line file)", s["overhead_large"], "overhead"
        ),
        latency_row("… before the model request arrives", s["overhead_before_large"]),
        latency_row("… after the model's last token", s["overhead_after_large"]),
        latency_row("cache hit, resolve end to end", s["cache_hit"], "cache_hit"),
        latency_row("`$/cancelRequest` → stream closed", s["cancel_request"], "cancel"),
        latency_row(
            "`window/workDoneProgress/cancel` → stream closed", s["cancel_progress"], "cancel"
        ),
        Row(
            f"peak memory of the server, VmHWM in MiB ({peak * MIB / 1e6:.1f} MB)",
            peak,
            "MiB",
            target="memory",
            met=check("memory", peak),
        ),
        Row(
            f"output tokens, S/R fix vs whole-function rewrite "
            f"({sr['output_tokens']} vs {rewrite['output_tokens']})",
            ratio,
            "%",
            target="tokens",
            met=check("tokens", ratio),
        ),
    ]
    for label, key in (("", "prefix"), (", each edit applied first", "prefix_applied")):
        for pair in d[key]:
            share = pair["share"] * 100
            rows.append(
                Row(
                    f"prompt prefix shared, {pair['from']} → {pair['to']}{label}",
                    share,
                    "%",
                    target="prefix" if key == "prefix" else None,
                    met=check("prefix", share) if key == "prefix" else None,
                )
            )
    return [row.__dict__ for row in rows]


def target_text(row: dict[str, Any]) -> str:
    if row["target"] is None:
        return "–"
    comparison, limit, unit = TARGETS[row["target"]]
    mark = "met" if row["met"] else "**missed**"
    return f"{comparison.replace('<=', '≤').replace('>=', '≥')} {limit:g} {unit}: {mark}"


def markdown(result: dict[str, Any]) -> str:
    out = [
        f"Machine: {result['machine']}; model profile: first token after "
        f"{TTFT} s, {TPS:g} tokens/s; {result['runs']} runs per latency case.",
        "",
        "| measurement | median | p90 | n | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in result["rows"]:
        p90 = f"{row['p90']:.1f}" if row["p90"] is not None else "–"
        digits = 0 if row["unit"] == "%" else 1
        out.append(
            f"| {row['label']} | {row['value']:.{digits}f} {row['unit']} | {p90} | {row['n']} "
            f"| {target_text(row)} |"
        )
    tokens = result["details"]["tokens"]
    out.append("")
    out.append(
        "blitzls.edit end to end: S/R fix {:.2f} s, whole-function rewrite {:.2f} s "
        "(model streaming {:.2f} s and {:.2f} s).".format(
            tokens["search_replace"]["seconds"],
            tokens["rewrite"]["seconds"],
            tokens["search_replace"]["model_seconds"],
            tokens["rewrite"]["model_seconds"],
        )
    )
    return "\n".join(out)


def svg(result: dict[str, Any]) -> str:
    """The latency rows as fractions of their targets: median bar, runs as dots, target line."""
    rows = [
        (label, result["samples_ms"][key], TARGETS[target][1])
        for key, label, target in (
            ("overhead", "resolve overhead, 300 lines", "overhead"),
            ("overhead_large", "resolve overhead, 10,000 lines", "overhead"),
            ("cache_hit", "cache hit, end to end", "cache_hit"),
            ("cancel_request", "$/cancelRequest → closed", "cancel"),
            ("cancel_progress", "progress cancel → closed", "cancel"),
        )
    ]
    left, width, height, top = 210, 440, 44, 48
    scale = max(1.25, max(max(samples) / target for _, samples, target in rows) * 1.05)
    bottom = top + height * len(rows)

    def x(fraction: float) -> str:
        return f"{left + fraction / scale * width:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" '
        f'height="{bottom + 45}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="10" y="20" font-size="14" font-weight="bold">blitzls code actions: '
        "latency against targets</text>",
        '<text x="10" y="36" fill="#555" font-size="11">bar: median, dots: single runs, '
        "red line: target; the axis is the share of each row's target</text>",
    ]
    tick = 0.0
    while tick <= scale:
        parts.append(
            f'<line x1="{x(tick)}" y1="{top - 4}" x2="{x(tick)}" y2="{bottom}" stroke="#ddd"/>'
            f'<text x="{x(tick)}" y="{bottom + 15}" text-anchor="middle" fill="#555">'
            f"{tick * 100:.0f}%</text>"
        )
        tick += 0.25
    parts.append(
        f'<line x1="{x(1)}" y1="{top - 4}" x2="{x(1)}" y2="{bottom}" stroke="#c00" '
        'stroke-width="2"/>'
    )
    for i, (label, samples, target) in enumerate(rows):
        y = top + i * height
        median = statistics.median(samples)
        colour = "#3a7bd5" if median < target else "#d9534f"
        parts.append(
            f'<text x="{left - 8}" y="{y + 18}" text-anchor="end">{escape(label)}</text>'
            f'<text x="{left - 8}" y="{y + 32}" text-anchor="end" fill="#c00" '
            f'font-size="10">target {target:g} ms</text>'
            f'<rect x="{left}" y="{y + 8}" width="{float(x(median / target)) - left:.1f}" '
            f'height="20" fill="{colour}" fill-opacity="0.75"/>'
            f'<text x="{float(x(max(samples) / target)) + 8:.1f}" y="{y + 22}">'
            f"{median:.1f} ms</text>"
        )
        parts += [
            f'<circle cx="{x(v / target)}" cy="{y + 18}" r="2.2" fill="black" fill-opacity="0.55"/>'
            for v in samples
        ]
    parts.append(
        f'<text x="{left + width / 2}" y="{bottom + 35}" text-anchor="middle" fill="#555">'
        "share of the target (lower is better)</text></svg>"
    )
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per latency case")
    parser.add_argument("--quick", action="store_true", help="3 runs per latency case")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--svg", type=Path, help="also draw the latency rows to this SVG file")
    args = parser.parse_args()
    started = time.monotonic()
    result = asyncio.run(run_all(args))
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    if args.svg:
        args.svg.write_text(svg(result), encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(markdown(result))
        print(f"\nWall time: {result['wall_seconds']} s")


if __name__ == "__main__":
    main()
