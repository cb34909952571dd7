"""HttpFetcher against a local aiohttp server on 127.0.0.1; AdapterFetcher with a fake adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.events import Attachment, AttachmentKind
from bot.pipeline.image_fetch import AdapterFetcher, FetchError, HttpFetcher, safe_url

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


@pytest.fixture
async def server() -> AsyncIterator[LocalServer]:
    started = LocalServer()
    await started.start()
    yield started
    await started.close()


@pytest.fixture
async def fetcher() -> AsyncIterator[HttpFetcher]:
    made = HttpFetcher(timeout_seconds=0.5)
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


async def test_a_redirect_loop_fails(server: LocalServer, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="TooManyRedirects"):
        await fetcher.fetch(image(server.url("/loop")), 10_000)


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
