"""JSON Schema of the bot and community files, for editors and CI."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from bot.settings.bot_models import BotSettings
from bot.settings.community import CommunityPolicy

__all__ = ["SCHEMA_FILES", "render_schemas", "stale_schema_files", "write_schemas"]

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "bot.schema.json": BotSettings,
    "community.schema.json": CommunityPolicy,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON text (stable: sorted keys, trailing newline)."""
    rendered: dict[str, str] = {}
    for name, model in SCHEMA_FILES.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        rendered[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return rendered


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schema_files(directory: Path) -> list[Path]:
    """Schema files in ``directory`` that are missing or differ from the models."""
    stale = []
    for name, text in render_schemas().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale
