"""What start does for latency: the encoder is loaded, and start-up objects leave the GC's scans."""

from __future__ import annotations

import gc


async def test_start_warms_the_encoder_and_freezes_what_it_loaded(
    open_channel, engine, monkeypatch
):
    warmed: list[bool] = []
    original = engine.warm_up
    monkeypatch.setattr(engine, "warm_up", lambda: (warmed.append(True), original())[1])
    gc.unfreeze()
    channel = await open_channel()
    assert warmed == [True]
    assert gc.get_freeze_count() > 10_000  # lexicons, language model, heads, config
    await channel.app.stop()
    assert gc.get_freeze_count() == 0  # stopping gives them back to the collector
