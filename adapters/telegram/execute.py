"""bot.actions -> Bot API calls. Every path returns an ActionOutcome; nothing raises.

The adapter never acts on anonymous admins (messages sent "as the group") nor on the group owner,
whatever the core asks: Telegram would refuse some of it anyway, and the rest would be a mistake.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import (
    Bot,
    ChatPermissions,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)

from adapters.telegram.authority import MemberAuthority
from adapters.telegram.calls import ApiCaller, ApiFailure
from adapters.telegram.config import TelegramAdapterConfig
from adapters.telegram.flood import FloodGuard
from adapters.telegram.translate import GROUP_ANONYMOUS_BOT_ID, callback_data
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
)
from bot.ports import Clock

__all__ = ["CHARTER_BUTTON_LABELS", "TelegramExecutor"]

log = logging.getLogger(__name__)
MAX_MESSAGE_CHARS = 4096
# Telegram treats a restriction shorter than 30 s as "forever": never let a short mute become one.
MIN_RESTRICTION = timedelta(seconds=31)
CHARTER_BUTTON_LABELS = {
    "nl": "Lees de huisregels",
    "fr": "Lire la charte",
    "de": "Hausregeln lesen",
    "en": "Read the house rules",
}
MODLOG_BUTTONS = (("confirm", "Confirm"), ("undo", "Undo"), ("escalate", "Escalate"))


class TelegramExecutor:
    def __init__(
        self,
        bot: Bot,
        config: TelegramAdapterConfig,
        authority: MemberAuthority,
        flood: FloodGuard,
        caller: ApiCaller,
        clock: Clock,
    ) -> None:
        self._bot = bot
        self._config = config
        self._authority = authority
        self._flood = flood
        self._call = caller
        self._clock = clock

    async def execute(self, action: Action) -> ActionOutcome:
        try:
            return await self._dispatch(action)
        except ApiFailure as failure:
            log.warning("%s failed: %s", type(action).__name__, failure.outcome.detail)
            return failure.outcome
        except Exception as error:  # a bug here must not take the runner down
            log.exception("unexpected error executing %s", type(action).__name__)
            return ActionOutcome(ok=False, detail=f"internal adapter error: {error!r}")

    async def _dispatch(self, action: Action) -> ActionOutcome:
        if isinstance(action, SendNotice):
            return await self._notice(action)
        if isinstance(action, DeleteMessage):
            return await self._delete(action)
        if isinstance(action, Warn):
            return await self._warn(action)
        if isinstance(action, AlertModerators):
            return await self._alert(action)
        return await self._member_action(action)

    # -- protection ------------------------------------------------------------------------
    async def _refusal(self, chat_id: int, user_id: str) -> ActionOutcome | None:
        """Why the adapter will not touch ``user_id`` in ``chat_id`` (None: go ahead)."""
        if user_id in (str(chat_id), str(GROUP_ANONYMOUS_BOT_ID)):
            return ActionOutcome(ok=False, detail="refused: the author is an anonymous group admin")
        status = (await self._authority.admins(chat_id)).get(_int(user_id))
        if status == "creator":
            return ActionOutcome(ok=False, detail="refused: the author is the group owner")
        if user_id.startswith("-") and status is not None:
            return ActionOutcome(
                ok=False,
                detail="refused: the author wrote as the group's linked channel (its admins)",
            )
        return None

    # -- messages --------------------------------------------------------------------------
    async def _notice(self, action: SendNotice) -> ActionOutcome:
        chat_id = _int(action.message.channel_id)
        refusal = await self._refusal(chat_id, action.message.author_id)
        if refusal is not None:
            return refusal
        if not self._flood.try_send(chat_id):
            self._flood.suppress(chat_id, action.message.community, action.case_number)
            return _suppressed()
        label = CHARTER_BUTTON_LABELS.get(action.lang, CHARTER_BUTTON_LABELS["en"])
        markup = (
            InlineKeyboardMarkup([[InlineKeyboardButton(label, url=action.charter_url)]])
            if action.charter_url
            else None
        )
        await self._call(
            "notice",
            lambda: self._bot.send_message(
                chat_id,
                action.text[:MAX_MESSAGE_CHARS],
                reply_parameters=ReplyParameters(
                    _int(action.message.message_id), allow_sending_without_reply=True
                ),
                reply_markup=markup,
            ),
        )
        return ActionOutcome(ok=True)

    async def _delete(self, action: DeleteMessage) -> ActionOutcome:
        chat_id = _int(action.message.channel_id)
        refusal = await self._refusal(chat_id, action.message.author_id)
        if refusal is not None:
            return refusal
        await self._call(
            "delete",
            lambda: self._bot.delete_message(chat_id, _int(action.message.message_id)),
        )
        return ActionOutcome(ok=True)

    async def _warn(self, action: Warn) -> ActionOutcome:
        chat_id = _int(action.channel_id)
        refusal = await self._refusal(chat_id, action.member.user_id)
        if refusal is not None:
            return refusal
        if not self._flood.try_send(chat_id):
            self._flood.suppress(chat_id, action.member.community, action.case_number)
            return _suppressed()
        await self._call(
            "warn", lambda: self._bot.send_message(chat_id, action.text[:MAX_MESSAGE_CHARS])
        )
        return ActionOutcome(ok=True)

    async def _alert(self, action: AlertModerators) -> ActionOutcome:
        target = self._config.mod_log_chat(action.community)
        if target is None:
            return ActionOutcome(
                ok=False, detail=f"no mod-log chat configured for community {action.community!r}"
            )
        text = action.text[:MAX_MESSAGE_CHARS]
        if not self._flood.try_send(target):
            self._flood.defer(target, text)
            return ActionOutcome(ok=True, detail="held back by the flood limit for the digest")
        markup = _mod_log_buttons(action)
        await self._call(
            "mod-log entry", lambda: self._bot.send_message(target, text, reply_markup=markup)
        )
        return ActionOutcome(ok=True)

    async def post_to_mod_log(self, community: str, text: str) -> ActionOutcome:
        return await self.execute(AlertModerators(community=community, text=text))

    # -- members ---------------------------------------------------------------------------
    async def _member_action(self, action: Mute | Unmute | Kick | Ban | Unban) -> ActionOutcome:
        member = action.member
        chats = self._config.chats_of(member.community)
        if not chats:
            return ActionOutcome(
                ok=False, detail=f"no Telegram group configured for community {member.community!r}"
            )
        notes: list[str] = []
        if isinstance(action, Ban) and action.farewell and not member.user_id.startswith("-"):
            notes.append(await self._farewell(member, action.farewell))
        failures: list[str] = []
        for chat_id in chats:
            refusal = await self._refusal(chat_id, member.user_id)
            if refusal is not None:
                return refusal
            try:
                await self._apply(action, chat_id, _int(member.user_id))
            except ApiFailure as failure:
                if failure.outcome.retryable or len(chats) == 1:
                    raise
                failures.append(f"chat {chat_id}: {failure.outcome.detail}")
        if failures and len(failures) == len(chats):
            return ActionOutcome(ok=False, detail="; ".join(failures))
        return ActionOutcome(ok=True, detail="; ".join(notes + failures))

    async def _apply(
        self, action: Mute | Unmute | Kick | Ban | Unban, chat_id: int, user_id: int
    ) -> None:
        bot = self._bot
        if user_id < 0:
            await self._apply_to_channel_identity(action, chat_id, user_id)
        elif isinstance(action, Mute):
            until = max(action.until, self._clock.now() + MIN_RESTRICTION)
            await self._call(
                "mute",
                lambda: bot.restrict_chat_member(
                    chat_id,
                    user_id,
                    ChatPermissions.no_permissions(),
                    until_date=until,
                    use_independent_chat_permissions=True,
                ),
            )
        elif isinstance(action, Unmute):
            chat = await self._call(
                "unmute (read the group's permissions)", lambda: bot.get_chat(chat_id)
            )
            permissions = chat.permissions or ChatPermissions.all_permissions()
            await self._call(
                "unmute",
                lambda: bot.restrict_chat_member(
                    chat_id, user_id, permissions, use_independent_chat_permissions=True
                ),
            )
        elif isinstance(action, Kick):
            await self._call("kick", lambda: bot.ban_chat_member(chat_id, user_id))
            await self._call(
                "kick (lift the ban so they may rejoin)",
                lambda: bot.unban_chat_member(chat_id, user_id, only_if_banned=True),
            )
        elif isinstance(action, Ban):
            ban_until = _ban_until(action.until, self._clock.now())
            await self._call(
                "ban",
                lambda: bot.ban_chat_member(
                    chat_id,
                    user_id,
                    until_date=ban_until,
                    revoke_messages=action.purge_seconds > 0 or None,
                ),
            )
        else:
            await self._call(
                "unban", lambda: bot.unban_chat_member(chat_id, user_id, only_if_banned=True)
            )

    async def _apply_to_channel_identity(
        self, action: Mute | Unmute | Kick | Ban | Unban, chat_id: int, sender_chat_id: int
    ) -> None:
        """Someone writing "as a channel": Telegram can only ban or unban that identity."""
        bot = self._bot
        if isinstance(action, Ban):
            await self._call(
                "ban (channel identity)", lambda: bot.ban_chat_sender_chat(chat_id, sender_chat_id)
            )
        elif isinstance(action, Unban):
            await self._call(
                "unban (channel identity)",
                lambda: bot.unban_chat_sender_chat(chat_id, sender_chat_id),
            )
        else:
            raise ApiFailure(
                ActionOutcome(
                    ok=False,
                    detail=f"{type(action).__name__.lower()}: the author writes as a channel, "
                    "which Telegram lets bots only ban; ban it or ask a moderator",
                )
            )

    async def _farewell(self, member: MemberRef, text: str) -> str:
        """Bots may only write to people who started them; a refused DM is noted, not fatal."""
        try:
            await self._call(
                "farewell",
                lambda: self._bot.send_message(_int(member.user_id), text[:MAX_MESSAGE_CHARS]),
            )
        except ApiFailure as failure:
            return f"farewell not delivered ({failure.outcome.detail})"
        return "farewell sent by private message"


def _mod_log_buttons(action: AlertModerators) -> InlineKeyboardMarkup | None:
    """Confirm / undo / escalate for a case, and a link to the message when there is one."""
    rows: list[list[InlineKeyboardButton]] = []
    if action.case_number is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=callback_data(verb, action.case_number, action.community)
                )
                for verb, label in MODLOG_BUTTONS
            ]
        )
    link = action.message.link if action.message is not None else ""
    if link.startswith("https://"):
        rows.append([InlineKeyboardButton("Open the message", url=link)])
    return InlineKeyboardMarkup(rows) if rows else None


def _ban_until(until: datetime | None, now: datetime) -> datetime | None:
    if until is None:
        return None
    return max(until, now + MIN_RESTRICTION)


def _suppressed() -> ActionOutcome:
    return ActionOutcome(
        ok=False,
        detail="not posted: the group's flood limit is reached (raid?); the mod log gets a summary",
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise ApiFailure(ActionOutcome(ok=False, detail=f"not a Telegram id: {value!r}")) from error
