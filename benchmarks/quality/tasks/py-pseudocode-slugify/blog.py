"""Blog post helpers: slugs, excerpts and reading time for markdown posts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WORDS_PER_MINUTE = 200
EXCERPT_WORDS = 30


def slugify(title: str) -> str:
    """Turn a post title into a URL slug: "Hello, World!" -> "hello-world"."""
    # lower-case the title
    # replace every run of characters that are not a-z or 0-9 with a single hyphen
    # strip hyphens from both ends and return the result


@dataclass
class Post:
    title: str
    body: str
    tags: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


def excerpt(body: str, words: int = EXCERPT_WORDS) -> str:
    """The first `words` words of the body, with an ellipsis when it was cut."""
    parts = body.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + "…"


def normalise_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug
