"""The first workbook of a layout in a process, remembered across processes by its cells.

A process's first document of a layout is written cell by cell with openpyxl (see
:class:`~.fill.NotCachedYet`: for one document that is cheaper than making a skeleton) — about
0.1 s of a ``greenmine build``'s CPU for its two workbooks. Which package that gives depends only
on what the builder writes (recorded without openpyxl in a :class:`~.book.RecordBook`: values,
looks, row heights, merged ranges), on the layout's key and shape, on this code and on the clock
(the package's dates). So the package is kept in the user's cache folder
(:mod:`greenmine_docs.usercache`) under a digest of all but the clock; a later process whose
builder writes the same cells (a mine rebuilt after its text changed) takes it from there and
only dates it again: the bytes are the ones openpyxl would write now
(``tests/test_usercache.py``). Without a cache folder, or when nothing is kept, the workbook is
simply written the plain way.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from .. import usercache
from ..clock import StampedZip
from ..clock import now as clock_now
from .book import RecordBook, SheetRecord
from .fill import CORE_PART, core_dated

KIND = "xlsx-first"


def first_workbook(workbook: Any) -> bytes:
    """``workbook.plain()`` (a :class:`~.write.CachedWorkbook`), from the user's cache
    folder when a process before wrote the same cells with the same code (dated now), else
    written and kept there."""
    if usercache.user_dir() is None:
        return workbook.plain()
    book = RecordBook()
    shape = workbook.build(book)
    digest = usercache.key(KIND, _content(workbook.key, shape, book.records))
    kept = usercache.load(KIND, digest)
    if kept is not None:
        try:
            return dated_now(kept)
        except (zipfile.BadZipFile, ValueError, KeyError, OSError):
            pass  # (its checksum matched: only a package of another form gets here)
    data = workbook.plain()
    usercache.store(KIND, digest, data, keep=64)
    return data


def _content(key: Any, shape: Any, records: dict[str, SheetRecord]) -> str:
    """A digest of what decides the package besides the clock: every value with its type (a
    :class:`~.book.Formula` is not the text it reads as), every look by its parts' content."""
    h = hashlib.sha256(repr((key, shape)).encode("utf-8"))
    looks: dict[int, int] = {}  # look -> its number, in the order first met
    for title, rec in records.items():
        h.update(repr((title, rec.heights, rec.merges)).encode("utf-8"))
        # (text as it is, with its length: ``repr`` of long Chinese text costs ten times more)
        h.update("".join([f"{pos}:{type(v).__name__}:{len(t)}:{t};" for pos, v in
                          rec.values.items() for t in (str(v),)]).encode("utf-8"))
        for lk in rec.looks.values():
            if id(lk) not in looks:
                looks[id(lk)] = len(looks)
                h.update(f"look {len(looks)}: {lk!r};".encode("utf-8"))  # its parts' content
        h.update(repr([(pos, looks[id(lk)]) for pos, lk in rec.looks.items()]).encode("utf-8"))
    return h.hexdigest()


def dated_now(package: bytes) -> bytes:
    """A workbook package saved by :func:`~.package.save_workbook` at another time, as it saves
    it now: the dates in ``core.xml`` and the members' stamps changed, nothing else."""
    stamp = clock_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, \
            StampedZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == CORE_PART:
                data = core_dated(data, stamp)
            member = zipfile.ZipInfo(info.filename)
            member.compress_type = info.compress_type
            member.external_attr = info.external_attr
            member.create_system = info.create_system
            out.writestr(member, data)
    return buf.getvalue()
