"""The aiohttp server: ``/healthz`` for orchestrators, plus routes adapters add (webhooks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from aiohttp import web

__all__ = ["WebServer", "build_web_app"]

HealthCheck = Callable[[], Mapping[str, object]]


def build_web_app(
    health: HealthCheck, extra_routes: Iterable[web.RouteDef] = ()
) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        report = dict(health())
        status = 200 if report.get("status") == "ok" else 503
        return web.json_response(report, status=status)

    app = web.Application(client_max_size=2 * 1024 * 1024)
    app.router.add_get("/healthz", healthz)
    app.router.add_routes(list(extra_routes))
    return app


class WebServer:
    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server  # aiohttp exposes the bound socket only here (port 0 in tests)
        sockets = getattr(server, "sockets", None) or []
        self.bound_port = sockets[0].getsockname()[1] if sockets else self._port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
