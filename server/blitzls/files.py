"""The files ``blitzls run`` reads and writes: regular files only, bounded, edited in place.

Reading opens without blocking (a FIFO cannot hang the CLI), checks on the open descriptor
that the file is a regular one within :data:`MAX_FILE_BYTES`, and reads at most that much.

Writing goes through symlinks to their target and keeps the file's owner, group and mode. It
is refused for a file on a read-only file system, for a file nobody may write (no write bit:
mode 0444, even for root, as editors do) and for a file the current user may not write
(``access(2)`` with the effective ids).
The new text replaces the file atomically (temporary file, fsync, rename) when the owner can
be kept and the file has one link; otherwise it is written into the existing file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

MAX_FILE_BYTES = 8 * 1024 * 1024  # far beyond any source file an edit needs to read

EXIT_UNREADABLE = 2  # the same code as other bad input on the command line
EXIT_NOT_WRITABLE = 14


class FileRefused(Exception):
    """The file cannot be read or written as asked; ``str(exc)`` is one line for the user."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def read_source(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileRefused(f"{path}: no such file", EXIT_UNREADABLE) from None
    except IsADirectoryError:
        raise FileRefused(f"{path} is a directory", EXIT_UNREADABLE) from None
    except OSError as exc:
        raise FileRefused(f"{path}: {exc.strerror or exc}", EXIT_UNREADABLE) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused(f"{path} is a directory", EXIT_UNREADABLE)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(
                f"{path} is not a regular file ({_kind(info.st_mode)}); nothing was read",
                EXIT_UNREADABLE,
            )
        if info.st_size > limit:
            raise FileRefused(
                f"{path} is {info.st_size:,} bytes, over the limit of {limit:,}; nothing was read",
                EXIT_UNREADABLE,
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise FileRefused(f"{path} is over the limit of {limit:,} bytes", EXIT_UNREADABLE)
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(f"{path}: {exc.strerror or exc}", EXIT_UNREADABLE) from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a plain file"


def write_refusal(path: Path) -> str | None:
    """Why ``path`` (already resolved) may not be written, or None when it may."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    mode = stat.S_IMODE(info.st_mode)
    if not stat.S_ISREG(info.st_mode):
        return f"{path} is not a regular file"
    if _on_read_only_file_system(path):
        return f"{path} is on a read-only file system"
    if not mode & 0o222:
        return f"{path} is read-only (mode {mode:04o}); make it writable first"
    effective = os.access in os.supports_effective_ids
    if not os.access(path, os.W_OK, effective_ids=effective):
        return (
            f"you may not write {path} (owner uid {info.st_uid}, mode {mode:04o}, "
            f"you are uid {os.geteuid()})"
        )
    return None


def _on_read_only_file_system(path: Path) -> bool:
    """Whether ``path`` is on a file system mounted read-only (``access(2)`` would only say
    "not writable", which reads as a question of rights)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs here: access() still refuses
        return False


def write_through(path: Path, data: bytes) -> Path:
    """Write ``data`` to the file ``path`` names, through symlinks; returns the real path.

    Raises :class:`FileRefused` (the file unchanged) when it may not be written.
    """
    target = Path(os.path.realpath(path))
    refusal = write_refusal(target)
    if refusal is not None:
        raise FileRefused(f"{refusal}; nothing was written", EXIT_NOT_WRITABLE)
    info = os.stat(target)
    try:
        if info.st_nlink > 1 or not _replace(target, info, data):
            _overwrite(target, data)
    except OSError as exc:
        raise FileRefused(
            f"cannot write {target}: {exc.strerror or exc}; the file was not changed",
            EXIT_NOT_WRITABLE,
        ) from None
    return target


def _replace(target: Path, info: os.stat_result, data: bytes) -> bool:
    """Replace ``target`` by a new file with ``data``, same owner and mode; False if it can't."""
    directory = target.parent
    if not os.access(directory, os.W_OK | os.X_OK):
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".blitzls", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            written = os.fstat(handle.fileno())
            if (written.st_uid, written.st_gid) != (info.st_uid, info.st_gid):
                try:
                    os.fchown(handle.fileno(), info.st_uid, info.st_gid)
                except PermissionError:  # not ours to give away: write in place instead
                    os.unlink(tmp)
                    return False
            os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))  # after chown (setuid bits)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _overwrite(target: Path, data: bytes) -> None:
    """Write ``data`` into the existing file (its inode, owner, mode and links stay)."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        if data and hasattr(os, "posix_fallocate"):
            try:  # a full disk fails here, before any byte changed
                os.posix_fallocate(fd, 0, len(data))
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                    raise
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
