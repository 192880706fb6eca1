"""The desk's application: pages rendered on the server (Jinja2, autoescaped, strict), the
guards every request passes, and the error pages.

Guards, outermost first: the host (bound to loopback, only a loopback ``Host`` is answered, so
a web page elsewhere cannot reach the desk through DNS rebinding); the access token (required
on every request when ``--host`` is not loopback); the request size (the library's largest
input limit, counted as the body arrives); on every form sent, the form token (CSRF) and the
``Origin`` header. An unusable upload ends in the library's own Chinese message on an error
page; the server keeps running.
"""
from __future__ import annotations

import contextlib
import hmac
import secrets
from pathlib import Path
from typing import Any, AsyncIterator

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import limits
from ..errors import GreenmineError, InputError
from .desk import Desk, Forbidden
from .jobs import Jobs
from .store import STATE_TEXT, Store

HERE = Path(__file__).parent
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
MAX_REQUEST_BYTES = limits.MAX_ZIP_UNCOMPRESSED
"""Largest request body: the largest input the library reads (a zip of inputs)."""


class BodyLimit:
    """Refuses a request body past :data:`MAX_REQUEST_BYTES` — by its declared length first,
    then by counting what arrives (a body without a length cannot slip past)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                text, hint = _too_large_text(self.limit)
                raise InputError(text, hint=hint)
            return message

        await self.app(scope, counted, send)


def _too_large_text(limit: int) -> tuple[str, str]:
    return (f"上传内容超过上限 {limit / limits.MB:.0f} MB。",
            "请分批上传，或设置环境变量 GREENMINE_MAX_ZIP_UNCOMPRESSED_MB。")


def _too_large(limit: int) -> Response:
    message, hint = _too_large_text(limit)
    return HTMLResponse(f"<!doctype html><meta charset=utf-8><p>错误：{message}</p><p>{hint}</p>",
                        status_code=413)


class LoopbackHosts:
    """Bound to loopback, the desk answers only requests addressed to a loopback name: a page
    on another site that points a name of its own at 127.0.0.1 (DNS rebinding) is refused."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in LOOPBACK_HOSTS:
                await HTMLResponse("<!doctype html><meta charset=utf-8><p>只接受本机地址的访问"
                                   "（127.0.0.1 或 localhost）。</p>",
                                   status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class TokenGuard:
    """With an access token, every request must carry it: ``?token=`` once (it is then kept in
    a cookie that scripts cannot read), a cookie or an ``Authorization: Bearer`` header."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = request.query_params.get("token")
        if given is not None and self._ok(given):
            url = request.url.remove_query_params("token")
            response = RedirectResponse(str(url), status_code=303)
            response.set_cookie("gm_token", given, httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if self._ok(request.cookies.get("gm_token", "")) or self._ok(bearer):
            await self.app(scope, receive, send)
            return
        await HTMLResponse("<!doctype html><meta charset=utf-8><p>需要访问令牌。</p>"
                           "<p>请使用启动服务时打印的完整地址（含 ?token=…）打开。</p>",
                           status_code=401)(scope, receive, send)

    def _ok(self, value: str) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token)


def _lifespan(the_desk: Desk) -> Any:
    """At shutdown: the workers finish what they do, the index is closed."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            the_desk.jobs.shutdown()
            the_desk.close()

    return lifespan


def create_app(workspace: Path, *, token: str | None = None, loopback: bool = True,
               workers: int = 2) -> Starlette:
    """The desk over ``workspace`` (created if missing). ``token``: required on every request
    (the server refuses a non-loopback host without one: see ``greenmine serve``)."""
    from . import routes

    store = Store(workspace)  # the workspace and its index, made when missing
    root = store.root
    store.close()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(state_text=STATE_TEXT, kind_text=routes.KIND_TEXT.get)
    the_desk = Desk(root=root, jobs=Jobs(root, workers), csrf=secrets.token_urlsafe(32),
                    token=token, env=env)
    middleware = [*([Middleware(LoopbackHosts)] if loopback else []),  # outermost first
                  *([Middleware(TokenGuard, token=token)] if token else []),
                  Middleware(BodyLimit)]

    async def refused(request: Request, exc: Exception) -> Response:
        return the_desk.page(request, "error.html", status=403, message=str(exc), hint="")

    async def unusable(request: Request, exc: Exception) -> Response:
        # the same text the command line prints after "错误：" (message, then its hint)
        return the_desk.page(request, "error.html", status=400, message=f"错误：{exc}", hint="")

    async def internal(request: Request, exc: Exception) -> Response:
        return the_desk.page(request, "error.html", status=500,
                             message=f"内部错误：{type(exc).__name__}: {exc}", hint="请把此信息反馈给维护者。")

    app = Starlette(routes=[*routes.ROUTES,
                            Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
                    middleware=middleware,
                    exception_handlers={Forbidden: refused, GreenmineError: unusable,
                                        Exception: internal},
                    lifespan=_lifespan(the_desk))
    app.state.desk = the_desk
    return app

