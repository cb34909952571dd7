"""TelegramAdapter: the real python-telegram-bot Application as a bot.ports.PlatformAdapter.

Updates arrive by long polling or by webhook (mounted on the bot's own aiohttp server); one
TypeHandler translates each (translate.py) and hands it to the core's EventSink. Actions go
through TelegramExecutor (execute.py). The last handled update id is persisted so a restart
neither loses updates nor judges (and punishes) them twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from adapters.telegram.authority import MemberAuthority
from adapters.telegram.calls import ApiCaller, RetryPolicy
from adapters.telegram.commands import publish_commands
from adapters.telegram.config import TelegramAdapterConfig, UpdateMode
from adapters.telegram.execute import TelegramExecutor
from adapters.telegram.flood import FloodGuard
from adapters.telegram.offsets import FileOffsetStore, MemoryOffsetStore, OffsetStore
from adapters.telegram.replies import ReplyRenderer
from adapters.telegram.rights import RightsMonitor
from adapters.telegram.routing import UpdateRouter
from adapters.telegram.translate import (
    FILE_URL_PREFIX,
    PLATFORM,
)
from adapters.telegram.users import SeenUsers
from bot.actions import Action, ActionOutcome, Capability
from bot.clock import SystemClock
from bot.events import Attachment
from bot.ports import Clock, EventSink, PlatformAdapter

__all__ = ["ALLOWED_UPDATES", "SECRET_TOKEN_HEADER", "TelegramAdapter"]

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "chat_member", "my_chat_member")
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram restarts update ids at random after a week without updates; only ids this close
# below the saved offset are treated as replays of what was already handled.
REPLAY_WINDOW = 100_000
CAPABILITIES = frozenset(
    {
        Capability.NOTICE,
        Capability.DELETE,
        Capability.WARN,
        Capability.MUTE,
        Capability.KICK,
        Capability.BAN,
        Capability.ALERT,
    }
)


class TelegramAdapter:
    def __init__(
        self,
        config: TelegramAdapterConfig,
        *,
        clock: Clock | None = None,
        offset_store: OffsetStore | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._clock = clock or SystemClock()
        if offset_store is None:
            offset_store = (
                FileOffsetStore(config.offset_path) if config.offset_path else MemoryOffsetStore()
            )
        self._offsets = offset_store
        self._sleep = sleep
        self._monotonic = monotonic
        self.users = SeenUsers()
        self.flood = FloodGuard(config.flood_limit_per_minute, monotonic)
        self._app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._sink: EventSink | None = None
        self._executor: TelegramExecutor | None = None
        self._authority: MemberAuthority | None = None
        self._rights: RightsMonitor | None = None
        self._replies: ReplyRenderer | None = None
        self._last_update_id: int | None = None
        self._router: UpdateRouter | None = None
        self._webhook_lock = asyncio.Lock()
        self._summary_task: asyncio.Task[None] | None = None
        self.bot_username = ""

    @property
    def platform(self) -> str:
        return PLATFORM

    @property
    def capabilities(self) -> frozenset[Capability]:
        return CAPABILITIES

    @property
    def handled_update_id(self) -> int | None:
        """The last update fully handled (what the offset store holds); for health checks."""
        return self._last_update_id

    @property
    def rights(self) -> RightsMonitor | None:
        return self._rights

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Connect, publish commands, check rights, then poll (or await webhooks); returns.

        Raises RuntimeError with a readable reason when Telegram refuses the token or cannot
        be reached; nothing is left running then.
        """
        if self._app is not None:
            raise RuntimeError("TelegramAdapter is already started")
        app = self._build_application()
        try:
            await app.initialize()
        except TelegramError as error:
            raise RuntimeError(self._start_failure(error)) from error
        self._wire(app, sink)
        self._last_update_id = await self._offsets.load()
        self._app = app
        try:
            await self._connect(app)
        except TelegramError as error:
            await self.stop()
            raise RuntimeError(self._start_failure(error)) from error
        self._summary_task = asyncio.create_task(self._summaries_loop())

    def _start_failure(self, error: TelegramError) -> str:
        if isinstance(error, InvalidToken):
            return f"Telegram refused the bot token: {error.message}"
        return f"cannot start the Telegram adapter at {self.config.base_url}: {error.message}"

    def _build_application(self) -> Application[Any, Any, Any, Any, Any, Any]:
        config = self.config
        timeout = config.http_timeout_seconds
        builder = (
            Application.builder()
            .token(config.token)
            .base_url(config.base_url)
            .base_file_url(config.base_file_url)
            .connect_timeout(timeout)
            .read_timeout(timeout)
            .write_timeout(timeout)
            .get_updates_read_timeout(timeout + config.poll_timeout_seconds)
        )
        if config.mode is UpdateMode.WEBHOOK:
            builder = builder.updater(None)
        app = builder.build()
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        return app

    def _wire(self, app: Application[Any, Any, Any, Any, Any, Any], sink: EventSink) -> None:
        config = self.config
        self._sink = sink
        self.bot_username = app.bot.username
        self._authority = MemberAuthority(app.bot, config.member_cache_seconds, self._monotonic)
        policy = RetryPolicy(
            config.max_retry_wait_seconds,
            config.network_retries,
            config.network_retry_delay_seconds,
        )
        executor = TelegramExecutor(
            app.bot,
            config,
            self._authority,
            self.flood,
            ApiCaller(policy, self._sleep),
            self._clock,
        )
        self._executor = executor
        self._rights = RightsMonitor(config, executor.post_to_mod_log)
        self._replies = ReplyRenderer(app.bot, config, self.flood)
        self._router = UpdateRouter(
            config,
            sink,
            self._authority,
            self._rights,
            self._replies,
            self.users,
            self._clock,
            self.bot_username,
        )

    async def _connect(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        assert self._rights is not None
        config = self.config
        await app.start()
        await publish_commands(app.bot, config)
        await self._rights.check_all(app.bot)
        if config.mode is UpdateMode.POLLING:
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=timedelta(seconds=config.poll_timeout_seconds),
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
        else:
            await app.bot.set_webhook(
                url=config.webhook_public_url.rstrip("/") + config.webhook_path,
                secret_token=config.webhook_secret_token,
                allowed_updates=list(ALLOWED_UPDATES),
            )

    async def stop(self) -> None:
        """Stop polling (confirming handled updates to Telegram), then shut PTB down."""
        app, self._app = self._app, None
        if app is None:
            return
        if self._summary_task is not None:
            self._summary_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._summary_task
            self._summary_task = None
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        self._executor = None

    async def fetch_attachment(self, attachment: Attachment) -> bytes | None:
        """The bytes of a message's photo/file (for the image detector); None if unavailable.

        Files over ``max_attachment_bytes`` (the Bot API serves at most 20 MB) are not fetched.
        """
        app = self._app
        if app is None or not attachment.url.startswith(FILE_URL_PREFIX):
            return None
        limit = self.config.max_attachment_bytes
        if attachment.size_bytes > limit:
            return None
        try:
            found = await app.bot.get_file(attachment.url.removeprefix(FILE_URL_PREFIX))
            if found.file_size is not None and found.file_size > limit:
                return None
            return bytes(await found.download_as_bytearray())
        except TelegramError as error:
            log.warning("downloading %s failed: %s", attachment.url, error)
            return None

    async def execute(self, action: Action) -> ActionOutcome:
        if self._executor is None:
            return ActionOutcome(
                ok=False, detail="the Telegram adapter is not started", retryable=True
            )
        return await self._executor.execute(action)

    # -- webhook ---------------------------------------------------------------------------
    def routes(self) -> list[web.RouteDef]:
        """The webhook route, for the bot's own aiohttp application."""
        return [web.post(self.config.webhook_path, self._webhook)]

    def mount(self, web_app: web.Application) -> None:
        web_app.add_routes(self.routes())

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_TOKEN_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, self.config.webhook_secret_token.encode("utf-8")):
            log.warning("webhook call with a wrong secret token from %s refused", request.remote)
            return web.Response(status=403, text="wrong secret token")
        app = self._app
        if app is None or self.config.mode is not UpdateMode.WEBHOOK:
            return web.Response(status=503, text="the Telegram adapter is not running")
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        # Handled before answering (if the bot dies midway, Telegram sends the update again),
        # and one at a time, like polling: the saved offset must never pass an unhandled update.
        async with self._webhook_lock:
            await app.process_update(update)
        return web.Response(text="ok")

    # -- updates ---------------------------------------------------------------------------
    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        last = self._last_update_id
        if last is not None and last - REPLAY_WINDOW < update.update_id <= last:
            log.info("update %s was handled before the restart - skipped", update.update_id)
            return
        try:
            assert self._router is not None
            await self._router.dispatch(update)
        except Exception:
            log.exception("update %s could not be handled", update.update_id)
        finally:
            if self._last_update_id is None or update.update_id > self._last_update_id:
                self._last_update_id = update.update_id
                await self._offsets.save(update.update_id)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("python-telegram-bot error for %r: %s", update, context.error)

    # -- flood summaries -------------------------------------------------------------------
    async def flush_flood_summaries(self) -> int:
        """Post what the flood limit held back; returns how many mod-log messages were sent."""
        if self._executor is None or self._replies is None:
            return 0
        posted = 0
        for held in self.flood.take_summaries():
            outcome = await self._executor.post_to_mod_log(held.community, held.summary())
            posted += int(outcome.ok)
        for mod_chat in self.flood.deferred_chats():
            while self.flood.remaining(mod_chat) > 0:
                digest = self.flood.take_digest(mod_chat)
                if digest is None:
                    break
                self.flood.record(mod_chat)
                posted += int(await self._replies.send_plain(mod_chat, digest))
        return posted

    async def _summaries_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.flood_summary_interval_seconds)
            try:
                await self.flush_flood_summaries()
            except TelegramError:
                log.exception("posting the flood summary failed")


if TYPE_CHECKING:

    def _is_a_platform_adapter(adapter: TelegramAdapter) -> PlatformAdapter:
        return adapter  # mypy --strict proves the Protocol fit here
