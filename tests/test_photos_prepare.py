"""Photos prepared for the report (issue 21): one decode at a reduced scale to the photo box's
size, turned after shrinking, the same picture as the earlier full-size path within a small
tolerance, and a content-keyed cache on disk that a second run and other files with the same
content reuse."""
from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from greenmine_docs import usercache
from greenmine_docs.documents.assessment import photo_cache, photos


def _photo(path: Path, size: tuple[int, int], *, orientation: int | None = None,
           fmt: str = "JPEG", seed: int = 1) -> Path:
    """A camera-like picture: smooth colour fields, a marked top-left corner, an edge, grain."""
    rnd = random.Random(seed)
    small = Image.frombytes("RGB", (24, 18), rnd.randbytes(24 * 18 * 3))
    img = small.resize(size, Image.Resampling.BICUBIC)
    img.paste((230, 20, 20), (0, 0, size[0] // 5, size[1] // 5))
    img.paste((20, 20, 230), (size[0] // 2, 0, size[0] // 2 + size[0] // 40, size[1]))
    img = ImageChops.add(img, Image.effect_noise(size, 6).convert("RGB"), offset=-128)
    save: dict = {"quality": 92} if fmt == "JPEG" else {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        save["exif"] = exif.tobytes()
    img.save(path, format=fmt, **save)
    return path


def _old_path(path: Path) -> Image.Image:
    """The preparation before issue 21 (kept here as the reference): turned at the decoded
    size, then Lanczos to a 1600-pixel long edge."""
    with Image.open(path) as original:
        width, height = original.size
        if original.format == "JPEG" and max(width, height) > 1600:
            scale = 1600 / max(width, height)
            original.draft("RGB", (int(width * scale) + 1, int(height * scale) + 1))
        img = ImageOps.exif_transpose(original)
        img.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
        return img.convert("RGB")


def _difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel (0–255) after bringing ``a`` to ``b``'s size."""
    a = a.convert("RGB").resize(b.size, Image.Resampling.LANCZOS)
    return max(ImageStat.Stat(ImageChops.difference(a, b.convert("RGB"))).mean)


@pytest.fixture(autouse=True)
def _fresh():
    photos._examine.cache_clear()
    yield
    photos._examine.cache_clear()


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_a_phone_photo_is_the_old_picture_within_tolerance(tmp_path, orientation) -> None:
    path = _photo(tmp_path / "p.jpg", (4032, 3024), orientation=orientation)
    data, ratio = photos.prepare(path)
    new = Image.open(io.BytesIO(data))
    old = _old_path(path)
    assert new.format == "JPEG" and "exif" not in new.info
    assert abs(new.size[1] / new.size[0] - old.size[1] / old.size[0]) < 0.003
    assert ratio == pytest.approx(new.size[1] / new.size[0])
    assert _difference(old, new) < 2.5  # of 255: the same picture (a wrong turn gives ~40)
    upright_corner = {1: (0, 0), 3: (1, 1), 6: (1, 0), 8: (0, 1)}[orientation]
    x = 5 if upright_corner[0] == 0 else new.size[0] - 6
    y = 5 if upright_corner[1] == 0 else new.size[1] - 6
    r, g, b = new.getpixel((x, y))
    assert r > 150 and g < 90  # the marked corner where the camera's orientation puts it


def test_the_photo_fits_the_box_at_print_resolution(tmp_path) -> None:
    wide = photos.prepare(_photo(tmp_path / "w.jpg", (4032, 3024)))[0]
    tall = photos.prepare(_photo(tmp_path / "t.jpg", (4032, 3024), orientation=6))[0]
    assert Image.open(io.BytesIO(wide)).size == (874, 656)
    assert Image.open(io.BytesIO(tall)).size == (496, 661)  # the box's height limits it
    assert photos.PHOTO_BOX_PX == (874, 661)


def test_a_large_png_stays_png_and_equal_within_tolerance(tmp_path) -> None:
    path = _photo(tmp_path / "d.png", (2400, 1800), fmt="PNG")
    data, _ = photos.prepare(path)
    new = Image.open(io.BytesIO(data))
    assert new.format == "PNG" and new.size == (874, 656)
    assert _difference(_old_path(path), new) < 2.0


def test_a_small_photo_with_exif_is_turned_without_resizing(tmp_path) -> None:
    path = _photo(tmp_path / "s.jpg", (640, 480), orientation=6)
    data, ratio = photos.prepare(path)
    assert Image.open(io.BytesIO(data)).size == (480, 640) and ratio == pytest.approx(4 / 3)


def test_a_photo_is_decoded_once_for_the_checks_and_the_report(tmp_path, monkeypatch) -> None:
    path = _photo(tmp_path / "p.jpg", (2000, 1500), orientation=6)
    calls = []
    real = photos._decode
    monkeypatch.setattr(photos, "_decode", lambda *a: calls.append(a) or real(*a))
    assert photos.inspect(path).ok and photos.inspect(path).width == 2000
    photos.prepare(path)
    assert len(calls) == 1


def test_a_truncated_photo_is_still_found_unreadable(tmp_path) -> None:
    path = _photo(tmp_path / "p.jpg", (2000, 1500), orientation=6)
    path.write_bytes(path.read_bytes()[:200_000])
    info = photos.inspect(path, tmp_path / "cache")
    assert not info.ok and info.kind == "unreadable"
    with pytest.raises(ValueError):
        photos.prepare(path)
    assert not (tmp_path / "cache" / photo_cache.FOLDER).exists()  # nothing stored for it


def test_the_disk_cache_is_reused_by_content(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = _photo(tmp_path / "a.jpg", (3000, 2000), orientation=8)
    data, ratio = photos.prepare(first, cache)
    stored = list((cache / photo_cache.FOLDER).iterdir())
    assert len(stored) == 1 and stored[0].suffix == usercache.SUFFIX
    photos._examine.cache_clear()  # a new process, or another mine with the same photo
    copy = tmp_path / "other" / "same.jpg"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes())
    monkeypatch.setattr(photos, "_decode", lambda *a: pytest.fail("decoded again"))
    info = photos.inspect(copy, cache)
    assert (info.ok, info.format, info.width, info.height) == (True, "JPEG", 3000, 2000)
    assert photos.prepare(copy, cache) == (data, ratio)


def test_an_unchanged_photo_is_cached_without_its_bytes(tmp_path) -> None:
    cache = tmp_path / "cache"
    path = _photo(tmp_path / "u.jpg", (800, 600))
    assert photos.prepare(path, cache)[0] == path.read_bytes()
    (entry,) = (cache / photo_cache.FOLDER).iterdir()
    assert entry.stat().st_size < 200
    photos._examine.cache_clear()
    assert photos.prepare(path, cache)[0] == path.read_bytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_that_goes_in_as_it_is_is_hashed_once(tmp_path, monkeypatch, fmt) -> None:
    """The prepared photo's key and its Word form's verdict key come from one SHA-256 of the
    file (a batch with a cache folder and the user's cache both); the second look finds both
    and gives the same bytes."""
    import hashlib

    monkeypatch.setenv(usercache.ENV, str(tmp_path / "user"))
    cache = tmp_path / "cache"
    path = _photo(tmp_path / f"u.{fmt.lower()}", (800, 600), fmt=fmt)
    content = path.read_bytes()
    hashed: list[int] = []
    sha256 = hashlib.sha256

    def counted(data: bytes = b"", **k: bool) -> object:
        if bytes(data) == content:
            hashed.append(1)
        return sha256(data, **k)

    monkeypatch.setattr(hashlib, "sha256", counted)
    for _ in range(2):  # decoded and kept, then found in both caches
        photos._examine.cache_clear()
        hashed.clear()
        assert photos.prepare(path, cache)[0] == content
        assert len(hashed) == 1
    assert len(list((tmp_path / "user").rglob("*.entry"))) == 1  # the Word form's verdict


def test_a_damaged_cache_entry_is_ignored(tmp_path) -> None:
    cache = tmp_path / "cache"
    path = _photo(tmp_path / "a.jpg", (3000, 2000))
    data, _ = photos.prepare(path, cache)
    (entry,) = (cache / photo_cache.FOLDER).iterdir()
    entry.write_bytes(b"not json\n")
    photos._examine.cache_clear()
    assert photos.prepare(path, cache)[0] == data


def test_an_entry_that_passes_its_check_but_is_no_photo_is_ignored(tmp_path) -> None:
    """The photo cache's entries are the user cache's format: a sound entry whose body is not
    a prepared photo (another kind's, an older layout) is prepared again, not taken."""
    cache = tmp_path / "cache"
    path = _photo(tmp_path / "a.jpg", (3000, 2000))
    data, _ = photos.prepare(path, cache)
    (entry,) = (cache / photo_cache.FOLDER).iterdir()
    usercache.store_entry(entry, b'{"format": "JPEG"}\n' + data, None)  # no ratio, no sizes
    assert usercache.load_entry(entry) is not None
    photos._examine.cache_clear()
    assert photos.prepare(path, cache)[0] == data
    assert photo_cache.load(cache, entry.stem) is not None  # stored whole again


def test_a_build_without_a_cache_folder_keeps_its_photos_in_the_users(tmp_path,
                                                                       monkeypatch) -> None:
    """Phone photos and small ones alike: a rebuild that decodes none never imports Pillow."""
    user = tmp_path / "user-cache"
    monkeypatch.setenv(photo_cache.ENV, str(user))
    large = _photo(tmp_path / "large.jpg", (4032, 3024), orientation=6)
    small = _photo(tmp_path / "small.jpg", (1200, 900), orientation=6)
    assert large.stat().st_size > 1024 * 1024 > small.stat().st_size
    made = [photos.prepare(large), photos.prepare(small)]
    assert len(list((user / photo_cache.FOLDER).iterdir())) == 2
    photos._examine.cache_clear()  # the next build, in a new process
    monkeypatch.setattr(photos, "_decode", lambda *a: pytest.fail("decoded again"))
    assert [photos.prepare(large), photos.prepare(small)] == made


def test_a_rebuild_finds_the_photo_by_the_files_version(tmp_path, monkeypatch) -> None:
    """A rebuild neither reads nor hashes an unchanged phone photo; a photo replaced by another
    of the same size, its modification time set back, is still prepared anew (the change time
    and the inode are in the version); a copy (a new file, the same content: the same mine
    uploaded again) is found by content, not decoded again."""
    monkeypatch.setenv(photo_cache.ENV, str(tmp_path / "user-cache"))
    path = _photo(tmp_path / "p.jpg", (4032, 3024), orientation=6, seed=1)
    other = _photo(tmp_path / "o.jpg", (4032, 3024), orientation=3, seed=2).read_bytes()
    size = max(path.stat().st_size, len(other))
    path.write_bytes(path.read_bytes().ljust(size, b"\0"))  # bytes after the picture's end
    other = other.ljust(size, b"\0")
    first = photos.prepare(path)
    photos._examine.cache_clear()  # the next build, in a new process
    read = Path.read_bytes
    with monkeypatch.context() as m:  # the cache's entries are read, the photo is not
        m.setattr(Path, "read_bytes",
                  lambda self: pytest.fail("photo read") if self == path else read(self))
        assert photos.prepare(path) == first
    copy = tmp_path / "upload" / "p.jpg"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    with monkeypatch.context() as m:
        m.setattr(photos, "_decode", lambda *a: pytest.fail("decoded again"))
        assert photos.prepare(copy) == first
    before = path.stat()
    path.write_bytes(other)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    photos._examine.cache_clear()
    data, ratio = photos.prepare(path)
    assert ratio == pytest.approx(656 / 874) and data != first[0]  # turned 180°: wide


def test_a_version_entry_that_names_no_photo_is_ignored(tmp_path, monkeypatch) -> None:
    user = tmp_path / "user-cache"
    monkeypatch.setenv(photo_cache.ENV, str(user))
    path = _photo(tmp_path / "p.jpg", (4032, 3024), orientation=6)
    first = photos.prepare(path)
    (version,) = (user / photo_cache.VERSIONS).iterdir()
    for body in (b"../../etc/passwd", b"0" * 64):  # not a digest; a digest of nothing stored
        usercache.store_entry(version, body, None)
        photos._examine.cache_clear()
        assert photos.prepare(path) == first


def test_no_users_cache_when_turned_off(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(photo_cache.ENV, "none")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert photo_cache.user_dir() is None
    photos.prepare(_photo(tmp_path / "large.jpg", (4032, 3024), orientation=6))
    assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv(photo_cache.ENV)
    assert photo_cache.user_dir() == tmp_path / "xdg" / "greenmine-docs"


def test_a_cut_short_cache_entry_is_prepared_again(tmp_path) -> None:
    cache = tmp_path / "cache"
    path = _photo(tmp_path / "a.jpg", (3000, 2000))
    data, _ = photos.prepare(path, cache)
    (entry,) = (cache / photo_cache.FOLDER).iterdir()
    entry.write_bytes(entry.read_bytes()[:-1000])  # a disk that filled up, a copy cut short
    photos._examine.cache_clear()
    assert photos.prepare(path, cache)[0] == data
    assert entry.read_bytes().endswith(data)  # and stored whole again


def test_the_users_cache_keeps_the_photos_used_last(tmp_path) -> None:
    folder = tmp_path / photo_cache.FOLDER
    prepared = photo_cache.Prepared(b"jpeg", 0.75, "JPEG", 4000, 3000)
    for n in range(11):
        photo_cache.store(tmp_path, f"k{n:02d}", prepared, keep=10)
        os.utime(folder / f"k{n:02d}{usercache.SUFFIX}", ns=(n * 10**9, n * 10**9))
    assert len(list(folder.iterdir())) == 11  # within 10 % over: not pruned at each store
    assert photo_cache.load(tmp_path, "k00") is not None  # used now: kept
    photo_cache.store(tmp_path, "k11", prepared, keep=10)
    kept = sorted(p.stem for p in folder.iterdir())
    assert kept == ["k00", *[f"k{n:02d}" for n in range(3, 12)]]


def _lines(path: Path, size: tuple[int, int]) -> Path:
    """Six-pixel dark lines on a light ground (one pixel each in the report)."""
    from PIL import ImageDraw

    img = Image.new("RGB", size, (200, 210, 190))
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 48):
        draw.line([(x, 0), (x + 600, size[1])], fill=(30, 40, 60), width=6)
    img.save(path, quality=92)
    return path


@pytest.mark.parametrize("picture, most", [(_photo, 0.8), (_lines, 4.5)])
def test_the_last_reduction_is_the_full_size_picture_within_tolerance(tmp_path, picture,
                                                                      most) -> None:
    """The last reduction after a scaled decode (a factor of 1.5 for a 12-MP photo) against
    Lanczos from the full-size decode, mean difference in levels of 255: a camera-like photo
    well under one level (nearest neighbour is 1.5; the JPEG save adds about 1.5 more), thin
    lines within 4.5 (bicubic 4.0; Hamming 5.5 and bilinear 7 print them visibly lighter)."""
    path = picture(tmp_path / "p.jpg", (4032, 3024))
    with Image.open(path) as full:
        reference = full.convert("RGB").resize((661, 496), Image.Resampling.LANCZOS)
    with Image.open(path) as scaled:
        scaled.draft("RGB", (1008, 756))
        scaled.load()
        small = photos._resized(scaled, (661, 496))
    assert small.size == (661, 496)
    assert max(ImageStat.Stat(ImageChops.difference(small, reference)).mean) < most
