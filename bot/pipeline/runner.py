"""The runner: one message through normalise/classify -> decide -> record -> execute.

Ordering, per community:

- messages are classified in arrival order, in batches (the queue that built up while the
  previous batch was classified goes to the classifier in one call: the encoder runs batched);
- a message that passes is settled right there, without any store I/O;
- a flagged message is judged and acted on in the order of its AUTHOR's messages (a member's
  points and sanctions are never raced), concurrently with other members' cases, so one slow
  case (a platform retry) never holds up the channel;
- a moderator command about a member waits for that member's cases in flight and runs in
  their order; every command runs while no judgement is being RECORDED in its community (an
  exclusive lock over the store transactions only, never over platform calls, so a command
  waiting behind a slow case holds up nobody else).

The case (with its strike and audit entry) is recorded BEFORE actions run, in the same
transaction that claims the message, so the notice, the warning and the ban farewell can quote
the case number; each action's outcome is then appended to that case.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.actions import Action, AlertModerators, Ban, Capability, Mute, SendNotice
from bot.decisions import Decision, MemberHistory
from bot.events import CommandCall, CommandReply, Message
from bot.notices import fill_case_number
from bot.pipeline.execution import ActionExecutor
from bot.pipeline.images import ImageScreening
from bot.pipeline.locks import KeyedSequencer, SharedExclusiveLock
from bot.pipeline.modlog import case_summary
from bot.pipeline.policy import decide
from bot.pipeline.rate_limit import SlidingWindowLimiter
from bot.ports import Classifier, Clock, PlatformAdapter, Store
from bot.records import BOT_ACTOR, CaseRecord, CaseStatus, NewCase
from bot.settings import CommunityPolicy
from bot.verdicts import Category, Classification

__all__ = ["CommandHandler", "CommunityRuntime", "Runner"]

log = logging.getLogger(__name__)

MAX_STORED_TEXT_CHARS = 10_000
# At most this many queued messages of one community are classified in one call: the call
# holds the event loop (the encoder costs ~1.5 ms a message), and its micro-batches are ~15
# sentences anyway, so bigger batches only made the stalls after a backlog longer.
MAX_BATCH = 8


def classify_many(classifier: Classifier, texts: list[str]) -> list[Classification]:
    """Batched when the classifier offers it (the detection engine does), else one by one."""
    batched = getattr(classifier, "classify_many", None)
    if callable(batched):
        return list(batched(texts))
    return [classifier.classify(text) for text in texts]


@dataclass(slots=True)
class CommunityRuntime:
    """Everything the runner needs for one community, rebuilt on config reload."""

    policy: CommunityPolicy
    classifier: Classifier
    notice_limiter: SlidingWindowLimiter


class CommandHandler(Protocol):
    """What the runner delegates commands to (bot.commands.service.CommandService)."""

    async def handle(self, call: CommandCall) -> CommandReply: ...


class Runner:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        adapters: Mapping[str, PlatformAdapter],
        communities: Mapping[str, CommunityRuntime],
        executor: ActionExecutor,
        commands: CommandHandler | None = None,
        images: ImageScreening | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._adapters = adapters
        self._communities = dict(communities)
        self._executor = executor
        self._commands = commands
        self._images = images
        self._locks: dict[str, SharedExclusiveLock] = {}
        self._members = KeyedSequencer()
        self._queues: dict[str, list[tuple[Message, asyncio.Future[None]]]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self.judged_count = 0
        self._closing = False

    def set_commands(self, commands: CommandHandler) -> None:
        self._commands = commands

    def replace_communities(self, communities: Mapping[str, CommunityRuntime]) -> None:
        """Swap in a freshly loaded config (hot reload); in-flight messages finish on the old."""
        self._communities = dict(communities)

    def community(self, key: str) -> CommunityRuntime | None:
        return self._communities.get(key)

    async def on_command(self, call: CommandCall) -> CommandReply:
        if self._commands is None:
            return CommandReply(ok=False, text="Commands are not available yet.")
        commands = self._commands
        replies: list[CommandReply] = []

        async def run() -> None:
            async with self._lock(call.community).exclusive():
                replies.append(await commands.handle(call))

        target = call.target_user
        if target is None:
            await run()
        else:  # after the member's cases in flight, before their next ones
            await self._members.submit((call.community, target.user_id), run)
        return replies[0]

    def close_intake(self) -> None:
        """Stop taking messages (shutting down); those already received are still judged (on
        their text alone when their images are still being checked)."""
        self._closing = True
        if self._images is not None:
            self._images.stop_checking()

    async def wait_idle(self) -> None:
        """Return once every message received so far has been judged and acted on."""
        while any(self._queues.values()) or any(not w.done() for w in self._workers.values()):
            await asyncio.gather(*self._workers.values(), return_exceptions=True)
        await self._members.wait_idle()

    async def on_message(self, message: Message) -> None:
        """Judge ``message``; returns once it has been judged (and acted on).

        Messages of a community queue up while one batch is judged; the next batch is then
        classified in one call (the sentence encoder runs batched), and judged in order.
        """
        if message.community not in self._communities:
            log.warning("message for unknown community %r ignored", message.community)
            return
        if message.author.is_bot:
            return
        if self._closing:
            log.warning("message %s arrived while stopping: not judged", message.dedup_key)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(message.community, []).append((message, done))
        worker = self._workers.get(message.community)
        if worker is None or worker.done():
            self._workers[message.community] = asyncio.create_task(self._drain(message.community))
        await asyncio.shield(done)
        self.judged_count += 1

    async def _drain(self, community: str) -> None:
        queue = self._queues[community]
        while queue:
            batch = queue[:MAX_BATCH]
            del queue[:MAX_BATCH]
            try:
                self._judge_batch(community, batch)
            except Exception:
                log.exception("failed to judge a batch of %d messages", len(batch))
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
            await asyncio.sleep(0)  # let the cases just started send their first action

    def _judge_batch(
        self, community: str, batch: list[tuple[Message, asyncio.Future[None]]]
    ) -> None:
        """Classify the batch; settle what passes; hand each case to its author's sequence."""
        runtime = self._communities.get(community)
        if runtime is None:  # the community was removed by a config reload meanwhile
            raise LookupError(f"community {community!r} is no longer configured")
        classifications = classify_many(runtime.classifier, [m.text for m, _ in batch])
        now = self._clock.now()
        for (message, done), classification in zip(batch, classifications, strict=True):
            try:
                adapter = self._adapters.get(message.chat.platform)
                capabilities = adapter.capabilities if adapter else frozenset()
                # Whether a case opens never depends on the member's history (only how far up
                # the ladder it goes does), so messages that pass never touch the store.
                first_look = decide(
                    message, classification, MemberHistory(), runtime.policy, capabilities, now
                )
            except Exception:
                log.exception("failed to judge message %s", message.dedup_key)
                done.set_result(None)
                continue
            if self._images and self._images.wants(message, runtime.policy.images, first_look):
                work = self._image_work(message, runtime, classification, capabilities)
            elif first_look.open_case:
                work = self._case_work(message, runtime, classification, capabilities)
            elif message.edited:
                work = self._edit_note_work(message)
            else:
                done.set_result(None)
                continue
            key = (community, message.author.user_id)
            self._members.submit(key, self._guarded(message, work, done))

    def _guarded(
        self, message: Message, work: Callable[[], Awaitable[None]], done: asyncio.Future[None]
    ) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                await work()
            except Exception:
                # One bad message must never stop the channel; the error is logged with context.
                log.exception("failed to judge message %s", message.dedup_key)
            finally:
                if not done.done():
                    done.set_result(None)

        return run

    def _lock(self, community: str) -> SharedExclusiveLock:
        lock = self._locks.get(community)
        if lock is None:
            lock = self._locks[community] = SharedExclusiveLock()
        return lock

    def _case_work(
        self,
        message: Message,
        runtime: CommunityRuntime,
        classification: Classification,
        capabilities: frozenset[Capability],
    ) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            decisions: list[Decision] = []

            def judge(history: MemberHistory) -> NewCase | None:
                now = self._clock.now()
                decision = decide(
                    message, classification, history, runtime.policy, capabilities, now
                )
                if not decision.open_case:  # defensive: history never turns a case into a pass
                    return None
                decisions.append(decision)
                return self._new_case(message, classification, decision)

            async with self._lock(message.community).shared():
                case = await self._store.record_judgement(
                    message.dedup_key,
                    message.community,
                    message.author.user_id,
                    self._clock.now(),
                    judge,
                )
            if case is None:
                if not decisions:
                    log.info("message %s already judged (replay) - skipped", message.dedup_key)
                return
            decision = decisions[-1]
            actions = self._finalise_actions(decision, case, message, runtime)
            if decision.shadow:
                return  # dry run: the case records what would have happened
            await self._executor.carry_out(message.chat.platform, actions, case)

        return work

    def _image_work(
        self,
        message: Message,
        runtime: CommunityRuntime,
        classification: Classification,
        capabilities: frozenset[Capability],
    ) -> Callable[[], Awaitable[None]]:
        """Judge again with the message's images merged in (bot/pipeline/images.py), in its
        author's order; fetching and scoring never run on the loop's hot path."""

        async def work() -> None:
            assert self._images is not None
            merged = await self._images.rejudge(message, runtime.policy, classification)
            now = self._clock.now()
            look = decide(message, merged, MemberHistory(), runtime.policy, capabilities, now)
            if look.open_case:
                await self._case_work(message, runtime, merged, capabilities)()

        return work

    def _edit_note_work(self, message: Message) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            async with self._lock(message.community).shared():
                await self._note_cleaned_edit(message)

        return work

    def _new_case(
        self, message: Message, classification: Classification, decision: Decision
    ) -> NewCase:
        top = classification.score_of(Category(decision.category)) if decision.category else None
        return NewCase(
            community=message.community,
            platform=message.chat.platform,
            user_id=message.author.user_id,
            user_name=message.author.display_name,
            action=decision.top_action,
            actor=BOT_ACTOR,
            reason=decision.reason,
            created_at=self._clock.now(),
            category=decision.category,
            score=decision.score,
            lang=classification.lang.value,
            channel_id=message.chat.channel_id,
            message_id=message.message_id,
            message_text=message.text[:MAX_STORED_TEXT_CHARS],
            message_link=message.link,
            spans=tuple((s.start, s.end, s.text) for s in top.spans) if top else (),
            reasons=top.reasons if top else (),
            points=decision.points,
            points_expire_at=decision.points_expire_at,
            evidence=decision.evidence,
            shadow=decision.shadow,
            status=CaseStatus.REVIEW if decision.review else CaseStatus.OPEN,
            action_until=_until_of(decision.actions),
        )

    def _finalise_actions(
        self,
        decision: Decision,
        case: CaseRecord,
        message: Message,
        runtime: CommunityRuntime,
    ) -> tuple[Action, ...]:
        """Stamp the case number, apply the notice rate limit, and log every case once."""
        stamped: list[Action] = []
        has_modlog_entry = False
        now = self._clock.now()
        for action in decision.actions:
            if isinstance(action, SendNotice):
                key = f"{message.community}:{message.chat.channel_id}"
                if not runtime.notice_limiter.allow(key, now):
                    log.info("notice for case #%s suppressed by the rate limit", case.number)
                    continue
            if isinstance(action, AlertModerators):
                has_modlog_entry = True
                action = replace(action, text=f"{action.text}\n{case_summary(case)}", case=case)
            action = fill_case_number(action, case.number)
            stamped.append(action)
        if not has_modlog_entry:
            stamped.append(
                AlertModerators(
                    community=case.community,
                    text=case_summary(case),
                    case_number=case.number,
                    case=case,
                )
            )
        return tuple(stamped)

    async def _note_cleaned_edit(self, message: Message) -> None:
        cases = await self._store.list_cases(message.community, message.author.user_id, limit=20)
        for case in cases:
            if case.message_id == message.message_id and case.status is not CaseStatus.UNDONE:
                note = "The author edited the message; the new version passes."
                if any(reason.startswith("image:") for reason in case.reasons):
                    # edits are judged on their text: the image this case is about stays
                    note = (
                        "The author edited the message; the new text passes (the image this "
                        "case is about was not checked again)."
                    )
                await self._store.add_note(
                    message.community,
                    message.author.user_id,
                    BOT_ACTOR,
                    note,
                    self._clock.now(),
                    case_number=case.number,
                )
                return


def _until_of(actions: tuple[Action, ...]) -> datetime | None:
    for action in actions:
        if isinstance(action, Mute):
            return action.until
        if isinstance(action, Ban):
            return action.until
    return None
