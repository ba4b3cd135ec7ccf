"""Benchmark tasks: loading them and running their tests in a temporary copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS_DIR = HERE / "tasks"
ACTIONS = ("pseudocode", "instruction", "edit", "fix", "docstring", "annotations", "simplify")
LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".ts": "typescript",
    ".rs": "rust",
}
FENCE_NAMES = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "typescript",
    "rust": "rust",
}
DISPLAY = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "rust": "Rust",
}
TEST_TIMEOUT = 120


@dataclass(frozen=True)
class Task:
    """One benchmark task, as described in README.md."""

    id: str
    folder: Path
    action: str
    file: str
    test: str
    scope: tuple[int, int]  # 1-based inclusive
    lines: str = ""
    instruction: str = ""
    message: str = ""

    @property
    def language(self) -> str:
        return LANGUAGES[Path(self.file).suffix]

    @property
    def source(self) -> str:
        return (self.folder / self.file).read_text(encoding="utf-8")

    @property
    def solution(self) -> str:
        return (self.folder / "solution" / self.file).read_text(encoding="utf-8")


def _span(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def load(folder: Path) -> Task:
    data = tomllib.loads((folder / "task.toml").read_text(encoding="utf-8"))
    action = data["action"]
    if action not in ACTIONS:
        raise ValueError(f"{folder.name}: unknown action {action!r}")
    return Task(
        id=folder.name,
        folder=folder,
        action=action,
        file=data["file"],
        test=data["test"],
        scope=_span(str(data["scope"])),
        lines=str(data.get("lines", "")),
        instruction=data.get("instruction", ""),
        message=data.get("message", ""),
    )


def load_all(pattern: str = "") -> list[Task]:
    """Every task whose id contains ``pattern`` (all when empty), sorted by id."""
    return [
        load(folder)
        for folder in sorted(TASKS_DIR.iterdir())
        if (folder / "task.toml").is_file() and pattern in folder.name
    ]


@dataclass(frozen=True)
class TestResult:
    passed: bool
    output: str


def copy_task(task: Task, into: Path, text: str | None = None) -> Path:
    """A working copy of the task folder (without the solution); ``text`` replaces the file."""
    work = into / task.id
    shutil.copytree(task.folder, work, ignore=shutil.ignore_patterns("solution", "task.toml"))
    if text is not None:
        (work / task.file).write_text(text, encoding="utf-8")
    return work


def run_tests(task: Task, text: str) -> TestResult:
    """Run the task's tests against ``text`` as the task's file."""
    with tempfile.TemporaryDirectory(prefix="blitzls-quality-") as tmp:
        work = copy_task(task, Path(tmp), text)
        commands = _commands(task, work)
        output = []
        for command in commands:
            try:
                done = subprocess.run(
                    command,
                    cwd=work,
                    capture_output=True,
                    text=True,
                    timeout=TEST_TIMEOUT,
                    env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                )
            except subprocess.TimeoutExpired:
                return TestResult(False, f"timed out after {TEST_TIMEOUT} s: {command}")
            output.append(done.stdout + done.stderr)
            if done.returncode != 0:
                return TestResult(False, "".join(output)[-4000:])
        return TestResult(True, "".join(output)[-4000:])


def _commands(task: Task, work: Path) -> list[list[str]]:
    language = task.language
    if language == "python":
        return [
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:asyncio",
                "-p",
                "no:hypothesispytest",
                task.test,
            ]
        ]
    if language == "javascript":
        return [["node", "--test", task.test]]
    if language == "typescript":
        tsc = HERE / "node_modules" / ".bin" / "tsc"
        if not tsc.exists():
            raise RuntimeError(f"TypeScript is not installed: run `npm ci` in {HERE}")
        sources = sorted(p.name for p in work.glob("*.ts"))
        compile_ = [
            str(tsc),
            "--strict",
            "--target",
            "ES2022",
            "--module",
            "NodeNext",
            "--moduleResolution",
            "NodeNext",
            "--types",
            "node",
            "--typeRoots",
            str(HERE / "node_modules" / "@types"),
            "--skipLibCheck",
            "--outDir",
            "out",
            *sources,
        ]
        (work / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
        test_js = "out/" + task.test.removesuffix(".ts") + ".js"
        return [compile_, ["node", "--test", test_js]]
    if language == "rust":
        return [["rustc", "--edition", "2021", "--test", task.test, "-o", "t"], ["./t"]]
    raise ValueError(f"no test runner for {language}")
