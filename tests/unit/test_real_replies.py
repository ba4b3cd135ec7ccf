"""Replies real models gave in the quality benchmark, replayed through ``blitzls run``.

Each fixture in ``tests/fixtures/real_replies/`` is a reply (or a reply and its repair) that a
real model sent for a benchmark task: ones blitzls once failed to use, and whole-function
answers that solved the task. Replayed against the scripted endpoint, each must still land
exactly as recorded (``benchmarks/quality/fixtures.py export`` records them), so a change to
prompts or reply handling cannot quietly stop applying a reply shape real models produce.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.replay import MOST_REQUESTS, load_fixtures, replay
from tests.support.scripted_model import ScriptedModelServer

FIXTURES = load_fixtures()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer() as server:
        yield server


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


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f["name"] for f in FIXTURES])
def test_a_real_reply_lands_as_recorded(
    fixture: dict[str, Any], endpoint: ScriptedModelServer, tmp_path: Path
) -> None:
    done = replay(fixture, endpoint, tmp_path)
    expect = fixture["expect"]
    assert (done.exit_code, done.error) == (expect["exit_code"], done.error)
    assert done.text == expect["text"]
    assert done.requests <= max(MOST_REQUESTS, len(fixture["replies"]))  # one repair at most
