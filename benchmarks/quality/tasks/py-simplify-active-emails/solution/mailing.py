"""Newsletter mailing lists built from the user table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BOUNCE_LIMIT = 3


@dataclass(frozen=True)
class Subscriber:
    email: str
    active: bool
    bounces: int = 0
    since: date | None = None


def can_receive(subscriber: Subscriber) -> bool:
    return subscriber.active and subscriber.bounces < BOUNCE_LIMIT


def active_emails(subscribers: list[Subscriber]) -> list[str]:
    """Lower-cased addresses of active subscribers, without duplicates, in first-seen order."""
    return list(dict.fromkeys(s.email.lower() for s in subscribers if s.active))


def deliverable(subscribers: list[Subscriber]) -> list[str]:
    """Addresses we may send to: active and not bouncing."""
    good = {s.email.lower() for s in subscribers if can_receive(s)}
    return [email for email in active_emails(subscribers) if email in good]


def joined_since(subscribers: list[Subscriber], day: date) -> int:
    return sum(1 for s in subscribers if s.since is not None and s.since >= day)
