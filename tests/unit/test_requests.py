"""Turning "this action, here" into a request: where an action does not apply."""

from __future__ import annotations

import pytest

from blitzls.actions import find_action
from blitzls.core.request import Snapshot
from blitzls.replies.extract import ReplyError
from blitzls.requests import RequestError, build_request

SNAPSHOT = Snapshot(("x = 1\n", "y = 2\n", ""), 1, "python", "a.py")


def test_an_instruction_action_without_an_ai_comment_is_a_request_error() -> None:
    action = find_action("instruction")
    assert action is not None
    with pytest.raises(RequestError, match="no 'ai!' instruction comment"):
        build_request(action, SNAPSHOT, 0, 1, point=True)


def test_an_edit_without_an_instruction_is_a_request_error() -> None:
    action = find_action("edit")
    assert action is not None
    with pytest.raises(RequestError, match="needs an instruction"):
        build_request(action, SNAPSHOT, 0, 1, point=False, instruction="  ")


def test_a_request_error_is_not_a_reply_error() -> None:
    assert not issubclass(RequestError, ReplyError)
