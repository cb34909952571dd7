"""bot/ never imports a platform SDK; adapters never decide (they do not import the policy)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLATFORM_SDKS = {"discord", "telegram"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((REPO / "bot").rglob("*.py")), ids=str)
def test_core_never_imports_a_platform_sdk(path):
    roots = {name.split(".")[0] for name in _imported_modules(path)}
    assert not roots & PLATFORM_SDKS


@pytest.mark.parametrize("path", sorted((REPO / "adapters").rglob("*.py")), ids=str)
def test_adapters_never_decide(path):
    assert "bot.pipeline.policy" not in _imported_modules(path)
