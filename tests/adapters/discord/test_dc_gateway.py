"""Gateway events through the real discord.py client: delivery, edits, resume, start failures."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import AdapterStartError, DiscordAdapter
from bot.actions import Kick, MemberRef
from bot.events import AttachmentKind, Message
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.fake_discord.payloads import (
    EXEMPT_CHANNEL_ID,
    FORUM_ID,
    FORUM_POST_ID,
    attachment_payload,
)
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import RecordingSink, eventually

ALICE_ID = 600000000000000001
BOT_AUTHOR_ID = 600000000000000002


async def test_messages_are_delivered_once_with_their_fields(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    alice = fake.guild.add_member(ALICE_ID, "alice")
    posted = await fake.post_message(
        alice,
        "look at this",
        channel_id=FORUM_POST_ID,
        attachments=[attachment_payload("meme.jpg", "image/jpeg")],
    )
    await eventually(lambda: len(sink.messages) == 1)
    message = sink.messages[0]
    assert message.message_id == posted["id"]
    assert message.text == "look at this"
    assert (message.chat.channel_id, message.chat.thread_id) == (str(FORUM_ID), str(FORUM_POST_ID))
    assert message.attachments[0].kind is AttachmentKind.IMAGE
    assert message.author.display_name == "Alice"


async def test_ignored_messages_are_not_delivered(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    alice = fake.guild.add_member(ALICE_ID, "alice")
    other_bot = fake.guild.add_member(BOT_AUTHOR_ID, "otherbot", bot=True)
    await fake.post_message(other_bot, "bot says")
    await fake.post_message(alice, "via hook", webhook_id=99)
    await fake.post_message(alice, "staff only", channel_id=EXEMPT_CHANNEL_ID)
    await fake.post_message(alice, "in a DM", guild_id=None)
    await fake.post_message(alice, "the real one")
    await eventually(lambda: len(sink.messages) >= 1)
    await asyncio.sleep(0.05)
    assert [m.text for m in sink.messages] == ["the real one"]


async def test_edits_are_handed_over_as_edited(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    alice = fake.guild.add_member(ALICE_ID, "alice")
    original = await fake.post_message(alice, "nice product")
    await eventually(lambda: len(sink.messages) == 1)
    # an embed unfurl updates the message without an edit timestamp: not an edit
    await fake.dispatch("MESSAGE_UPDATE", {**original, "embeds": []})
    await fake.edit_message(original, "you are an idiot")
    await eventually(lambda: len(sink.messages) == 2)
    await asyncio.sleep(0.05)
    edited = sink.messages[1]
    assert len(sink.messages) == 2
    assert edited.edited is True
    assert edited.message_id == original["id"]
    assert edited.text == "you are an idiot"
    assert edited.dedup_key != sink.messages[0].dedup_key


async def test_gateway_drop_resumes_without_duplicates(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    alice = fake.guild.add_member(ALICE_ID, "alice")
    await fake.post_message(alice, "before the drop")
    await eventually(lambda: len(sink.messages) == 1)
    await fake.drop_gateway()
    await fake.post_message(alice, "while disconnected")  # buffered: replayed on RESUME
    await eventually(lambda: fake.resume_count == 1 and fake.connected_sessions() == 1)
    await fake.post_message(alice, "after the resume")
    await eventually(lambda: len(sink.messages) >= 3)
    await asyncio.sleep(0.05)
    texts = [m.text for m in sink.messages]
    assert texts == ["before the drop", "while disconnected", "after the resume"]
    assert len({m.dedup_key for m in sink.messages}) == 3
    assert fake.identify_count == 1  # resumed, not re-identified


def _started_ok(message: Message) -> None:
    raise AssertionError("no message expected")


async def test_bad_token_is_a_clear_start_error(fake: FakeDiscord, sink: RecordingSink) -> None:
    fake.token = "the-real-token"
    adapter = DiscordAdapter(make_config(fake))
    with pytest.raises(AdapterStartError, match=r"Discord rejected the token \(401\)") as error:
        await adapter.start(sink)
    assert error.value.__cause__ is None
    assert error.value.__suppress_context__
    assert fake.identify_count == 0
    assert not fake.gateway_opcodes  # never opened the gateway


@pytest.mark.parametrize(
    ("close_code", "message"),
    [
        (4014, "Message Content Intent"),
        (4004, r"rejected the token at the gateway \(4004\)"),
    ],
)
async def test_gateway_refusals_are_clear_start_errors(
    fake: FakeDiscord, sink: RecordingSink, close_code: int, message: str
) -> None:
    fake.identify_close_code = close_code
    adapter = DiscordAdapter(make_config(fake))
    with pytest.raises(AdapterStartError, match=message):
        await adapter.start(sink)


async def test_ready_timeout(fake: FakeDiscord, sink: RecordingSink) -> None:
    fake.send_ready = False
    adapter = DiscordAdapter(make_config(fake, ready_timeout_seconds=0.3))
    with pytest.raises(AdapterStartError, match=r"not ready within 0.3s"):
        await adapter.start(sink)


async def test_unreachable_api(sink: RecordingSink) -> None:
    fake = FakeDiscord()
    await fake.start()
    config = make_config(fake)
    await fake.close()  # nothing listens there any more
    with pytest.raises(AdapterStartError, match="cannot reach Discord"):
        await DiscordAdapter(config).start(sink)


async def test_a_failing_core_does_not_stop_delivery(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    seen: list[str] = []

    async def explode_once(message: Message) -> None:
        seen.append(message.text)
        if len(seen) == 1:
            raise RuntimeError("core bug")

    sink.on_message = explode_once  # type: ignore[method-assign]
    alice = fake.guild.add_member(ALICE_ID, "alice")
    await fake.post_message(alice, "first")
    await fake.post_message(alice, "second")
    await eventually(lambda: seen == ["first", "second"])


async def test_intents_are_minimal(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    intents = fake.identify_payloads[0]["intents"]
    guilds, guild_messages, message_content = 1 << 0, 1 << 9, 1 << 15
    assert intents == guilds | guild_messages | message_content


async def test_sharded_connection(fake: FakeDiscord, sink: RecordingSink) -> None:
    adapter = DiscordAdapter(make_config(fake, shard_count=2, shard_ids=(0, 1)))
    await adapter.start(sink)
    try:
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        alice = fake.guild.add_member(ALICE_ID, "alice")
        await fake.post_message(alice, "sharded hello")
        await eventually(lambda: [m.text for m in sink.messages] == ["sharded hello"])
    finally:
        await adapter.stop()


async def test_stop_closes_the_gateway(fake: FakeDiscord, sink: RecordingSink) -> None:
    adapter = DiscordAdapter(make_config(fake))
    await adapter.start(sink)
    assert fake.connected_sessions() == 1
    await adapter.stop()
    await eventually(lambda: fake.connected_sessions() == 0)


async def test_stop_lets_a_running_judgement_finish(fake: FakeDiscord, sink: RecordingSink) -> None:
    adapter = DiscordAdapter(make_config(fake))
    started = asyncio.Event()
    finished: list[str] = []

    async def slow_core(message: Message) -> None:
        started.set()
        await asyncio.sleep(0.2)
        outcome = await adapter.execute(Kick(MemberRef("acme", str(ALICE_ID))))
        finished.append(outcome.detail)

    sink.on_message = slow_core  # type: ignore[method-assign]
    await adapter.start(sink)
    alice = fake.guild.add_member(ALICE_ID, "alice")
    await fake.post_message(alice, "judge me slowly")
    await asyncio.wait_for(started.wait(), 5)
    await adapter.stop()
    assert finished == [f"kicked {ALICE_ID}"]  # the HTTP session was still open for it
