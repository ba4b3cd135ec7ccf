"""ModelError: every failure of a model call, as one kind plus a one-line message for the user.

The builders here are pure (no openai import): ``client.py`` maps SDK exceptions onto them.
Messages name the endpoint and, where it helps, the fix; they never contain the API key.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

# sent when no key is set
from blitzls.settings.providers import LOCAL_API_KEY as LOCAL_PLACEHOLDER_KEY

EXIT_CODES: Final[dict[str, int]] = {
    "config": 3,
    "auth": 4,
    "not_found": 5,
    "rate_limit": 6,
    "timeout": 7,
    "connection": 8,
    "server": 9,
    "bad_response": 10,
    "empty": 11,
    "budget": 13,
    "cut_off": 15,
    "cancelled": 130,
}
KINDS: Final = frozenset(EXIT_CODES)

# Reasons a connection was never made that deserve their own hint (see connection_error).
HOST_NOT_FOUND: Final = "host name not found"  # the name does not exist (NXDOMAIN)
LOOKUP_FAILED: Final = "name lookup failed"  # no name server answered (offline, DNS down)

_DETAIL_LIMIT = 160


class ModelError(Exception):
    """A model call failed. ``str(exc)`` is the user-facing one-line ``message``.

    Kinds: config (bad or missing settings), auth (401/403), not_found (404: model or URL),
    rate_limit (429), timeout (connect or between-chunk timeout), connection (refused, DNS, TLS,
    dropped mid-stream), server (5xx and other refusals), bad_response (not an OpenAI-style
    reply), empty (neither answer nor reasoning), cut_off (the stream ended before the model
    finished, or at the output limit), cancelled (the user gave up).
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown ModelError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status  # the HTTP status, when there was one
        self.retry_after = retry_after  # seconds the endpoint asked us to wait (429)

    @property
    def exit_code(self) -> int:
        """Process exit code the CLI uses for this kind."""
        return EXIT_CODES[self.kind]

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ModelError({self.kind!r}, {self.message!r})"


def endpoint_host(base_url: str) -> str:
    """``host[:port]`` of an endpoint URL (the URL itself if it has no host)."""
    parts = urlsplit(base_url)
    return parts.netloc.rpartition("@")[2] or base_url


def endpoint_name(base_url: str) -> str:
    """A short name for messages: ``xAI``, ``OpenRouter`` or the host."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "x.ai" or host.endswith(".x.ai"):
        return "xAI"
    if host == "openrouter.ai" or host.endswith(".openrouter.ai"):
        return "OpenRouter"
    return endpoint_host(base_url)


def key_hint(base_url: str) -> str:
    """Which settings hold the API key for this endpoint."""
    if endpoint_name(base_url) == "xAI":
        return "BLITZLS_API_KEY / XAI_API_KEY"
    return "BLITZLS_API_KEY (or the variable named by BLITZLS_API_KEY_ENV)"


def clean_detail(text: str, secret: str) -> str:
    """``text`` on one line, shortened, with ``secret`` (and its long pieces) removed."""
    if secret:
        text = text.replace(secret, "***")
        if len(secret) >= 16:  # servers often echo a key partially, e.g. its head or tail
            for piece in (secret[:12], secret[-12:]):
                text = text.replace(piece, "***")
    text = " ".join(text.split())
    if len(text) > _DETAIL_LIMIT:
        text = text[: _DETAIL_LIMIT - 1] + "…"
    return text


def _with_detail(message: str, detail: str) -> str:
    return f"{message}: {detail}" if detail else message


def status_error(
    status: int,
    *,
    base_url: str,
    model: str,
    detail: str = "",
    retry_after: float | None = None,
    api_key: str = "",
) -> ModelError:
    """The ModelError for an HTTP error status; ``detail`` is the server's own message."""
    name = endpoint_name(base_url)
    host = endpoint_host(base_url)
    detail = clean_detail(detail, api_key)
    if status == 401:
        if not api_key or api_key == LOCAL_PLACEHOLDER_KEY:
            return ModelError(
                "auth",
                f"{name} wants an API key (401) — set {key_hint(base_url)}",
                status=status,
            )
        return ModelError(
            "auth",
            f"{name} rejected the API key (401) — check {key_hint(base_url)}",
            status=status,
        )
    if status == 403:
        return ModelError(
            "auth",
            _with_detail(f"{name} refused access to model '{model}' (403)", detail)
            + f" — check the account and {key_hint(base_url)}",
            status=status,
        )
    if status == 404:
        if "model" in detail.lower() or model in detail:
            return ModelError(
                "not_found",
                f"model '{model}' not found at {host} (404) — check BLITZLS_MODEL",
                status=status,
            )
        return ModelError(
            "not_found",
            f"{base_url.rstrip('/')}/chat/completions not found (404) — check BLITZLS_BASE_URL "
            f"(usually ends in /v1) and BLITZLS_MODEL ('{model}')",
            status=status,
        )
    if status == 429:
        wait = (
            f"retry in {retry_after:.0f} s"
            if retry_after is not None and retry_after > 0
            else "wait a moment and retry"
        )
        return ModelError(
            "rate_limit",
            _with_detail(f"{name} rate limit hit (429) — {wait}", detail),
            status=status,
            retry_after=retry_after,
        )
    if status == 408:
        return ModelError(
            "timeout", _with_detail(f"{host} timed out the request (408)", detail), status=status
        )
    if status >= 500:
        return ModelError(
            "server",
            _with_detail(f"{name} failed with a server error ({status})", detail)
            + " — try again later",
            status=status,
        )
    return ModelError(
        "server", _with_detail(f"{name} rejected the request ({status})", detail), status=status
    )


def connection_error(base_url: str, reason: str, *, mid_stream: bool = False) -> ModelError:
    """The endpoint could not be reached, or the connection broke while the answer streamed."""
    if mid_stream:
        return ModelError(
            "connection",
            _with_detail(f"the connection to {endpoint_host(base_url)} broke mid-answer", reason),
        )
    if reason == HOST_NOT_FOUND:
        return ModelError(
            "connection", f"cannot reach {base_url} — {reason}; check the host in BLITZLS_BASE_URL"
        )
    if reason == LOOKUP_FAILED:
        return ModelError(
            "connection", f"cannot reach {base_url} — {reason}; check the network and DNS settings"
        )
    suffix = f" ({reason})" if reason else ""
    return ModelError("connection", f"cannot reach {base_url} — is the server running?{suffix}")


def timeout_error(base_url: str, seconds: float, *, connecting: bool = False) -> ModelError:
    """No connection, or no next chunk, within the configured time."""
    host = endpoint_host(base_url)
    if connecting:
        return ModelError(
            "timeout",
            f"cannot connect to {host} within {seconds:g} s — check the network "
            "or BLITZLS_CONNECT_TIMEOUT",
        )
    return ModelError("timeout", f"no answer from {host} within {seconds:g} s (BLITZLS_TIMEOUT)")


def bad_response_error(base_url: str, what: str) -> ModelError:
    """The endpoint answered, but not in the OpenAI chat-completions format."""
    return ModelError(
        "bad_response",
        f"{endpoint_host(base_url)} {what} — is BLITZLS_BASE_URL an OpenAI-compatible endpoint?",
    )


def empty_error(base_url: str, model: str, finish_reason: str | None) -> ModelError:
    """The stream completed without any answer text or reasoning."""
    why = f" (finish_reason: {finish_reason})" if finish_reason else ""
    return ModelError(
        "empty", f"model '{model}' at {endpoint_host(base_url)} returned an empty answer{why}"
    )


def cut_off_error(base_url: str, finish_reason: str | None) -> ModelError:
    """The stream ended before the answer did: never apply (or cache) a partial answer."""
    if finish_reason == "length":
        return ModelError(
            "cut_off",
            f"the answer from {endpoint_host(base_url)} was cut off at the output limit "
            "(finish_reason: length); nothing was changed — raise maxTokens "
            "(BLITZLS_MAX_TOKENS) if the code needs more",
        )
    return ModelError(
        "cut_off",
        f"the answer from {endpoint_host(base_url)} was cut off: the stream ended before the "
        "model finished (no finish_reason); nothing was changed",
    )
