"""``blitzls doctor``: show the effective configuration and check that actions can work.

Prints every setting with the place its value came from (key masked), then checks the API
key, the endpoint (``GET /models``), the model (one tiny streamed request, with latency and
tokens/s), and the cache directory, and ends with a verdict and a fix for each problem.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blitzls import __version__
from blitzls.config import (
    EMBEDDED_BASE_URL,
    LOCAL_API_KEY,
    Settings,
    api_key,
    cache_dir,
    camel_case,
    effective_model,
    schema_fields,
)

if TYPE_CHECKING:
    from blitzls.engine import Engine

PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word: ok"}]
PROBE_MAX_TOKENS = 16


@dataclass
class Check:
    """One line of the report: ``status`` is ok, warn, fail or skip."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def mask(secret: str) -> str:
    """A key shown as its length and last four characters only."""
    if not secret:
        return ""
    tail = secret[-4:] if len(secret) >= 16 else ""
    return f"set, {len(secret)} characters" + (f", ends …{tail}" if tail else "")


def configuration_rows(settings: Settings, *, embedded: bool = False) -> list[tuple[str, str, str]]:
    """(key, shown value, origin) for every setting; secrets masked.

    ``embedded``: the embedded model was chosen (shown for baseUrl and model when it was
    chosen automatically, since no endpoint, provider or key is configured).
    """
    rows: list[tuple[str, str, str]] = []
    auto = "auto: no endpoint or key configured, blitzls[local] installed"
    for f in schema_fields():
        value = getattr(settings, f.name)
        if embedded and f.name == "base_url" and settings.origin(f.name) == "default":
            rows.append(("baseUrl", EMBEDDED_BASE_URL, auto))
            continue
        if embedded and f.name == "model" and settings.origin(f.name) == "default":
            rows.append(("model", effective_model(settings), auto))
            continue
        if embedded and f.name == "model" and settings.origin(f.name) == "provider local":
            rows.append(("model", effective_model(settings, True), "provider local, localModel"))
            continue
        if f.name == "api_key":
            shown = mask(value) or "(not set)"
        elif f.name == "provider" and not value:
            shown = "(auto)"
        elif isinstance(value, str):
            shown = value or '""'
        else:
            shown = json.dumps(_plain(value), ensure_ascii=False)
        rows.append((camel_case(f.name), shown, settings.origin(f.name)))
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# -- checks ---------------------------------------------------------------------------------------


def check_settings(problems: list[str]) -> list[Check]:
    """Problems found while reading settings, one check each."""
    return [
        Check(
            "settings",
            "fail",
            problem,
            "correct or remove that value (meanwhile the value named above is used)",
        )
        for problem in problems
    ]


def check_key(settings: Settings, embedded: bool) -> Check:
    if embedded:
        return Check("API key", "ok", "not needed: the embedded model runs on this machine")
    key = api_key(settings)
    if key == LOCAL_API_KEY:
        return Check("API key", "ok", f"not needed for {settings.base_url} (this machine)")
    if key:
        where = (
            f"apiKey ({settings.origin('api_key')})"
            if settings.api_key
            else f"${settings.api_key_env}"
        )
        return Check("API key", "ok", f"{mask(key)}, from {where}")
    variable = settings.api_key_env or "BLITZLS_API_KEY"
    return Check(
        "API key",
        "fail",
        f"no API key for {settings.base_url}: ${variable} is not set",
        f"export {variable}=<your key> (in the environment your editor starts from), "
        "or choose a provider that needs none: BLITZLS_PROVIDER=ollama, or "
        "pip install 'blitzls[local]' for the offline model",
    )


def check_embedded(settings: Settings, *, prepare: bool = False) -> list[Check]:
    """llama-cpp-python with its server, and the model file.

    A registry model not yet assembled is assembled and verified now when ``prepare`` (the
    endpoint check is about to use it), with progress on a terminal; else it is reported as
    "assembled on first use".
    """
    from blitzls.local import (
        INSTALL_COMMAND,
        find_model,
        missing_modules,
        registry_spec,
        unavailable_reason,
    )

    setting = settings.local_model
    reason = unavailable_reason(setting)
    if reason is not None:
        spec = registry_spec(setting)
        if missing_modules() or not setting:
            fix = f"{INSTALL_COMMAND}, or choose a provider (BLITZLS_PROVIDER=xai, ollama, ...)"
        elif spec is None:
            fix = (
                "point BLITZLS_LOCAL_MODEL / 'localModel' at an existing GGUF file or a known "
                "model name, or unset it"
            )
        else:
            from blitzls.local.assemble import install_hint

            fix = f"{install_hint(spec)}, or unset BLITZLS_LOCAL_MODEL / 'localModel'"
        return [Check("embedded model", "fail", reason, fix)]
    runtime = Check("embedded runtime", "ok", f"llama-cpp-python {_version('llama_cpp_python')}")
    spec = registry_spec(setting)
    if spec is None:
        path = find_model(setting)
        assert path is not None  # unavailable_reason checked it
        head = _head(path)
        if head != b"GGUF":
            return [
                runtime,
                Check(
                    "embedded model",
                    "fail",
                    f"{path} is not a GGUF file (it starts with {head!r})",
                    "point BLITZLS_LOCAL_MODEL / 'localModel' at a .gguf model file",
                ),
            ]
        return [runtime, Check("embedded model", "ok", f"{path} ({_size(path.stat().st_size)})")]
    from blitzls.local.assemble import (
        AssemblyError,
        ensure_model,
        is_verified,
        target_path,
        terminal_progress,
    )

    path = target_path(spec)
    size = _size(spec.size)
    if is_verified(spec, path):
        return [runtime, Check("embedded model", "ok", f"{spec.title}, verified: {path} ({size})")]
    if not prepare:
        return [
            runtime,
            Check(
                "embedded model",
                "ok",
                f"{spec.title}: its {len(spec.parts)} part packages are installed; assembled "
                f"into {path} ({size}) on first use",
            ),
        ]
    started = time.perf_counter()
    try:
        ensure_model(spec, terminal_progress(f"assembling {spec.title} (once)"))
    except AssemblyError as exc:
        return [
            runtime,
            Check(
                "embedded model",
                "fail",
                str(exc),
                "reinstall the part packages: pip install --force-reinstall "
                + " ".join(spec.requirements()),
            ),
        ]
    seconds = time.perf_counter() - started
    return [
        runtime,
        Check(
            "embedded model",
            "ok",
            f"{spec.title}, assembled and verified in {seconds:.1f} s: {path} ({size})",
        ),
    ]


def _version(distribution: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def _head(path: Any) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(4)
    except OSError:
        return b""


async def check_endpoint(settings: Settings, engine: Engine) -> list[Check]:
    """Reach the endpoint, look for the model, and time one tiny request."""
    from blitzls.model.errors import ModelError

    checks: list[Check] = []
    origin = settings.origin("base_url")
    try:
        model = engine.provider.model()
        await asyncio.to_thread(model.warm_up)  # the SDK import is not the endpoint's latency
        started = time.perf_counter()
        try:
            offered = await model.list_models()
        except ModelError as exc:
            if exc.kind == "not_found":  # some servers have no /models; the request tells
                offered = None
            else:
                raise
        if offered is not None:
            seconds = time.perf_counter() - started
            checks.append(
                Check(
                    "endpoint",
                    "ok",
                    f"{model.base_url} answered in {seconds:.2f} s, "
                    f"{len(offered)} model(s) offered",
                )
            )
            if offered and model.model not in offered:
                return [*checks, _unknown_model(model.model, model.base_url, offered, settings)]
        completion = await model.complete(PROBE_MESSAGES, max_tokens=PROBE_MAX_TOKENS)
    except ModelError as exc:
        name = "model" if checks else "endpoint"  # /models answered: the request failed
        return [*checks, _endpoint_problem(exc, settings, origin, name)]
    usage = completion.usage
    first = completion.first_token_seconds or completion.seconds
    streaming = max(completion.seconds - first, 1e-6)
    rate = (
        f", {usage.completion_tokens / streaming:.0f} tok/s"
        if usage.completion_tokens > 1 and completion.seconds > first
        else ""
    )
    checks.append(
        Check(
            "model",
            "ok",
            f"{model.model} answered {completion.text.strip()[:20]!r}: first token "
            f"{first:.2f} s, {usage.completion_tokens} output token(s) in "
            f"{completion.seconds:.2f} s{rate}",
        )
    )
    return checks


def _unknown_model(name: str, base_url: str, offered: list[str], settings: Settings) -> Check:
    shown = ", ".join(sorted(offered)[:12]) + (" …" if len(offered) > 12 else "")
    return Check(
        "model",
        "fail",
        f"model {name!r} is not offered by {base_url} ({settings.origin('model')})",
        f"set the model to one of: {shown} (BLITZLS_MODEL, --model or the 'model' setting)",
    )


def _endpoint_problem(exc: Exception, settings: Settings, origin: str, name: str) -> Check:
    kind = getattr(exc, "kind", "")
    base = settings.base_url
    key_source = (
        f"the apiKey setting ({settings.origin('api_key')})"
        if settings.api_key
        else f"${settings.api_key_env or 'BLITZLS_API_KEY'}"
    )
    if api_key(settings) == LOCAL_API_KEY:
        key_source = "BLITZLS_API_KEY (this server wants a key)"
    fixes = {
        "connection": f"check baseUrl (now {base}, from {origin}): the host and port must be "
        "right and the server running (Ollama: `ollama serve`; llama.cpp: "
        "`llama-server --port 8080`)",
        "timeout": "the endpoint is slow or unreachable: check baseUrl and your network, "
        "or raise connectTimeout/timeout",
        "auth": f"check the key in {key_source}: it must belong to this provider and be active",
        "not_found": f"check the model name ({settings.model!r}) and that baseUrl ends in "
        "the API root, usually /v1",
        "rate_limit": "wait, or check your plan's limits with the provider",
        "config": "fix the setting named above",
    }
    return Check(
        name, "fail", str(exc), fixes.get(kind, "see docs/troubleshooting.md for this message")
    )


def check_cache(settings: Settings) -> Check:
    """The cache directory exists or can be created, and a file can be written there."""
    if not settings.cache:
        return Check("cache", "warn", "disabled (cache = false): repeats cost a model call")
    from blitzls.model.cache import foreign_owner

    directory = cache_dir(settings)
    fix = (
        f"make {directory} writable (chmod u+rwx), free some disk space, or point "
        "BLITZLS_CACHE_DIR / the 'cacheDir' setting at a writable directory"
    )
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        if isinstance(exc, (NotADirectoryError, FileExistsError)):
            fix = (
                f"part of {directory} is a regular file: move it away, or point "
                "BLITZLS_CACHE_DIR / the 'cacheDir' setting at a directory"
            )
        return Check("cache", "fail", f"cannot write to {directory}: {exc.strerror or exc}", fix)
    foreign = foreign_owner(directory)
    if foreign is not None:
        return Check("cache", "fail", f"{directory} is not used: {foreign}", fix)
    used = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
    free = shutil.disk_usage(directory).free
    detail = f"{directory} is writable, {_size(used)} used, {_size(free)} free"
    if free < 50 * 1024 * 1024:
        return Check("cache", "warn", detail + " (the disk is nearly full)", fix)
    mode = directory.stat().st_mode & 0o777
    if mode & 0o077:
        return Check(
            "cache",
            "warn",
            f"{detail}; readable by other users (mode {mode:o})",
            f"chmod 700 {directory}",
        )
    return Check("cache", "ok", detail)


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"  # pragma: no cover


# -- the report -----------------------------------------------------------------------------------


async def diagnose(
    settings: Settings, problems: list[str], *, network: bool = True
) -> tuple[list[Check], str, bool]:
    """All checks, where actions will go (endpoint and model), and whether that is the
    embedded model."""
    from blitzls.engine import Engine

    engine = Engine(settings, use_cache=False)
    checks = check_settings(problems)
    if settings.refusal:
        checks.append(
            Check("project file", "fail", settings.refusal, "fix the file; it is read again then")
        )
    if engine.embedded:
        checks += await asyncio.to_thread(check_embedded, settings, prepare=network)
    key = check_key(settings, engine.embedded)
    checks.append(key)
    target = (
        f"the embedded model ({engine.model_name})"
        if engine.embedded
        else f"{engine.model_name} at {settings.base_url}"
    )
    if not network:
        checks.append(Check("endpoint", "skip", "not contacted (--offline)"))
    elif key.status == "fail" or any(c.status == "fail" for c in checks):
        checks.append(Check("endpoint", "skip", "not contacted until the problems above are fixed"))
    else:
        try:
            checks += await check_endpoint(settings, engine)
        finally:
            await engine.aclose()
    checks.append(check_cache(settings))
    checks.append(check_budget(settings))
    return checks, target, engine.embedded


def check_budget(settings: Settings) -> Check:
    """Whether today's token or cost budget still allows model calls."""
    from blitzls.model.errors import ModelError
    from blitzls.policy import check_budget as within_budget

    if not (settings.daily_token_budget or settings.daily_cost_budget):
        return Check("budget", "ok", "no daily budget set")
    try:
        within_budget(settings)
    except ModelError as exc:
        return Check(
            "budget",
            "fail",
            str(exc),
            "wait until tomorrow, or raise dailyTokenBudget / dailyCostBudget "
            "(cache hits keep working meanwhile)",
        )
    return Check("budget", "ok", "today's spending is within the daily budget")


def render(
    settings: Settings,
    checks: list[Check],
    target: str,
    *,
    embedded: bool,
    write: Callable[[str], Any],
) -> None:
    """The human-readable report."""
    write(f"blitzls {__version__} doctor\n\nConfiguration (value, then where it came from)\n")
    rows = configuration_rows(settings, embedded=embedded)
    width = max(len(key) for key, _, _ in rows)
    for key, shown, origin in rows:
        if len(shown) > 48:
            shown = shown[:45] + "…"
        write(f"  {key:<{width}}  {shown:<48}  {origin}\n")
    write(f"\nActions go to {target}.\n\nChecks\n")
    labels = {"ok": "ok  ", "warn": "warn", "fail": "FAIL", "skip": "skip"}
    for check in checks:
        write(f"  {labels[check.status]}  {check.name}: {check.detail}\n")
        if check.fix and check.status in ("fail", "warn"):
            write(f"        fix: {check.fix}\n")
    failures = [c for c in checks if c.status == "fail"]
    if failures:
        write(
            f"\nVerdict: {len(failures)} problem(s) to fix — apply the fixes above and run "
            "`blitzls doctor` again.\n"
        )
    else:
        write("\nVerdict: ready — code actions will work.\n")


def run_doctor(settings: Settings, problems: list[str], *, as_json: bool, offline: bool) -> int:
    """Print the report; exit code 0 when nothing failed, 1 otherwise."""
    import sys

    checks, target, embedded = asyncio.run(diagnose(settings, problems, network=not offline))
    failed = any(c.status == "fail" for c in checks)
    if as_json:
        payload = {
            "version": __version__,
            "target": target,
            "configuration": [
                {"key": key, "value": shown, "origin": origin}
                for key, shown, origin in configuration_rows(settings, embedded=embedded)
            ],
            "checks": [c.to_dict() for c in checks],
            "ok": not failed,
        }
        print(json.dumps(payload, indent=2))
    else:
        render(settings, checks, target, embedded=embedded, write=sys.stdout.write)
    return 1 if failed else 0


__all__ = ["Check", "diagnose", "mask", "run_doctor"]
