"""Messages that queue up in one community are classified in batched calls, in order."""

from __future__ import annotations

import asyncio

from bot.actions import SendNotice
from bot.pipeline.runner import MAX_BATCH


class RecordingClassifier:
    def __init__(self, inner):
        self.inner = inner
        self.batches: list[list[str]] = []

    def classify(self, text):
        self.batches.append([text])
        return self.inner.classify(text)

    def classify_many(self, texts):
        self.batches.append(list(texts))
        return self.inner.classify_many(texts)


async def test_queued_messages_are_classified_together_and_judged_in_order(open_channel):
    channel = await open_channel()
    runtime = channel.app.runner.community("demo")
    recorder = RecordingClassifier(runtime.classifier)
    runtime.classifier = recorder
    texts = [f"Vraag {n}: wanneer komt de technieker?" for n in range(19)]
    texts.insert(7, "You are a useless idiot")
    await asyncio.gather(*(channel.console.post(f"user{n}", text) for n, text in enumerate(texts)))
    # in arrival order, in as few calls as MAX_BATCH allows
    assert recorder.batches == [
        texts[start : start + MAX_BATCH] for start in range(0, 20, MAX_BATCH)
    ]
    assert channel.app.runner.judged_count == 20
    notices = [a for a in channel.console.pop_actions() if isinstance(a, SendNotice)]
    assert [n.message.author_id for n in notices] == ["user7"]


async def test_a_single_message_is_judged_before_post_returns(open_channel):
    channel = await open_channel()
    await channel.console.post("kevin", "You are a useless idiot")
    assert any(isinstance(a, SendNotice) for a in channel.console.pop_actions())
