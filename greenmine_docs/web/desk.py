"""What the desk's pages share: the workspace, the job pool, the tokens, the templates; and the
form every page's POST reads through (its CSRF token and origin checked)."""
from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import __version__
from .jobs import Jobs
from .store import Store

MAX_FILES = 200
"""Most files in one form (a county's plans of one round fit several times)."""


@dataclass
class Desk:
    """What the pages share: the workspace, the job pool, the tokens, the templates."""

    root: Path
    jobs: Jobs
    csrf: str
    token: str | None
    env: jinja2.Environment
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _opened: list[Store] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def store(self) -> Store:
        """This thread's connection to the workspace index: one :class:`Store` a thread (the
        event loop's, and each worker thread's that stores an upload), opened on first use."""
        found: Store | None = getattr(self._local, "store", None)
        if found is None:
            found = self._local.store = Store(self.root)
            with self._lock:
                self._opened.append(found)
        return found

    def close(self) -> None:
        """Close every thread's connection (at shutdown)."""
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(request=request, csrf=self.csrf,
                                                  version=__version__, **context)
        return HTMLResponse(html, status_code=status,
                            headers={"Content-Security-Policy": "default-src 'self'; "
                                     "img-src 'self' data:; frame-ancestors 'none'",
                                     "X-Content-Type-Options": "nosniff",
                                     "Referrer-Policy": "no-referrer"})


def desk(request: Request) -> Desk:
    found: Desk = request.app.state.desk
    return found


def posting(handler: Callable[[Request, FormData], Response]
            ) -> Callable[[Request], Awaitable[Response]]:
    """A handler of a form: it gets the form after its CSRF token and origin are checked, and
    the uploaded files' temporary copies are closed after it, whatever happens. It runs in a
    worker thread: storing a large upload (copied, hashed, unzipped and checked) never holds
    up the other pages."""

    async def handle(request: Request) -> Response:
        data = await request.form(max_files=MAX_FILES, max_fields=100)
        try:
            _check_origin(request, data)
            return await run_in_threadpool(handler, request, data)
        finally:
            await data.close()

    return handle


def _check_origin(request: Request, data: FormData) -> None:
    sent = str(data.get("csrf", ""))
    if not hmac.compare_digest(sent.encode(), desk(request).csrf.encode()):
        raise Forbidden("表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重新提交。")
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise Forbidden("表单来自其他网站，已拒绝。")


class Forbidden(Exception):
    """A request refused by a guard (message in Chinese)."""
