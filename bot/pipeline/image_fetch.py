"""Fetching attachments for the image detector: a port and its two implementations.

``HttpFetcher`` downloads an http(s) URL with aiohttp (Discord attachment URLs): a size cap that
holds whatever the server claims (declared size, Content-Length, then the bytes actually read), a
total timeout, at most ``MAX_REDIRECTS`` redirects, only ``image/*`` (or an unlabelled octet
stream) and only an unencoded body (no gzip to inflate). The URL comes from a message, so the
fetcher only connects to PUBLIC addresses: a host name that resolves to a loopback, private,
link-local (cloud metadata) or otherwise non-global address is refused at connection time (no
DNS-rebinding window), and so is such an address written in the URL; every redirect hop is checked
the same way, and against ``allowed_hosts`` when the platform names its attachment hosts
(Discord's CDN). Tests serving images on 127.0.0.1 opt in with ``allow_private_addresses``.
``AdapterFetcher`` asks a platform adapter that serves files itself (Telegram's
``fetch_attachment``: a file id, not a URL). Every failure is a ``FetchError`` with a short
reason that never carries a query string (Discord signs its CDN URLs there); URLs are logged
without theirs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from bot.events import Attachment

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult

__all__ = [
    "AdapterFetcher",
    "AttachmentFetcher",
    "FetchError",
    "HttpFetcher",
    "is_public_address",
    "redact_urls",
    "safe_url",
]

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024
_ACCEPTED_UNTYPED = ("", "application/octet-stream", "binary/octet-stream")
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_URL_QUERY = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*:[^\s?#'\"<>]*)[?#][^\s'\"<>)]*")


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
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    return url.split("?", 1)[0].split("#", 1)[0][:100]


def redact_urls(text: str) -> str:
    """``text`` (an error message) with the query string and fragment of every URL removed."""
    return _URL_QUERY.sub(r"\1", text)


def is_public_address(host: str) -> bool:
    """Whether ``host`` is an IP address on the public internet (IPv4-mapped IPv6 included)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class _RefusedAddressError(OSError):
    """A host name resolved to an address the fetcher does not connect to."""


class _PublicOnlyResolver(AbstractResolver):
    """The default resolver, refusing a name when ANY of its addresses is not public: aiohttp
    connects to the addresses checked here, so a second DNS answer cannot slip one in."""

    def __init__(self) -> None:
        self._inner = aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not found or not all(is_public_address(str(item["host"])) for item in found):
            raise _RefusedAddressError(f"{host} does not resolve to public addresses only")
        return found

    async def close(self) -> None:
        await self._inner.close()


class HttpFetcher:
    """Downloads http(s) attachment URLs with one shared aiohttp session (created lazily).

    ``allowed_hosts``: the only host names fetched from (every redirect hop included); None
    for any public host. ``allow_private_addresses``: tests serving files on 127.0.0.1 only.
    """

    def __init__(
        self,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        *,
        allowed_hosts: Collection[str] | None = None,
        allow_private_addresses: bool = False,
    ) -> None:
        self._timeout = timeout_seconds
        self._allowed_hosts = (
            None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
        )
        self._allow_private = allow_private_addresses
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, attachment: Attachment, max_bytes: int) -> bytes:
        url = attachment.url
        self._check_target(url)
        if attachment.size_bytes > max_bytes:
            raise FetchError(f"{attachment.size_bytes} bytes > {max_bytes} (not fetched)")
        try:
            async with asyncio.timeout(self._timeout):
                return await self._download(url, max_bytes)
        except TimeoutError:
            raise FetchError(f"no answer within {self._timeout:g} s") from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, _RefusedAddressError):
                raise FetchError(str(error.os_error)) from None
            raise FetchError(redact_urls(f"{type(error).__name__}: {error}")[:200]) from None
        except aiohttp.ClientError as error:
            raise FetchError(redact_urls(f"{type(error).__name__}: {error}")[:200]) from None

    def _check_target(self, url: str) -> None:
        """Refuse ``url`` unless it is http(s), on an allowed host, and not a non-public IP."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:  # e.g. "http://[bad" in a redirect
            raise FetchError("not a valid URL") from None
        if parts.scheme not in ("http", "https") or not host:
            raise FetchError("not an http(s) URL")
        if self._allowed_hosts is not None and host not in self._allowed_hosts:
            raise FetchError(f"{host} is not an attachment host of the platform")
        if self._allow_private:
            return
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return  # a name: the resolver checks every address it resolves to
        if not is_public_address(host):
            raise FetchError(f"{host} is not a public address")

    def _session_now(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed:
            connector = (
                aiohttp.TCPConnector()
                if self._allow_private
                else aiohttp.TCPConnector(resolver=_PublicOnlyResolver())
            )
            session = self._session = aiohttp.ClientSession(
                connector=connector, trust_env=False, auto_decompress=False
            )
        return session

    async def _download(self, url: str, max_bytes: int) -> bytes:
        session = self._session_now()
        for _ in range(MAX_REDIRECTS + 1):
            async with session.get(
                url, allow_redirects=False, headers={"Accept-Encoding": "identity"}
            ) as response:
                if response.status in _REDIRECT_STATUSES:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError(f"HTTP {response.status} without a Location")
                    try:
                        url = urljoin(url, location)
                    except ValueError:
                        raise FetchError("not a valid URL") from None
                    self._check_target(url)
                    continue
                return await self._read(response, max_bytes)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
        if response.status != 200:
            raise FetchError(f"HTTP {response.status}")
        content_type = response.content_type.lower()
        if not content_type.startswith("image/") and content_type not in _ACCEPTED_UNTYPED:
            raise FetchError(f"not an image: {content_type}")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise FetchError(f"an encoded body ({encoding[:20]}) is not inflated")
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
