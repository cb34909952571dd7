"""A fake Discord (REST + gateway websocket) on 127.0.0.1 that drives the real discord.py client.

REST: the routes the bot uses; every request is recorded (``requests``) and failures can be
injected per route (``inject``). Gateway: HELLO / IDENTIFY / READY / GUILD_CREATE / RESUME /
heartbeat ACK; ``dispatch`` sends an event (buffered per session so a RESUME replays what the
client missed and nothing else); ``drop_gateway`` closes the socket to force a resume.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.adapters.discord.fake_discord.payloads import (
    APPLICATION_ID,
    BOT_ID,
    TEXT_CHANNEL_ID,
    FakeGuild,
    message_payload,
    next_id,
    user_payload,
)
from tests.adapters.discord.fake_discord.rest import RestHandlers, json_response

__all__ = ["FakeDiscord", "RecordedRequest"]

API_PREFIX = "/api/v10"
GOOD_TOKEN = "good-token"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: tuple[tuple[str, bytes], ...]
    headers: dict[str, str]
    at: float
    status: int


@dataclass
class _Injection:
    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class _Session:
    session_id: str
    shard: tuple[int, int]
    ws: web.WebSocketResponse | None
    seq: int = 0
    frames: list[tuple[int, str]] = field(default_factory=list)


class FakeDiscord(RestHandlers):
    """Start with ``await fake.start()``; point the adapter at ``api_base_url``/``gateway_url``."""

    def __init__(self, guild: FakeGuild | None = None, token: str = GOOD_TOKEN) -> None:
        self.guild = guild or FakeGuild()
        self.token = token
        self.requests: list[RecordedRequest] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.bans: set[int] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.gateway_opcodes: list[int] = []
        # Failure modes: close IDENTIFY with this code (4004 bad token, 4014 intents), or go silent.
        self.identify_close_code: int | None = None
        self.send_ready = True
        self.identify_payloads: list[dict[str, Any]] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self._injections: list[_Injection] = []
        self._sessions: dict[str, _Session] = {}
        self._session_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._routes: list[tuple[str, re.Pattern[str], Any]] = [
            ("GET", re.compile(r"/users/@me"), self._get_me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self._get_application),
            ("GET", re.compile(r"/gateway/bot"), self._get_gateway),
            ("PUT", re.compile(r"/applications/\d+/guilds/\d+/commands"), self._put_commands),
            ("POST", re.compile(r"/channels/(\d+)/messages"), self._create_message),
            ("GET", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._get_message),
            ("DELETE", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._delete_message),
            ("GET", re.compile(r"/guilds/\d+/members/(\d+)"), self._get_member),
            ("PATCH", re.compile(r"/guilds/\d+/members/(\d+)"), self._patch_member),
            ("DELETE", re.compile(r"/guilds/\d+/members/(\d+)"), self._no_content),
            ("PUT", re.compile(r"/guilds/\d+/members/\d+/roles/\d+"), self._no_content),
            ("DELETE", re.compile(r"/guilds/\d+/members/\d+/roles/\d+"), self._no_content),
            ("PUT", re.compile(r"/guilds/\d+/bans/(\d+)"), self._put_ban),
            ("DELETE", re.compile(r"/guilds/\d+/bans/(\d+)"), self._delete_ban),
            ("POST", re.compile(r"/users/@me/channels"), self._create_dm),
            ("POST", re.compile(r"/interactions/(\d+)/[^/]+/callback"), self._callback),
            ("POST", re.compile(r"/webhooks/\d+/[^/]+"), self._followup),
            ("PATCH", re.compile(r"/webhooks/\d+/[^/]+/messages/@original"), self._followup),
            ("DELETE", re.compile(r"/webhooks/\d+/[^/]+/messages/@original"), self._no_content),
        ]

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/files/{name}", self._file)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for session in self._sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    # --- test controls -----------------------------------------------------------------

    def inject(
        self,
        method: str,
        pattern: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        code: int = 0,
        message: str = "",
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (429 gets Retry-After).

        Status 599 drops the connection without an answer (a network failure).
        """
        headers: dict[str, str] = {}
        body: dict[str, Any] = {"message": message or f"{status}: injected", "code": code}
        if status == 429:
            wait = 0.05 if retry_after is None else retry_after
            body = {"message": "You are being rate limited.", "retry_after": wait, "global": False}
            # discord.py treats a 429 without Via as Cloudflare's and gives up at once.
            headers = {"Retry-After": str(wait), "Via": "1.1 google"}
        self._injections.append(
            _Injection(method, re.compile(pattern), status, times, body, headers)
        )

    def serve_file(self, name: str, data: bytes, content_type: str) -> str:
        """Serve ``data`` like Discord's CDN serves attachments; returns its (signed-like) URL.
        Requests for files are recorded as ``GET /files/<name>`` (404 for unknown names)."""
        self.files[name] = (data, content_type)
        return self.file_url(name)

    def file_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._port}/files/{name}?ex=1&hm=signature"

    def requests_to(self, method: str, pattern: str) -> list[RecordedRequest]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.fullmatch(r.path)]

    async def wait_for_request(
        self, method: str, pattern: str, *, count: int = 1, within: float = 5.0
    ) -> RecordedRequest:
        """The ``count``-th request matching ``method`` + ``pattern`` (waits for it)."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.requests_to(method, pattern)) >= count)
        return self.requests_to(method, pattern)[count - 1]

    async def wait_until(self, predicate: Any, within: float = 5.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to the session of the guild's shard (buffered for RESUME)."""
        guild_id = int(data.get("guild_id", self.guild.guild_id))
        for session in self._sessions.values():
            shard_id, shard_count = session.shard
            if (guild_id >> 22) % shard_count != shard_id:
                continue
            session.seq += 1
            frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
            session.frames.append((session.seq, frame))
            if session.ws is not None and not session.ws.closed:
                await session.ws.send_str(frame)

    async def post_message(self, author: dict[str, Any], content: str, **kw: Any) -> dict[str, Any]:
        """MESSAGE_CREATE from ``author`` (a member payload); returns the message payload."""
        payload = message_payload(author=author, content=content, **kw)
        self.messages[int(payload["id"])] = payload
        await self.dispatch("MESSAGE_CREATE", payload)
        return payload

    async def edit_message(self, original: dict[str, Any], content: str) -> dict[str, Any]:
        payload = {**original, "content": content, "edited_timestamp": "2026-01-05T09:02:00+00:00"}
        self.messages[int(payload["id"])] = payload
        await self.dispatch("MESSAGE_UPDATE", payload)
        return payload

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway socket (Discord-side drop); the client should RESUME."""
        for session in self._sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=code, message=b"fake drop")
            session.ws = None

    async def interact(
        self,
        member: dict[str, Any],
        data: dict[str, Any],
        *,
        kind: int = 2,
        channel_id: int = TEXT_CHANNEL_ID,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """INTERACTION_CREATE (2 = application command, 3 = component) from ``member``."""
        interaction_id = next_id()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APPLICATION_ID),
            "type": kind,
            "data": data,
            "guild_id": str(self.guild.guild_id),
            "channel_id": str(channel_id),
            "channel": {"id": str(channel_id), "type": 0, "guild_id": str(self.guild.guild_id)},
            "member": {**member, "permissions": "0"},
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": "0",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def connected_sessions(self) -> int:
        return sum(1 for s in self._sessions.values() if s.ws is not None and not s.ws.closed)

    # --- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                break
            payload = json.loads(frame.data)
            op = payload["op"]
            self.gateway_opcodes.append(op)
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(ws, payload["d"])
            elif op == 6:
                await self._resume(ws, payload["d"])
            await self._notify()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token or self.identify_close_code is not None:
            await ws.close(code=self.identify_close_code or 4004, message=b"refused")
            return
        self.identify_count += 1
        self.identify_payloads.append(data)
        if not self.send_ready:
            return
        shard = tuple(data.get("shard") or (0, 1))
        session = _Session(f"fake-session-{next(self._session_ids)}", (shard[0], shard[1]), ws)
        self._sessions[session.session_id] = session
        guild_ids = [gid for gid in [self.guild.guild_id] if (gid >> 22) % shard[1] == shard[0]]
        ready = {
            "v": 10,
            "user": user_payload(BOT_ID, "pasici", bot=True),
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guild_ids],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(APPLICATION_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await self._send_dispatch(session, "READY", ready)
        if (self.guild.guild_id >> 22) % session.shard[1] == session.shard[0]:
            await self._send_dispatch(session, "GUILD_CREATE", self.guild.create_payload())

    async def _send_dispatch(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
        session.frames.append((session.seq, frame))
        assert session.ws is not None
        await session.ws.send_str(frame)

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self._sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        self.resume_count += 1
        session.ws = ws
        last_seen = data.get("seq") or 0
        for seq, frame in session.frames:
            if seq > last_seen:  # replay only what the client missed
                await ws.send_str(frame)
        await self._send_dispatch(session, "RESUMED", {})

    # --- CDN ---------------------------------------------------------------------------

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        found = self.files.get(name)
        response = (
            web.Response(body=found[0], content_type=found[1])
            if found is not None
            else web.Response(status=404, text="not found")
        )
        self.requests.append(
            RecordedRequest(
                "GET",
                f"/files/{name}",
                dict(request.query),
                None,
                (),
                dict(request.headers),
                time.perf_counter(),
                response.status,
            )
        )
        await self._notify()
        return response

    # --- REST --------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        arrived = time.perf_counter()
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[tuple[str, bytes]] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files.append((value.filename, value.file.read()))
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        response = self._injected(request.method, path)
        if response is not None and response.status == 599:
            # "connection dropped": close the socket without answering
            assert request.transport is not None
            request.transport.close()
        if response is None:
            response = await self._route(request.method, path, body, request)
        self.requests.append(
            RecordedRequest(
                request.method,
                path,
                dict(request.query),
                body,
                tuple(files),
                dict(request.headers),
                arrived,
                response.status,
            )
        )
        await self._notify()
        return response

    def _injected(self, method: str, path: str) -> web.Response | None:
        for injection in self._injections:
            if (
                injection.remaining > 0
                and injection.method == method
                and injection.pattern.fullmatch(path)
            ):
                injection.remaining -= 1
                return json_response(injection.body, injection.status, injection.headers)
        return None

    async def _route(self, method: str, path: str, body: Any, request: web.Request) -> web.Response:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                response: web.Response = await handler(match, body, request)
                return response
        return json_response({"message": f"fake: no route {method} {path}", "code": 0}, 404)
