"""Small caches the adapter keeps: users seen (to resolve @username) and chat administrators."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from telegram import User

__all__ = ["SeenUser", "SeenUsers", "display_name_of"]

DEFAULT_CAPACITY = 10_000


@dataclass(frozen=True, slots=True)
class SeenUser:
    user_id: int
    display_name: str
    username: str = ""
    is_bot: bool = False


def display_name_of(user: User) -> str:
    """``Full Name (@username)``: what moderators recognise in the mod log."""
    name = user.full_name or str(user.id)
    return f"{name} (@{user.username})" if user.username else name


class SeenUsers:
    """Least-recently-seen cache of users, by id and by lower-cased @username.

    Telegram has no "look up a user by username" call for bots, so ``/ban @someone`` can only
    target people the bot has already seen speak (or join) in a watched group.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._by_id: OrderedDict[int, SeenUser] = OrderedDict()
        self._id_by_username: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def remember(self, user: User | None) -> None:
        if user is None:
            return
        seen = SeenUser(user.id, display_name_of(user), user.username or "", user.is_bot)
        old = self._by_id.pop(user.id, None)
        if old is not None and old.username:
            self._id_by_username.pop(old.username.lower(), None)
        self._by_id[user.id] = seen
        if seen.username:
            self._id_by_username[seen.username.lower()] = user.id
        while len(self._by_id) > self._capacity:
            _, evicted = self._by_id.popitem(last=False)
            if evicted.username and self._id_by_username.get(evicted.username.lower()) == (
                evicted.user_id
            ):
                del self._id_by_username[evicted.username.lower()]

    def by_username(self, username: str) -> SeenUser | None:
        user_id = self._id_by_username.get(username.lstrip("@").lower())
        return None if user_id is None else self._by_id.get(user_id)

    def by_id(self, user_id: int) -> SeenUser | None:
        return self._by_id.get(user_id)
