"""The workspace: one folder that keeps what was uploaded and what was made, and the SQLite
index of it (standard library :mod:`sqlite3`).

Layout: ``uploads/<id>/`` (an upload, stored under names the desk chooses, never the
uploader's), ``runs/<id>/`` (what a run wrote), ``desk.sqlite3`` (the index). Every file the
desk serves is looked up here by id and must lie inside the workspace.

One :class:`Store` per process and thread: the server opens one for each of its threads (the
event loop's, and the worker threads' that store uploads: ``Desk.store``), each worker process
its own (WAL mode lets readers and a writer work at once).
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

from ..frozen import frozen

SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, sha256 TEXT NOT NULL,
  size INTEGER NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS mines (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, enterprise TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, page TEXT NOT NULL, kind TEXT NOT NULL, upload_id INTEGER,
  mine_id INTEGER, parent_id INTEGER, options TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '{}',
  errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0,
  infos INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, finished REAL);
CREATE TABLE IF NOT EXISTS findings (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, item TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, location TEXT NOT NULL,
  hint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, title TEXT NOT NULL, name TEXT NOT NULL,
  path TEXT NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS draws (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, seed INTEGER NOT NULL, ratio TEXT NOT NULL,
  rules TEXT NOT NULL, input_sha256 TEXT NOT NULL, drawn INTEGER NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS findings_run ON findings(run_id);
CREATE INDEX IF NOT EXISTS documents_run ON documents(run_id);
"""

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_TEXT = {QUEUED: "排队中", RUNNING: "进行中", DONE: "已完成", FAILED: "失败"}


@frozen(quick_init=False)
class FindingRow:
    """One finding as the desk keeps it (the location already written as ``validate`` does)."""

    severity: str
    code: str
    message: str
    location: str
    hint: str
    item: str = ""


class Store:
    """The workspace folder and its index."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        for sub in ("uploads", "runs", "cache"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.root / "desk.sqlite3", timeout=30,
                                  check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- paths ----------------------------------------------------------------------------------
    def upload_dir(self, upload_id: int) -> Path:
        return self.root / "uploads" / str(int(upload_id))

    def run_dir(self, run_id: int) -> Path:
        return self.root / "runs" / str(int(run_id))

    def inside(self, relative: str) -> Path | None:
        """The workspace file at ``relative`` (a path the desk stored), or ``None`` when it
        would lie outside the workspace or does not exist."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    # -- writing --------------------------------------------------------------------------------
    def _insert(self, sql: str, values: tuple[Any, ...]) -> int:
        with self.db:
            cursor = self.db.execute(sql, values)
        return int(cursor.lastrowid or 0)

    def add_upload(self, kind: str, label: str, sha256: str, size: int) -> int:
        return self._insert("INSERT INTO uploads(kind,label,sha256,size,created) VALUES(?,?,?,?,?)",
                            (kind, label, sha256, size, time.time()))

    def add_run(self, page: str, kind: str, *, upload_id: int | None,
                parent_id: int | None = None, options: dict[str, Any] | None = None) -> int:
        return self._insert(
            "INSERT INTO runs(page,kind,upload_id,parent_id,options,state,created) "
            "VALUES(?,?,?,?,?,?,?)",
            (page, kind, upload_id, parent_id, json.dumps(options or {}, ensure_ascii=False),
             QUEUED, time.time()))

    def progress(self, run_id: int, done: int, total: int, message: str = "") -> None:
        with self.db:
            self.db.execute("UPDATE runs SET state=?, done=?, total=?, message=? WHERE id=?",
                            (RUNNING, done, total, message, run_id))

    def finish(self, run_id: int, *, state: str, message: str = "",
               result: dict[str, Any] | None = None) -> None:
        """The run's end: its state, a message for the user, and what it found (counts)."""
        counts = self.db.execute(
            "SELECT severity, COUNT(*) FROM findings WHERE run_id=? GROUP BY severity",
            (run_id,)).fetchall()
        n = {row[0]: row[1] for row in counts}
        with self.db:
            self.db.execute(
                "UPDATE runs SET state=?, message=?, result=?, errors=?, warnings=?, infos=?, "
                "finished=?, done=MAX(done,total) WHERE id=?",
                (state, message, json.dumps(result or {}, ensure_ascii=False, default=str),
                 n.get("error", 0), n.get("warning", 0), n.get("info", 0), time.time(), run_id))

    def add_findings(self, run_id: int, rows: Iterable[FindingRow]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO findings(run_id,item,severity,code,message,location,hint) "
                "VALUES(?,?,?,?,?,?,?)",
                [(run_id, r.item, r.severity, r.code, r.message, r.location, r.hint)
                 for r in rows])

    def add_document(self, run_id: int, title: str, path: Path) -> int:
        """A file a run made: ``title`` is what the page calls it; ``name`` its path in the
        run's folder (a batch keeps each mine's files in a folder of its own), the name it has
        in the run's zip."""
        path = path.resolve()
        relative = path.relative_to(self.root).as_posix()
        folder = self.run_dir(run_id).resolve()
        name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
        return self._insert("INSERT INTO documents(run_id,title,name,path,size) VALUES(?,?,?,?,?)",
                            (run_id, title, name, relative, path.stat().st_size))

    def set_mine(self, run_id: int, name: str, enterprise: str) -> None:
        with self.db:
            self.db.execute("INSERT INTO mines(name,enterprise) VALUES(?,?) ON CONFLICT(name) "
                            "DO UPDATE SET enterprise=excluded.enterprise", (name, enterprise))
            self.db.execute("UPDATE runs SET mine_id=(SELECT id FROM mines WHERE name=?) "
                            "WHERE id=?", (name, run_id))

    def add_draw(self, run_id: int, *, seed: int, ratio: str, rules: str, input_sha256: str,
                 drawn: int) -> int:
        return self._insert(
            "INSERT INTO draws(run_id,seed,ratio,rules,input_sha256,drawn,created) "
            "VALUES(?,?,?,?,?,?,?)", (run_id, seed, ratio, rules, input_sha256, drawn,
                                       time.time()))

    # -- reading --------------------------------------------------------------------------------
    def run(self, run_id: int) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT runs.*, mines.name AS mine, mines.enterprise AS enterprise, "
            "uploads.label AS upload_label, uploads.sha256 AS upload_sha256 FROM runs "
            "LEFT JOIN mines ON mines.id=runs.mine_id "
            "LEFT JOIN uploads ON uploads.id=runs.upload_id WHERE runs.id=?",
            (run_id,)).fetchone()

    def runs(self, page: str, limit: int = 50) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT runs.*, mines.name AS mine, uploads.label AS upload_label FROM runs "
            "LEFT JOIN mines ON mines.id=runs.mine_id "
            "LEFT JOIN uploads ON uploads.id=runs.upload_id "
            "WHERE page=? ORDER BY runs.id DESC LIMIT ?", (page, limit)).fetchall()

    def findings(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM findings WHERE run_id=? ORDER BY id",
                               (run_id,)).fetchall()

    def documents(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM documents WHERE run_id=? ORDER BY id",
                               (run_id,)).fetchall()

    def document(self, doc_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()

    def draws(self, limit: int = 20) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM draws ORDER BY id DESC LIMIT ?",
                               (limit,)).fetchall()

    def upload(self, upload_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM uploads WHERE id=?", (upload_id,)).fetchone()

    def unfinished(self) -> list[int]:
        return [row[0] for row in self.db.execute(
            "SELECT id FROM runs WHERE state IN (?,?)", (QUEUED, RUNNING))]
