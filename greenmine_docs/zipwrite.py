"""Zip packages written in memory, member by member, exactly as :mod:`zipfile` writes them,
with the compressed bytes of members met before taken as they are.

Most members of a mine's packages are the same from one mine to the next (a template's styles,
theme, fonts, settings, numbering; a workbook's styles): 106 of a synthetic mine's 116 members,
about half the CPU of deflating its packages. :class:`ZipBytes` deflates a member only when the
last member of its name and size had another content; the bytes are the ones ``zipfile``
writes for the same ``writestr`` calls (``tests/test_zipwrite.py`` compares them byte for
byte), because deflating the same bytes at the same level gives the same bytes. The members
of one package share one time stamp (``zipfile`` asks the clock for each: the same but when a
second ends while it writes). What ``zipfile`` would write in zip64 form
(a member or a package near 2 GB, more than 65,535 members), or a member name of another
form (a folder, a NUL), is written by ``zipfile`` itself.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from .clock import StampedZip, zip_date_time

# zipfile's defaults for a member written from bytes: made by version 2.0 on Unix, mode 0600
_VERSION = 20
_SYSTEM = 3
_MODE = 0o600 << 16
_UTF8 = 0x800  # flag: the name is UTF-8, not CP437
_LIMIT = zipfile.ZIP64_LIMIT
# contents remembered with their CRC and compressed bytes, at most (a batch's template members
# many times over; a member bigger than an eighth of it is not kept); then forgotten
_MEMORY_BYTES = 16 * 1024 * 1024

# (level, member name, size) -> (content, CRC, compressed bytes)
_met: dict[tuple[int, str, int], tuple[bytes, int, bytes]] = {}
_kept = [0]  # bytes of content in _met


def deflated(data: bytes, level: int) -> bytes:
    """``data`` compressed as ``zipfile`` compresses a member written from bytes at ``level``
    (raw deflate; ``zlib.Z_DEFAULT_COMPRESSION`` is zipfile's level when none is given)."""
    deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush()


def _packed(name: str, data: bytes, level: int) -> tuple[int, bytes]:
    """The CRC and ``deflated(data, level)`` of member ``name``: remembered from the last
    member of that name and size when its content is the same (compared byte for byte, which
    costs a small part of a CRC), else made and remembered."""
    key = (level, name, len(data))
    seen = _met.get(key)
    if seen is not None and seen[0] == data:
        return seen[1], seen[2]
    crc, packed = zlib.crc32(data), deflated(data, level)
    if len(data) <= _MEMORY_BYTES // 8:
        if _kept[0] + len(data) > _MEMORY_BYTES:
            _met.clear()
            _kept[0] = 0
        _met[key] = (data, crc, packed)
        _kept[0] += len(data)
    return crc, packed


def end_record(count: int, central_size: int, central_at: int) -> bytes:
    """The end of the central directory as ``zipfile`` writes it for a package without a
    comment and without zip64 records."""
    return struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, central_size,
                       central_at, 0)


def dos_stamp(date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """A member's time and date in the four bytes of its headers, as ``zipfile`` packs them."""
    y, mo, d, h, mi, sec = date_time
    return struct.pack("<HH", h << 11 | mi << 5 | sec // 2, (y - 1980) << 9 | mo << 5 | d)


class ZipBytes:
    """The bytes of ``StampedZip(buf, "w", ZIP_DEFLATED, compresslevel=level)`` after the same
    :meth:`writestr` calls (member names as text, contents as bytes), with a member's
    compressed bytes reused when its content was met before (see the module's text)."""

    def __init__(self, compresslevel: int | None = None) -> None:
        self.level = zlib.Z_DEFAULT_COMPRESSION if compresslevel is None else compresslevel
        self.out = bytearray()
        self.central = bytearray()
        self.members: list[tuple[str, bytes, int]] = []  # for zipfile, when it must write
        self.plain = False  # a member or the package needs what only zipfile writes
        self.when = dos_stamp(zip_date_time())  # (zipfile asks the clock for each member)

    def writestr(self, name: str, data: bytes, compress_type: int = zipfile.ZIP_DEFLATED,
                 deflated: tuple[int, bytes] | None = None) -> None:
        """Add a member, stored or deflated (the only two kinds written here). ``deflated``:
        the CRC and :func:`deflated` bytes of ``data`` at this package's level, when they were
        made already (as the data came)."""
        self.members.append((name, data, compress_type))
        if self.plain or not self._plain_form(name, data, compress_type):
            self.plain = True
            return
        if compress_type == zipfile.ZIP_STORED:
            crc, packed = zlib.crc32(data), data
        elif deflated is not None:
            crc, packed = deflated
        else:
            crc, packed = _packed(name, data, self.level)
        at = len(self.out)
        if len(packed) > _LIMIT or at > _LIMIT:
            self.plain = True
            return
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8
        when = self.when
        sizes = struct.pack("<III", crc, len(packed), len(data))
        self.out += struct.pack("<4s3H", b"PK\x03\x04", _VERSION, flags, compress_type)
        self.out += when + sizes + struct.pack("<HH", len(encoded), 0) + encoded
        self.out += packed
        self.central += struct.pack("<4s4BHH", b"PK\x01\x02", _VERSION, _SYSTEM, _VERSION, 0,
                                    flags, compress_type)
        self.central += when + sizes + struct.pack("<5HLL", len(encoded), 0, 0, 0, 0, _MODE, at)
        self.central += encoded

    @staticmethod
    def _plain_form(name: str, data: bytes, compress_type: int) -> bool:
        """Whether ``zipfile`` writes this member in the form written here: a file's name
        without NUL, no zip64 header, stored or deflated."""
        return (compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                and bool(name) and not name.endswith("/") and "\0" not in name
                and len(data) * 1.05 <= _LIMIT)

    def getvalue(self, kind: type[bytes] = bytes) -> bytes:
        """The package's bytes, as a ``kind`` (``bytes`` or a subclass of it), copied once
        from the members written so far (the central directory and its end are put after
        them for the copy, then taken away again)."""
        count, at = len(self.members), len(self.out)
        if self.plain or count > 0xFFFF or at > _LIMIT or len(self.central) > _LIMIT:
            return kind(self._zipfile_bytes())
        out = self.out
        out += self.central
        out += end_record(count, len(self.central), at)
        try:
            return kind(out)
        finally:
            del out[at:]

    def _zipfile_bytes(self) -> bytes:
        """The package written by ``zipfile`` (forms this module does not write)."""
        buf = io.BytesIO()
        with StampedZip(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=self.level) as zf:
            for name, data, compress_type in self.members:
                zf.writestr(name, data, compress_type=compress_type)
        return buf.getvalue()
