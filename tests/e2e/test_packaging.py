"""The wheel: only the package, a working console entry point, ``--version``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from blitzls import __version__
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "blitzls"  # no stale build/ of a checkout
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "PIP_NO_INDEX": "1"},  # builds offline, from this checkout
    )
    (built,) = out.glob("blitzls-*.whl")
    return built


def test_wheel_holds_the_package_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"blitzls", f"blitzls-{__version__}.dist-info"}
    assert "blitzls/cli.py" in names and "blitzls/lsp/server.py" in names
    assert "blitzls/local/__init__.py" in names  # the optional embedded model's code
    assert not [n for n in names if "/tests/" in n or n.startswith(("tests", "benchmarks"))]
    assert not [n for n in names if n.endswith((".gguf", ".vsix", ".pyc"))]
    assert f"blitzls-{__version__}.dist-info/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"blitzls-{__version__}.dist-info/METADATA").decode()
    assert "Provides-Extra: local" in metadata and "Provides-Extra: test" in metadata
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    runtime = sorted(
        line.split()[1].split(">")[0].split("<")[0] for line in requires if "extra ==" not in line
    )
    grammars = [name for name in runtime if name.startswith("tree-sitter-")]
    assert [name for name in runtime if name not in grammars] == [
        "diskcache",
        "lsprotocol",
        "openai",
        "pyflakes",
        "pygls",
        "tree-sitter",
    ]
    assert "tree-sitter-python" in grammars and "tree-sitter-typescript" in grammars
    # every language with a grammar has its definitions query in the wheel
    assert "blitzls/languages/queries/python.scm" in names
    assert "blitzls/languages/queries/typescript.scm" in names
    entry = zipfile.ZipFile(wheel).read(f"blitzls-{__version__}.dist-info/entry_points.txt")
    assert b"blitzls = blitzls.cli:main" in entry


def test_installed_wheel_reports_its_version(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import blitzls, sys; print(blitzls.__file__); "
            "from blitzls.cli import main; sys.argv = ['blitzls', '--version']; main()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    location, version = done.stdout.splitlines()
    assert location.startswith(str(target))  # the installed copy, not this checkout
    assert version == f"blitzls {__version__}"
    assert (target / "bin" / "blitzls").is_file()
