"""One repair round: what to tell the model after its reply was refused, and in which format.

A reply that failed in the SEARCH/REPLACE format is asked again as a rewrite of the whole
definition (the format small models follow best) instead of repeating the same request.
"""

from __future__ import annotations

from dataclasses import replace

from blitzls.core.errors import (
    NoChangeError,
    OutsideScopeError,
    ReplyError,
    SyntaxCheckError,
    TooLargeError,
    UndefinedNameError,
    UnsafeTextError,
    listed,
)
from blitzls.core.task import EditTask


def repair(problem: ReplyError, task: EditTask, unit: str, fence: str) -> tuple[EditTask, str]:
    """The task the repaired reply is applied to, and the message asking for it.

    Raises ``problem`` again when another round cannot help.
    """
    if isinstance(problem, (TooLargeError, UnsafeTextError, NoChangeError)):
        raise problem  # unsafe, or (at temperature 0) the same answer again
    whole = "the new code" if unit == "code" else f"the whole {unit}"
    ask = f"Reply with {whole} in one ```{fence} block."
    rewrite = replace(task, reply_format="rewrite")
    if task.reply_format == "search-replace":
        return rewrite, f"Those edits could not be applied ({problem}). Instead: {ask}"
    if isinstance(problem, OutsideScopeError):
        keep = ", ".join(f"`{line.strip()}`" for line in problem.lines[:3])
        what = "the pseudocode comments" if task.pseudocode else f"the {unit}"
        if keep:
            return rewrite, f"Change only {what}; keep {keep} exactly as it was. {ask}"
        return rewrite, f"Change only {what} and nothing around it. {ask}"
    if isinstance(problem, UndefinedNameError):
        verb = "is" if len(problem.names) == 1 else "are"
        return rewrite, (
            f"{listed(problem.names)} {verb} not defined. Define what the code uses, or use "
            f"only what the file has. {ask}"
        )
    if isinstance(problem, SyntaxCheckError):
        return rewrite, f"That code has a syntax error ({problem.problem}). Fix it. {ask}"
    return rewrite, f"I could not use that reply ({problem}). {ask}"
