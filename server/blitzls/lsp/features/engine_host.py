"""The engine's life in the server: built off the start-up path, reconfigured, closed."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from blitzls.config import Settings

if TYPE_CHECKING:  # the engine, the model client and the cache load off the start-up path
    from blitzls.engine import Engine

log = logging.getLogger(__name__)


def _build(settings: Settings, workspace: str) -> Engine:
    from blitzls.engine import Engine

    return Engine(settings, workspace=workspace)


class EngineHost:
    """Owns the one ``Engine``; builds it on first use, normally from a warm-up thread.

    Settings and the engine are read and written under one lock, so an engine being built
    by the warm-up thread while new settings arrive still ends up with the new settings.
    """

    def __init__(
        self, settings: Settings, build: Callable[[Settings, str], Engine] = _build
    ) -> None:
        self._settings = settings
        self._workspace = ""
        self._build = build
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The engine, imported and built on first use."""
        with self._lock:
            if self._engine is None:
                self._engine = self._build(self._settings, self._workspace)
            return self._engine

    async def get(self) -> Engine:
        """The engine, without blocking the event loop while it is imported and built."""
        engine = self._engine
        if engine is not None:
            return engine
        return await asyncio.to_thread(lambda: self.engine)

    @property
    def cache_warning(self) -> str | None:
        """Why the disk cache is off, when a disk fault turned it off."""
        engine = self._engine
        return engine.cache.warning if engine is not None else None

    def configure(self, settings: Settings, workspace: str) -> None:
        """Use ``settings`` from now on (an engine not built yet is built with them)."""
        with self._lock:
            self._settings, self._workspace = settings, workspace
            engine = self._engine
        if engine is not None:
            engine.workspace = workspace
            engine.configure(settings)

    def warm_up_in_background(self) -> None:
        """Import the model client and open the cache off the request path."""

        def run() -> None:
            try:
                self.engine.warm_up()
            except Exception:  # warming is an optimisation; real errors surface on use
                log.debug("warm-up failed", exc_info=True)
            # the model client's modules, like the server's, stay for good: keep them out of
            # later full collections (their young garbage is collected first)
            gc.collect(1)
            gc.freeze()

        threading.Thread(target=run, name="blitzls-warm-up", daemon=True).start()

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.aclose()
