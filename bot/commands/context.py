"""What a command handler gets: the call, its community's policy, and the core's services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.actions import MemberRef, MessageRef
from bot.events import CommandCall, CommandReply
from bot.pipeline.execution import ActionExecutor
from bot.ports import Classifier, Clock, Store
from bot.settings import CommunityPolicy

__all__ = ["CommandContext", "ConfigControl", "Handler"]


class ConfigControl(Protocol):
    """The app's config operations, offered to the /config command."""

    async def check(self) -> Sequence[str]:
        """Validate the config files on disk; the error messages (empty when valid)."""
        ...

    async def reload(self) -> str:
        """Apply the config files on disk; a sentence saying what happened."""
        ...


@dataclass(frozen=True, slots=True)
class CommandContext:
    call: CommandCall
    policy: CommunityPolicy
    classifier: Classifier
    store: Store
    clock: Clock
    executor: ActionExecutor
    now: datetime
    invoker_level: int
    config: ConfigControl | None
    status_lines: Callable[[], Sequence[str]]

    @property
    def actor(self) -> str:
        return self.call.invoker.user_id

    @property
    def community(self) -> str:
        return self.call.community

    def option(self, name: str) -> str | None:
        value = self.call.options.get(name)
        return value.strip() if value and value.strip() else None

    def reason(self, default: str = "") -> str:
        return self.option("reason") or default

    def target_member(self) -> MemberRef:
        target = self.call.target_user
        if target is None:  # authorisation guarantees a target for targeted commands
            raise ValueError("this command needs a target member")
        return MemberRef(self.community, target.user_id, target.display_name)

    def target_message(self) -> MessageRef | None:
        if self.call.target_message_id is None or self.call.target_user is None:
            return None
        return MessageRef(
            community=self.community,
            channel_id=self.call.chat.channel_id,
            message_id=self.call.target_message_id,
            author_id=self.call.target_user.user_id,
            thread_id=self.call.chat.thread_id,
        )


Handler = Callable[[CommandContext], Awaitable[CommandReply]]
