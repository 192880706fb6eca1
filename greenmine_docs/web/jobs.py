"""Long work off the request: jobs go to a pool of worker processes (``spawn``: a fresh
interpreter, nothing inherited from the server's threads) that write their progress and result
into the workspace index (:mod:`greenmine_docs.web.tasks`). A page only reads the index, so a
reload or a second tab sees the same job. A worker that dies leaves the run marked failed."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from .store import DONE, FAILED, Store
from .tasks import execute


class Jobs:
    """The pool of one server; ``submit`` returns at once."""

    def __init__(self, root: Path, workers: int = 2) -> None:
        self.root = root
        self._pool = ProcessPoolExecutor(max_workers=workers,
                                         mp_context=multiprocessing.get_context("spawn"))
        self._abandoned()

    def _abandoned(self) -> None:
        """Runs left unfinished by a server that stopped: they will not finish now."""
        store = Store(self.root)
        try:
            for run_id in store.unfinished():
                store.finish(run_id, state=FAILED, message="服务在处理完成前已停止，请重新提交。")
        finally:
            store.close()

    def submit(self, run_id: int) -> Future[None]:
        future = self._pool.submit(execute, str(self.root), run_id)
        future.add_done_callback(lambda f: self._check(f, run_id))
        return future

    def _check(self, future: Future[None], run_id: int) -> None:
        """A worker that crashed (killed, out of memory) never wrote its end: write it."""
        if future.exception() is None:
            return
        store = Store(self.root)
        try:
            row = store.run(run_id)
            if row is not None and row["state"] not in (DONE, FAILED):
                store.finish(run_id, state=FAILED,
                             message="处理进程意外退出（文件可能过大或已损坏），请检查后重新提交。")
        finally:
            store.close()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
