"""User accounts for a small web app: lookup, sign-up checks and display names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
RESERVED_NAMES = frozenset({"admin", "root", "support"})


@dataclass
class User:
    email: str
    name: str
    joined: datetime = field(default_factory=datetime.now)
    nickname: str | None = None

    @property
    def display_name(self) -> str:
        return self.nickname or self.name


def signup_problems(users: list[User], email: str, name: str) -> list[str]:
    """Why a sign-up would be refused; empty when it is fine."""
    problems = []
    if not EMAIL_RE.match(email.strip()):
        problems.append("that does not look like an e-mail address")
    elif find_user(users, email) is not None:
        problems.append("an account with that e-mail already exists")
    if name.strip().lower() in RESERVED_NAMES:
        problems.append(f"the name {name!r} is reserved")
    return problems


def find_user(users: list[User], email: str) -> User | None:
    """The user with this e-mail address (compared case-insensitively), or None."""
    wanted = email.strip().lower()
    for user in users:
        if user.email.lower() == wanted:
            return user
    return None


def newest(users: list[User], count: int = 5) -> list[User]:
    return sorted(users, key=lambda user: user.joined, reverse=True)[:count]
