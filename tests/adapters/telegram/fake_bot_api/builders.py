"""Wire-format (Bot API JSON) builders for the fake server's users, chats and messages."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

BOT_ID = 700_000_001
BOT_USERNAME = "pasici_test_bot"
FULL_RIGHTS = {
    "can_delete_messages": True,
    "can_restrict_members": True,
    "can_manage_chat": True,
    "can_change_info": False,
    "can_invite_users": True,
    "can_pin_messages": False,
    "can_promote_members": False,
    "can_manage_video_chats": False,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "is_anonymous": False,
}
DEFAULT_PERMISSIONS = {
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_change_info": False,
    "can_invite_users": True,
    "can_pin_messages": False,
    "can_manage_topics": False,
}


def user(user_id: int, first_name: str, username: str | None = None, is_bot: bool = False) -> JSON:
    data: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        data["username"] = username
    return data


def bot_user() -> JSON:
    return {
        **user(BOT_ID, "Pas ici", BOT_USERNAME, is_bot=True),
        "can_join_groups": True,
        "can_read_all_group_messages": True,
        "supports_inline_queries": False,
    }


def group(
    chat_id: int, title: str, chat_type: str = "supergroup", username: str | None = None
) -> JSON:
    data: JSON = {"id": chat_id, "type": chat_type, "title": title}
    if username:
        data["username"] = username
    return data


def channel(chat_id: int, title: str) -> JSON:
    return {"id": chat_id, "type": "channel", "title": title}


def member(who: JSON, status: str = "member", **rights: Any) -> JSON:
    data: JSON = {"user": who, "status": status}
    if status == "administrator":
        data.update(FULL_RIGHTS)
        data["can_be_edited"] = False
    if status == "creator":
        data["is_anonymous"] = False
    if status == "restricted":
        data.update({**DEFAULT_PERMISSIONS, "is_member": True, "until_date": 0})
    if status == "kicked":
        data["until_date"] = 0
    data.update(rights)
    return data


def command_entity(text: str) -> JSON:
    word = text.split(maxsplit=1)[0]
    return {"type": "bot_command", "offset": 0, "length": len(word.encode("utf-16-le")) // 2}
