"""A test that needs what this machine has (``BLITZLS_TEST_REQUIRE``) may not skip.

Each case runs pytest itself, in a subprocess, on a small test file with the plugin from
``tests/support/required.py`` loaded, as ``.ci/run`` runs the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, clean_environment

SAMPLE = """\
import pytest

pytestmark = pytest.mark.needs("emacs")


def test_skips_in_the_body():
    pytest.skip("no emacs on PATH")


@pytest.mark.skipif(True, reason="needs Emacs with Eglot")
def test_skips_by_marker():
    pass


@pytest.fixture
def editor():
    pytest.skip("cannot start emacs")


def test_skips_in_a_fixture(editor):
    pass


def test_runs():
    assert True


@pytest.mark.xfail(reason="known")
def test_expected_to_fail():
    assert False
"""
OTHER = """\
import pytest


def test_skips_without_needs():
    pytest.skip("no reason to run")


@pytest.mark.needs("git")
def test_needs_git():
    pytest.skip("git is not installed")
"""


def run_pytest(tmp_path: Path, require: str | None, sample: str = SAMPLE) -> tuple[int, str]:
    (tmp_path / "test_sample.py").write_text(sample, encoding="utf-8")
    (tmp_path / "other_test.py").write_text(OTHER, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\npython_files = *test*.py\n", "utf-8")
    env = clean_environment()
    env.pop("BLITZLS_TEST_REQUIRE", None)
    env["PYTHONPATH"] = str(ROOT)
    if require is not None:
        env["BLITZLS_TEST_REQUIRE"] = require
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.support.required", "-p", "no:randomly",
         "-p", "no:cacheprovider", "-p", "no:asyncio", "-rA", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_without_the_variable_every_skip_is_a_skip(tmp_path: Path) -> None:
    code, out = run_pytest(tmp_path, None)
    assert code == 0, out
    assert "1 passed, 5 skipped, 1 xfailed in" in out


def test_a_required_need_turns_each_of_its_skips_into_a_failure(tmp_path: Path) -> None:
    code, out = run_pytest(tmp_path, "emacs,root")
    assert code == 1, out
    assert "FAILED test_sample.py::test_skips_in_the_body" in out, out
    for name in ("test_skips_by_marker", "test_skips_in_a_fixture"):  # at setup: an error
        assert f"ERROR test_sample.py::{name}" in out, out
    expected = "skipped, but BLITZLS_TEST_REQUIRE says this machine has emacs, so it must run here"
    assert f"{expected}: no emacs on PATH" in out
    assert f"{expected}: needs Emacs with Eglot" in out
    assert f"{expected}: cannot start emacs" in out
    # git is not required here, a test without needs may skip, an xfail stays one
    assert "SKIPPED [1] other_test.py:5: no reason to run" in out
    assert "SKIPPED [1] other_test.py:10: git is not installed" in out
    assert "1 failed, 1 passed, 2 skipped, 1 xfailed, 2 errors in" in out


def test_an_unknown_name_is_refused(tmp_path: Path) -> None:
    code, out = run_pytest(tmp_path, "emacs,vim")
    assert code == 4, out
    assert "BLITZLS_TEST_REQUIRE names vim; known: neovim, helix, emacs" in out
    code, out = run_pytest(tmp_path, None, SAMPLE.replace('needs("emacs")', 'needs("emcas")'))
    assert code == 4, out
    assert "test_sample.py::test_skips_in_the_body: unknown needs(emcas)" in out
