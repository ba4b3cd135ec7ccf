"""Word statistics for plain-text documents."""

from __future__ import annotations

import re
from collections import Counter

WORD_RE = re.compile(r"[A-Za-z']+")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")
STOPWORDS = frozenset({"a", "an", "and", "the", "of", "to", "in", "is", "it", "was"})


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END_RE.split(text) if part.strip()]


def average_sentence_length(text: str) -> float:
    """Mean number of words per sentence (0.0 for an empty text)."""
    parts = sentences(text)
    if not parts:
        return 0.0
    return sum(len(WORD_RE.findall(part)) for part in parts) / len(parts)


def top_words(text: str, n: int = 5) -> list[tuple[str, int]]:
    """The `n` most frequent words that are not stopwords, with their counts."""
    counts = Counter(word.lower() for word in WORD_RE.findall(text))
    for word in STOPWORDS:
        counts.pop(word, None)
    return counts.most_common(n)


def lexical_density(text: str) -> float:
    """Share of the words that are not stopwords."""
    words = [word.lower() for word in WORD_RE.findall(text)]
    if not words:
        return 0.0
    return sum(word not in STOPWORDS for word in words) / len(words)
