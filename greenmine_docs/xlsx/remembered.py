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
import struct
import zipfile
import zlib
from typing import Any

from .. import usercache
from ..clock import now as clock_now
from ..clock import zip_date_time
from ..zipwrite import deflated, dos_stamp, end_record
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
        except (zipfile.BadZipFile, ValueError, KeyError, OSError, struct.error):
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
    it now: the dates in ``core.xml`` and the members' stamps changed, nothing else. The other
    members are copied as they are compressed (deflating them again would give the same
    bytes: this code wrote them, see the key in :func:`first_workbook`) with their stamps
    rewritten; the result is what ``zipfile`` writes for the same members
    (``tests/test_usercache.py``). ``ValueError`` for a package of another form (zip64, data
    descriptors, a comment)."""
    stamp = clock_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    when = dos_stamp(zip_date_time())
    view = memoryview(package)
    out, central = bytearray(), bytearray()
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        infos = src.infolist()
        for info, entry in zip(infos, _central_entries(view, len(infos)), strict=True):
            at = info.header_offset
            if view[at:at + 4] != b"PK\x03\x04" or info.flag_bits & 0x08:
                raise ValueError(f"{info.filename}: not a plain member")
            name_len, extra_len = struct.unpack_from("<HH", view, at + 26)
            body = at + 30 + name_len + extra_len
            header = bytearray(view[at:body])
            data: bytes | memoryview = view[body:body + info.compress_size]
            if info.filename == CORE_PART:
                xml = core_dated(src.read(info), stamp)
                data = _compressed(xml, info)
                struct.pack_into("<III", header, 14, zlib.crc32(xml), len(data), len(xml))
                struct.pack_into("<III", entry, 16, zlib.crc32(xml), len(data), len(xml))
            header[10:14] = entry[12:16] = when
            struct.pack_into("<I", entry, 42, len(out))  # where its member now starts
            out += header
            out += data
            central += entry
    return bytes(out + central + end_record(len(infos), len(central), len(out)))


def _compressed(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """``data`` compressed as ``zipfile`` compresses a member written from bytes."""
    if info.compress_type == zipfile.ZIP_STORED:
        return data
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError(f"{info.filename}: compression {info.compress_type}")
    return deflated(data, zlib.Z_DEFAULT_COMPRESSION)


def _central_entries(view: memoryview, count: int) -> list[bytearray]:
    """The package's ``count`` central directory records, in order (a package without a
    comment: its end record is its last 22 bytes)."""
    if view[-22:-18] != b"PK\x05\x06" or struct.unpack_from("<H", view, len(view) - 2)[0]:
        raise ValueError("end of the central directory")
    at = struct.unpack_from("<I", view, len(view) - 6)[0]
    entries = []
    for _ in range(count):
        if view[at:at + 4] != b"PK\x01\x02":
            raise ValueError("central directory")
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", view, at + 28)
        end = at + 46 + name_len + extra_len + comment_len
        entries.append(bytearray(view[at:end]))
        at = end
    return entries
