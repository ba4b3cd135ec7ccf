"""Prefetch: compute the action under the cursor once the cursor has rested on it."""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable

from lsprotocol import types

from blitzls.lsp.action_data import ActionTarget, read_target
from blitzls.lsp.client import Client
from blitzls.lsp.features.documents import DocumentSync
from blitzls.lsp.features.engine_host import EngineHost
from blitzls.lsp.features.settings import SettingsSync
from blitzls.lsp.listing import Offer

log = logging.getLogger(__name__)

PREFETCH_IDLE_SECONDS = 0.6  # the cursor must rest this long before a prefetch

Key = tuple[str, int, int, str, int | None]


class _Prefetch:
    __slots__ = ("started", "target", "task")

    def __init__(self, target: ActionTarget) -> None:
        self.target = target
        self.task: asyncio.Task[None]
        self.started = False  # the rest period is over and the model call began


class Prefetcher:
    """Computes a pseudocode or ``ai!`` action in the background once the cursor rests on it.

    Every ``textDocument/codeAction`` request tells where the cursor is (VS Code sends one
    on each cursor move). The first prefetchable action offered there is computed after
    ``PREFETCH_IDLE_SECONDS`` unless, before then, the cursor moves elsewhere, the document
    changes or the user chooses the action (which then computes it itself). A prefetch whose
    model call began runs to its end; its answer lands in the disk cache, where choosing the
    action finds it. Only with ``prefetch`` and the cache on, at most ``prefetchPerMinute``
    model calls a minute.
    """

    def __init__(
        self,
        client: Client,
        documents: DocumentSync,
        config: SettingsSync,
        engines: EngineHost,
    ) -> None:
        self.client = client
        self.documents = documents
        self.config = config
        self.engines = engines
        self._prefetches: dict[Key, _Prefetch] = {}
        self._resting_on: Key | None = None
        self._started_at: collections.deque[float] = collections.deque()

    def cursor_at(self, offers: list[Offer]) -> None:
        """A listing offered ``offers``: the cursor is there now."""
        settings = self.config.settings
        target = None
        if settings.prefetch and settings.cache:
            first = next((offer for offer in offers if offer.prefetchable), None)
            if first is not None:
                target = read_target(first.data, self.config.user_actions)
        key = target.versioned_key if target is not None else None
        if key == self._resting_on:
            return  # asked again about the same place: still resting there
        if self._resting_on is not None:
            self._drop_waiting(lambda waiting: waiting.target.versioned_key == self._resting_on)
        self._resting_on = key
        if target is None or key is None or key in self._prefetches:
            return
        prefetch = _Prefetch(target)
        prefetch.task = asyncio.get_running_loop().create_task(self._after_rest(prefetch))
        self._prefetches[key] = prefetch
        prefetch.task.add_done_callback(lambda _: self._forget(key, prefetch))

    def document_changed(self, uri: str) -> None:
        """The offers on ``uri`` are stale: drop the prefetches still waiting for the rest."""
        self._drop_waiting(lambda waiting: waiting.target.uri == uri)

    async def wait_for(self, target: ActionTarget, timeout: float) -> None:
        """Before ``target`` is computed on request: share a running prefetch's answer, and
        drop one still waiting (computing it twice would pay twice)."""
        prefetch = self._prefetches.get(target.versioned_key)
        if prefetch is None:
            return
        if not prefetch.started:
            self._drop_waiting(lambda waiting: waiting is prefetch)
            return
        await asyncio.wait([prefetch.task], timeout=timeout)  # its answer lands in the cache

    def shutdown(self) -> None:
        for prefetch in list(self._prefetches.values()):
            prefetch.task.cancel()
        self._prefetches.clear()

    def _drop_waiting(self, which: Callable[[_Prefetch], bool]) -> None:
        for key, prefetch in list(self._prefetches.items()):
            if not prefetch.started and which(prefetch):
                prefetch.task.cancel()
                del self._prefetches[key]

    def _forget(self, key: Key, prefetch: _Prefetch) -> None:
        if self._prefetches.get(key) is prefetch:
            del self._prefetches[key]

    async def _after_rest(self, prefetch: _Prefetch) -> None:
        await asyncio.sleep(PREFETCH_IDLE_SECONDS)
        target = prefetch.target
        doc = self.documents.get(target.uri)
        if doc is None or doc.version != target.version or not self._within_budget():
            return
        prefetch.started = True
        label = self.documents.label_for(target.uri)
        self.client.log(
            f"blitzls: prefetching {target.action.id} on {label} line {target.start + 1}",
            types.MessageType.Log,
        )
        from blitzls.requests import build_request

        try:
            request = build_request(
                target.action, self.documents.snapshot(doc), target.start, target.end, point=True
            )
            engine = await self.engines.get()
            await engine.run(request)
        except Exception as exc:  # silent: choosing the action retries
            log.debug("prefetch failed: %s", exc)

    def _within_budget(self) -> bool:
        """At most ``prefetchPerMinute`` prefetches start in any minute."""
        now, limit = time.monotonic(), self.config.settings.prefetch_per_minute
        while self._started_at and now - self._started_at[0] > 60:
            self._started_at.popleft()
        if len(self._started_at) >= limit:
            self.client.log(
                f"blitzls: prefetch held back: prefetchPerMinute ({limit}) reached",
                types.MessageType.Log,
            )
            return False
        self._started_at.append(now)
        return True
