"""The fake Bot API's world: chats, members, messages, pending updates, and method handlers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .builders import BOT_ID, DEFAULT_PERMISSIONS, JSON, bot_user, member


class ApiError(Exception):
    """Answer the request with a Bot API error (status + description [+ parameters])."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def not_enough_rights(action: str) -> ApiError:
    return ApiError(400, f"Bad Request: not enough rights to {action}")


@dataclass
class World:
    chats: dict[int, JSON] = field(default_factory=dict)
    members: dict[tuple[int, int], JSON] = field(default_factory=dict)
    messages: dict[tuple[int, int], JSON] = field(default_factory=dict)
    commands: dict[str, list[JSON]] = field(default_factory=dict)
    webhook: JSON = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    next_message_id: int = 1000

    def add_chat(self, chat: JSON, permissions: JSON | None = None) -> None:
        self.chats[chat["id"]] = {**chat, "permissions": permissions or dict(DEFAULT_PERMISSIONS)}
        self.members.setdefault((chat["id"], BOT_ID), member(bot_user(), "administrator"))

    def public_chat(self, chat_id: int) -> JSON:
        chat = self.chat(chat_id)
        return {k: v for k, v in chat.items() if k in ("id", "type", "title", "username")}

    def chat(self, chat_id: int) -> JSON:
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats[chat_id]

    def member_of(self, chat_id: int, user_id: int) -> JSON:
        self.chat(chat_id)
        found = self.members.get((chat_id, user_id))
        if found is None:
            raise ApiError(400, "Bad Request: user not found")
        return found

    def bot_can(self, chat_id: int, right: str) -> bool:
        me = self.members.get((chat_id, BOT_ID), {})
        return me.get("status") == "administrator" and bool(me.get(right))

    def new_message(self, chat_id: int, sender: JSON, **fields: Any) -> JSON:
        self.next_message_id += 1
        message: JSON = {
            "message_id": self.next_message_id,
            "date": int(time.time()),
            "chat": self.public_chat(chat_id),
            "from": sender,
            **fields,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message


def _int(params: JSON, key: str) -> int:
    try:
        return int(params[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(400, f"Bad Request: parameter {key} is required") from exc


def _target_member(world: World, params: JSON, right: str, action: str) -> tuple[int, int]:
    chat_id, user_id = _int(params, "chat_id"), _int(params, "user_id")
    world.chat(chat_id)
    if not world.bot_can(chat_id, right):
        raise not_enough_rights(action)
    current = world.members.get((chat_id, user_id))
    if current is not None and current["status"] == "creator":
        raise ApiError(400, "Bad Request: can't remove chat owner")
    if current is not None and current["status"] == "administrator":
        raise ApiError(400, "Bad Request: user is an administrator of the chat")
    return chat_id, user_id


def _placeholder_user(world: World, chat_id: int, user_id: int) -> JSON:
    known = world.members.get((chat_id, user_id))
    return known["user"] if known else {"id": user_id, "is_bot": False, "first_name": str(user_id)}


def handle(world: World, method: str, params: JSON) -> Any:
    """Carry out one Bot API method on ``world``; getUpdates is handled by the server."""
    if method == "getMe":
        return bot_user()
    if method in ("deleteWebhook", "logOut", "close"):
        world.webhook = {}
        return True
    if method == "setWebhook":
        world.webhook = dict(params)
        return True
    if method == "setMyCommands":
        scope = params.get("scope", {"type": "default"})
        key = f"{scope.get('type')}:{scope.get('chat_id', '')}"
        world.commands[key] = list(params.get("commands", []))
        return True
    if method == "getChat":
        chat = world.chat(_int(params, "chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
    if method == "getChatMember":
        chat_id, user_id = _int(params, "chat_id"), _int(params, "user_id")
        world.chat(chat_id)
        found = world.members.get((chat_id, user_id))
        return found or {"user": _placeholder_user(world, chat_id, user_id), "status": "left"}
    if method == "getChatAdministrators":
        chat_id = _int(params, "chat_id")
        world.chat(chat_id)
        return [
            m
            for (cid, _), m in world.members.items()
            if cid == chat_id and m["status"] in ("creator", "administrator")
        ]
    if method in ("sendMessage", "sendDocument"):
        chat_id = _int(params, "chat_id")
        world.chat(chat_id)
        fields: JSON = {}
        if "text" in params:
            fields["text"] = params["text"]
        if "caption" in params:
            fields["caption"] = params["caption"]
        if method == "sendDocument":
            fields["document"] = {"file_id": "doc1", "file_unique_id": "doc1u"}
        if isinstance(params.get("reply_markup"), dict):
            fields["reply_markup"] = params["reply_markup"]
        return world.new_message(chat_id, bot_user(), **fields)
    if method == "editMessageText":
        key = (_int(params, "chat_id"), _int(params, "message_id"))
        if key not in world.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        edited = {**world.messages[key], "text": params.get("text", "")}
        edited.pop("reply_markup", None)
        if isinstance(params.get("reply_markup"), dict):
            edited["reply_markup"] = params["reply_markup"]
        world.messages[key] = edited
        return edited
    if method == "deleteMessage":
        key = (_int(params, "chat_id"), _int(params, "message_id"))
        world.chat(key[0])
        if not world.bot_can(key[0], "can_delete_messages"):
            raise ApiError(400, "Bad Request: message can't be deleted")
        if key not in world.messages:
            raise ApiError(400, "Bad Request: message to delete not found")
        del world.messages[key]
        return True
    if method == "restrictChatMember":
        chat_id, user_id = _target_member(
            world, params, "can_restrict_members", "restrict/unrestrict chat member"
        )
        who = _placeholder_user(world, chat_id, user_id)
        world.members[(chat_id, user_id)] = member(
            who, "restricted", until_date=int(params.get("until_date", 0) or 0)
        )
        return True
    if method == "banChatMember":
        chat_id, user_id = _target_member(
            world, params, "can_restrict_members", "restrict/unrestrict chat member"
        )
        who = _placeholder_user(world, chat_id, user_id)
        world.members[(chat_id, user_id)] = member(
            who, "kicked", until_date=int(params.get("until_date", 0) or 0)
        )
        return True
    if method == "unbanChatMember":
        chat_id, user_id = _target_member(
            world, params, "can_restrict_members", "restrict/unrestrict chat member"
        )
        current = world.members.get((chat_id, user_id))
        if current is not None and current["status"] == "kicked":
            world.members[(chat_id, user_id)] = member(current["user"], "left")
        return True
    if method == "getFile":
        file_id = str(params.get("file_id", ""))
        if file_id not in world.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(world.files[file_id]),
            "file_path": f"files/{file_id}.bin",
        }
    if method in ("banChatSenderChat", "unbanChatSenderChat"):
        chat_id = _int(params, "chat_id")
        world.chat(chat_id)
        if not world.bot_can(chat_id, "can_restrict_members"):
            raise not_enough_rights("restrict/unrestrict chat member")
        _int(params, "sender_chat_id")
        return True
    if method == "answerCallbackQuery":
        return True
    raise ApiError(404, "Not Found: method not found")
