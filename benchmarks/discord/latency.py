"""Discord adapter latency: message-in at the fake gateway -> first action request at the fake REST.

Runs the real discord.py client against the local fake Discord (tests/adapters/discord/fake_discord)
in one process, posts ``--rate`` messages per second for ``--seconds``, and answers each with a
notice. By default the sink is the adapter alone (translate -> SendNotice -> execute); with
``--core`` it uses the real core runner when one is importable (see /work/notes/CORE_API.md).

    .venv/bin/python -m benchmarks.discord.latency --rate 200 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from adapters.discord import DiscordAdapter, DiscordAdapterConfig, GuildConfig
from bot.actions import MessageRef, SendNotice
from bot.events import CommandCall, CommandReply, Message
from tests.adapters.discord.fake_discord.payloads import GUILD_ID, MOD_LOG_ID
from tests.adapters.discord.fake_discord.server import GOOD_TOKEN, FakeDiscord


class NoticeSink:
    """Answers every message with a notice: the adapter's own overhead, both directions."""

    def __init__(self) -> None:
        self.adapter: DiscordAdapter | None = None
        self.failures = 0

    async def on_message(self, message: Message) -> None:
        assert self.adapter is not None
        ref = MessageRef(
            message.community,
            message.chat.channel_id,
            message.message_id,
            message.author.user_id,
            message.chat.thread_id,
        )
        outcome = await self.adapter.execute(
            SendNotice(ref, "fr", "Pas ici : restez courtois.", "https://pasici.be/fr")
        )
        if not outcome.ok:
            self.failures += 1

    async def on_command(self, call: CommandCall) -> CommandReply:
        return CommandReply(ok=False, text="not in the benchmark")


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(rate: float, seconds: float) -> None:
    logging.basicConfig(level=logging.WARNING)
    fake = FakeDiscord()
    await fake.start()
    config = DiscordAdapterConfig(
        GOOD_TOKEN,
        guilds={GUILD_ID: GuildConfig("acme", mod_log_channel_id=MOD_LOG_ID)},
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout_seconds=0.05,
    )
    adapter = DiscordAdapter(config)
    sink = NoticeSink()
    sink.adapter = adapter
    await adapter.start(sink)
    author = fake.guild.add_member(700000000000000042, "alice")
    rss_before = _rss_mib()

    sent_at: dict[int, float] = {}
    total = int(rate * seconds)
    start = time.perf_counter()
    for index in range(total):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        payload_time = time.perf_counter()
        posted = await fake.post_message(author, f"message {index}")
        sent_at[int(posted["id"])] = payload_time
        fake.messages.pop(int(posted["id"]), None)  # keep the fake's memory flat
    elapsed = time.perf_counter() - start
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        answered = len(fake.requests_to("POST", r"/channels/\d+/messages"))
        if answered >= total:
            break
        await asyncio.sleep(0.05)

    latencies: list[float] = []
    for request in fake.requests_to("POST", r"/channels/\d+/messages"):
        reference = (request.json or {}).get("message_reference") or {}
        sent = sent_at.pop(int(reference.get("message_id", 0)), None)
        if sent is not None:
            latencies.append((request.at - sent) * 1000)
    await adapter.stop()
    await fake.close()

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"messages: {total} in {elapsed:.1f}s (target {rate:g}/s), answered {len(latencies)}")
    if latencies:
        print(
            f"latency ms: p50 {statistics.median(latencies):.2f}  "
            f"p90 {_percentile(latencies, 0.90):.2f}  p99 {_percentile(latencies, 0.99):.2f}  "
            f"max {max(latencies):.2f}"
        )
    print(f"unanswered: {len(sent_at)}  failed actions: {sink.failures}")
    print(f"RSS MiB: after start {rss_before:.1f}, peak {peak:.1f} (fake + client in one process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to post")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.rate, arguments.seconds))


if __name__ == "__main__":
    main()
