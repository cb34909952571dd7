"""CommandService: authorise every call, run its handler, audit the result."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from bot.commands.authorise import AuthorityCheck, refusal_reason
from bot.commands.case_handlers import CASE_HANDLERS
from bot.commands.context import CommandContext, ConfigControl, Handler
from bot.commands.sanction_handlers import SANCTION_HANDLERS
from bot.commands.specs import spec_for
from bot.events import CommandCall, CommandReply
from bot.pipeline.execution import ActionExecutor
from bot.pipeline.policy import required_level, resolve_command_level
from bot.pipeline.runner import CommunityRuntime
from bot.ports import Clock, Store
from bot.records import AuditEntry

__all__ = ["CommandService"]

log = logging.getLogger(__name__)

HANDLERS: Mapping[str, Handler] = {**SANCTION_HANDLERS, **CASE_HANDLERS}


class CommandService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        executor: ActionExecutor,
        communities: Callable[[str], CommunityRuntime | None],
        config: ConfigControl | None = None,
        status_lines: Callable[[str], Sequence[str]] | None = None,
        bot_user_ids: Mapping[str, str] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._executor = executor
        self._communities = communities
        self._config = config
        self._status_lines = status_lines or (lambda community: [f"pasici: {community}"])
        self._bot_user_ids = dict(bot_user_ids or {})

    async def handle(self, call: CommandCall) -> CommandReply:
        spec = spec_for(call.name)
        handler = HANDLERS.get(call.name)
        if spec is None or handler is None:
            return CommandReply(ok=False, text=f"Unknown command /{call.name}.")
        runtime = self._communities(call.community)
        if runtime is None:
            return CommandReply(ok=False, text="This chat is not linked to a pasici community.")
        policy = runtime.policy
        now = self._clock.now()
        invoker_level = resolve_command_level(call.invoker, policy)
        target = call.target_user
        refusal = refusal_reason(
            AuthorityCheck(
                spec=spec,
                invoker=call.invoker,
                invoker_level=invoker_level,
                required_level=required_level(spec.name, policy),
                target=target,
                target_level=resolve_command_level(target, policy) if target else 0,
                bot_user_id=self._bot_user_ids.get(call.chat.platform),
            )
        )
        if refusal is not None:
            await self._audit(call, f"refused: {refusal}")
            return CommandReply(ok=False, text=refusal)
        context = CommandContext(
            call=call,
            policy=policy,
            classifier=runtime.classifier,
            store=self._store,
            clock=self._clock,
            executor=self._executor,
            now=now,
            invoker_level=invoker_level,
            config=self._config,
            status_lines=lambda: self._status_lines(call.community),
        )
        try:
            reply = await handler(context)
        except Exception:
            log.exception("command /%s failed", call.name)
            await self._audit(call, "failed: internal error")
            return CommandReply(ok=False, text=f"/{call.name} failed; the error was logged.")
        await self._audit(call, ("ok: " if reply.ok else "not done: ") + reply.text[:300])
        return reply

    async def _audit(self, call: CommandCall, detail: str) -> None:
        target = call.target_user.user_id if call.target_user else None
        reason = call.options.get("reason", "")
        await self._store.audit(
            AuditEntry(
                community=call.community,
                actor=call.invoker.user_id,
                action=f"command:{call.name}",
                created_at=self._clock.now(),
                target_user_id=target,
                reason=reason,
                detail=detail,
            )
        )
