"""HttpFetcher against a local aiohttp server on 127.0.0.1; AdapterFetcher with a fake adapter."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.events import Attachment, AttachmentKind
from bot.pipeline.image_fetch import (
    AdapterFetcher,
    FetchError,
    HttpFetcher,
    _PublicOnlyResolver,
    is_public_address,
    redact_urls,
    safe_url,
)

IMAGE = b"\x89PNG\r\n\x1a\n" + b"x" * 1000


class LocalServer:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.hits: list[str] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/image.png", self._image)
        app.router.add_get("/octet", self._octet)
        app.router.add_get("/page.html", self._html)
        app.router.add_get("/chunked", self._chunked)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/redirect", self._redirect)
        app.router.add_get("/loop", self._loop)
        app.router.add_get("/away", self._away)
        app.router.add_get("/bad-location", self._bad_location)
        app.router.add_get("/gzip", self._gzip)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        assert site._server is not None
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _image(self, request: web.Request) -> web.Response:
        self.hits.append(request.path_qs)
        return web.Response(body=IMAGE, content_type="image/png")

    async def _octet(self, request: web.Request) -> web.Response:
        return web.Response(body=IMAGE, content_type="application/octet-stream")

    async def _html(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>login</html>", content_type="text/html")

    async def _chunked(self, request: web.Request) -> web.StreamResponse:
        """No Content-Length: 10 chunks of 1000 bytes (the cap must hold on what is read)."""
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(10):
            await response.write(b"y" * 1000)
        await response.write_eof()
        return response

    async def _slow(self, request: web.Request) -> web.Response:
        await self.release.wait()  # answers only when the test is over
        return web.Response(body=IMAGE, content_type="image/png")

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/image.png")

    async def _loop(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def _away(self, request: web.Request) -> web.Response:
        """A redirect to another host name (the same server, as ``localhost``)."""
        raise web.HTTPFound(f"http://localhost:{self.port}/image.png?hm=secret")

    async def _bad_location(self, request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "http://[bad"})

    async def _gzip(self, request: web.Request) -> web.Response:
        """1 MB of zeros gzipped to ~1 KB: it must not be inflated."""
        body = gzip.compress(b"\0" * 1_000_000)
        headers = {"Content-Encoding": "gzip", "Content-Type": "image/png"}
        return web.Response(body=body, headers=headers)


@pytest.fixture
async def server() -> AsyncIterator[LocalServer]:
    started = LocalServer()
    await started.start()
    yield started
    await started.close()


@pytest.fixture
async def fetcher() -> AsyncIterator[HttpFetcher]:
    made = HttpFetcher(timeout_seconds=0.5, allow_private_addresses=True)
    yield made
    await made.close()


def image(url: str, size: int = 0) -> Attachment:
    return Attachment(AttachmentKind.IMAGE, url, "photo.png", "image/png", size)


async def test_an_image_is_fetched(server: LocalServer, fetcher: HttpFetcher) -> None:
    assert await fetcher.fetch(image(server.url("/image.png?ex=1&hm=secret")), 10_000) == IMAGE
    assert server.hits == ["/image.png?ex=1&hm=secret"]


async def test_an_unlabelled_octet_stream_is_accepted(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    assert await fetcher.fetch(image(server.url("/octet")), 10_000) == IMAGE


async def test_a_redirect_to_the_image_is_followed(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    assert await fetcher.fetch(image(server.url("/redirect")), 10_000) == IMAGE


async def test_a_redirect_loop_fails_without_quoting_the_signed_url(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match="more than 3 redirects") as raised:
        await fetcher.fetch(image(server.url("/loop?ex=1&hm=SECRET")), 10_000)
    assert "SECRET" not in str(raised.value)  # the reason goes to logs and the case


async def test_a_redirect_to_an_invalid_url_is_a_fetch_error(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match="not a valid URL"):
        await fetcher.fetch(image(server.url("/bad-location")), 10_000)


def test_error_texts_lose_the_query_of_every_url() -> None:
    text = "TooManyRedirects: 3, message='', url='https://cdn.example/a.png?ex=1&hm=SIG#f'"
    assert redact_urls(text) == "TooManyRedirects: 3, message='', url='https://cdn.example/a.png'"
    assert redact_urls("HTTP 404") == "HTTP 404"


# --- only public addresses, and only the platform's hosts ---------------------------------


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "169.254.169.254", "10.0.0.1", "192.168.1.1", "[::ffff:127.0.0.1]"],
)
async def test_a_non_public_address_in_the_url_is_refused(host: str) -> None:
    fetcher = HttpFetcher()  # the production fetcher
    with pytest.raises(FetchError, match="is not a public address"):
        await fetcher.fetch(image(f"http://{host}:8080/latest/meta-data"), 10_000)
    await fetcher.close()


async def test_a_name_resolving_to_loopback_is_refused_before_connecting(
    server: LocalServer,
) -> None:
    fetcher = HttpFetcher(timeout_seconds=5)
    with pytest.raises(FetchError, match="localhost does not resolve to public addresses only"):
        await fetcher.fetch(image(f"http://localhost:{server.port}/image.png"), 10_000)
    await fetcher.close()
    assert server.hits == []


async def test_the_production_fetcher_does_not_fetch_from_this_machine(
    server: LocalServer,
) -> None:
    fetcher = HttpFetcher(timeout_seconds=5)
    with pytest.raises(FetchError, match="not a public address"):
        await fetcher.fetch(image(server.url("/image.png")), 10_000)
    await fetcher.close()
    assert server.hits == []


async def test_only_the_platforms_hosts_are_fetched_redirects_included(
    server: LocalServer,
) -> None:
    fetcher = HttpFetcher(allowed_hosts={"127.0.0.1"}, allow_private_addresses=True)
    assert await fetcher.fetch(image(server.url("/redirect")), 10_000) == IMAGE
    with pytest.raises(FetchError, match="localhost is not an attachment host") as raised:
        await fetcher.fetch(image(server.url("/away")), 10_000)
    assert "secret" not in str(raised.value)
    with pytest.raises(FetchError, match="localhost is not an attachment host"):
        await fetcher.fetch(image(f"http://localhost:{server.port}/image.png"), 10_000)
    await fetcher.close()
    assert server.hits == ["/image.png"]  # the first fetch only


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:10.0.0.1", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("cdn.discordapp.com", False),  # a name, not an address
    ],
)
def test_public_addresses(host: str, public: bool) -> None:
    assert is_public_address(host) is public


async def test_a_compressed_body_is_not_inflated(server: LocalServer, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match=r"an encoded body \(gzip\) is not inflated"):
        await fetcher.fetch(image(server.url("/gzip")), 10_000_000)


async def test_a_declared_size_over_the_cap_is_not_fetched(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match=r"5000000 bytes > 10000 \(not fetched\)"):
        await fetcher.fetch(image(server.url("/image.png"), size=5_000_000), 10_000)
    assert server.hits == []


async def test_a_content_length_over_the_cap_is_refused(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match=rf"{len(IMAGE)} bytes > 100 \(not fetched\)"):
        await fetcher.fetch(image(server.url("/image.png")), 100)


async def test_the_cap_holds_without_a_content_length(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    assert len(await fetcher.fetch(image(server.url("/chunked")), 10_000)) == 10_000
    with pytest.raises(FetchError, match="more than 2500 bytes"):
        await fetcher.fetch(image(server.url("/chunked")), 2500)


async def test_a_404_fails(server: LocalServer, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetcher.fetch(image(server.url("/gone.png")), 10_000)


async def test_a_page_that_is_not_an_image_fails(server: LocalServer, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="not an image: text/html"):
        await fetcher.fetch(image(server.url("/page.html")), 10_000)


async def test_a_server_that_does_not_answer_times_out(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match=r"no answer within 0.5 s"):
        await fetcher.fetch(image(server.url("/slow")), 10_000)


async def test_a_closed_port_fails(fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="ClientConnectorError"):
        await fetcher.fetch(image("http://127.0.0.1:9/x.png"), 10_000)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x.png", "tg-file:ABC", "http:///nohost.png"]
)
async def test_only_http_and_https_urls_are_fetched(fetcher: HttpFetcher, url: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        await fetcher.fetch(image(url), 10_000)


async def test_the_session_is_reopened_after_close(
    server: LocalServer, fetcher: HttpFetcher
) -> None:
    await fetcher.fetch(image(server.url("/image.png")), 10_000)
    await fetcher.close()
    assert await fetcher.fetch(image(server.url("/image.png")), 10_000) == IMAGE


def test_safe_url_drops_the_query() -> None:
    assert safe_url("https://cdn.example/a/b.png?ex=1&hm=sig#x") == "https://cdn.example/a/b.png"
    assert safe_url("cdn.example/a/b.png?hm=sig") == "cdn.example/a/b.png"


class FakeAdapter:
    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.asked: list[Attachment] = []

    async def fetch_attachment(self, attachment: Attachment) -> bytes | None:
        self.asked.append(attachment)
        return self.data


async def test_adapter_fetcher_returns_what_the_adapter_serves() -> None:
    adapter = FakeAdapter(b"jpeg-bytes")
    fetcher = AdapterFetcher(adapter.fetch_attachment)
    item = image("tg-file:ABC")
    assert await fetcher.fetch(item, 100) == b"jpeg-bytes"
    assert adapter.asked == [item]
    await fetcher.close()


async def test_adapter_fetcher_failures() -> None:
    with pytest.raises(FetchError, match="did not deliver"):
        await AdapterFetcher(FakeAdapter(None).fetch_attachment).fetch(image("tg-file:A"), 100)
    with pytest.raises(FetchError, match="10 bytes > 5"):
        await AdapterFetcher(FakeAdapter(b"0123456789").fetch_attachment).fetch(
            image("tg-file:A"), 5
        )
    unasked = FakeAdapter(b"x")
    with pytest.raises(FetchError, match="not fetched"):
        await AdapterFetcher(unasked.fetch_attachment).fetch(image("tg-file:A", size=500), 100)
    assert unasked.asked == []


class CannedResolver:
    """Answers every name with ``addresses`` (what a hostile DNS server could say)."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses
        self.closed = False

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[dict[str, object]]:
        return [{"hostname": host, "host": a, "port": port} for a in self.addresses]

    async def close(self) -> None:
        self.closed = True


async def test_the_resolver_refuses_a_name_when_any_of_its_addresses_is_not_public() -> None:
    resolver = _PublicOnlyResolver()
    await resolver.close()
    resolver._inner = CannedResolver("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    assert [r["host"] for r in await resolver.resolve("cdn.example", 443)] == [
        "93.184.216.34",
        "2606:2800:220:1:248:1893:25c8:1946",
    ]
    resolver._inner = CannedResolver("93.184.216.34", "10.0.0.7")
    with pytest.raises(OSError, match=r"cdn\.example does not resolve to public addresses only"):
        await resolver.resolve("cdn.example", 443)
    resolver._inner = CannedResolver()
    with pytest.raises(OSError, match="does not resolve"):
        await resolver.resolve("cdn.example", 443)
