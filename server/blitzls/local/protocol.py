"""The OpenAI chat-completions wire format: parsing requests, building replies. Pure functions."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}
MAX_STOP_STRINGS = 4


class RequestProblem(Exception):
    """A request the endpoint refuses, with the HTTP status and OpenAI error fields."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.kind = kind
        self.param = param
        self.code = code

    def body(self) -> dict[str, Any]:
        return error_body(self.message, kind=self.kind, param=self.param, code=self.code)


@dataclass(frozen=True)
class ChatRequest:
    """What the endpoint needs from a chat-completions request."""

    messages: tuple[Mapping[str, str], ...]
    stream: bool = False
    include_usage: bool = False
    max_tokens: int | None = None
    temperature: float = 0.0  # deterministic unless asked otherwise
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0
    model: str = ""


@dataclass(frozen=True)
class Usage:
    """Token counts of one generation."""

    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0

    def body(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": self.cached_tokens},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }


def error_body(
    message: str,
    *,
    kind: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """An OpenAI-style error object."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def parse_chat_request(raw: bytes) -> ChatRequest:
    """Validate a request body; raise RequestProblem naming the bad field."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise RequestProblem("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise RequestProblem("the request body must be a JSON object")
    messages = _messages(body.get("messages"))
    if body.get("n") not in (None, 1):
        raise RequestProblem("only n=1 is supported", param="n")
    options = body.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise RequestProblem("stream_options must be an object", param="stream_options")
    limit_name = "max_completion_tokens" if "max_completion_tokens" in body else "max_tokens"
    return ChatRequest(
        messages=messages,
        stream=_bool(body, "stream"),
        include_usage=bool(options and options.get("include_usage") is True),
        max_tokens=_optional_int(limit_name, body.get(limit_name), minimum=1),
        temperature=_number(body, "temperature", 0.0, 0.0, 2.0),
        top_p=_number(body, "top_p", 1.0, 0.0, 1.0),
        stop=_stop(body.get("stop")),
        seed=_optional_int("seed", body.get("seed"), minimum=None),
        frequency_penalty=_number(body, "frequency_penalty", 0.0, -2.0, 2.0),
        presence_penalty=_number(body, "presence_penalty", 0.0, -2.0, 2.0),
        model=str(body.get("model") or ""),
    )


def _messages(value: object) -> tuple[Mapping[str, str], ...]:
    if not isinstance(value, list) or not value:
        raise RequestProblem("messages must be a non-empty list", param="messages")
    result = []
    for index, message in enumerate(value):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise RequestProblem(f"{where} must be an object", param=where)
        role = ROLES.get(str(message.get("role")))
        if role is None:
            raise RequestProblem(
                f"{where}.role must be one of {', '.join(ROLES)}, got {message.get('role')!r}",
                param=f"{where}.role",
            )
        result.append({"role": role, "content": _content(message.get("content"), where)})
    return tuple(result)


def _content(value: object, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if not isinstance(part, dict) or part.get("type") != "text":
                raise RequestProblem(
                    f"{where}.content: only text parts are supported", param=f"{where}.content"
                )
            parts.append(str(part.get("text", "")))
        return "".join(parts)
    raise RequestProblem(f"{where}.content must be a string", param=f"{where}.content")


def _bool(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RequestProblem(f"{name} must be true or false", param=name)
    return value


def _number(body: Mapping[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise RequestProblem(f"{name} must be a number from {low:g} to {high:g}", param=name)
    return float(value)


def _optional_int(name: str, value: object, *, minimum: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestProblem(f"{name} must be a whole number", param=name)
    if minimum is not None and value < minimum:
        raise RequestProblem(f"{name} must be at least {minimum}", param=name)
    return value


def _stop(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list)
        or not all(isinstance(item, str) for item in items)
        or len(items) > MAX_STOP_STRINGS
    ):
        raise RequestProblem(
            f"stop must be a string or a list of at most {MAX_STOP_STRINGS} strings", param="stop"
        )
    return tuple(item for item in items if item)


# -- replies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """The fixed fields of one answer's chunks or completion object."""

    model: str
    id: str = field(default_factory=lambda: f"chatcmpl-{secrets.token_hex(12)}")
    created: int = field(default_factory=lambda: int(time.time()))

    def chunk(
        self, delta: Mapping[str, Any], finish_reason: str | None = None, *, usage_field: bool
    ) -> dict[str, Any]:
        """One ``chat.completion.chunk`` with a single choice."""
        chunk = self._base("chat.completion.chunk")
        chunk["choices"] = [
            {"index": 0, "delta": dict(delta), "logprobs": None, "finish_reason": finish_reason}
        ]
        if usage_field:
            chunk["usage"] = None
        return chunk

    def usage_chunk(self, usage: Usage) -> dict[str, Any]:
        """The last chunk of a stream asked for usage: no choices, the token counts."""
        chunk = self._base("chat.completion.chunk")
        chunk["choices"] = []
        chunk["usage"] = usage.body()
        return chunk

    def completion(self, text: str, finish_reason: str, usage: Usage) -> dict[str, Any]:
        """A whole ``chat.completion`` object."""
        body = self._base("chat.completion")
        body["choices"] = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ]
        body["usage"] = usage.body()
        return body

    def _base(self, kind: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": kind,
            "created": self.created,
            "model": self.model,
            "system_fingerprint": "blitzls-local",
        }


def sse(payload: Mapping[str, Any] | str) -> bytes:
    """One server-sent event carrying ``payload`` (JSON, or a literal such as [DONE])."""
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n".encode()


def models_body(model: str, created: int) -> dict[str, Any]:
    """The ``GET /v1/models`` list."""
    return {"object": "list", "data": [model_body(model, created)]}


def model_body(model: str, created: int) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": created, "owned_by": "blitzls-local"}
