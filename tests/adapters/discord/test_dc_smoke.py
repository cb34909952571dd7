from __future__ import annotations

from adapters.discord import DiscordAdapter
from tests.adapters.discord.fake_discord.payloads import FakeGuild
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import RecordingSink, eventually


async def test_message_reaches_sink(fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink) -> None:
    author = fake.guild.add_member(123456789012345678, "alice")
    await fake.post_message(author, "hello")
    await eventually(lambda: len(sink.messages) == 1)
    print(sink.messages)
    print([ (r.method, r.path) for r in fake.requests])
