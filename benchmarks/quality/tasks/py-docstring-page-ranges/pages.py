"""Page selections for a print dialog, written like "1-3,5,8-"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrintJob:
    document: str
    pages: tuple[int, ...]
    copies: int = 1


def clamp(page: int, last_page: int) -> int:
    return max(1, min(page, last_page))


def parse_pages(spec: str, last_page: int) -> list[int]:
    pages: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            start_text, _, end_text = part.partition("-")
            start = int(start_text) if start_text else 1
            end = int(end_text) if end_text else last_page
            if start > end:
                raise ValueError(f"backwards range {part!r}")
            pages.update(range(clamp(start, last_page), clamp(end, last_page) + 1))
        else:
            pages.add(clamp(int(part), last_page))
    return sorted(pages)


def format_pages(pages: list[int]) -> str:
    """The shortest spec for sorted `pages`: [1, 2, 3, 5] -> "1-3,5"."""
    parts = []
    run_start = previous = None
    for page in [*pages, None]:
        if previous is not None and page != previous + 1:
            parts.append(str(run_start) if run_start == previous else f"{run_start}-{previous}")
            run_start = page
        elif run_start is None:
            run_start = page
        previous = page
    return ",".join(parts)


def make_job(document: str, spec: str, last_page: int, copies: int = 1) -> PrintJob:
    return PrintJob(document, tuple(parse_pages(spec, last_page)), copies)
