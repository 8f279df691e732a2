"""The preview's page and its few read-only routes, as a Starlette app (served by uvicorn on 127.0.0.1).

    /                        the page (static: every author text reaches it as JSON and is set as text)
    /static/preview.js|css   its script and style
    /state                   what the page shows (:attr:`lesson.preview.session.Session.state`)
    /events                  server-sent events: the state's serial number on every change
    /media/N/LESSON/FILE     a file of version N (the MP4, its captions, its chapters), with byte ranges
    /still/N/LESSON/STEP/F.png   frame F of a step of version N

Nothing else is answered (404), nothing is written, and a request whose ``Host`` is not the address this server
listens on (127.0.0.1:PORT or localhost:PORT) is refused with 421, so that a web page elsewhere cannot reach it
through a DNS name it points at 127.0.0.1 (DNS rebinding).

Starlette (the preview extra) is imported when the app is made, so that the preview's other modules load without it.
"""

from __future__ import annotations

import asyncio
import threading
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request

    from lesson.preview.session import Session

STATIC = {"preview.js": "text/javascript; charset=utf-8", "preview.css": "text/css; charset=utf-8"}
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
                                 b"form-action 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class LoopbackOnly:
    """ASGI middleware: answers only requests addressed to this server by its loopback name (DNS rebinding), and adds
    the page's security headers to every answer."""

    def __init__(self, app, port: int):
        self.app = app
        self.hosts = {f"127.0.0.1:{port}".encode(), f"localhost:{port}".encode()}

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [v.lower() for k, v in scope["headers"] if k == b"host"]
        if len(hosts) != 1 or hosts[0] not in self.hosts:
            if scope["type"] == "websocket":  # none is served; refused before the app sees it all the same
                await send({"type": "websocket.close", "code": 1008})
                return
            from starlette.responses import PlainTextResponse

            await PlainTextResponse("refused: this preview answers only requests for its own loopback address", 421)(scope, receive, send)
            return

        async def secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, receive, secured)


class Hub:
    """The open event streams; ``publish`` may be called from any thread (the builds run in the main thread)."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.lock = threading.Lock()

    def publish(self, serial: int | None) -> None:
        with self.lock:
            loop, queues = self.loop, list(self.queues)
        if loop is None or loop.is_closed():
            return
        for queue in queues:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, serial)
            except RuntimeError:  # the loop closed meanwhile
                return


def make_app(session: "Session", port: int):
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Route

    hub = Hub()
    session.listeners.append(hub.publish)  # None when the session closes: every event stream ends, the server stops at once

    def asset(name: str) -> str:
        return resources.files("lesson.preview").joinpath("static", name).read_text(encoding="utf-8")

    async def page(request: Request) -> Response:
        return Response(asset("preview.html"), media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("Not Found", 404)
        return Response(asset(name), media_type=STATIC[name])

    async def state(request: Request) -> Response:
        return JSONResponse(session.state)

    async def events(request: Request) -> Response:
        queue: asyncio.Queue = asyncio.Queue()
        with hub.lock:
            hub.loop = asyncio.get_running_loop()
            hub.queues.add(queue)

        async def stream():
            try:
                yield f"retry: 1000\nevent: state\ndata: {session.state['serial']}\n\n"
                while True:
                    serial = await queue.get()
                    if serial is None:
                        return
                    yield f"event: state\ndata: {serial}\n\n"
            finally:
                with hub.lock:
                    hub.queues.discard(queue)

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def media(request: Request) -> Response:
        p = request.path_params
        path = session.media(p["version"], p["lesson"], p["name"])
        if path is None or not path.is_file():
            return PlainTextResponse("Not Found", 404)
        kind = "video/mp4" if path.suffix == ".mp4" else "text/vtt; charset=utf-8"
        return FileResponse(path, media_type=kind)

    async def still(request: Request) -> Response:
        p = request.path_params
        png = await asyncio.to_thread(session.still, p["version"], p["lesson"], p["step"], p["frame"])
        if png is None:
            return PlainTextResponse("Not Found", 404)
        return Response(png, media_type="image/png")

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/state", state),
        Route("/events", events),
        Route("/media/{version:int}/{lesson}/{name}", media),
        Route("/still/{version:int}/{lesson}/{step}/{frame:int}.png", still),
    ]
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False
    return LoopbackOnly(app, port)
