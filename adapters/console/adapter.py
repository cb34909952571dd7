"""ConsoleAdapter: members typing in one local channel; the bot's actions printed as a transcript.

It plays the part of a platform: it delivers messages to the core, carries out actions (keeping
who is muted or banned so such members cannot post), and records every action so tests can
"push a message, pop the bot's answer" (errbot's test backend pattern).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import MappingProxyType

from adapters.console.parse import CommandLineError, parse_command_line
from bot.actions import (
    Action,
    ActionOutcome,
    AlertModerators,
    Ban,
    Capability,
    DeleteMessage,
    Kick,
    Mute,
    SendNotice,
    Unban,
    Unmute,
    Warn,
)
from bot.events import Author, ChatRef, CommandCall, CommandReply, Message
from bot.ports import Clock, EventSink

__all__ = ["ConsoleAdapter", "ConsoleUser"]

PLATFORM = "console"
MAX_WHY_CHARS = 300


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    name: str
    roles: tuple[str, ...] = ()
    is_owner: bool = False
    is_platform_admin: bool = False
    top_role_position: int = 0

    def as_author(self) -> Author:
        return Author(
            user_id=self.name,
            display_name=self.name,
            roles=self.roles,
            is_owner=self.is_owner,
            is_platform_admin=self.is_platform_admin,
            top_role_position=self.top_role_position,
        )


class ConsoleAdapter:
    def __init__(
        self,
        community: str,
        clock: Clock,
        channel: str = "general",
        users: Mapping[str, ConsoleUser] | None = None,
        output: Callable[[str], None] | None = None,
        capabilities: frozenset[Capability] | None = None,
        max_mute: timedelta | None = None,
    ) -> None:
        self._community = community
        self._clock = clock
        self._channel = channel
        self._users = dict(users or {})
        self._output = output
        self._capabilities = capabilities or frozenset(Capability)
        self._max_mute = max_mute  # emulates a platform cap such as Discord's 28 days
        self._sink: EventSink | None = None
        self._next_id = 0
        self.messages: dict[str, Message] = {}
        self.deleted: set[str] = set()
        self.actions: list[Action] = []
        self._muted_until: dict[str, datetime] = {}
        self._banned: set[str] = set()

    @property
    def platform(self) -> str:
        return PLATFORM

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self._capabilities

    async def start(self, sink: EventSink) -> None:
        self._sink = sink

    async def stop(self) -> None:
        self._sink = None

    # --- the members' side -------------------------------------------------------------
    def user(self, name: str) -> ConsoleUser:
        return self._users.setdefault(name, ConsoleUser(name=name))

    def can_post(self, name: str) -> str | None:
        """None if ``name`` may post now, else why not (muted / banned)."""
        if name in self._banned:
            return f"{name} is banned"
        until = self._muted_until.get(name)
        if until is not None and until > self._clock.now():
            return f"{name} is muted until {until:%Y-%m-%d %H:%M}"
        return None

    async def post(self, name: str, text: str, reply_to: str | None = None) -> Message | None:
        """``name`` says ``text`` in the channel; returns the message (None if not allowed)."""
        refusal = self.can_post(name)
        if refusal is not None:
            self._say(f"   ({refusal}: the message is not posted)")
            return None
        self._next_id += 1
        message = Message(
            chat=self._chat(),
            message_id=str(self._next_id),
            author=self.user(name).as_author(),
            text=text,
            sent_at=self._clock.now(),
            reply_to_message_id=reply_to,
        )
        self.messages[message.message_id] = message
        self._say(f"#{message.message_id} <{name}> {text}")
        await self._require_sink().on_message(message)
        return message

    async def edit(self, message_id: str, text: str) -> Message:
        original = self.messages[message_id]
        edited = replace(original, text=text, edited=True, sent_at=self._clock.now())
        self.messages[message_id] = edited
        self._say(f"#{message_id} <{original.author.display_name}> (edited) {text}")
        await self._require_sink().on_message(edited)
        return edited

    async def command(self, name: str, line: str) -> CommandReply:
        """``name`` types a command line such as "/mute @anna 10m spam"."""
        self._say(f"<{name}> {line}")
        try:
            parsed = parse_command_line(line)
        except CommandLineError as error:
            reply = CommandReply(ok=False, text=str(error))
            self._say(f"   [bot -> {name}] {reply.text}")
            return reply
        target_user = self.user(parsed.target_user).as_author() if parsed.target_user else None
        target_text: str | None = None
        if parsed.target_message_id is not None:
            target = self.messages.get(parsed.target_message_id)
            if target is None:
                reply = CommandReply(ok=False, text=f"no message #{parsed.target_message_id}")
                self._say(f"   [bot -> {name}] {reply.text}")
                return reply
            target_user, target_text = target.author, target.text
        call = CommandCall(
            name=parsed.name,
            chat=self._chat(),
            invoker=self.user(name).as_author(),
            issued_at=self._clock.now(),
            target_user=target_user,
            target_message_id=parsed.target_message_id,
            target_message_text=target_text,
            options=MappingProxyType(dict(parsed.options)),
        )
        reply = await self._require_sink().on_command(call)
        self._say(f"   [bot -> {name}] {reply.text}")
        return reply

    def pop_actions(self) -> list[Action]:
        """The actions carried out since the last call (the errbot test-backend gesture)."""
        actions, self.actions = self.actions, []
        return actions

    # --- the platform's side -----------------------------------------------------------
    async def execute(self, action: Action) -> ActionOutcome:
        self.actions.append(action)
        if isinstance(action, SendNotice):
            self._say(f"   [bot replies to #{action.message.message_id}] {action.text}")
        elif isinstance(action, DeleteMessage):
            if action.message.message_id in self.deleted:
                return ActionOutcome(ok=False, detail="message already deleted")
            self.deleted.add(action.message.message_id)
            self._say(f"   [bot deletes #{action.message.message_id}]")
        elif isinstance(action, Warn):
            self._say(f"   [bot warns {action.member.user_id}] {action.text}")
        elif isinstance(action, Mute):
            applied = action.until
            if self._max_mute is not None:
                applied = min(applied, self._clock.now() + self._max_mute)
            self._muted_until[action.member.user_id] = applied
            self._say(f"   [bot mutes {action.member.user_id} until {applied:%Y-%m-%d %H:%M}]")
            if applied < action.until:
                return ActionOutcome(ok=True, detail="mute capped", applied_until=applied)
        elif isinstance(action, Unmute):
            self._muted_until.pop(action.member.user_id, None)
            self._say(f"   [bot unmutes {action.member.user_id}]")
        elif isinstance(action, Kick):
            self._say(f"   [bot kicks {action.member.user_id}]")
        elif isinstance(action, Ban):
            if action.farewell:
                self._say(f"   [bot -> {action.member.user_id}, privately] {action.farewell}")
            self._banned.add(action.member.user_id)
            until = "for good" if action.until is None else f"until {action.until:%Y-%m-%d %H:%M}"
            self._say(f"   [bot bans {action.member.user_id} {until}]")
        elif isinstance(action, Unban):
            self._banned.discard(action.member.user_id)
            self._say(f"   [bot unbans {action.member.user_id}]")
        elif isinstance(action, AlertModerators):
            flag = "REVIEW " if action.review else ""
            first_line = action.text.splitlines()[0] if action.text else ""
            self._say(f"   [mod log] {flag}{first_line}")
            if action.case is not None and action.case.reasons:
                # what the detector saw (``image:nudity=0.93 ...``), as Discord's embed shows it
                why = "; ".join(action.case.reasons)
                self._say(f"   [mod log] why: {why[:MAX_WHY_CHARS]}")
        return ActionOutcome(ok=True)

    def _chat(self) -> ChatRef:
        return ChatRef(platform=PLATFORM, community=self._community, channel_id=self._channel)

    def _require_sink(self) -> EventSink:
        if self._sink is None:
            raise RuntimeError("the console adapter is not started")
        return self._sink

    def _say(self, line: str) -> None:
        if self._output is not None:
            # continuation lines of multi-line bot texts stay under their first line
            self._output(line.replace("\n", "\n" + " " * 6))
