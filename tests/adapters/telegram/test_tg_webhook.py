"""Webhook mode: the update handler mounted on the bot's own aiohttp application."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.telegram import TelegramAdapter, UpdateMode
from adapters.telegram.adapter import SECRET_TOKEN_HEADER
from bot.events import Message
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import GROUP, JAN, Harness, make_config

Client = TestClient[web.Request, web.Application]
SECRET = "s3cret-Token_1"
WEBHOOK = {
    "mode": UpdateMode.WEBHOOK,
    "webhook_secret_token": SECRET,
    "webhook_public_url": "https://bot.example.org/",
    "webhook_path": "/hooks/telegram",
}


def update(update_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 40 + update_id,
            "date": int(time.time()),
            "chat": {"id": GROUP, "type": "supergroup", "title": "SNCB riders"},
            "from": JAN,
            "text": text,
        },
    }


@pytest.fixture
async def webhook_adapter(harness: Harness) -> TelegramAdapter:
    return await harness.start(**WEBHOOK)


@pytest.fixture
async def client(
    webhook_adapter: TelegramAdapter,
) -> AsyncIterator[Client]:
    app = web.Application()
    webhook_adapter.mount(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


async def test_start_registers_the_webhook_with_its_secret(
    webhook_adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    [registered] = fake.calls_to("setWebhook")

    assert registered["url"] == "https://bot.example.org/hooks/telegram"
    assert registered["secret_token"] == SECRET
    assert "chat_member" in registered["allowed_updates"]
    assert fake.calls_to("getUpdates") == []


async def test_right_secret_is_accepted_and_the_update_handled(
    client: Client, harness: Harness
) -> None:
    response = await client.post(
        "/hooks/telegram", json=update(1, "hallo"), headers={SECRET_TOKEN_HEADER: SECRET}
    )

    assert response.status == 200
    assert [m.text for m in harness.sink.messages] == ["hallo"]  # handled before the 200


@pytest.mark.parametrize("secret", ["", "wrong", SECRET + "x", "é"])
async def test_wrong_secret_is_refused_and_nothing_processed(
    client: Client, harness: Harness, secret: str
) -> None:
    headers = {SECRET_TOKEN_HEADER: secret} if secret else {}

    response = await client.post("/hooks/telegram", json=update(1, "hallo"), headers=headers)

    assert response.status == 403
    assert harness.sink.messages == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"no": "update_id"}'])
async def test_garbage_is_a_400_not_a_crash(client: Client, harness: Harness, body: bytes) -> None:
    response = await client.post(
        "/hooks/telegram",
        data=body,
        headers={SECRET_TOKEN_HEADER: SECRET, "Content-Type": "application/json"},
    )

    assert response.status == 400
    assert harness.sink.messages == []


async def test_a_resent_update_is_not_handled_twice(client: Client, harness: Harness) -> None:
    for _ in range(2):
        response = await client.post(
            "/hooks/telegram", json=update(7, "once"), headers={SECRET_TOKEN_HEADER: SECRET}
        )
        assert response.status == 200

    assert [m.text for m in harness.sink.messages] == ["once"]


async def test_webhook_before_start_answers_503(fake: FakeBotApi) -> None:
    adapter = TelegramAdapter(make_config(fake, **WEBHOOK))
    app = web.Application()
    adapter.mount(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        response = await test_client.post(
            "/hooks/telegram", json=update(1, "x"), headers={SECRET_TOKEN_HEADER: SECRET}
        )

    assert response.status == 503


async def test_concurrent_deliveries_are_handled_one_at_a_time(
    client: Client, harness: Harness
) -> None:
    active: list[int] = []
    overlap: list[int] = []

    async def slow(message: Message) -> None:
        active.append(1)
        overlap.append(len(active))
        await asyncio.sleep(0.02)
        active.pop()
        harness.sink.messages.append(message)

    harness.sink.on_message = slow  # type: ignore[method-assign]
    responses = await asyncio.gather(
        *(
            client.post(
                "/hooks/telegram", json=update(n, f"m{n}"), headers={SECRET_TOKEN_HEADER: SECRET}
            )
            for n in range(1, 6)
        )
    )

    assert [r.status for r in responses] == [200] * 5
    assert max(overlap) == 1
    assert sorted(m.text for m in harness.sink.messages) == ["m1", "m2", "m3", "m4", "m5"]
