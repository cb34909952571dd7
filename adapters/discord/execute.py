"""Carry out core actions with discord.py; every platform error becomes an ActionOutcome.

403 -> final, naming the missing permission; 404 -> final ("message already deleted", ...);
429 / 5xx / connection errors -> retried here a few times, then handed back as retryable with
``retry_after_seconds`` so the runner may try again later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import aiohttp
import discord

from adapters.discord.config import DiscordAdapterConfig
from adapters.discord.modlog import build_modlog_embed, build_modlog_view
from bot.actions import (
    Action,
    ActionOutcome,
    AlertModerators,
    Ban,
    DeleteMessage,
    Kick,
    MemberRef,
    Mute,
    SendNotice,
    Unban,
    Unmute,
    Warn,
    action_name,
)
from bot.ports import Clock

__all__ = ["MAX_TIMEOUT", "ActionExecutor", "PermanentActionError"]

_log = logging.getLogger(__name__)

MAX_TIMEOUT = timedelta(days=28)


class _AppliedUntil(str):
    """An outcome detail that also says until when a capped mute really runs."""

    applied_until: datetime

    def __new__(cls, detail: str, applied_until: datetime) -> _AppliedUntil:
        instance = super().__new__(cls, detail)
        instance.applied_until = applied_until
        return instance


# Discord measures the 28 days from its own clock: stay a little under to survive clock skew.
_TIMEOUT_SAFETY = timedelta(minutes=5)
MAX_PURGE_SECONDS = 7 * 24 * 3600

_NOTICE_TITLES = {"nl": "Niet hier", "fr": "Pas ici", "en": "Not here", "de": "Nicht hier"}
_CHARTER_LABELS = {
    "nl": "Lees het charter",
    "fr": "Lire la charte",
    "en": "Read the charter",
    "de": "Charta lesen",
}
_CASE_LABELS = {"nl": "Zaak", "fr": "Dossier", "en": "Case", "de": "Fall"}

_PERMISSION_NEEDED = {
    "notice": "Send Messages + Embed Links",
    "delete": "Manage Messages",
    "warn": "Send Messages",
    "mute": "Moderate Members",
    "unmute": "Moderate Members",
    "kick": "Kick Members",
    "ban": "Ban Members",
    "unban": "Ban Members",
    "alert": "Send Messages + Embed Links in the mod-log channel",
}
_NOT_FOUND = {
    "notice": "channel or message not found",
    "delete": "message already deleted",
    "warn": "channel not found",
    "mute": "member not found (left the server?)",
    "unmute": "member not found (left the server?)",
    "kick": "member not found (already left?)",
    "ban": "user not found",
    "alert": "mod-log channel not found",
}


class PermanentActionError(Exception):
    """An action that cannot succeed as asked (bad id, missing config): not retryable."""


class _Retryable(Exception):
    def __init__(self, detail: str, retry_after: float | None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


def _snowflake(value: str, what: str) -> int:
    if not value.isdigit():
        raise PermanentActionError(f"invalid Discord {what} id {value!r}")
    return int(value)


def _lang_text(table: dict[str, str], lang: str) -> str:
    return table.get(lang.split("-")[0].lower(), table["en"])


def _retry_after_of(error: discord.HTTPException) -> float | None:
    header = error.response.headers.get("Retry-After") if error.response is not None else None
    try:
        return float(header) if header else None
    except ValueError:
        return None


class ActionExecutor:
    """Maps each core action onto discord.py calls (REST only: no cache is required)."""

    def __init__(self, client: discord.Client, config: DiscordAdapterConfig, clock: Clock) -> None:
        self._client = client
        self._config = config
        self._clock = clock
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def execute(self, action: Action) -> ActionOutcome:
        """Run ``action`` with a bounded retry for transient failures; never raises."""
        name = action_name(action)
        attempts = self._config.action_attempts
        for attempt in range(1, attempts + 1):
            try:
                detail = await self._run_once(name, action)
                applied = detail.applied_until if isinstance(detail, _AppliedUntil) else None
                return ActionOutcome(ok=True, detail=str(detail), applied_until=applied)
            except _Retryable as transient:
                wait = transient.retry_after
                if wait is None:
                    wait = self._config.action_retry_base_seconds * 2 ** (attempt - 1)
                too_long = wait > self._config.action_retry_max_wait_seconds
                if attempt == attempts or too_long:
                    return ActionOutcome(
                        ok=False,
                        detail=f"{name}: {transient.detail} (after {attempt} attempt(s))",
                        retryable=True,
                        retry_after_seconds=wait,
                    )
                _log.info("%s: %s; retrying in %.2fs", name, transient.detail, wait)
                await self._sleep(wait)
            except PermanentActionError as error:
                return ActionOutcome(ok=False, detail=f"{name}: {error}")
        raise AssertionError("unreachable: the loop returns on its last attempt")

    async def _run_once(self, name: str, action: Action) -> str:
        try:
            return await self._dispatch(action)
        except discord.Forbidden as error:
            needed = _PERMISSION_NEEDED.get(name, "the needed permission")
            raise PermanentActionError(
                f"Discord refused (403): the bot lacks {needed} "
                f"or its role is below the member's ({error.text or 'Missing Permissions'})"
            ) from None
        except discord.NotFound as error:
            raise PermanentActionError(
                f"{_NOT_FOUND.get(name, 'not found')} (404: {error.text or 'Unknown'})"
            ) from None
        except discord.RateLimited as error:
            raise _Retryable("rate limited by Discord (429)", error.retry_after) from None
        except discord.DiscordServerError as error:
            raise _Retryable(f"Discord server error ({error.status})", None) from None
        except discord.HTTPException as error:
            if error.status == 429:
                raise _Retryable("rate limited by Discord (429)", _retry_after_of(error)) from None
            if error.status >= 500:
                raise _Retryable(f"Discord server error ({error.status})", None) from None
            raise PermanentActionError(
                f"Discord rejected the request ({error.status}: {error.text})"
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise _Retryable(f"connection error ({type(error).__name__})", None) from None

    async def _dispatch(self, action: Action) -> str:
        if isinstance(action, SendNotice):
            return await self._notice(action)
        if isinstance(action, DeleteMessage):
            ref = action.message
            channel_id = _snowflake(ref.thread_id or ref.channel_id, "channel")
            message_id = _snowflake(ref.message_id, "message")
            await self._client.http.delete_message(channel_id, message_id, reason=action.reason)
            return f"deleted message {ref.message_id}"
        if isinstance(action, Warn):
            return await self._warn(action)
        if isinstance(action, Mute):
            return await self._mute(action)
        if isinstance(action, Unmute):
            return await self._unmute(action)
        if isinstance(action, Kick):
            guild_id, user_id = self._member_ids(action.member)
            await self._client.http.kick(user_id, guild_id, reason=action.reason or None)
            return f"kicked {action.member.user_id}"
        if isinstance(action, Ban):
            return await self._ban(action)
        if isinstance(action, Unban):
            return await self._unban(action)
        return await self._alert(action)

    def _member_ids(self, member: MemberRef) -> tuple[int, int]:
        guild_id = self._config.guild_for_community(member.community)
        if guild_id is None:
            raise PermanentActionError(f"community {member.community!r} has no Discord guild")
        return guild_id, _snowflake(member.user_id, "user")

    async def _notice(self, action: SendNotice) -> str:
        ref = action.message
        channel_id = _snowflake(ref.thread_id or ref.channel_id, "channel")
        message_id = _snowflake(ref.message_id, "message")
        embed = discord.Embed(
            title=_lang_text(_NOTICE_TITLES, action.lang),
            description=action.text[:4000],
            colour=discord.Colour.orange(),
        )
        if action.case_number is not None:
            embed.set_footer(text=f"{_lang_text(_CASE_LABELS, action.lang)} #{action.case_number}")
        view = discord.ui.View(timeout=None)
        if action.charter_url:
            view.add_item(
                discord.ui.Button(
                    style=discord.ButtonStyle.link,
                    label=_lang_text(_CHARTER_LABELS, action.lang),
                    url=action.charter_url,
                )
            )
        channel = self._client.get_partial_messageable(channel_id)
        reference = discord.MessageReference(
            message_id=message_id, channel_id=channel_id, fail_if_not_exists=False
        )
        sent = await channel.send(
            embed=embed,
            view=view,
            reference=reference,
            allowed_mentions=discord.AllowedMentions(replied_user=True, users=False),
        )
        view.stop()
        return f"notice ({action.lang}) sent as message {sent.id}"

    async def _dm(self, user_id: int, text: str) -> str:
        """Try a direct message; returns a short result for the outcome detail (never raises)."""
        try:
            dm = await self._client.create_dm(discord.Object(user_id))
            await dm.send(text[:2000])
        except discord.Forbidden:
            return "DM not delivered (the member's DMs are closed)"
        except discord.HTTPException as error:
            return f"DM not delivered ({error.status})"
        return "DM sent"

    async def _warn(self, action: Warn) -> str:
        user_id = _snowflake(action.member.user_id, "user")
        channel_id = _snowflake(action.channel_id, "channel")
        channel = self._client.get_partial_messageable(channel_id)
        await channel.send(
            f"<@{user_id}> {action.text}"[:2000],
            allowed_mentions=discord.AllowedMentions(users=True, everyone=False, roles=False),
        )
        dm_result = await self._dm(user_id, action.text)
        return f"warning posted in channel {channel_id}; {dm_result}"

    async def _mute(self, action: Mute) -> str:
        guild_id, user_id = self._member_ids(action.member)
        now = self._clock.now()
        if action.until <= now:
            raise PermanentActionError(f"mute end {action.until.isoformat()} is in the past")
        guild = self._config.guilds[guild_id]
        if guild.mute_role_id is not None:
            await self._client.http.add_role(
                guild_id, user_id, guild.mute_role_id, reason=action.reason or None
            )
            return (
                f"mute role {guild.mute_role_id} added until {action.until.isoformat()} "
                "(the scheduler removes it)"
            )
        limit = now + MAX_TIMEOUT - _TIMEOUT_SAFETY
        until: datetime = min(action.until, limit)
        await self._client.http.edit_member(
            guild_id,
            user_id,
            reason=action.reason or None,
            communication_disabled_until=until.isoformat(),
        )
        if until < action.until:
            return _AppliedUntil(
                f"timeout capped at Discord's 28-day limit (until {until.isoformat()}); "
                f"the scheduler re-applies it to reach {action.until.isoformat()}",
                until,
            )
        return f"timed out until {until.isoformat()}"

    async def _unmute(self, action: Unmute) -> str:
        guild_id, user_id = self._member_ids(action.member)
        reason = action.reason or None
        role_id = self._config.guilds[guild_id].mute_role_id
        if role_id is not None:
            await self._client.http.remove_role(guild_id, user_id, role_id, reason=reason)
        await self._client.http.edit_member(
            guild_id, user_id, reason=reason, communication_disabled_until=None
        )
        return f"unmuted {action.member.user_id}"

    async def _ban(self, action: Ban) -> str:
        guild_id, user_id = self._member_ids(action.member)
        parts = []
        if action.farewell:
            # A banned user shares no server with the bot any more: DM first.
            parts.append(await self._dm(user_id, action.farewell))
        purge = max(0, min(action.purge_seconds, MAX_PURGE_SECONDS))
        await self._client.http.ban(
            user_id, guild_id, delete_message_seconds=purge, reason=action.reason or None
        )
        if action.until is None:
            parts.insert(0, f"banned {action.member.user_id} for good")
        else:
            parts.insert(
                0,
                f"banned {action.member.user_id} until {action.until.isoformat()} "
                "(the scheduler lifts it)",
            )
        if purge != action.purge_seconds:
            parts.append(f"message purge capped at {purge}s (Discord's 7-day limit)")
        return "; ".join(parts)

    async def _unban(self, action: Unban) -> str:
        guild_id, user_id = self._member_ids(action.member)
        try:
            await self._client.http.unban(user_id, guild_id, reason=action.reason or None)
        except discord.NotFound:
            return f"{action.member.user_id} was not banned (already lifted)"
        return f"unbanned {action.member.user_id}"

    async def _alert(self, action: AlertModerators) -> str:
        guild_id = self._config.guild_for_community(action.community)
        if guild_id is None:
            raise PermanentActionError(f"community {action.community!r} has no Discord guild")
        channel_id = self._config.guilds[guild_id].mod_log_channel_id
        if channel_id is None:
            raise PermanentActionError(
                f"no mod-log channel configured for community {action.community!r}"
            )
        number = action.case_number
        if number is None and action.case is not None:
            number = action.case.number
        view = build_modlog_view(number)
        channel = self._client.get_partial_messageable(channel_id, guild_id=guild_id)
        embed = build_modlog_embed(action)
        if view is None:
            sent = await channel.send(embed=embed)
        else:
            sent = await channel.send(embed=embed, view=view)
            view.stop()  # clicks are handled by custom_id in the adapter, not by this view
        return f"mod-log entry posted as message {sent.id}"
