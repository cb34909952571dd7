"""One Bot API call with Telegram's failure modes turned into ActionOutcomes (never raised).

RetryAfter is honoured (sleep, then try again) while the wait stays under a bound; network
errors and timeouts are retried a bounded number of times; BadRequest / Forbidden are final
and explained in words a moderator understands.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.actions import ActionOutcome

__all__ = ["ApiCaller", "ApiFailure", "RetryPolicy", "explain_bad_request", "retry_after_seconds"]

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_FLOOD_RETRIES = 3

# Bot API descriptions (lower-cased fragments) -> what a moderator should read.
_BAD_REQUEST_HINTS: tuple[tuple[str, str], ...] = (
    ("message to delete not found", "the message is already gone (deleted before the bot acted)"),
    ("message can't be deleted", "the bot may not delete that message (missing admin right?)"),
    ("not enough rights", "the bot lacks the admin right for this (see the rights check)"),
    ("can't remove chat owner", "the group owner cannot be restricted or banned"),
    ("user is an administrator", "the member is a chat administrator; bots cannot restrict them"),
    ("user not found", "the member is not (or no longer) in the group"),
    ("participant_id_invalid", "the member is not (or no longer) in the group"),
    ("chat not found", "the bot cannot see that chat (removed from it, or a wrong chat id)"),
    ("message to be replied not found", "the message to answer is gone"),
    ("message to edit not found", "the mod-log entry to update is gone"),
)


class ApiFailure(Exception):
    """Raised inside the adapter to abandon an action; carries the outcome to return."""

    def __init__(self, outcome: ActionOutcome) -> None:
        super().__init__(outcome.detail)
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retry_wait_seconds: float = 30.0
    network_retries: int = 3
    network_retry_delay_seconds: float = 1.0


def retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 warns when reading the int form; accept either form without tripping the warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def explain_bad_request(description: str) -> str:
    lowered = description.lower()
    for fragment, explanation in _BAD_REQUEST_HINTS:
        if fragment in lowered:
            return f"{explanation} (Telegram: {description})"
    return f"Telegram refused: {description}"


class ApiCaller:
    """Runs ``make()`` (a Bot API coroutine factory) under ``policy``; raises ApiFailure."""

    def __init__(
        self,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._policy = policy
        self._sleep = sleep
        self.waited_seconds = 0.0  # total RetryAfter wait, for the mod log and benchmarks

    async def __call__(self, what: str, make: Callable[[], Awaitable[T]]) -> T:
        network_failures = 0
        flood_waits = 0
        while True:
            try:
                return await make()
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                if wait > self._policy.max_retry_wait_seconds or flood_waits >= MAX_FLOOD_RETRIES:
                    raise ApiFailure(
                        ActionOutcome(
                            ok=False,
                            detail=f"{what}: Telegram flood control, retry in {wait:g} s",
                            retryable=True,
                            retry_after_seconds=wait,
                        )
                    ) from error
                flood_waits += 1
                log.info("%s: flood control, waiting %.1f s as Telegram asks", what, wait)
                self.waited_seconds += wait
                await self._sleep(wait)
            except BadRequest as error:
                raise ApiFailure(
                    ActionOutcome(ok=False, detail=f"{what}: {explain_bad_request(error.message)}")
                ) from error
            except Forbidden as error:
                raise ApiFailure(
                    ActionOutcome(
                        ok=False,
                        detail=f"{what}: the bot is not allowed here ({error.message})",
                    )
                ) from error
            except (InvalidToken, ChatMigrated) as error:
                raise ApiFailure(
                    ActionOutcome(ok=False, detail=f"{what}: {error.message}")
                ) from error
            except NetworkError as error:  # includes TimedOut, 5xx and dropped connections
                network_failures += 1
                if network_failures > self._policy.network_retries:
                    raise ApiFailure(
                        ActionOutcome(
                            ok=False,
                            detail=f"{what}: network error after {network_failures} tries "
                            f"({error.message})",
                            retryable=True,
                        )
                    ) from error
                delay = self._policy.network_retry_delay_seconds * network_failures
                log.warning("%s: %s - retry %d in %.1f s", what, error, network_failures, delay)
                await self._sleep(delay)
            except TelegramError as error:
                raise ApiFailure(
                    ActionOutcome(ok=False, detail=f"{what}: {error.message}")
                ) from error
