"""Command line: ``blitzls serve`` (the language server), ``run`` (headless actions), ``probe``,
``doctor``, ``stats`` and ``local-server`` (the embedded model as an OpenAI-compatible endpoint)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from blitzls import __version__

# A gen-1 collection count no start-up reaches: full collections wait until start-up ends.
NO_FULL_COLLECTION = 1_000_000

if TYPE_CHECKING:  # settings load after the arguments parse (--version and --help need none)
    from blitzls.settings.schema import Settings

# Flags that map onto settings; the dest is the settings field name.
_SETTING_FLAGS: list[tuple[str, str, str]] = [
    (
        "--provider",
        "provider",
        "preset: xai, openrouter, openai, ollama, llamacpp, vllm or local (env BLITZLS_PROVIDER)",
    ),
    ("--base-url", "base_url", "OpenAI-compatible endpoint (env BLITZLS_BASE_URL)"),
    ("--model", "model", "model name (env BLITZLS_MODEL)"),
    (
        "--api-key-env",
        "api_key_env",
        "environment variable holding the API key (default XAI_API_KEY)",
    ),
    (
        "--api-key",
        "api_key",
        "API key (prefer BLITZLS_API_KEY: command lines are visible to other users)",
    ),
    ("--cache-dir", "cache_dir", "reply cache directory (env BLITZLS_CACHE_DIR)"),
    ("--timeout", "timeout", "seconds to wait for the next streamed chunk"),
    ("--connect-timeout", "connect_timeout", "seconds to wait for a connection"),
    ("--max-retries", "max_retries", "retries on connection errors, 429 and 5xx"),
    ("--max-tokens", "max_tokens", "upper bound of output tokens"),
]


def build_parser(*, local_flags: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="blitzls",
        description="Fast-model code actions for any LSP editor, and the same actions headless.",
    )
    parser.add_argument("--version", action="version", version=f"blitzls {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--log-file", help="write the server log to this file")
    serve.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    _add_setting_flags(serve)

    run = commands.add_parser("run", help="run an action on a file and print or write the result")
    run.add_argument("action", help="action id, e.g. pseudocode")
    run.add_argument("file", help="the file to edit")
    run.add_argument(
        "--lines",
        help="1-based inclusive line range A-B; a single line N selects the comment block there",
    )
    run.add_argument("--write", action="store_true", help="update the file in place")
    run.add_argument("--json", action="store_true", help="print a machine-readable result")
    run.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    run.add_argument("--instruction", help="what to do, for the edit action (or custom actions)")
    run.add_argument("--message", help="the diagnostic to fix, for the fix action")
    _add_setting_flags(run)

    probe = commands.add_parser(
        "probe", help="act as an editor: list (and resolve) the actions a server offers at lines"
    )
    probe.add_argument("file")
    probe.add_argument(
        "--lines", required=True, help="A-B selects lines; a single N puts the cursor on line N"
    )
    probe.add_argument("--action", help="resolve the offered action of this id or kind")
    probe.add_argument("--client", choices=["vscode", "neovim"], default="vscode")
    probe.add_argument("--json", action="store_true", help="print a machine-readable report")
    _add_setting_flags(probe)

    doctor = commands.add_parser(
        "doctor", help="show the effective settings and check key, endpoint, model and cache"
    )
    doctor.add_argument("--json", action="store_true", help="print a machine-readable report")
    doctor.add_argument(
        "--offline", action="store_true", help="do not contact the endpoint (no tokens spent)"
    )
    doctor.add_argument(
        "--project",
        default=".",
        metavar="DIR",
        help="read .blitzls.toml / [tool.blitzls] from here upwards (default: the current one)",
    )
    _add_setting_flags(doctor)

    local = commands.add_parser(
        "local-server",
        help="serve the embedded model (blitzls[local]) as an OpenAI-compatible endpoint",
    )
    if local_flags:  # imported only for this command: it weighs ~50 ms at start-up
        from blitzls.local.cli import add_arguments

        add_arguments(local)

    stats = commands.add_parser("stats", help="tokens, cost and cache savings so far")
    stats.add_argument("--json", action="store_true", help="print machine-readable totals")
    stats.add_argument("--today", action="store_true", help="only today's actions")
    _add_setting_flags(stats)
    return parser


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model settings")
    for flag, dest, text in _SETTING_FLAGS:
        group.add_argument(flag, dest=f"setting_{dest}", metavar=dest.upper(), help=text)


def flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Settings given as command-line flags (as text)."""
    return {
        dest: value
        for _, dest, _ in _SETTING_FLAGS
        if (value := getattr(args, f"setting_{dest}", None)) is not None
    }


def load_settings(args: argparse.Namespace) -> tuple[Settings, dict[str, Any], list[str]]:
    """Environment settings, the CLI flags as typed values, and any problems."""
    from blitzls.settings.layers import from_environment, merge

    settings, problems = from_environment()
    overrides = flag_overrides(args)
    with_flags, more = merge(settings, overrides, from_text=True, source="command line")
    typed_overrides = {key: getattr(with_flags, key) for key in overrides}
    return settings, typed_overrides, problems + more


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(local_flags="local-server" in words)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 2
    settings, overrides, problems = load_settings(args)
    if args.command == "serve":
        return serve(args, settings, overrides, problems)
    if args.command == "run":
        from blitzls.run import run_action

        for problem in problems:
            print(f"blitzls: warning: {problem}", file=sys.stderr)
        try:
            return asyncio.run(run_action(args, settings, overrides))
        except KeyboardInterrupt:
            print("blitzls: interrupted; the file was not changed", file=sys.stderr)
            return 130
    if args.command == "probe":
        from blitzls.probe import probe

        args.server_args = [
            item
            for flag, dest, _ in _SETTING_FLAGS
            if getattr(args, f"setting_{dest}", None) is not None
            for item in (flag, str(getattr(args, f"setting_{dest}")))
        ]
        return asyncio.run(probe(args))
    if args.command == "doctor":
        from pathlib import Path

        from blitzls.doctor import run_doctor
        from blitzls.settings.project import with_project_file

        with_all, more, _ = with_project_file(settings, overrides, Path(args.project))
        return run_doctor(with_all, problems + more, as_json=args.json, offline=args.offline)
    if args.command == "local-server":
        from blitzls.local.cli import main as local_main

        return local_main(args)
    if args.command == "stats":
        from blitzls.settings.layers import merge

        with_flags, _ = merge(settings, overrides, source="command line")
        return print_stats(with_flags, today=args.today, as_json=args.json)
    parser.error(f"unknown command {args.command}")
    return 2


def print_stats(settings: Settings, *, today: bool, as_json: bool) -> int:
    """Print usage totals recorded in the cache directory."""
    import json

    from blitzls import usage_log
    from blitzls.settings.paths import cache_dir

    directory = cache_dir(settings)
    since = usage_log.start_of_today() if today else 0.0
    from blitzls.pricing import price_table

    totals = usage_log.totals(
        usage_log.entries(directory), since=since, prices=price_table(settings.prices)
    )
    if as_json:
        print(json.dumps({"directory": str(directory), **totals.as_dict()}))
        return 0
    if not totals.actions:
        print(f"no actions recorded yet ({directory / usage_log.FILE_NAME})")
        return 0
    lines = [
        f"actions            {totals.actions}" + (" (today)" if today else ""),
        f"cache hits         {totals.cache_hits} ({totals.hit_rate:.0%})",
        f"prompt tokens      {totals.prompt_tokens} "
        f"({totals.cached_tokens} from the provider's cache)",
        f"output tokens      {totals.completion_tokens} (+{totals.reasoning_tokens} reasoning)",
        f"cost               ${totals.cost:.4f}",
        f"saved, disk cache  ${totals.saved_by_disk_cache:.4f}",
        f"saved, provider    ${totals.saved_by_provider_cache:.4f}",
        f"model time         {totals.seconds:.1f} s",
        "by action          "
        + ", ".join(f"{name} {count}" for name, count in sorted(totals.by_action.items())),
    ]
    print("\n".join(lines))
    return 0


def serve(
    args: argparse.Namespace, settings: Settings, overrides: dict[str, Any], problems: list[str]
) -> int:
    """Start the language server."""
    handler: logging.Handler = (
        logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=args.log_level, handlers=[handler])
    # pygls logs every message and the HTTP stack logs request headers at DEBUG; neither is
    # useful to users and both could carry settings or keys, so they stay at WARNING.
    for noisy in ("pygls", "openai", "httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for problem in problems:
        logging.getLogger("blitzls").warning("%s", problem)

    # The server's imports (lsprotocol's types above all) leave ~50,000 objects that live as
    # long as the process; two full garbage collections of ~30 ms each ran over them before
    # `initialize` was answered. While they load only young objects are collected (their
    # garbage still goes), then they are frozen out of later full collections, which keeps
    # those short too.
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], NO_FULL_COLLECTION)
    try:
        from blitzls.lsp.server import create_server
        from blitzls.lsp.transport import serve_stdio, serve_tcp

        server = create_server(settings, overrides)
    finally:
        gc.collect(1)
        gc.freeze()
        gc.set_threshold(*thresholds)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            print("blitzls: --tcp must look like 127.0.0.1:2087", file=sys.stderr)
            return 2
        serve_tcp(server, host, int(port))
    else:
        serve_stdio(server)
    return server.exit_code
