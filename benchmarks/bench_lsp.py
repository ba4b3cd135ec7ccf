"""Latency of the language server as an editor sees it, over real stdio JSON-RPC.

Measures, as medians over repeated runs:
- time from process start to the ``initialize`` answer, for blitzls and for a bare pygls
  server (the floor any pygls server pays for its imports), interleaved, as the median of
  back-to-back pairs and between the fastest starts; ``--compare CHECKOUT`` also starts
  another version's server, ``--init-only`` stops there;
- ``textDocument/codeAction`` listing round trips on a small file and a 10,000-line file,
  with the cursor in a comment block (action offered) and on code, and the same round trips
  to a bare pygls server answering an empty list (the JSON-RPC floor);
- a ``didChange`` followed by a listing on the large file (the sync path plus listing);
- in-process on the large file: the server's whole share of a listing (JSON request in,
  JSON response out), all offers, and the listing function itself.

Run: ``.venv/bin/python benchmarks/bench_lsp.py`` (add ``--json`` for machine output).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import platform
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
BARE_SERVER = textwrap.dedent(
    """
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("bare", "0")

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_actions(params: types.CodeActionParams) -> list[types.CodeAction]:
        return []

    server.start_io()
    """
)


def make_file(functions: int) -> str:
    """A Python file of ``functions`` 10-line functions, each with a pseudocode block."""
    parts = ['"""Generated benchmark module — with ünïcödé 😀."""\n', "import os\n", "\n"]
    for i in range(functions):
        parts.append(
            f"def function_{i}(value):\n"
            f'    """Docstring for function {i}."""\n'
            f"    # normalise the value {i}\n"
            "    # then scale it by the factor\n"
            "    result = value * 2\n"
            "    if result > 10:\n"
            "        result -= 1\n"
            "    return result\n"
            "\n"
            "\n"
        )
    return "".join(parts)


def environment(root: Path = ROOT) -> dict[str, str]:
    """The servers' environment; ``root`` is the checkout whose ``server/blitzls`` runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLITZLS_", "XAI_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "server"), env.get("PYTHONPATH")]))
    env["BLITZLS_BASE_URL"] = "http://127.0.0.1:9/v1"  # never contacted by these measurements
    return env


async def time_initialize(command: list[str], root: Path = ROOT) -> float:
    client = LanguageClient("bench", "0")
    started = time.perf_counter()
    await client.start_io(*command, env=environment(root))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=os.getpid())
    )
    elapsed = time.perf_counter() - started
    client.initialized(types.InitializedParams())
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return elapsed


async def listing_latencies(
    rounds: int, command: list[str], label: str = ""
) -> dict[str, list[float]]:
    """Listing round trips against the server ``command`` starts; ``label`` prefixes the rows."""
    client = LanguageClient("bench", "0")
    await client.start_io(*command, env=environment())
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=os.getpid())
    )
    client.initialized(types.InitializedParams())
    results: dict[str, list[float]] = {}
    version = 1
    with tempfile.TemporaryDirectory() as tmp:
        for name, functions in (("small (100 lines)", 10), ("large (10,000 lines)", 1000)):
            text = make_file(functions)
            uri = Path(tmp, f"bench_{functions}.py").as_uri()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="python", version=version, text=text
                    )
                )
            )
            middle = 3 + (functions // 2) * 10  # the def line of the middle function
            for where, line in (("comment block", middle + 2), ("code line", middle + 4)):
                samples = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    await client.text_document_code_action_async(_params(uri, line))
                    samples.append(time.perf_counter() - started)
                results[f"codeAction{label}, {name}, cursor on {where}"] = samples
            if functions == 1000 and not label:
                samples = []
                for i in range(rounds):
                    version += 1
                    started = time.perf_counter()
                    client.text_document_did_change(
                        types.DidChangeTextDocumentParams(
                            text_document=types.VersionedTextDocumentIdentifier(
                                uri=uri, version=version
                            ),
                            content_changes=[
                                types.TextDocumentContentChangePartial(
                                    range=types.Range(
                                        start=types.Position(line=middle + 2, character=6),
                                        end=types.Position(line=middle + 2, character=6),
                                    ),
                                    text="x" if i % 2 == 0 else "",
                                )
                            ],
                        )
                    )
                    await client.text_document_code_action_async(_params(uri, middle + 2))
                    samples.append(time.perf_counter() - started)
                results["didChange + codeAction, large (10,000 lines)"] = samples
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return results


def _params(uri: str, line: int) -> types.CodeActionParams:
    position = types.Position(line=line, character=8)
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=position, end=position),
        context=types.CodeActionContext(diagnostics=[]),
    )


def in_process_listing(rounds: int) -> list[float]:
    """The listing function alone, without JSON-RPC, on the 10,000-line file."""
    sys.path.insert(0, str(ROOT / "server"))
    from blitzls.languages.comments import line_comment_prefixes
    from blitzls.targets import lines_for_range
    from blitzls.text.document import TextDocument

    doc = TextDocument("file:///bench.py", make_file(1000), 1, "python")
    line = 3 + 500 * 10 + 2
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        lines_for_range(
            doc.lines, (line, 4), (line, 4), line_comment_prefixes("python"), is_point=True
        )
        samples.append(time.perf_counter() - started)
    return samples


def in_process_request(rounds: int) -> list[float]:
    """The server's whole share of one listing on the large file: a real server object reads
    the JSON request, lists, and writes the JSON response (no pipes, no client)."""
    sys.path.insert(0, str(ROOT / "server"))
    from blitzls.config import Settings
    from blitzls.lsp.server import create_server

    server = create_server(Settings())
    protocol = server.protocol
    written: list[bytes] = []

    class Writer:
        def write(self, data: bytes) -> None:
            written.append(data)

        def close(self) -> None:
            pass

    protocol.set_writer(Writer())
    converter = protocol._converter

    def receive(message: dict[str, Any]) -> None:
        protocol.handle_message(
            json.loads(json.dumps(message), object_hook=protocol.structure_message)
        )

    initialize = types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=1)
    receive(
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": converter.unstructure(initialize),
        }
    )
    uri = "file:///bench_1000.py"
    item = {"uri": uri, "languageId": "python", "version": 1, "text": make_file(1000)}
    receive({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
    params = converter.unstructure(_params(uri, 3 + 500 * 10 + 2))
    request = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "textDocument/codeAction", "params": params}
    )
    samples = []
    for _ in range(rounds):
        written.clear()
        started = time.perf_counter()
        protocol.handle_message(json.loads(request, object_hook=protocol.structure_message))
        samples.append(time.perf_counter() - started)
        assert written and b'"title"' in written[-1], written
    return samples


def in_process_offers(rounds: int) -> list[float]:
    """Everything listing does for one request (every built-in action), on the large file."""
    sys.path.insert(0, str(ROOT / "server"))
    from blitzls.actions import all_actions
    from blitzls.lsp.listing import offers_at
    from blitzls.text.document import TextDocument

    doc = TextDocument("file:///bench.py", make_file(1000), 1, "python")
    position = types.Position(line=3 + 500 * 10 + 2, character=4)
    selection = types.Range(start=position, end=position)
    specs = all_actions([])
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        offers_at(doc, specs, selection, [], None)
        samples.append(time.perf_counter() - started)
    return samples


def summarise(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p90_ms": ordered[int(len(ordered) * 0.9) - 1] * 1000
        if len(ordered) >= 10
        else float("nan"),
        "n": len(ordered),
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    # An installed package has its bytecode compiled; PYTHONDONTWRITEBYTECODE (set in some
    # environments) would otherwise make every start compile blitzls from source.
    compileall.compile_dir(ROOT / "server" / "blitzls", quiet=1)
    other: Path | None = args.compare
    if other is not None:
        compileall.compile_dir(other / "server" / "blitzls", quiet=1)
    init_blitz, init_bare, init_other = [], [], []
    serve = [sys.executable, "-m", "blitzls", "serve"]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(BARE_SERVER)
        bare_path = handle.name
    try:
        for _ in range(args.init_runs):  # interleaved so all see the same machine load
            init_bare.append(await time_initialize([sys.executable, bare_path]))
            init_blitz.append(await time_initialize(serve))
            if other is not None:
                init_other.append(await time_initialize(serve, other))
        listings, bare = {}, {}
        if not args.init_only:
            listings = await listing_latencies(args.rounds, serve)
            bare = await listing_latencies(
                args.rounds, [sys.executable, bare_path], " (bare pygls)"
            )
    finally:
        os.unlink(bare_path)
    rows = {"initialize, bare pygls server": summarise(init_bare)}
    for label, starts in (("blitzls", init_blitz), (f"{other} (--compare)", init_other)):
        if not starts:
            continue
        rows[f"initialize, {label}"] = summarise(starts)
        rows[f"initialize, {label} minus bare (each pair started back to back)"] = summarise(
            [a - b for a, b in zip(starts, init_bare, strict=True)]
        )
        # Noise only ever adds to a start-up time: the fastest start is the steadiest figure.
        rows[f"initialize, fastest start: {label} minus bare"] = summarise(
            [min(starts) - min(init_bare)]
        )
    for name, samples in listings.items():
        rows[name] = summarise(samples)
        floor = bare.get(name.replace("codeAction,", "codeAction (bare pygls),"))
        if floor is not None:
            rows[name.replace("codeAction,", "codeAction (bare pygls),")] = summarise(floor)
    if args.init_only:
        return {"machine": _machine(), "rows": rows}
    rows["codeAction in-process, large file: JSON request in, JSON response out"] = summarise(
        in_process_request(args.rounds)
    )
    rows["listing function in-process, large file"] = summarise(in_process_listing(args.rounds))
    rows["all offers in-process (lsp.listing), large file"] = summarise(
        in_process_offers(args.rounds)
    )
    return {"machine": _machine(), "rows": rows}


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="listing requests per case")
    parser.add_argument("--init-runs", type=int, default=15, help="server starts per server")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="CHECKOUT",
        help="also start the server of another checkout of blitzls (interleaved) to compare",
    )
    parser.add_argument("--init-only", action="store_true", help="measure start-up only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"Machine: {result['machine']}\n")
    print("| measurement | median (ms) | p90 (ms) | n |\n| --- | ---: | ---: | ---: |")
    for name, row in result["rows"].items():
        print(f"| {name} | {row['median_ms']:.3f} | {row['p90_ms']:.3f} | {row['n']} |")


if __name__ == "__main__":
    main()
