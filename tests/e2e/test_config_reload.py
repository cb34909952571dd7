"""/config reload applies a valid change and keeps the last good config on a bad one."""

from __future__ import annotations


async def test_reload_applies_valid_and_keeps_last_good(open_channel, tmp_path):
    from tests.e2e.conftest import write_config

    folder = tmp_path / "cfg"
    folder.mkdir()
    config = write_config(folder)
    channel = await open_channel(config=config)
    assert channel.app.config.communities["demo"].dry_run is False

    community = folder / "community.yaml"
    community.write_text(community.read_text().replace("dry_run: false", "dry_run: true"))
    reply = await channel.console.command("admin", "/config reload")
    assert reply.ok, reply.text
    assert channel.app.runner.community("demo").policy.dry_run is True
    await channel.console.post("kevin", "You are a useless idiot")
    assert channel.console.pop_actions() == []  # dry run now

    community.write_text("key: demo\nladder: not-a-list\n")
    check = await channel.console.command("admin", "/config check")
    assert not check.ok
    assert "community.yaml:2" in check.text
    reply = await channel.console.command("admin", "/config reload")
    assert "NOT reloaded" in reply.text
    assert channel.app.runner.community("demo").policy.dry_run is True  # last good kept
    revisions = await channel.app.store.latest_config_revision("community:demo")
    assert revisions is not None
    assert "dry_run: true" in revisions.content
