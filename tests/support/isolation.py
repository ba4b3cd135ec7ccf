"""Run test processes cut off from the world: loopback only, a private resolver, a tiny disk.

- :func:`isolated_command` wraps a command line so it runs in fresh network, mount and PID
  namespaces: the only interface is ``lo``, so no packet can leave the machine, and a
  resolv.conf naming 127.0.0.1 can be bind-mounted over ``/etc/resolv.conf``. Optionally an
  NXDOMAIN responder on 127.0.0.1:53 inside the namespace answers (and logs) every query.
- :func:`port_that_never_connects` is a loopback port where ``connect()`` hangs (no
  namespace needed).
- :class:`TinyDisk` mounts a small tmpfs in a private mount namespace; commands wrapped by
  :meth:`TinyDisk.command` see it, the rest of the machine does not. :meth:`TinyDisk.fill`
  fills it up, so writes there fail with a real ``ENOSPC``; :meth:`TinyDisk.remount_read_only`
  makes them fail with ``EROFS``.

The namespace helpers need the right to create namespaces (root here) and ``unshare``,
``ip``, ``mount`` and ``nsenter``; :func:`namespace_problem` says why not, after trying once.

Run as a script (``python isolation.py nxdomain LOG``) this file is that responder: it binds
the port, then returns while a forked child serves. Standard library only, so it runs without
the tests package on the path.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

_TOOLS = ("unshare", "ip", "mount", "nsenter", "sh")
_NXDOMAIN = 3


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if path is None:
        raise FileNotFoundError(f"{name} is not installed")
    return path


@functools.cache
def namespace_problem() -> str | None:
    """Why namespaces cannot be used here, or None. Tries the real wrappers once per process."""
    missing = [name for name in _TOOLS if _tool_or_none(name) is None]
    if missing:
        return f"needs {', '.join(missing)}"
    with tempfile.TemporaryDirectory(prefix="blitzls-isolation-") as scratch:
        resolv = write_resolv_conf(Path(scratch))
        mountpoint = Path(scratch, "disk")
        mountpoint.mkdir()
        probe = isolated_command(
            [_tool("mount"), "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mountpoint)],
            resolv_conf=resolv,
        )
        try:
            done = subprocess.run(
                probe, capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"cannot start unshare: {exc}"
    if done.returncode != 0:
        return f"cannot create network/mount namespaces here: {done.stderr.strip()}"
    return None


def _tool_or_none(name: str) -> str | None:
    try:
        return _tool(name)
    except FileNotFoundError:
        return None


def skip_without_namespaces() -> None:
    """Skip the calling test, with the reason, when namespaces are not permitted."""
    problem = namespace_problem()
    if problem is not None:
        import pytest

        pytest.skip(f"network/mount namespaces unavailable: {problem}")


def write_resolv_conf(directory: Path) -> Path:
    """A resolv.conf that asks only 127.0.0.1, once, for at most a second."""
    path = directory / "resolv.conf"
    path.write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n", encoding="ascii")
    return path


def isolated_command(
    command: Sequence[str],
    *,
    resolv_conf: Path | None = None,
    nxdomain_log: Path | None = None,
) -> list[str]:
    """``command`` run in new network, mount and PID namespaces, where only ``lo`` exists.

    ``resolv_conf`` is bind-mounted over /etc/resolv.conf (privately: the machine's own file
    is untouched). With ``nxdomain_log``, an NXDOMAIN responder on 127.0.0.1:53 writes each
    asked name to that file, one a line. Every process in the namespaces dies with
    ``command`` (it is PID 1 there) or with the ``unshare`` process.
    """
    steps = [f"{shlex.quote(_tool('ip'))} link set lo up"]
    if resolv_conf is not None:
        steps.append(
            f"{shlex.quote(_tool('mount'))} --bind {shlex.quote(str(resolv_conf))} /etc/resolv.conf"
        )
    if nxdomain_log is not None:
        if resolv_conf is None:
            raise ValueError("an NXDOMAIN responder needs a resolv.conf naming 127.0.0.1")
        steps.append(
            f"{shlex.quote(sys.executable)} {shlex.quote(__file__)} nxdomain "
            f"{shlex.quote(str(nxdomain_log))}"
        )
    script = "set -e; " + "; ".join(steps) + '; exec "$@"'
    return [
        _tool("unshare"),
        "--net",
        "--mount",
        "--propagation=private",
        "--pid",
        "--fork",
        "--kill-child",
        _tool("sh"),
        "-c",
        script,
        "isolated",
        *command,
    ]


class TinyDisk:
    """A ``size_kib`` tmpfs at ``mountpoint``, seen only by commands run via :meth:`command`.

    A holder process keeps the private mount namespace alive until the ``with`` block ends.
    """

    def __init__(self, mountpoint: Path, size_kib: int = 1024) -> None:
        self.mountpoint = mountpoint
        self.size_kib = size_kib
        self._holder: subprocess.Popen[str] | None = None

    def __enter__(self) -> TinyDisk:
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        script = (
            f"{shlex.quote(_tool('mount'))} -t tmpfs -o size={self.size_kib}k tmpfs "
            f"{shlex.quote(str(self.mountpoint))} && echo mounted && exec cat"
        )
        holder = subprocess.Popen(
            [_tool("unshare"), "--mount", "--propagation=private", _tool("sh"), "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._holder = holder
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "mounted":
            self.__exit__(None, None, None)
            raise RuntimeError(f"cannot mount a tmpfs at {self.mountpoint}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        holder, self._holder = self._holder, None
        if holder is None:
            return
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()  # ``cat`` ends, the namespace and its tmpfs go with it
        try:
            holder.wait(timeout=5)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
        holder.stdout.close()

    @property
    def _pid(self) -> int:
        if self._holder is None:
            raise RuntimeError("the disk is not mounted (use it in a with block)")
        return self._holder.pid

    def command(self, command: Sequence[str]) -> list[str]:
        """``command`` run in the mount namespace that sees the tmpfs."""
        return [_tool("nsenter"), f"--mount=/proc/{self._pid}/ns/mnt", "--", *command]

    def inside(self, relative: str = "") -> Path:
        """A path on the tmpfs, as this process can reach it (through the holder's root)."""
        root = Path(f"/proc/{self._pid}/root")
        return root / self.mountpoint.relative_to("/") / relative

    def free_bytes(self) -> int:
        stats = os.statvfs(self.inside())
        return stats.f_bavail * stats.f_frsize

    def remount_read_only(self) -> None:
        """Make the tmpfs read-only: writes there fail with a real ``EROFS``, even for root."""
        subprocess.run(
            self.command([_tool("mount"), "-o", "remount,ro", str(self.mountpoint)]),
            check=True,
            capture_output=True,
        )

    def fill(self) -> None:
        """Write zeros to a file on the tmpfs until the disk is full."""
        fd = os.open(self.inside("filler"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        block = bytes(4096)
        try:
            while True:
                os.write(fd, block)
        except OSError as exc:
            if exc.errno != 28:  # ENOSPC: full, as wanted
                raise
        finally:
            os.close(fd)


@contextlib.contextmanager
def port_that_never_connects() -> Iterator[int]:
    """A loopback port where ``connect()`` hangs: a listener whose accept queue is full.

    ``listen(0)`` and a few connections nobody accepts fill the queue; the kernel then drops
    further SYNs, so a client waits out its connect timeout. Nothing leaves loopback. Raises
    RuntimeError if this kernel answers such SYNs after all (then the port is no use).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    waiting: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        for _ in range(3):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            waiting.append(filler)
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.2)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                pass
            else:
                raise RuntimeError("the kernel accepted a connection beyond a full backlog")
        yield port
    finally:
        for sock in waiting:
            sock.close()
        listener.close()


# -- the NXDOMAIN responder ----------------------------------------------------------------------


def nxdomain_reply(query: bytes) -> tuple[bytes, str] | None:
    """The NXDOMAIN answer to a DNS query and the name it asked for; None if not a query."""
    if len(query) < 12:
        return None
    ident, flags, questions = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or questions != 1:  # a response, or not one question
        return None
    labels, offset = [], 12
    while offset < len(query) and query[offset] != 0:
        length = query[offset]
        labels.append(query[offset + 1 : offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    end = offset + 1 + 4  # the root label, then type and class
    if end > len(query):
        return None
    reply_flags = 0x8000 | (flags & 0x7900) | 0x0080 | _NXDOMAIN  # QR, opcode, RD, RA
    header = struct.pack("!HHHHHH", ident, reply_flags, 1, 0, 0, 0)
    return header + query[12:end], ".".join(labels)


def _serve_nxdomain(log_path: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    if os.fork():  # the port is bound: let the wrapped command start
        os._exit(0)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # never hold the wrapped command's pipes open
        os.dup2(devnull, fd)
    with open(log_path, "a", encoding="utf-8") as log:
        while True:
            query, peer = sock.recvfrom(4096)
            answer = nxdomain_reply(query)
            if answer is None:
                continue
            log.write(answer[1] + "\n")
            log.flush()
            sock.sendto(answer[0], peer)


if __name__ == "__main__" and sys.argv[1:2] == ["nxdomain"]:
    _serve_nxdomain(sys.argv[2])
