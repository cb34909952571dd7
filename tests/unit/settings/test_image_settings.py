"""The ``images:`` section of a community file (bad values: tests/data/config/invalid/images_*)."""

from __future__ import annotations

from pathlib import Path

from bot.settings import load_community_policy
from bot.settings.image_models import DEFAULT_IMAGE_MAX_BYTES, ImageSettings

REPO = Path(__file__).resolve().parents[3]


def test_defaults_check_images_and_send_them_to_review_from_0_8() -> None:
    settings = ImageSettings()
    assert settings.enabled is True
    assert settings.max_bytes == DEFAULT_IMAGE_MAX_BYTES == 8 * 1024 * 1024
    assert settings.review_threshold == 0.8


def test_a_community_without_the_section_gets_the_defaults() -> None:
    policy = load_community_policy(
        REPO / "tests" / "data" / "config" / "valid" / "minimal_community.yaml"
    )
    assert policy.images == ImageSettings()


def test_the_example_file_sets_every_key(tmp_path: Path) -> None:
    policy = load_community_policy(REPO / "config" / "communities" / "example.yaml")
    assert policy.images == ImageSettings(enabled=True, max_bytes=8388608, review_threshold=0.8)
    edited = tmp_path / "c.yaml"
    edited.write_text(
        "key: c\ndisplay_name: C\n"
        "images: {enabled: false, max_bytes: 65536, review_threshold: 0.5}\n",
        encoding="utf-8",
    )
    assert load_community_policy(edited).images == ImageSettings(
        enabled=False, max_bytes=65536, review_threshold=0.5
    )
