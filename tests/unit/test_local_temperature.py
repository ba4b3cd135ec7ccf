"""The embedded model samples at temperature 0 unless a request names one: chat and text
completions (a filled-in middle) alike; other routes pass through untouched."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from blitzls.local.child import ZeroTemperatureByDefault


def forwarded(path: str, body: dict[str, Any], method: str = "POST") -> dict[str, Any] | None:
    """The JSON body the wrapped app receives for a request to ``path``."""
    seen: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        seen.append(message.get("body", b""))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}

    async def send(message: Any) -> None:
        pass

    scope = {"type": "http", "method": method, "path": path, "headers": []}
    asyncio.run(ZeroTemperatureByDefault(app)(scope, receive, send))
    return json.loads(seen[0]) if seen and seen[0] else None


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/completions"])
def test_a_completion_without_a_temperature_is_sampled_at_zero(path: str) -> None:
    assert forwarded(path, {"prompt": "x"}) == {"prompt": "x", "temperature": 0.0}
    named = forwarded(path, {"prompt": "x", "temperature": 0.7})
    assert named == {"prompt": "x", "temperature": 0.7}


def test_other_routes_pass_through_untouched() -> None:
    assert forwarded("/extras/tokenize/count", {"input": "x"}) == {"input": "x"}
