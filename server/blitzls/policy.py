"""What may be sent and spent: file exclusions, secret redaction, the daily budget.

Everything here runs before a model call; nothing here builds prompts or reads replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import Sequence

from blitzls.config import Settings, cache_dir
from blitzls.core.request import Snapshot
from blitzls.model.cache import unsafe_directory
from blitzls.model.errors import ModelError
from blitzls.secrets import DEFAULT_EXCLUDES, excluded, quotes_required, redact
from blitzls.text.lines import split_lines
from blitzls.usage_log import today_totals

# Seconds git may take to say whether a file is ignored.
GIT_TIMEOUT = 2.0
# Never send megabytes: about 100k tokens is far beyond any targeted edit.
MAX_PROMPT_CHARS = 400_000
# Lines scanned for secrets around what a prompt shows: a multi-line secret (a private key)
# that starts outside is still recognised.
REDACT_MARGIN = 200


async def check_file(settings: Settings, snapshot: Snapshot, workspace: str) -> None:
    """Refuse a file that an exclude pattern (or, when asked, .gitignore) keeps private, and
    every file while the project file cannot be read (``Settings.refusal``)."""
    if settings.refusal:
        raise ModelError("config", settings.refusal)
    patterns = (*DEFAULT_EXCLUDES, *settings.exclude)
    # The absolute path is checked too: the CLI's workspace may be the file's own folder,
    # and refusing too much is loud while sending too much is silent.
    candidates = [snapshot.label, snapshot.path]
    if snapshot.path and workspace:
        with contextlib.suppress(ValueError):  # another drive
            candidates.append(os.path.relpath(snapshot.path, workspace))
    for candidate in candidates:
        pattern = excluded(candidate, patterns)
        if pattern is not None:
            origin = "pattern" if pattern in settings.exclude else "built-in pattern"
            raise ModelError(
                "config",
                f"{snapshot.label} is excluded from model requests by the {origin} "
                f"'{pattern}' (setting 'exclude'); nothing was sent",
            )
    if (
        settings.respect_gitignore
        and snapshot.path
        and await asyncio.to_thread(git_ignored, snapshot.path)
    ):
        raise ModelError(
            "config",
            f"{snapshot.label} is ignored by git, so it is excluded from model requests "
            "(setting 'respectGitignore'); nothing was sent",
        )


def git_ignored(path: str) -> bool:
    """True when git reports ``path`` as ignored; any git problem counts as not ignored."""
    if not path or not os.path.isabs(path):
        return False
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-q", "--", path],
            cwd=os.path.dirname(path) or None,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def shown_lines(
    settings: Settings,
    lines: Sequence[str],
    regions: Sequence[tuple[int, int]],
    language_id: str = "",
    prose: Sequence[str] = (),
) -> tuple[str, ...]:
    """``lines`` as the model may see them, the line count unchanged: in ``regions`` (what the
    prompt shows) with secrets redacted, elsewhere emptied, so that the work is proportional
    to what is sent, not to the file, and a line outside can never be sent unredacted.

    Each region is scanned with REDACT_MARGIN lines around it, so a secret that spans its
    edge (a private key) is recognised whole. Code (``language_id``) counts only quoted
    values as secrets; ``prose`` is free text the lines quote (an ``ai!`` comment's
    instruction), which is redacted where it appears as it is in the prompt's own words."""
    if not settings.redact:
        return tuple(lines)
    code = quotes_required(language_id)
    shown = [""] * len(lines)
    spans: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        start, end = max(start - REDACT_MARGIN, 0), min(end + REDACT_MARGIN, len(lines))
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        elif start < end:
            spans.append((start, end))
    for start, end in spans:
        text = "".join(lines[start:end])
        redacted = split_lines(redact(text, quotes_required=code)[0])
        if len(redacted) == end - start + 1 and redacted[-1] == "":
            redacted.pop()  # the chunk ends with a line break: no line after it
        if len(redacted) != end - start:  # cannot happen: redaction keeps every line break
            raise ModelError("config", "redacting secrets changed the line count; nothing was sent")
        shown[start:end] = redacted
    for text in prose:
        quoted = shown_text(settings, text)
        if quoted != text and "\n" not in text and "\r" not in text:
            shown = [line.replace(text, quoted) if text in line else line for line in shown]
    return tuple(shown)


def shown_text(settings: Settings, text: str) -> str:
    """Free text (an instruction, diagnostics) as the model may see it."""
    return redact(text)[0] if settings.redact and text else text


def check_prompt_size(messages: Sequence[dict[str, str]]) -> None:
    size = sum(len(m["content"]) for m in messages)
    if size > MAX_PROMPT_CHARS:
        raise ModelError(
            "config",
            f"the request would send {size:,} characters to the model (limit "
            f"{MAX_PROMPT_CHARS:,}): select fewer lines, or lower contextLines — very long "
            "lines (minified or generated code) make this happen",
        )


def check_budget(settings: Settings) -> None:
    """Refuse a model call once today's token or money budget is spent."""
    if not settings.daily_token_budget and not settings.daily_cost_budget:
        return
    directory = cache_dir(settings)
    problem = directory.is_dir() and unsafe_directory(directory)
    if problem:  # totals someone else can rewrite cannot hold a budget
        raise ModelError("budget", f"today's spending cannot be counted in {directory}: {problem}")
    spent_tokens, spent_cost = today_totals(directory)
    if settings.daily_token_budget and spent_tokens >= settings.daily_token_budget:
        raise ModelError(
            "budget",
            f"today's token budget is spent ({spent_tokens} of {settings.daily_token_budget}); "
            "raise dailyTokenBudget or wait until tomorrow — cached answers still work",
        )
    if settings.daily_cost_budget and spent_cost >= settings.daily_cost_budget:
        raise ModelError(
            "budget",
            f"today's budget is spent (${spent_cost:.4f} of ${settings.daily_cost_budget:.2f}); "
            "raise dailyCostBudget or wait until tomorrow — cached answers still work",
        )
