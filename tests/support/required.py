"""Tests that must not skip where the machine has what they need (a pytest plugin).

A test that needs an editor, namespaces, root or git carries ``@pytest.mark.needs("emacs")``
(or a module's ``pytestmark``) and skips, with the reason, where that is missing, so the
suite runs anywhere. ``BLITZLS_TEST_REQUIRE=neovim,helix,emacs,…`` names what this machine
has (``.ci/run`` sets it): there, a skip of a test that needs one of those is a failure,
reported with the skip's reason, so a broken install or a lost permission cannot turn into
a silently green run. ``tests/conftest.py`` loads the hooks below.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

REQUIRE_VARIABLE = "BLITZLS_TEST_REQUIRE"

# What a test may need; the names BLITZLS_TEST_REQUIRE accepts.
NEEDS = {
    "neovim": "Neovim >= 0.11 (tests/e2e/test_neovim.py)",
    "helix": "Helix and tmux (tests/e2e/test_helix.py)",
    "emacs": "Emacs with Eglot (tests/e2e/test_emacs.py)",
    "namespaces": "network and mount namespaces (disk-full, network-fault, read-only tests)",
    "root": "running as root (tests that switch users or give files away)",
    "git": "git on PATH (respectGitignore)",
}


def required() -> set[str]:
    """What ``BLITZLS_TEST_REQUIRE`` says this machine has."""
    value = os.environ.get(REQUIRE_VARIABLE, "")
    return {name.strip() for name in value.split(",") if name.strip()}


def _needs_of(item: pytest.Item) -> set[str]:
    return {str(arg) for marker in item.iter_markers("needs") for arg in marker.args}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs(what): skips where WHAT is missing; fails instead when "
        f"{REQUIRE_VARIABLE} names it ({', '.join(NEEDS)})",
    )
    unknown = required() - NEEDS.keys()
    if unknown:
        raise pytest.UsageError(
            f"{REQUIRE_VARIABLE} names {', '.join(sorted(unknown))}; known: {', '.join(NEEDS)}"
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A misspelt ``needs`` would never be required: refuse it at collection."""
    for item in items:
        unknown = _needs_of(item) - NEEDS.keys()
        if unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: unknown needs({', '.join(sorted(unknown))}); "
                f"known: {', '.join(NEEDS)}"
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A skipped test whose needs this machine has (``BLITZLS_TEST_REQUIRE``) fails."""
    report = yield
    if not report.skipped or hasattr(report, "wasxfail"):
        return report
    missing = _needs_of(item) & required()
    if missing:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = (
            f"skipped, but {REQUIRE_VARIABLE} says this machine has "
            f"{', '.join(sorted(missing))}, so it must run here: {reason}"
        )
    return report
