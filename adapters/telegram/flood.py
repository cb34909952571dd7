"""The bot's own message budget per group (Telegram allows about 20 a minute in one group).

Notices and warnings beyond the budget are suppressed (a raid must not make the bot the flood)
and counted; mod-log entries beyond the mod-log chat's budget are deferred and later posted as
one digest. ``take_summaries`` tells the moderators what was held back.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FloodGuard", "SuppressedNotices"]

WINDOW_SECONDS = 60.0
MAX_DIGEST_CHARS = 3800  # leave room under Telegram's 4096-character message limit


@dataclass(slots=True)
class SuppressedNotices:
    chat_id: int
    community: str
    count: int = 0
    cases: list[int] = field(default_factory=list)

    def summary(self) -> str:
        cases = ""
        if self.cases:
            shown = ", ".join(f"#{number}" for number in self.cases[:20])
            more = f" and {len(self.cases) - 20} more" if len(self.cases) > 20 else ""
            cases = f" Cases: {shown}{more}."
        return (
            f"Flood limit reached in chat {self.chat_id}: {self.count} notice(s)/warning(s) were "
            f"not posted in the group, to keep the bot from flooding it during a raid.{cases} "
            "The cases themselves were recorded and their sanctions applied."
        )


class FloodGuard:
    def __init__(
        self, limit_per_minute: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit_per_minute
        self._monotonic = monotonic
        self._sent: dict[int, deque[float]] = {}
        self._suppressed: dict[int, SuppressedNotices] = {}
        self._deferred: dict[int, list[str]] = {}

    def _window(self, chat_id: int) -> deque[float]:
        sent = self._sent.setdefault(chat_id, deque())
        horizon = self._monotonic() - WINDOW_SECONDS
        while sent and sent[0] <= horizon:
            sent.popleft()
        return sent

    def remaining(self, chat_id: int) -> int:
        return max(0, self._limit - len(self._window(chat_id)))

    def try_send(self, chat_id: int) -> bool:
        """Spend one message of ``chat_id``'s budget; False when the budget is used up."""
        sent = self._window(chat_id)
        if len(sent) >= self._limit:
            return False
        sent.append(self._monotonic())
        return True

    def record(self, chat_id: int) -> None:
        """Count a message that is sent regardless (answers to moderators' commands)."""
        self._window(chat_id).append(self._monotonic())

    def suppress(self, chat_id: int, community: str, case_number: int | None) -> None:
        held = self._suppressed.setdefault(chat_id, SuppressedNotices(chat_id, community))
        held.count += 1
        if case_number is not None:
            held.cases.append(case_number)

    def take_summaries(self) -> list[SuppressedNotices]:
        taken = list(self._suppressed.values())
        self._suppressed.clear()
        return taken

    def defer(self, mod_log_chat_id: int, text: str) -> None:
        self._deferred.setdefault(mod_log_chat_id, []).append(text)

    def take_digest(self, mod_log_chat_id: int) -> str | None:
        """Deferred mod-log entries as one message (the rest stays deferred if too long)."""
        entries = self._deferred.get(mod_log_chat_id)
        if not entries:
            return None
        parts: list[str] = []
        size = 0
        while entries and (not parts or size + len(entries[0]) < MAX_DIGEST_CHARS):
            entry = entries.pop(0)[:MAX_DIGEST_CHARS]
            parts.append(entry)
            size += len(entry) + 2
        if not entries:
            del self._deferred[mod_log_chat_id]
        header = f"Mod-log digest ({len(parts)} entries held back by the flood limit):"
        return header + "\n\n" + "\n\n".join(parts)

    def deferred_chats(self) -> tuple[int, ...]:
        return tuple(self._deferred)
