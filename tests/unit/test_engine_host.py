"""EngineHost: settings that arrive while the warm-up thread builds the engine are kept."""

from __future__ import annotations

import threading
from typing import Any

from blitzls.config import Settings
from blitzls.lsp.features.engine_host import EngineHost


class RecordingEngine:
    """Stands in for the engine: remembers the settings it was built and configured with."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workspace = ""

    def configure(self, settings: Settings) -> None:
        self.settings = settings


def test_settings_applied_while_the_engine_is_being_built_reach_it() -> None:
    old, new = Settings(model="old-model"), Settings(model="new-model")
    building, release = threading.Event(), threading.Event()

    def slow_build(settings: Settings, workspace: str) -> Any:
        building.set()
        release.wait(5)  # the warm-up thread is importing the model client
        return RecordingEngine(settings)

    host = EngineHost(old, build=slow_build)
    warm_up = threading.Thread(target=lambda: host.engine)
    warm_up.start()
    assert building.wait(5)
    configure = threading.Thread(target=host.configure, args=(new, "/project"))
    configure.start()
    configure.join(0.3)  # without the lock it would finish now, finding no engine to update
    release.set()
    warm_up.join(5)
    configure.join(5)
    engine = host.engine
    assert engine.settings.model == "new-model"
    assert engine.workspace == "/project"


def test_an_engine_built_after_new_settings_uses_them() -> None:
    host = EngineHost(Settings(model="old-model"), build=lambda s, w: RecordingEngine(s))
    host.configure(Settings(model="new-model"), "/project")
    assert host.engine.settings.model == "new-model"
