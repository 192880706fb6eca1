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
    for _ in range(4):  # first met, met again (remembered), then taken from memory
        assert _by_zipbytes(members, level) == expected
    assert any(v is not None for v in zipwrite._met.values())
    with zipfile.ZipFile(io.BytesIO(expected)) as zf:
        assert zf.testzip() is None
        assert [i.filename for i in zf.infolist()] == [m[0] for m in members]


def test_a_content_met_twice_is_not_deflated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    members = _members(3)
    expected = _by_zipfile(members, 1)
    _by_zipbytes(members, 1)
    _by_zipbytes(members, 1)
    calls: list[int] = []
    real = zipwrite.deflated

    def counted(data: bytes, level: int) -> bytes:
        calls.append(len(data))
        return real(data, level)

    monkeypatch.setattr(zipwrite, "deflated", counted)
    assert _by_zipbytes(members, 1) == expected
    assert calls == []
    changed = [(n, d + b"x" if n.endswith("part0.xml") else d, k) for n, d, k in members]
    assert _by_zipbytes(changed, 1) == _by_zipfile(changed, 1)
    assert len(calls) == 1


def test_a_different_content_of_the_same_size_and_crc_is_deflated() -> None:
    a, b = b"a" * 500 + b"b" * 500, b"b" * 500 + b"a" * 500
    for _ in range(3):
        assert zipwrite._remembered(a, 7, 1) == zipwrite.deflated(a, 1)
    assert zipwrite._remembered(b, 7, 1) == zipwrite.deflated(b, 1) != zipwrite.deflated(a, 1)


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipwrite, "_REMEMBERED_MAX", 5)
    for i in range(12):
        data = str(i).encode() * 50
        zipwrite._remembered(data, zlib.crc32(data), 1)
    assert len(zipwrite._met) <= 5


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
