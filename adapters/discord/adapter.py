"""DiscordAdapter: the real discord.py client behind bot.ports.PlatformAdapter.

The adapter translates (translate.py), executes (execute.py), exposes commands (commands.py)
and writes the mod log (modlog.py); it never decides. ``start()`` logs in, connects in a
background task and returns once the gateway is ready and the commands are synced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

from adapters.discord.commands import CommandHandler, build_command_payloads
from adapters.discord.config import DiscordAdapterConfig
from adapters.discord.errors import AdapterStartError
from adapters.discord.execute import ActionExecutor
from adapters.discord.translate import PLATFORM, message_from_discord, skip_reason
from bot.actions import Action, ActionOutcome, Capability
from bot.clock import SystemClock
from bot.ports import Clock, EventSink

__all__ = ["DiscordAdapter", "build_intents"]

_log = logging.getLogger(__name__)

CAPABILITIES = frozenset(
    {
        Capability.NOTICE,
        Capability.DELETE,
        Capability.WARN,
        Capability.MUTE,
        Capability.KICK,
        Capability.BAN,
        Capability.ALERT,
        Capability.DIRECT_MESSAGE,
    }
)
# Where Discord serves message attachments: the image step fetches from these hosts only.
ATTACHMENT_HOSTS = ("cdn.discordapp.com", "media.discordapp.net")
_PRIVILEGED_HELP = (
    "Discord refused the privileged message content intent (4014): enable 'Message Content "
    "Intent' for the bot in the Developer Portal (see adapters/discord/README.md)"
)


def build_intents(config: DiscordAdapterConfig) -> discord.Intents:
    """Only what the bot needs: guilds, guild messages, message content (+ members if asked)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = config.message_content_intent
    intents.members = config.members_intent
    return intents


def _point_discord_py_at(config: DiscordAdapterConfig) -> None:
    # discord.py keeps its endpoints in class attributes: this is process-wide by design.
    discord.http.Route.BASE = config.api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)
    # The bot never joins voice: silence the "PyNaCl/davey is not installed" start-up warnings.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


class _PasiciClient(discord.AutoShardedClient):
    """discord.py client forwarding events to the adapter (sharded only when configured)."""

    def __init__(self, adapter: DiscordAdapter, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._adapter = adapter

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s between shard identifies (Discord's identify limit).
        if not initial:
            await asyncio.sleep(self._adapter.config.identify_delay_seconds)

    async def on_ready(self) -> None:
        self._adapter._on_ready()

    async def on_message(self, message: discord.Message) -> None:
        await self._adapter._deliver(message, edited=False)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if payload.data.get("edited_timestamp") is None:
            return  # embed unfurls and pins update a message without the author editing it
        cached = payload.cached_message
        if (
            cached is not None
            and cached.content == payload.message.content
            and len(cached.attachments) == len(payload.message.attachments)
        ):
            return
        await self._adapter._deliver(payload.message, edited=True)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self._adapter._on_interaction(interaction)


class _SingleClient(discord.Client):
    """Same as _PasiciClient without sharding (one gateway connection)."""

    def __init__(self, adapter: DiscordAdapter, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._adapter = adapter

    before_identify_hook = _PasiciClient.before_identify_hook
    on_ready = _PasiciClient.on_ready
    on_message = _PasiciClient.on_message
    on_raw_message_edit = _PasiciClient.on_raw_message_edit
    on_interaction = _PasiciClient.on_interaction


class DiscordAdapter:
    """Pas ici on Discord. ``DiscordAdapter(config, clock=None)``; see DiscordAdapterConfig."""

    def __init__(self, config: DiscordAdapterConfig, *, clock: Clock | None = None) -> None:
        self._config = config
        self._clock: Clock = clock or SystemClock()
        self._client: discord.Client | None = None
        self._executor: ActionExecutor | None = None
        self._commands: CommandHandler | None = None
        self._sink: EventSink | None = None
        self._ready = asyncio.Event()
        self._connect_task: asyncio.Task[None] | None = None
        self.command_sync_failures: dict[int, str] = {}
        # Event handlers still running (discord.py runs each event in its own task): stop()
        # lets them finish so no judgement is cut off between its case and its actions.
        self._in_flight: set[asyncio.Task[object]] = set()
        self._stopping = False

    @property
    def platform(self) -> str:
        return PLATFORM

    @property
    def capabilities(self) -> frozenset[Capability]:
        return CAPABILITIES

    @property
    def config(self) -> DiscordAdapterConfig:
        return self._config

    @property
    def attachment_hosts(self) -> tuple[str, ...]:
        """The only hosts the image step fetches this platform's attachments from."""
        return ATTACHMENT_HOSTS

    @property
    def client(self) -> discord.Client:
        if self._client is None:
            raise RuntimeError("DiscordAdapter is not started")
        return self._client

    def _make_client(self) -> discord.Client:
        options: dict[str, object] = {
            "intents": build_intents(self._config),
            "guild_ready_timeout": self._config.guild_ready_timeout_seconds,
            # discord.py sleeps on shorter 429s itself; longer ones come back as retryable.
            "max_ratelimit_timeout": self._config.max_ratelimit_wait_seconds,
            "chunk_guilds_at_startup": False,
        }
        if self._config.shard_count is None:
            return _SingleClient(self, **options)
        options["shard_count"] = self._config.shard_count
        if self._config.shard_ids is not None:
            options["shard_ids"] = list(self._config.shard_ids)
        return _PasiciClient(self, **options)

    async def start(self, sink: EventSink) -> None:
        """Log in, connect in the background and return once ready (AdapterStartError if not)."""
        if self._client is not None:
            raise RuntimeError("DiscordAdapter already started")
        _point_discord_py_at(self._config)
        self._sink = sink
        client = self._make_client()
        self._client = client
        self._executor = ActionExecutor(client, self._config, self._clock)
        self._commands = CommandHandler(client, self._config, sink, self._clock)
        try:
            await client.login(self._config.token)
        except discord.LoginFailure:
            await self._abort()
            raise AdapterStartError(
                "Discord rejected the token (401): check PASICI_DISCORD_TOKEN "
                "(Developer Portal > your application > Bot > Reset Token)"
            ) from None
        except (aiohttp.ClientError, OSError, discord.HTTPException) as error:
            await self._abort()
            raise AdapterStartError(
                f"cannot reach Discord at {self._config.api_base_url}: {error}"
            ) from None
        self._connect_task = asyncio.create_task(client.connect(reconnect=True))
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait(
            {ready, self._connect_task},
            timeout=self._config.ready_timeout_seconds,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if ready not in done:
            ready.cancel()
            failure = self._start_failure()
            await self._abort()
            raise AdapterStartError(failure) from None
        self._connect_task.add_done_callback(self._connection_ended)
        await self._sync_commands()

    def _start_failure(self) -> str:
        task = self._connect_task
        if task is None or not task.done():
            return f"Discord gateway not ready within {self._config.ready_timeout_seconds:g}s"
        error = task.exception() if not task.cancelled() else None
        if isinstance(error, discord.PrivilegedIntentsRequired):
            return _PRIVILEGED_HELP
        if isinstance(error, discord.ConnectionClosed) and error.code == 4004:
            return "Discord rejected the token at the gateway (4004): check PASICI_DISCORD_TOKEN"
        return f"Discord gateway connection failed: {error!r}"

    def _connection_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        _log.error("Discord connection ended: %r", task.exception())

    async def _abort(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._connect_task is not None:
            with contextlib.suppress(BaseException):
                await self._connect_task
        self._client = None
        self._connect_task = None
        self._executor = None  # a closed HTTP session must not be used: execute() says so
        self._commands = None

    async def stop(self) -> None:
        """Let running handlers finish (bounded), then close the gateway and HTTP session."""
        self._stopping = True
        try:
            pending = {task for task in self._in_flight if task is not asyncio.current_task()}
            if pending:
                _, late = await asyncio.wait(pending, timeout=self._config.stop_timeout_seconds)
                if late:
                    _log.warning("%d event handler(s) still running at stop", len(late))
            await self._abort()
        finally:
            self._ready.clear()
            self._stopping = False

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[bool]:
        """Register the running event task; yields False when the adapter is stopping."""
        task = asyncio.current_task()
        if self._stopping or task is None:
            yield not self._stopping
            return
        self._in_flight.add(task)
        try:
            yield True
        finally:
            self._in_flight.discard(task)

    async def execute(self, action: Action) -> ActionOutcome:
        if self._executor is None:
            return ActionOutcome(ok=False, detail="Discord adapter is not started", retryable=True)
        return await self._executor.execute(action)

    # --- client callbacks ------------------------------------------------------------------

    def _on_ready(self) -> None:
        self._ready.set()

    async def _sync_commands(self) -> None:
        client = self.client
        application_id = client.application_id
        if application_id is None:
            self.command_sync_failures = {gid: "no application id" for gid in self._config.guilds}
            return
        payloads = build_command_payloads()
        for guild_id in self._config.guilds:
            try:
                await client.http.bulk_upsert_guild_commands(application_id, guild_id, payloads)
            except discord.HTTPException as error:
                # Usually the bot was invited without the applications.commands scope.
                self.command_sync_failures[guild_id] = f"{error.status}: {error.text}"
                _log.error("could not sync commands in guild %s: %s", guild_id, error)

    async def _deliver(self, message: discord.Message, *, edited: bool) -> None:
        translated = message_from_discord(message, self._config, edited=edited)
        if translated is None:
            _log.debug("ignored message %s: %s", message.id, skip_reason(message, self._config))
            return
        with self._tracked() as running:
            if not running or self._sink is None:
                _log.warning("message %s arrived while stopping: not judged", message.id)
                return
            try:
                await self._sink.on_message(translated)
            except Exception:  # one failing message must not stop the event loop
                _log.exception("the core failed on message %s", message.id)

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        with self._tracked() as running:
            if running and self._commands is not None:
                await self._commands.handle(interaction)
