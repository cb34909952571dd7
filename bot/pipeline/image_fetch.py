"""Fetching attachments for the image detector: a port and its two implementations.

``HttpFetcher`` downloads an http(s) URL with aiohttp (Discord attachment URLs): a size cap that
holds whatever the server claims (declared size, Content-Length, then the bytes actually read), a
total timeout, a redirect limit, and only ``image/*`` (or an unlabelled octet stream) accepted.
``AdapterFetcher`` asks a platform adapter that serves files itself (Telegram's
``fetch_attachment``: a file id, not a URL). Every failure is a ``FetchError`` with a short
reason; URLs are logged without their query string (Discord signs its CDN URLs there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol
from urllib.parse import urlsplit

import aiohttp

from bot.events import Attachment

__all__ = ["AdapterFetcher", "AttachmentFetcher", "FetchError", "HttpFetcher", "safe_url"]

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024
_ACCEPTED_UNTYPED = ("", "application/octet-stream", "binary/octet-stream")


class FetchError(Exception):
    """An attachment could not be fetched; ``str(error)`` is a short reason for the mod log."""


class AttachmentFetcher(Protocol):
    async def fetch(self, attachment: Attachment, max_bytes: int) -> bytes:
        """The attachment's bytes, at most ``max_bytes``; raises ``FetchError`` otherwise."""
        ...

    async def close(self) -> None: ...


def safe_url(url: str) -> str:
    """``url`` without its query string and fragment (for logs and the mod log)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else url[:100]


class HttpFetcher:
    """Downloads http(s) attachment URLs with one shared aiohttp session (created lazily)."""

    def __init__(self, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._timeout = timeout_seconds
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, attachment: Attachment, max_bytes: int) -> bytes:
        url = attachment.url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {safe_url(url)}")
        if attachment.size_bytes > max_bytes:
            raise FetchError(f"{attachment.size_bytes} bytes > {max_bytes} (not fetched)")
        try:
            async with asyncio.timeout(self._timeout):
                return await self._download(url, max_bytes)
        except TimeoutError:
            raise FetchError(f"no answer within {self._timeout:g} s") from None
        except aiohttp.ClientError as error:
            raise FetchError(f"{type(error).__name__}: {error}"[:200]) from None

    async def _download(self, url: str, max_bytes: int) -> bytes:
        session = self._session
        if session is None or session.closed:
            session = self._session = aiohttp.ClientSession(trust_env=False)
        async with session.get(url, max_redirects=MAX_REDIRECTS) as response:
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            content_type = response.content_type.lower()
            if not content_type.startswith("image/") and content_type not in _ACCEPTED_UNTYPED:
                raise FetchError(f"not an image: {content_type}")
            if response.content_length is not None and response.content_length > max_bytes:
                raise FetchError(f"{response.content_length} bytes > {max_bytes} (not fetched)")
            data = bytearray()
            async for chunk in response.content.iter_chunked(_CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise FetchError(f"more than {max_bytes} bytes (download stopped)")
            return bytes(data)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class AdapterFetcher:
    """Files a platform adapter serves itself (``fetch_attachment``: None when unavailable)."""

    def __init__(self, fetch: Callable[[Attachment], Awaitable[bytes | None]]) -> None:
        self._fetch = fetch

    async def fetch(self, attachment: Attachment, max_bytes: int) -> bytes:
        if attachment.size_bytes > max_bytes:
            raise FetchError(f"{attachment.size_bytes} bytes > {max_bytes} (not fetched)")
        data = await self._fetch(attachment)
        if data is None:
            raise FetchError("the platform did not deliver the file")
        if len(data) > max_bytes:
            raise FetchError(f"{len(data)} bytes > {max_bytes}")
        return data

    async def close(self) -> None:
        return None
