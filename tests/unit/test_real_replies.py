"""Replies real models gave in the quality benchmark, replayed through ``blitzls run``.

Each fixture in ``tests/fixtures/real_replies/`` is a reply (or a reply and its repair) that a
real model sent for a benchmark task, and states the right outcome
(``benchmarks/quality/fixtures.py`` decides it from the task's tests):

- ``passes``: the answer works when pasted by hand, so blitzls's result must pass the task's
  tests;
- ``applied`` / ``refused`` / ``no change``: the answer itself is wrong (``why`` says how), so
  blitzls must do exactly what is recorded with it — the same text, or the same refusal
  reason, or "the model made no change".

Where this checkout does otherwise, the fixture carries a ``known_failure`` with what it
does and why that is wrong: the test is an expected failure (strict), so better handling
turns it green on purpose and the fixture is then refreshed (``fixtures.py refresh NAME``),
never the other way round.

A reply blitzls itself stopped once it only echoed the file (``completed``) is stored as the
answer blitzls read: what the model wrote, with the rest of the function from the file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.replay import MOST_REQUESTS, Replayed, load_fixtures, replay
from tests.support.scripted_model import ScriptedModelServer

QUALITY = Path(__file__).resolve().parents[2] / "benchmarks" / "quality"
FIXTURES = load_fixtures()
OUTCOMES = {"passes", "applied", "refused", "no change"}
NO_CHANGE = 16


@pytest.fixture(scope="module")
def endpoint() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer() as server:
        yield server


def _passes_tests(fixture: dict[str, Any], text: str) -> bool:
    sys.path.insert(0, str(QUALITY))
    from tasks import TASKS_DIR, load, run_tests

    return run_tests(load(TASKS_DIR / fixture["task"]), text).passed


def is_right(fixture: dict[str, Any], done: Replayed) -> bool:
    """Whether the replay gives the fixture's right outcome."""
    expect = fixture["expect"]
    if expect["outcome"] == "passes":
        if done.exit_code != 0:
            return False
        known = fixture.get("known_failure")
        if known is not None and done.text == known["text"]:
            return False  # still the recorded wrong result: no need to run the tests
        return ("text" in expect and done.text == expect["text"]) or _passes_tests(
            fixture, done.text
        )
    if expect["outcome"] == "no change" and "text" not in expect:
        return done.exit_code == NO_CHANGE and done.text == fixture["source"]
    return (done.exit_code, done.error, done.text) == (
        expect["exit_code"],
        expect["error"],
        expect["text"],
    )


def test_there_are_real_replies_of_several_models_and_actions() -> None:
    assert len(FIXTURES) >= 60
    assert len({f["model"] for f in FIXTURES}) >= 2
    assert {f["action"] for f in FIXTURES} >= {
        "pseudocode",
        "instruction",
        "edit",
        "fix",
        "docstring",
        "annotations",
        "simplify",
    }


def test_every_fixture_states_its_expectation() -> None:
    for fixture in FIXTURES:
        expect = fixture["expect"]
        assert expect["outcome"] in OUTCOMES, fixture["name"]
        if expect["outcome"] != "passes" and "known_failure" not in fixture:
            assert expect["why"], fixture["name"]  # why a non-passing outcome is right
        if expect["outcome"] == "refused":
            assert expect["exit_code"] not in (0, NO_CHANGE) and expect["error"], fixture["name"]
        if "known_failure" in fixture:
            assert fixture["known_failure"]["why"], fixture["name"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f["name"] for f in FIXTURES])
def test_a_real_reply_gives_the_right_outcome(
    fixture: dict[str, Any], endpoint: ScriptedModelServer, tmp_path: Path
) -> None:
    done = replay(fixture, endpoint, tmp_path)
    assert done.requests <= max(MOST_REQUESTS, len(fixture["replies"]))  # one repair at most
    known = fixture.get("known_failure")
    right = is_right(fixture, done)
    if known is not None:
        if right:
            pytest.fail(
                "this known failure is fixed: refresh the fixture "
                f"(benchmarks/quality/fixtures.py refresh {fixture['name']})"
            )
        pytest.xfail(known["why"])
    expect = fixture["expect"]
    if expect["outcome"] == "passes":
        assert done.exit_code == 0, done.error
        assert right, "the result no longer passes the task's tests"
    else:
        assert (done.exit_code, done.error) == (expect["exit_code"], expect["error"])
        assert done.text == expect["text"]
