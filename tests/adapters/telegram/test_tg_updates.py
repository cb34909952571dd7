"""Updates through the real PTB Application (long polling against the fake Bot API)."""

from __future__ import annotations

from adapters.telegram import TelegramAdapter
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import (
    COMMUNITY,
    GROUP,
    JAN,
    Harness,
)


async def test_group_message_reaches_the_sink(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    message_id = fake.push_message(GROUP, JAN, "Mijn trein is weer te laat")

    await harness.sink.wait(messages=1)

    [message] = harness.sink.messages
    assert message.text == "Mijn trein is weer te laat"
    assert message.message_id == str(message_id)
    assert message.chat.community == COMMUNITY
    assert message.chat.channel_id == str(GROUP)
    assert message.author.user_id == str(JAN["id"])
    assert message.author.display_name == "Jan (@jan_p)"
    assert message.link == f"https://t.me/sncb_riders/{message_id}"
    assert not message.edited
