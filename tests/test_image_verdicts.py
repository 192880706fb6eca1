"""Image checks and Word forms kept in the user's cache folder by the image's content
(``safety.image_verdicts``): a rebuild takes them without Pillow; only passes are kept."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from greenmine_docs import limits, usercache
from greenmine_docs.safety import image_verdicts, images


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-cache"
    monkeypatch.setenv(usercache.ENV, str(folder))
    return folder


def _image(fmt: str, mode: str = "RGB", size: tuple[int, int] = (40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 90).save(out, format=fmt, **save)
    return out.getvalue()


def _no_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next process: nothing remembered in this one, and Pillow must not be needed."""
    images._inspect_file.cache_clear()
    monkeypatch.setattr(images, "_decode", lambda *a: pytest.fail("decoded again"))
    monkeypatch.setattr(images, "_word_form", lambda *a: pytest.fail("made again"))


def _no_jfif(jpeg: bytes) -> bytes:
    """The JPEG without its JFIF segment (as some scanners write them)."""
    assert jpeg[2:4] == b"\xff\xe0"
    return jpeg[:2] + jpeg[4 + int.from_bytes(jpeg[4:6], "big"):]


@pytest.mark.parametrize("data", [
    _image("PNG"), _image("JPEG"), _no_jfif(_image("JPEG")), _image("JPEG", "CMYK"),
    _image("PNG", "I;16"), _image("GIF", "P")])
def test_a_checked_image_is_taken_from_the_cache_as_it_was_made(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Each Word form — as it is, with a JFIF header, made anew (CMYK, 16-bit) — comes back
    the same, from the file or from bytes, without decoding the image again."""
    path = tmp_path / "image.bin"
    path.write_bytes(data)
    check, word = images.inspect_image(path), images.for_word(data)
    assert check.ok and check.width == 40 and check.height == 30
    _no_pillow(monkeypatch)
    assert images.inspect_image(path) == check == images.inspect_image(data)
    assert images.for_word(data) == word


def test_a_refused_image_is_examined_again_every_time(cache: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cut = _image("PNG", size=(400, 300))[:-40]
    first = images.inspect_image(cut)
    assert not first.ok and first.kind == "unreadable"
    assert not (cache / image_verdicts.KIND).exists()
    decoded = []
    real = images._decode
    monkeypatch.setattr(images, "_decode", lambda *a: decoded.append(1) or real(*a))
    assert images.inspect_image(cut) == first and decoded == [1]


def test_a_pass_under_other_limits_or_formats_is_checked_again(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pixel limit and the formats allowed are in the key: an image that passed is refused
    under a lower limit, with its finding, not taken from the cache."""
    data = _image("PNG", size=(2000, 1000))
    assert images.inspect_image(data).ok
    monkeypatch.setattr(limits, "MAX_IMAGE_PIXELS", 1_000_000)
    lower = images.inspect_image(data)
    assert not lower.ok and lower.kind == "too_large"
    monkeypatch.undo()
    gif = images.inspect_image(_image("GIF", "P"), formats=frozenset({"PNG"}))
    assert not gif.ok and gif.kind == "format"


@pytest.mark.parametrize("body", [b"JPEG 40", b"WEBP 40 30", b"PNG forty 30", b"made\n",
                                  b"kept\n"])
def test_a_kept_verdict_that_is_not_one_is_not_taken(cache: Path, body: bytes) -> None:
    """A body of another form (cut short, an unknown format, a made form without bytes) is
    ignored: the image is examined again and the right verdict kept."""
    data = _image("PNG")
    check, word = images.inspect_image(data), images.for_word(data)
    for entry in (cache / image_verdicts.KIND).iterdir():
        usercache.store_entry(entry, body, None)
    assert images.inspect_image(data) == check and images.for_word(data) == word


def test_without_a_cache_folder_nothing_is_kept(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv(usercache.ENV, "none")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    data = _image("JPEG")
    assert images.inspect_image(data).ok and images.for_word(data) == data
    assert not (tmp_path / "xdg").exists()
