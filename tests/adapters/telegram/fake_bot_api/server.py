"""The fake Bot API HTTP server: records every call, long-polls getUpdates, injects faults."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .builders import JSON, bot_user, command_entity, group, member
from .state import ApiError, World, handle

TOKEN = "123456:TEST-token"
# Values PTB sends as raw strings that must stay strings (everything else is JSON-encoded).
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "file_id",
        "secret_token",
        "url",
        "parse_mode",
        "description",
    }
)


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: JSON
    at: float


@dataclass
class Fault:
    method: str
    times: int
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    drop: bool = False


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _TEXT_KEYS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeBotApi:
    """Start with ``await fake.start()``; point PTB at ``fake.base_url`` with ``fake.token``."""

    def __init__(self) -> None:
        self.world = World()
        self.calls: list[ApiCall] = []
        self.token = TOKEN
        self._updates: list[JSON] = []
        self._next_update_id = 1
        self._history: list[JSON] = []
        self.deliveries: dict[int, int] = {}  # update id -> times handed out by getUpdates
        self._faults: list[Fault] = []
        self._gone_files: set[str] = set()
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._serve)
        app.router.add_get("/bot{token}/{method}", self._serve)
        app.router.add_get("/file/bot{token}/files/{name}", self._serve_file)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """End pending long polls first, so PTB and the server shut down at once."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def add_file(self, file_id: str, content: bytes, *, downloadable: bool = True) -> None:
        """A file getFile knows; with ``downloadable=False`` its download URL answers 404 (as
        for a file Telegram no longer stores)."""
        self.world.files[file_id] = content
        if not downloadable:
            self._gone_files.add(file_id)

    async def _serve_file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["name"].removesuffix(".bin")
        found = (
            request.match_info["token"] == self.token
            and file_id in self.world.files
            and file_id not in self._gone_files
        )
        status = 200 if found else 404
        self.calls.append(
            ApiCall("<download>", {"file_id": file_id, "status": status}, time.monotonic())
        )
        await self._notify()
        if not found:
            return web.Response(status=404)
        return web.Response(body=self.world.files[file_id])

    # -- faults and inspection -------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        self._faults.append(Fault(method, times, status, description, retry_after))

    def drop(self, method: str, *, times: int = 1) -> None:
        """Close the connection without an answer (PTB sees a NetworkError)."""
        self._faults.append(Fault(method, times, drop=True))

    def calls_to(self, method: str) -> list[JSON]:
        return [call.params for call in self.calls if call.method == method]

    def moderation_calls(self) -> list[tuple[str, JSON]]:
        """Calls that change something members can see (messages, restrictions, bans)."""
        acting = {
            "sendMessage",
            "sendDocument",
            "editMessageText",
            "deleteMessage",
            "restrictChatMember",
            "banChatMember",
            "unbanChatMember",
            "banChatSenderChat",
            "unbanChatSenderChat",
        }
        return [(c.method, c.params) for c in self.calls if c.method in acting]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[JSON]:
        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)

        await asyncio.wait_for(reached(), within)
        return self.calls_to(method)

    @property
    def last_update_id(self) -> int:
        return self._next_update_id - 1

    def pending_updates(self) -> list[JSON]:
        return list(self._updates)

    def unconfirm(self) -> None:
        """As after a crash: Telegram never got the confirming offset, so it sends all again."""
        self._updates = sorted(
            {u["update_id"]: u for u in [*self._history, *self._updates]}.values(),
            key=lambda u: u["update_id"],
        )

    # -- world set-up ----------------------------------------------------------------------
    def add_group(
        self, chat_id: int, title: str = "Riders", *, owner: JSON | None = None, **kw: Any
    ) -> JSON:
        chat = group(chat_id, title, **kw)
        self.world.add_chat(chat)
        if owner is not None:
            self.world.members[(chat_id, owner["id"])] = member(owner, "creator")
        return chat

    def set_member(self, chat_id: int, who: JSON, status: str = "member", **rights: Any) -> None:
        self.world.members[(chat_id, who["id"])] = member(who, status, **rights)

    def set_bot_rights(self, chat_id: int, status: str = "administrator", **rights: Any) -> None:
        self.world.members[(chat_id, bot_user()["id"])] = member(bot_user(), status, **rights)

    # -- updates ---------------------------------------------------------------------------
    def push_update(self, kind: str, payload: JSON) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: payload})
        self._history.append(self._updates[-1])
        asyncio.get_running_loop().create_task(self._notify())
        return update_id

    def push_message(
        self,
        chat_id: int,
        sender: JSON | None,
        text: str | None = None,
        *,
        reply_to: int | None = None,
        edit_of: int | None = None,
        entities: list[JSON] | None = None,
        **fields: Any,
    ) -> int:
        """Post a message (or an edit of ``edit_of``) as ``sender``; returns its message id."""
        body: JSON = dict(fields)
        if sender is not None:
            body["from"] = sender
        if text is not None:
            body["text"] = text
        if entities:
            body["entities"] = entities
        if reply_to is not None:
            body["reply_to_message"] = self.world.messages[(chat_id, reply_to)]
        if edit_of is not None:
            original = self.world.messages[(chat_id, edit_of)]
            edited = {**original, **body, "edit_date": int(time.time())}
            self.world.messages[(chat_id, edit_of)] = edited
            self.push_update("edited_message", edited)
            return edit_of
        message = self.world.new_message(chat_id, sender or {}, **body)
        if sender is None:
            message.pop("from")
        self.push_update("message", message)
        return int(message["message_id"])

    def push_command(
        self, chat_id: int, sender: JSON, text: str, *, reply_to: int | None = None, **kw: Any
    ) -> int:
        extra = kw.pop("entities", [])
        return self.push_message(
            chat_id, sender, text, reply_to=reply_to, entities=[command_entity(text), *extra], **kw
        )

    def push_callback(self, chat_id: int, sender: JSON, message_id: int, data: str) -> str:
        query_id = f"cb{self._next_update_id}"
        self.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": sender,
                "chat_instance": "ci1",
                "data": data,
                "message": self.world.messages[(chat_id, message_id)],
            },
        )
        return query_id

    def push_chat_member(
        self, chat_id: int, who: JSON, old: str, new: str, *, mine: bool = False, **rights: Any
    ) -> int:
        """A chat_member (or, with ``mine``, my_chat_member) update; also updates the world."""
        self.world.members[(chat_id, who["id"])] = member(who, new, **rights)
        return self.push_update(
            "my_chat_member" if mine else "chat_member",
            {
                "chat": self.world.public_chat(chat_id),
                "from": who,
                "date": int(time.time()),
                "old_chat_member": member(who, old),
                "new_chat_member": member(who, new, **rights),
            },
        )

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- HTTP ------------------------------------------------------------------------------
    async def _serve(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(ApiCall(method, params, time.monotonic()))
        await self._notify()
        fault = self._take_fault(method)
        if fault is not None:
            if fault.drop:
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            body: JSON = {"ok": False, "error_code": fault.status, "description": fault.description}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return web.json_response(body, status=fault.status)
        try:
            if method == "getUpdates":
                result: Any = await self._get_updates(params)
            else:
                result = handle(self.world, method, params)
        except ApiError as err:
            body = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
            return web.json_response(body, status=err.status)
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> JSON:
        if request.content_type == "application/json":
            raw: JSON = await request.json()
        elif request.can_read_body:
            form = await request.post()
            raw = {k: v for k, v in form.items() if isinstance(v, str)}
            raw.update({k: "<file>" for k, v in form.items() if not isinstance(v, str)})
        else:
            raw = dict(request.query)
        return {k: _decode(k, v) for k, v in raw.items()}

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            # Telegram semantics: asking from ``offset`` confirms every earlier update.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

        def ready() -> bool:
            return self._closing or any(u["update_id"] >= offset for u in self._updates)

        if timeout > 0 and not ready():
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait_for(ready), timeout)
                except TimeoutError:
                    return []
        if self._closing:
            return []
        batch = [u for u in self._updates if u["update_id"] >= offset][:limit]
        for update in batch:
            self.deliveries[update["update_id"]] = self.deliveries.get(update["update_id"], 0) + 1
        return batch
