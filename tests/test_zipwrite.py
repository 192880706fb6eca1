"""``zipwrite.ZipBytes`` writes the bytes ``zipfile`` writes, member for member, whether a
member's compressed bytes are made or remembered, and leaves other forms to ``zipfile``."""
from __future__ import annotations

import io
import random
import zipfile
import zlib

import pytest

from greenmine_docs import zipwrite
from greenmine_docs.clock import StampedZip
from greenmine_docs.zipwrite import ZipBytes


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    # an odd second: a zip stamp keeps seconds halved
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    monkeypatch.setattr(zipwrite, "_met", {})
    monkeypatch.setattr(zipwrite, "_kept", [0])


def _members(seed: int) -> list[tuple[str, bytes, int]]:
    rng = random.Random(seed)
    words = [b"<w:p>", b"\xe7\xbb\xbf\xe8\x89\xb2", b"mine ", b"</w:t>", bytes(range(7))]
    out = [("[Content_Types].xml", b"<Types/>" * 40, zipfile.ZIP_DEFLATED),
           ("word/empty.xml", b"", zipfile.ZIP_DEFLATED),
           ("word/media/照片一.jpeg", rng.randbytes(3000), zipfile.ZIP_STORED),
           ("xl/空白.bin", b"", zipfile.ZIP_STORED)]
    for i in range(12):
        body = b"".join(rng.choice(words) for _ in range(rng.randrange(1, 4000)))
        out.append((f"word/part{i}.xml", body, zipfile.ZIP_DEFLATED))
    return out


def _by_zipfile(members: list[tuple[str, bytes, int]], level: int | None) -> bytes:
    buf = io.BytesIO()
    with StampedZip(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data, kind in members:
            zf.writestr(name, data, compress_type=kind)
    return buf.getvalue()


def _by_zipbytes(members: list[tuple[str, bytes, int]], level: int | None) -> bytes:
    zb = ZipBytes(level)
    for name, data, kind in members:
        zb.writestr(name, data, compress_type=kind)
    return zb.getvalue()


@pytest.mark.parametrize("level", [1, None, 9])
def test_the_bytes_are_zipfiles_when_made_and_when_remembered(level: int | None) -> None:
    members = _members(level or 0)
    expected = _by_zipfile(members, level)
    for _ in range(3):  # first made, then taken from memory
        assert _by_zipbytes(members, level) == expected
    assert zipwrite._met
    with zipfile.ZipFile(io.BytesIO(expected)) as zf:
        assert zf.testzip() is None
        assert [i.filename for i in zf.infolist()] == [m[0] for m in members]


def test_the_bytes_asked_for_midway_and_as_a_subclass_are_the_same() -> None:
    """``getvalue`` puts the central directory after the members only for its copy: asked
    twice, midway (then more members written), or as a ``bytes`` subclass, the bytes are
    zipfile's for the members so far."""
    class Marked(bytes):
        pass

    members = _members(5)
    zb = ZipBytes(None)
    for i, (name, data, kind) in enumerate(members, 1):
        zb.writestr(name, data, compress_type=kind)
        if i in (1, 6, len(members)):
            expected = _by_zipfile(members[:i], None)
            assert zb.getvalue() == expected
            marked = zb.getvalue(Marked)
            assert type(marked) is Marked and marked == expected
            assert zb.getvalue() == expected


def test_a_content_met_before_is_not_deflated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    members = [m for m in _members(3) if m[2] == zipfile.ZIP_DEFLATED]
    changed = [(n, d + b"x" if n.endswith("part0.xml") else d, k) for n, d, k in members]
    expected, expected_changed = _by_zipfile(members, 1), _by_zipfile(changed, 1)
    assert _by_zipbytes(members, 1) == expected
    calls: list[int] = []
    real_deflated, real_crc = zipwrite.deflated, zlib.crc32

    def counted(data: bytes, level: int) -> bytes:
        calls.append(len(data))
        return real_deflated(data, level)

    monkeypatch.setattr(zipwrite, "deflated", counted)
    monkeypatch.setattr(zlib, "crc32", lambda *a: pytest.fail("a CRC made again"))
    assert _by_zipbytes(members, 1) == expected  # neither a CRC nor a deflate
    assert calls == []
    monkeypatch.setattr(zlib, "crc32", real_crc)
    assert _by_zipbytes(changed, 1) == expected_changed
    assert len(calls) == 1
    assert _by_zipbytes(members, 1) == expected  # (kept under its own size)
    assert len(calls) == 1


def test_a_different_content_of_the_same_name_and_size_is_deflated() -> None:
    a, b = b"a" * 500 + b"b" * 500, b"b" * 500 + b"a" * 500
    for _ in range(3):
        assert zipwrite._packed("x.xml", a, 1) == (zlib.crc32(a), zipwrite.deflated(a, 1))
    assert zipwrite._packed("x.xml", b, 1) == (zlib.crc32(b), zipwrite.deflated(b, 1))
    assert zipwrite._packed("x.xml", a, 1) == (zlib.crc32(a), zipwrite.deflated(a, 1))


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipwrite, "_MEMORY_BYTES", 2000)
    for i in range(40):
        zipwrite._packed(f"m{i}.xml", str(i).encode() * 50, 1)
        assert sum(len(v[0]) for v in zipwrite._met.values()) <= 2000
    zipwrite._packed("big.xml", b"x" * 300, 1)  # more than an eighth: not kept
    assert not any(k[1] == "big.xml" for k in zipwrite._met)


@pytest.mark.parametrize("members", [
    [("a.xml", b"<a/>", zipfile.ZIP_DEFLATED), ("word/", b"", zipfile.ZIP_STORED)],
    [("a.xml", b"<a/>", zipfile.ZIP_DEFLATED), ("b\0.xml", b"<b/>", zipfile.ZIP_DEFLATED)],
    [("a.xml", b"<a/>", zipfile.ZIP_BZIP2)],
])
def test_other_forms_are_written_by_zipfile(members: list[tuple[str, bytes, int]]) -> None:
    assert _by_zipbytes(members, 1) == _by_zipfile(members, 1)


def test_a_package_that_would_need_zip64_is_written_by_zipfile(
        monkeypatch: pytest.MonkeyPatch) -> None:
    members = _members(5)
    monkeypatch.setattr(zipwrite, "_LIMIT", 2000)  # as if these members were near 2 GB
    zb = ZipBytes(1)
    for name, data, kind in members:
        zb.writestr(name, data, compress_type=kind)
    assert zb.plain
    assert zb.getvalue() == _by_zipfile(members, 1)
