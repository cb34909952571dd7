"""Timed unmute/unban from the store: resumed on start, catching up, each firing once.

A scheduled lift never undoes a later, longer sanction: before an unban fires, the member's
current sanction is read, and a ban for good (or a ban that now ends later) wins.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.actions import ActionOutcome, MemberRef, Mute, Unban, Unmute
from bot.pipeline.execution import ActionExecutor
from bot.ports import Clock, Store
from bot.records import BOT_ACTOR, AuditEntry, RetentionPolicy, ScheduledAction, ScheduledKind

__all__ = ["Scheduler"]

log = logging.getLogger(__name__)

RETRY_FAILED_AFTER = timedelta(minutes=5)
PURGE_EVERY = timedelta(hours=6)


class Scheduler:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        executor: ActionExecutor,
        poll_seconds: float = 30.0,
        retention: Callable[[], RetentionPolicy] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._executor = executor
        self._poll_seconds = poll_seconds
        self._retention = retention
        self._last_purge: datetime | None = None
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Re-check the schedule now (after a new action was scheduled)."""
        self._wake.set()

    async def run_due(self) -> int:
        """Fire everything due now; returns how many actions were carried out."""
        now = self._clock.now()
        fired = 0
        for item in await self._store.due_actions(now):
            if not await self._store.claim_scheduled(item.id, now):
                continue  # fired or cancelled by someone else meanwhile
            if await self._fire(item, now):
                fired += 1
        await self._purge_if_due(now)
        return fired

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:
                log.exception("scheduler pass failed; retrying at the next poll")
            delay = self._poll_seconds
            next_due = await self._safe_next_due()
            if next_due is not None:
                seconds = (next_due - self._clock.now()).total_seconds()
                delay = max(0.0, min(delay, seconds))
            self._wake.clear()
            stop_task = asyncio.ensure_future(stop.wait())
            wake_task = asyncio.ensure_future(self._wake.wait())
            _, pending = await asyncio.wait(
                {stop_task, wake_task}, timeout=delay, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()

    async def _safe_next_due(self) -> datetime | None:
        try:
            return await self._store.next_due_at()
        except Exception:
            log.exception("could not read the next due time")
            return None

    async def _fire(self, item: ScheduledAction, now: datetime) -> bool:
        sanction = await self._store.get_sanction(item.community, item.user_id)
        member = MemberRef(community=item.community, user_id=item.user_id)
        if item.kind is ScheduledKind.UNBAN:
            if sanction.banned_forever or (
                sanction.banned_until is not None and sanction.banned_until > now
            ):
                await self._skip(item, now, "a later or permanent ban is in force")
                return False
            action: Unban | Unmute | Mute = Unban(member=member, reason=_reason(item))
        elif item.kind is ScheduledKind.REAPPLY_MUTE:
            if sanction.muted_until is None or sanction.muted_until <= now:
                await self._skip(item, now, "the mute is over or was lifted")
                return False
            action = Mute(member=member, until=sanction.muted_until, reason=_reason(item))
        else:
            if sanction.muted_until is not None and sanction.muted_until > now:
                await self._skip(item, now, "a later mute is in force")
                return False
            action = Unmute(member=member, reason=_reason(item))
        outcomes = await self._executor.carry_out(item.platform, (action,))
        outcome = outcomes[0] if outcomes else ActionOutcome(ok=False, detail="not run")
        if not outcome.ok and outcome.retryable:
            await self._store.schedule(
                item.community,
                item.platform,
                item.user_id,
                item.kind,
                now + RETRY_FAILED_AFTER,
                item.case_number,
            )
        return outcome.ok

    async def _skip(self, item: ScheduledAction, now: datetime, why: str) -> None:
        await self._store.audit(
            AuditEntry(
                community=item.community,
                actor=BOT_ACTOR,
                action=f"{item.kind.value}_skipped",
                created_at=now,
                target_user_id=item.user_id,
                case_number=item.case_number,
                reason=why,
            )
        )

    async def _purge_if_due(self, now: datetime) -> None:
        if self._retention is None:
            return
        if self._last_purge is not None and now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        counts = await self._store.purge_expired(now, self._retention())
        if any(counts.values()):
            log.info("retention purge: %s", counts)


def _reason(item: ScheduledAction) -> str:
    suffix = f" (case #{item.case_number})" if item.case_number else ""
    return f"scheduled {item.kind.value} fell due{suffix}"
