"""Password hashes for web console users: ``pbkdf2_sha256$ITERATIONS$SALT$HASH`` (base64).

Only the standard library: PBKDF2-HMAC-SHA256 with a random 16-byte salt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["DEFAULT_ITERATIONS", "PASSWORD_HASH_PATTERN", "hash_password", "verify_password"]

DEFAULT_ITERATIONS = 600_000  # OWASP 2023 recommendation for PBKDF2-HMAC-SHA256
PASSWORD_HASH_PATTERN = r"^pbkdf2_sha256\$[1-9][0-9]{3,7}\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$"
_SCHEME = "pbkdf2_sha256"


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS) -> str:
    if not password:
        raise ValueError("the password is empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; False for any malformed hash."""
    try:
        scheme, iterations, salt, expected = encoded.split("$")
        if scheme != _SCHEME:
            return False
        digest = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations)
        )
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError):
        return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
