from __future__ import annotations

import io

import pytest

from bot.cli.main import main
from bot.settings import WebUser
from bot.settings.passwords import hash_password, verify_password


def test_hash_then_verify() -> None:
    encoded = hash_password("correct horse", iterations=1000)
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert verify_password("correct horse", encoded)
    assert not verify_password("wrong horse", encoded)
    assert hash_password("correct horse", iterations=1000) != encoded  # salted


@pytest.mark.parametrize(
    "encoded", ["", "plain", "md5$1$a$b", "pbkdf2_sha256$x$a$b", "pbkdf2_sha256$1000$!!$b"]
)
def test_malformed_hashes_never_verify(encoded: str) -> None:
    assert not verify_password("anything", encoded)


def test_empty_password_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        hash_password("")


def test_web_user_accepts_only_real_hashes() -> None:
    WebUser.model_validate({"name": "an", "password_hash": hash_password("pw", 1000)})
    with pytest.raises(ValueError, match="never a plain password"):
        WebUser.model_validate({"name": "an", "password_hash": "hunter2"})


def test_cli_hashes_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
    assert main(["config", "hash-password"]) == 0
    encoded = capsys.readouterr().out.strip()
    assert verify_password("s3cret", encoded)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["config", "hash-password"]) == 1
    assert "empty" in capsys.readouterr().err
