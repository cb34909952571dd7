"""Application commands built from ``COMMAND_SPECS``: one ``/pasici`` group + two context menus.

The payloads are plain JSON (what Discord's bulk-overwrite endpoint takes), built purely from the
specs; the adapter syncs them per guild on start and parses invocations in translate.py.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import discord

from adapters.discord.config import DiscordAdapterConfig
from adapters.discord.translate import (
    PLATFORM,
    InteractionRequest,
    author_from_discord,
    chat_for_channel,
    parse_button_custom_id,
    parse_interaction_data,
)
from bot.commands.specs import (
    COMMAND_SPECS,
    CommandSpec,
    Level,
    OptionKind,
    OptionSpec,
    Target,
    spec_for,
)
from bot.events import Author, ChatRef, CommandCall, CommandReply
from bot.ports import Clock, EventSink

__all__ = ["GROUP_NAME", "CommandHandler", "build_command_payloads", "default_permissions_for"]

_log = logging.getLogger(__name__)
_MESSAGE_LIMIT = 2000

GROUP_NAME = "pasici"

_SUB_COMMAND = 1
_STRING = 3
_INTEGER = 4
_USER = 6
_CHAT_INPUT = 1
_MESSAGE = 3
_DESCRIPTION_LIMIT = 100

_LEVEL_PERMISSIONS: dict[Level, discord.Permissions | None] = {
    Level.MEMBER: None,
    Level.HELPER: discord.Permissions(manage_messages=True),
    Level.MODERATOR: discord.Permissions(moderate_members=True),
    Level.ADMIN: discord.Permissions(manage_guild=True),
}


def default_permissions_for(level: Level) -> str | None:
    """``default_member_permissions`` (discoverability only; the core re-checks every call)."""
    permissions = _LEVEL_PERMISSIONS[level]
    return None if permissions is None else str(permissions.value)


def _option_payload(option: OptionSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": option.name,
        "description": option.description[:_DESCRIPTION_LIMIT],
        "type": _STRING,
        "required": option.required,
    }
    if option.kind in (OptionKind.INTEGER, OptionKind.CASE):
        payload["type"] = _INTEGER
        payload["min_value"] = 1 if option.kind is OptionKind.CASE else 0
    elif option.kind is OptionKind.CHOICE:
        payload["choices"] = [{"name": choice, "value": choice} for choice in option.choices]
    elif option.kind is OptionKind.DURATION:
        payload["max_length"] = 16
    return payload


def _subcommand_payload(spec: CommandSpec) -> dict[str, Any]:
    options: list[dict[str, Any]] = []
    if spec.target is Target.USER:
        options.append(
            {"name": "member", "description": "The member", "type": _USER, "required": True}
        )
    elif spec.target is Target.MESSAGE:
        options.append(
            {
                "name": "message",
                "description": "Message link or id (or use the message's Apps menu)",
                "type": _STRING,
                "required": True,
            }
        )
    options.extend(_option_payload(option) for option in spec.options)
    # Discord rejects a required option after an optional one.
    options.sort(key=lambda option: not option["required"])
    return {
        "name": spec.name,
        "description": spec.description[:_DESCRIPTION_LIMIT],
        "type": _SUB_COMMAND,
        "options": options,
    }


def build_command_payloads(specs: tuple[CommandSpec, ...] = COMMAND_SPECS) -> list[dict[str, Any]]:
    """The guild command list: ``/pasici <sub>`` plus "Pas ici" and "Report to moderators"."""
    group = {
        "name": GROUP_NAME,
        "description": "Pas ici / Niet hier moderation",
        "type": _CHAT_INPUT,
        # The group is visible to helpers and up; members use the context menu to report.
        "default_member_permissions": default_permissions_for(Level.HELPER),
        "dm_permission": False,
        "options": [_subcommand_payload(spec) for spec in specs],
    }
    notice_level = next((s.level for s in specs if s.name == "notice"), Level.HELPER)
    return [
        group,
        {
            "name": "Pas ici",
            "type": _MESSAGE,
            "default_member_permissions": default_permissions_for(notice_level),
            "dm_permission": False,
        },
        {
            "name": "Report to moderators",
            "type": _MESSAGE,
            "default_member_permissions": None,
            "dm_permission": False,
        },
    ]


# --- invocations -------------------------------------------------------------------------


class CommandHandler:
    """Turns application-command and mod-log button interactions into CommandCalls.

    Each call is deferred first (Discord wants an answer within 3 s; the core may take longer),
    handed to ``sink.on_command``, and the CommandReply is rendered as a follow-up (ephemeral
    when private, with a file when the reply carries bytes).
    """

    def __init__(
        self,
        client: discord.Client,
        config: DiscordAdapterConfig,
        sink: EventSink,
        clock: Clock,
    ) -> None:
        self._client = client
        self._config = config
        self._sink = sink
        self._clock = clock

    async def handle(self, interaction: discord.Interaction) -> None:
        """Entry point for every interaction; ignores those that are not ours."""
        data: Mapping[str, Any] = interaction.data or {}
        if interaction.type is discord.InteractionType.application_command:
            request = parse_interaction_data(data, GROUP_NAME)
        elif interaction.type is discord.InteractionType.component:
            parsed = parse_button_custom_id(str(data.get("custom_id", "")))
            request = (
                None
                if parsed is None
                else InteractionRequest(name=parsed[0], options={"case": str(parsed[1])})
            )
        else:
            return
        if request is None:
            return
        spec = spec_for(request.name)
        private = spec.private_reply if spec is not None else True
        try:
            await interaction.response.defer(ephemeral=private, thinking=True)
        except discord.HTTPException:
            # Expired (older than 3 s) or already answered: Discord shows the user an error.
            _log.exception("could not acknowledge interaction %s", interaction.id)
            return
        try:
            reply = await self._reply_for(interaction, request)
        except Exception:  # a core bug must not leave the user with "thinking..." forever
            _log.exception("command %s failed", request.name)
            reply = CommandReply(ok=False, text="Internal error: the command failed.")
        await self._render(interaction, reply, deferred_private=private)

    async def _reply_for(
        self, interaction: discord.Interaction, request: InteractionRequest
    ) -> CommandReply:
        community = self._config.community_for_guild(interaction.guild_id)
        if community is None or interaction.guild_id is None:
            return CommandReply(ok=False, text="This server is not set up for Pas ici.")
        guild_id = interaction.guild_id
        if "message" in request.options:
            return CommandReply(ok=False, text="Give a message link or a message id.")
        guild = interaction.guild
        owner_id = guild.owner_id if guild is not None else None
        invoker = author_from_discord(interaction.user, owner_id)
        target_text = request.target_message_text
        target_user_id = request.target_user_id
        if request.target_message_id is not None and (
            target_text is None or request.target_author_id is None
        ):
            channel_id = request.target_channel_id or interaction.channel_id
            if channel_id is None:
                return CommandReply(ok=False, text="Message not found.")
            try:
                found = await self._client.get_partial_messageable(channel_id).fetch_message(
                    request.target_message_id
                )
            except discord.HTTPException:
                return CommandReply(ok=False, text="Message not found (deleted, or no access).")
            target_text = found.content
            target_user_id = found.author.id
        elif request.target_author_id is not None:
            target_user_id = request.target_author_id
        target_user: Author | None = None
        if target_user_id is not None:
            bot_user = self._client.user
            if bot_user is not None and target_user_id == bot_user.id:
                return CommandReply(ok=False, text="I can't act on myself.")
            target_user = await self._author_of(guild_id, target_user_id, interaction, owner_id)
        channel = interaction.channel
        chat = (
            chat_for_channel(channel, guild_id, community)
            if channel is not None
            else ChatRef(PLATFORM, community, str(interaction.channel_id), None, str(guild_id))
        )
        call = CommandCall(
            name=request.name,
            chat=chat,
            invoker=invoker,
            issued_at=self._clock.now(),
            target_user=target_user,
            target_message_id=(
                str(request.target_message_id) if request.target_message_id is not None else None
            ),
            target_message_text=target_text,
            options=MappingProxyType(dict(request.options)),
        )
        return await self._sink.on_command(call)

    async def _author_of(
        self,
        guild_id: int,
        user_id: int,
        interaction: discord.Interaction,
        owner_id: int | None,
    ) -> Author:
        """The target as an Author with hierarchy data (cache, then REST; non-members rank 0)."""
        guild = self._client.get_guild(guild_id)
        member = guild.get_member(user_id) if guild is not None else None
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                member = None
        if member is not None:
            return author_from_discord(member, owner_id)
        raw: Mapping[str, Any] = dict(interaction.data or {})
        user: Mapping[str, Any] = raw.get("resolved", {}).get("users", {}).get(str(user_id), {})
        name = str(user.get("global_name") or user.get("username") or user_id)
        return Author(
            user_id=str(user_id),
            display_name=name,
            is_bot=bool(user.get("bot", False)),
            is_owner=owner_id == user_id,
        )

    async def _render(
        self, interaction: discord.Interaction, reply: CommandReply, *, deferred_private: bool
    ) -> None:
        text = reply.text if len(reply.text) <= _MESSAGE_LIMIT else reply.text[:1999] + "…"
        try:
            if deferred_private and not reply.private:
                # The first follow-up inherits the ephemeral "thinking" message: drop it and
                # post the public reply as a new message (e.g. "Case #4 undone" in the mod log).
                await interaction.delete_original_response()
            if reply.attachment_bytes:
                file = discord.File(
                    io.BytesIO(reply.attachment_bytes),
                    filename=reply.attachment_name or "attachment.bin",
                )
                await interaction.followup.send(
                    text or "\u200b", ephemeral=reply.private, file=file
                )
            else:
                await interaction.followup.send(text or "\u200b", ephemeral=reply.private)
        except discord.HTTPException:
            _log.exception("could not render the reply to command interaction %s", interaction.id)
