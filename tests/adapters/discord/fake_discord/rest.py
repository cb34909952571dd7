"""REST route handlers of the fake Discord (mixed into FakeDiscord)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.adapters.discord.fake_discord.payloads import (
    APPLICATION_ID,
    BOT_ID,
    TEXT_CHANNEL_ID,
    FakeGuild,
    next_id,
    user_payload,
)

__all__ = ["JSON", "RestHandlers", "json_response"]

JSON = "application/json"  # discord.py checks the Content-Type for exactly this


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )


class RestHandlers:
    """The routes the bot uses; state lives on the FakeDiscord instance."""

    token: str
    guild: FakeGuild
    messages: dict[int, dict[str, Any]]
    bans: set[int]

    @property
    def gateway_url(self) -> str:
        raise NotImplementedError

    async def _get_me(self, _m: Any, _b: Any, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        return json_response(user_payload(BOT_ID, "pasici", bot=True))

    async def _get_application(self, _m: Any, _b: Any, _r: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(APPLICATION_ID),
                "name": "pasici",
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": user_payload(self.guild.owner_id, "owner"),
                "team": None,
                "verify_key": "00",
                "flags": 0,
            }
        )

    async def _get_gateway(self, _m: Any, _b: Any, _r: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _put_commands(self, _m: Any, body: Any, _r: web.Request) -> web.Response:
        created = []
        for command in body:
            created.append(
                {
                    **command,
                    "id": str(next_id()),
                    "application_id": str(APPLICATION_ID),
                    "version": "1",
                    "guild_id": str(self.guild.guild_id),
                }
            )
        return json_response(created)

    def _bot_message(self, channel_id: str, body: Any) -> dict[str, Any]:
        body = body or {}
        payload = {
            "id": str(next_id()),
            "channel_id": channel_id,
            "author": user_payload(BOT_ID, "pasici", bot=True),
            "content": body.get("content") or "",
            "timestamp": "2026-01-05T09:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
        }
        return payload

    async def _create_message(self, match: Any, body: Any, _r: web.Request) -> web.Response:
        payload = self._bot_message(match.group(1), body)
        self.messages[int(payload["id"])] = payload
        return json_response(payload)

    async def _get_message(self, match: Any, _b: Any, _r: web.Request) -> web.Response:
        found = self.messages.get(int(match.group(2)))
        if found is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        return json_response(found)

    async def _delete_message(self, match: Any, _b: Any, _r: web.Request) -> web.Response:
        if self.messages.pop(int(match.group(2)), None) is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        return web.Response(status=204)

    async def _get_member(self, match: Any, _b: Any, _r: web.Request) -> web.Response:
        member = self.guild.members.get(int(match.group(1)))
        if member is None:
            return json_response({"message": "Unknown Member", "code": 10007}, 404)
        return json_response(member)

    async def _patch_member(self, match: Any, body: Any, _r: web.Request) -> web.Response:
        member = self.guild.members.get(int(match.group(1)))
        if member is None:
            return json_response({"message": "Unknown Member", "code": 10007}, 404)
        member["communication_disabled_until"] = (body or {}).get("communication_disabled_until")
        return json_response(member)

    async def _no_content(self, _m: Any, _b: Any, _r: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _callback(self, match: Any, body: Any, _r: web.Request) -> web.Response:
        flags = ((body or {}).get("data") or {}).get("flags") or 0
        return json_response(
            {
                "interaction": {
                    "id": match.group(1),
                    "type": 2,
                    "response_message_loading": body.get("type") == 5,
                    "response_message_ephemeral": bool(flags & 64),
                }
            }
        )

    async def _put_ban(self, match: Any, _b: Any, _r: web.Request) -> web.Response:
        self.bans.add(int(match.group(1)))
        return web.Response(status=204)

    async def _delete_ban(self, match: Any, _b: Any, _r: web.Request) -> web.Response:
        user_id = int(match.group(1))
        if user_id not in self.bans:
            return json_response({"message": "Unknown Ban", "code": 10026}, 404)
        self.bans.discard(user_id)
        return web.Response(status=204)

    async def _create_dm(self, _m: Any, body: Any, _r: web.Request) -> web.Response:
        recipient = int(body["recipient_id"])
        return json_response(
            {
                "id": str(next_id()),
                "type": 1,
                "recipients": [user_payload(recipient, f"user{recipient % 1000}")],
                "last_message_id": None,
            }
        )

    async def _followup(self, match: Any, body: Any, _r: web.Request) -> web.Response:
        payload = self._bot_message(str(TEXT_CHANNEL_ID), body)
        payload["webhook_id"] = str(APPLICATION_ID)
        return json_response(payload)
