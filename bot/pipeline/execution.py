"""Carry out actions through an adapter: bounded retries, outcomes recorded, sanctions tracked.

Shared by the runner (automatic decisions), the command service (moderator actions) and the
scheduler (timed unmute/unban), so every action gets the same retry, audit and bookkeeping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.actions import (
    REQUIRED_CAPABILITY,
    Action,
    ActionOutcome,
    AlertModerators,
    Ban,
    Mute,
    Unban,
    Unmute,
    action_name,
)
from bot.pipeline.sanctions import sanction_change
from bot.ports import Clock, PlatformAdapter, Store
from bot.records import BOT_ACTOR, AuditEntry, CaseRecord

__all__ = ["ActionExecutor", "RetryPolicy"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    first_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0


class ActionExecutor:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        adapters: Mapping[str, PlatformAdapter],
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._clock = clock
        self._adapters = adapters
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    async def carry_out(
        self,
        platform: str,
        actions: Sequence[Action],
        case: CaseRecord | None = None,
        actor: str = BOT_ACTOR,
    ) -> list[ActionOutcome]:
        """Execute ``actions`` in order; failures are recorded and reported, never raised."""
        adapter = self._adapters.get(platform)
        outcomes: list[ActionOutcome] = []
        for action in actions:
            if adapter is None:
                outcome = ActionOutcome(ok=False, detail=f"no adapter for platform {platform!r}")
            else:
                outcome = await self._execute_with_retry(adapter, action)
            outcomes.append(outcome)
            await self._record(action, outcome, case, actor)
            if outcome.ok:
                await self._track_sanction(platform, action, case, outcome)
            elif adapter is not None and not isinstance(action, AlertModerators):
                await self._report_failure(adapter, action, outcome, case)
        return outcomes

    async def _execute_with_retry(self, adapter: PlatformAdapter, action: Action) -> ActionOutcome:
        required = REQUIRED_CAPABILITY[type(action)]
        if required not in adapter.capabilities:
            return ActionOutcome(ok=False, detail=f"{adapter.platform} cannot {required.value}")
        delay = self._retry.first_delay_seconds
        outcome = ActionOutcome(ok=False, detail="not attempted")
        for attempt in range(1, self._retry.attempts + 1):
            try:
                outcome = await adapter.execute(action)
            except Exception as error:  # an adapter bug must not stop the pipeline
                log.exception("adapter %s raised on %s", adapter.platform, action_name(action))
                outcome = ActionOutcome(
                    ok=False, detail=f"adapter error: {error!r}", retryable=True
                )
            if outcome.ok or not outcome.retryable or attempt == self._retry.attempts:
                break
            wait = outcome.retry_after_seconds if outcome.retry_after_seconds else delay
            await self._sleep(min(wait, self._retry.max_delay_seconds))
            delay = min(delay * 2, self._retry.max_delay_seconds)
        if not outcome.ok and outcome.retryable:
            detail = f"{outcome.detail} (gave up after {self._retry.attempts} attempts)"
            outcome = replace(outcome, detail=detail)
        return outcome

    async def _record(
        self, action: Action, outcome: ActionOutcome, case: CaseRecord | None, actor: str
    ) -> None:
        now = self._clock.now()
        if case is not None:
            await self._store.record_outcome(
                case.community, case.number, action_name(action), outcome, now
            )
            return
        member = getattr(action, "member", None)
        await self._store.audit(
            AuditEntry(
                community=_community_of(action),
                actor=actor,
                action=action_name(action),
                created_at=now,
                target_user_id=getattr(member, "user_id", None),
                reason=getattr(action, "reason", ""),
                detail=("ok" if outcome.ok else "failed: ") + outcome.detail,
            )
        )

    async def _report_failure(
        self,
        adapter: PlatformAdapter,
        action: Action,
        outcome: ActionOutcome,
        case: CaseRecord | None,
    ) -> None:
        community = case.community if case else _community_of(action)
        label = f"case #{case.number}" if case else "a moderator action"
        alert = AlertModerators(
            community=community,
            text=f"Could not {action_name(action)} for {label}: {outcome.detail}",
            case_number=case.number if case else None,
        )
        try:
            await adapter.execute(alert)
        except Exception:
            log.exception("could not report a failed action to the mod log")

    async def _track_sanction(
        self, platform: str, action: Action, case: CaseRecord | None, outcome: ActionOutcome
    ) -> None:
        if not isinstance(action, Mute | Unmute | Ban | Unban):
            return
        now = self._clock.now()
        await self._store.update_sanction(
            action.member.community,
            action.member.user_id,
            platform,
            case.number if case else None,
            lambda state: sanction_change(action, outcome, state, now),
        )


def _community_of(action: Action) -> str:
    if isinstance(action, AlertModerators):
        return action.community
    member = getattr(action, "member", None)
    if member is not None:
        return str(member.community)
    message = getattr(action, "message", None)
    return str(getattr(message, "community", ""))
