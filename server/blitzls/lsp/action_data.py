"""What a code action carries: the ``data`` offered with it, and reading that back.

Listing puts the action id, document URI and version, the target lines and a digest of
those lines into each code action's ``data``; resolve, the ``blitzls.applyAction`` command
and prefetch read it back with ``read_target``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from blitzls.actions import ActionSpec, find_action
from blitzls.text.document import TextDocument

APPLY_ACTION_COMMAND = "blitzls.applyAction"  # clients that cannot resolve edits
EDIT_COMMAND = "blitzls.edit"  # {uri, range, instruction}


class ActionFailed(Exception):
    """An action could not produce an edit; the message is shown to the user."""


def lines_digest(doc: TextDocument, start: int, end: int) -> str:
    """A short fingerprint of lines [start, end) to tell whether they changed."""
    text = "".join(doc.lines[start:end])
    return hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def action_data(
    doc: TextDocument, action_id: str, span: tuple[int, int], *, point: bool, **extra: Any
) -> dict[str, Any]:
    """The ``data`` of a code action for ``action_id`` on lines ``span`` of ``doc``."""
    first, last = span
    return {
        "action": action_id,
        "uri": doc.uri,
        "version": doc.version,
        "start": first,
        "end": last,
        "digest": lines_digest(doc, first, last),
        "point": point,
        **extra,
    }


class ActionTarget:
    """A code action's ``data``, checked (a plain class: dataclasses slow the start-up)."""

    __slots__ = (
        "action",
        "diagnostics",
        "digest",
        "end",
        "instruction",
        "point",
        "start",
        "uri",
        "version",
    )

    def __init__(
        self,
        action: ActionSpec,
        uri: str,
        start: int,
        end: int,
        *,
        version: int | None = None,
        digest: str | None = None,
        point: bool = False,
        instruction: str = "",
        diagnostics: list[Any] | None = None,
    ) -> None:
        self.action, self.uri, self.start, self.end = action, uri, start, end
        self.version = version  # of the document the action was offered on
        self.digest = digest  # of the target lines then
        self.point = point
        self.instruction = instruction
        self.diagnostics = diagnostics or []

    @property
    def key(self) -> tuple[str, int, int, str]:
        """Which action where: a newer request with the same key supersedes an older one."""
        return (self.uri, self.start, self.end, self.action.id)

    @property
    def versioned_key(self) -> tuple[str, int, int, str, int | None]:
        """Which action where, in which version of the document."""
        return (*self.key, self.version)

    def changed_in(self, doc: TextDocument) -> bool:
        """Whether the target lines of ``doc`` differ from those the action was offered on.

        The lines are compared whatever the version says: a client may reopen a document,
        or change it, without raising the version number."""
        if self.end > doc.line_count:
            return True
        if self.digest is None:  # nothing to compare with: trust the version
            return doc.version != self.version
        return lines_digest(doc, self.start, self.end) != self.digest


def read_target(data: Any, user_actions: list[ActionSpec]) -> ActionTarget:
    """Check a code action's ``data``; raises ActionFailed with a message for the user."""
    if not isinstance(data, Mapping):
        raise ActionFailed("the code action carries no data")
    action = find_action(str(data.get("action", "")), user_actions)
    uri, start, end = data.get("uri"), data.get("start"), data.get("end")
    if action is None or not isinstance(uri, str):
        raise ActionFailed("unknown code action")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        raise ActionFailed("the code action has an invalid range")
    version, digest = data.get("version"), data.get("digest")
    return ActionTarget(
        action,
        uri,
        start,
        end,
        version=version if isinstance(version, int) else None,
        digest=digest if isinstance(digest, str) else None,
        point=bool(data.get("point")),
        instruction=str(data.get("instruction") or ""),
        diagnostics=list(data.get("diagnostics") or []),
    )
