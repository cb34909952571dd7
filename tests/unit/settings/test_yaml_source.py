"""Line tracking, duplicate keys, merge keys and env expansion of the YAML reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings.yaml_source import format_key_path, parse_yaml_text

PATH = Path("f.yaml")

TEXT = """\
key: a
ladder:
  - at_points: 1
    action: notice
  - {at_points: 2,
     action: warn}
defaults: &base {delete: true}
step:
  <<: *base
  action: mute
"""


def test_lines_of_keys_and_sequence_items() -> None:
    source = parse_yaml_text(PATH, TEXT, {})
    assert source.errors == ()
    assert source.line_of(("key",)) == 1
    assert source.line_of(("ladder",)) == 2
    assert source.line_of(("ladder", 0)) == 3
    assert source.line_of(("ladder", 0, "action")) == 4
    assert source.line_of(("ladder", 1)) == 5
    assert source.line_of(("ladder", 1, "action")) == 6
    # unknown paths fall back to the deepest known parent
    assert source.line_of(("ladder", 1, "duration")) == 5
    assert source.line_of(("nowhere",)) == 1


def test_merge_keys_are_resolved() -> None:
    source = parse_yaml_text(PATH, TEXT, {})
    assert source.data["step"] == {"delete": True, "action": "mute"}


def test_duplicate_keys_are_errors() -> None:
    source = parse_yaml_text(PATH, "a: 1\nb:\n  c: 1\n  c: 2\n", {})
    assert source.errors == ("f.yaml:4: b.c: duplicate key (first written at line 3)",)


@pytest.mark.parametrize(
    ("value", "environ", "expected"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("pre-${A}-post", {"A": "x"}, "pre-x-post"),
        ("${A:-fallback}", {}, "fallback"),
        ("${A:-}", {}, ""),
        ("$${A}", {"A": "x"}, "${A}"),
        ("cost $5", {}, "cost $5"),
    ],
)
def test_env_expansion(value: str, environ: dict[str, str], expected: str) -> None:
    source = parse_yaml_text(PATH, f"v: '{value}'\n", environ)
    assert source.errors == ()
    assert source.data == {"v": expected}


def test_env_is_not_expanded_in_keys_or_numbers() -> None:
    source = parse_yaml_text(PATH, "'${A}': 5\n", {"A": "x"})
    assert source.data == {"${A}": 5}


def test_unset_env_is_reported_at_its_line() -> None:
    source = parse_yaml_text(PATH, "a: 1\nb:\n  - ${MISSING}\n", {})
    assert source.errors == ("f.yaml:3: b[0]: environment variable MISSING is not set",)
    assert source.unset_env_paths == frozenset({("b", 0)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [1, 2\n", "f.yaml:2:1: yaml error: expected ',' or ']'"),
        ("a: 1\n b: 2\n", "f.yaml:2:3: yaml error: mapping values are not allowed here"),
        ("a: !python/object:os.system x\n", "f.yaml:1:4: yaml error: could not determine"),
        ("--- a\n--- b\n", "f.yaml:2:1: yaml error: but found another document"),
    ],
)
def test_malformed_yaml_reports_line_and_column(text: str, expected: str) -> None:
    source = parse_yaml_text(PATH, text, {})
    assert source.data is None
    assert len(source.errors) == 1
    assert source.errors[0].startswith(expected), source.errors


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("a",), "a"),
        (("a", 0, "b"), "a[0].b"),
        (("a", 1, 2), "a[1][2]"),
    ],
)
def test_format_key_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_key_path(path) == text


def test_keys_written_after_a_merge_override_it_without_a_duplicate_error() -> None:
    text = "base: &b {delete: true, action: warn}\nstep:\n  <<: *b\n  delete: false\n"
    source = parse_yaml_text(PATH, text, {})
    assert source.errors == ()
    assert source.data["step"] == {"delete": False, "action": "warn"}


def test_alias_loops_are_errors_not_recursion() -> None:
    source = parse_yaml_text(PATH, "a: &x\n  - 1\n  - *x\n", {})
    assert source.data is None
    assert source.errors == ("f.yaml:1: an alias refers to the node that contains it",)


def test_alias_bombs_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    source = parse_yaml_text(PATH, "\n".join(lines) + "\n", {})
    assert source.data is None
    assert source.errors[0].startswith("f.yaml:")
    assert "more than 200000 values" in source.errors[0]


def test_numeric_keys_become_text() -> None:
    source = parse_yaml_text(PATH, "roles:\n  123: 2\n  '123': 3\n", {})
    assert source.errors == ("f.yaml:3: roles.123: duplicate key (first written at line 2)",)
