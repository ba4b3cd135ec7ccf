"""Which endpoint answers: the configured one, or the embedded model of ``blitzls[local]``
when nothing else is configured and the extra is installed."""

from __future__ import annotations

from collections.abc import Mapping

from blitzls.settings.keys import api_key
from blitzls.settings.providers import EMBEDDED_BASE_URL
from blitzls.settings.schema import DEFAULT_ORIGIN, Settings


def uses_embedded_model(settings: Settings, environ: Mapping[str, str] | None = None) -> bool:
    """True when actions go to the in-process model of the ``blitzls[local]`` extra.

    Chosen explicitly (``provider = "local"`` or ``baseUrl = "embedded"``), or by default
    when no endpoint, provider or key is configured and the extra is installed (which this
    looks up: the package and the model file).
    """
    if settings.base_url == EMBEDDED_BASE_URL:
        return True
    if (
        settings.provider
        or settings.origin("base_url") != DEFAULT_ORIGIN
        or api_key(settings, environ)
    ):
        return False
    from blitzls.local import unavailable_reason

    return unavailable_reason(settings.local_model) is None


def effective_model(settings: Settings, embedded: bool | None = None) -> str:
    """The model name requests carry (the embedded model's when it is chosen by default).

    ``embedded``: the result of :func:`uses_embedded_model` when the caller has it already.
    """
    if embedded is None:
        embedded = uses_embedded_model(settings)
    if embedded and settings.origin("model") in (DEFAULT_ORIGIN, "provider local"):
        from blitzls.local import model_name

        return model_name(settings.local_model)
    return settings.model
