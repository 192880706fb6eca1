"""Site photos: inspected by content (not by extension) and prepared for the report.

:func:`inspect` opens a file with Pillow and says what it is (JPEG/PNG, pixel size) or what is
wrong with it; :func:`prepare` gives bytes fit for a Word document. A JPEG or PNG that needs no
change (within :data:`MAX_EDGE_PX`, no EXIF block, plain colour mode) goes in as it is, byte for
byte. Any other photo is made as large as the report's photo box needs at print resolution
(:data:`PHOTO_BOX_PX`: the box of :data:`PHOTO_BOX_MM` at :data:`PRINT_DPI`; a 12-megapixel
phone photo would otherwise make the report tens of megabytes): a JPEG is decoded at a reduced
scale (libjpeg's DCT scaling, 1/2 … 1/8) just above that size, resized with a filter chosen for
the remaining factor, then turned as the camera's EXIF orientation says (turning the small
picture, not the large one), and saved as JPEG quality 85 (PNG stays PNG).

Each photo is decoded once: :func:`inspect` prepares it while it checks it (a decode at any
scale reads every byte, so a truncated file fails there, not inside Word; see
:func:`~greenmine_docs.safety.images.read_completely`), once per file version and process — the
checks and the report look at the same photos. With a cache folder (``Run.cache_dir``: a batch's
output folder keeps one), prepared photos are also kept on disk by content (SHA-256 of the file
and :data:`PREPARED_VERSION`): a second batch run, and every mine showing the same photo, reads
the prepared bytes instead of decoding again (:mod:`.photo_cache`). Without one, photos are kept
in the user's cache folder, also found by the file's version (size, times, inode): a rebuild
after editing the text neither decodes, reads nor hashes the phone photos again, nor imports
Pillow (``GREENMINE_CACHE_DIR=none`` turns that off).
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...frozen import frozen
from ...limits import MAX_IMAGE_BYTES as MAX_FILE_BYTES  # noqa: E402 — configurable limits
from ...limits import MAX_IMAGE_PIXELS as MAX_PIXELS  # noqa: E402 — more: a decompression bomb
from . import photo_cache

MIN_SHORT_EDGE_PX = 300  # below this a printed photo is visibly blurred
MAX_EDGE_PX = 1600  # the long edge up to which an upright photo without EXIF goes in as it is
PHOTO_BOX_MM = (74.0, 56.0)  # width, height of one photo in the two-column photo table
PRINT_DPI = 300  # what a printed photo needs to look sharp
PHOTO_BOX_PX = tuple(round(mm / 25.4 * PRINT_DPI) for mm in PHOTO_BOX_MM)  # (874, 661)
JPEG_QUALITY = 85
PREPARED_VERSION = "4"  # in the cache key: change it when the preparation changes
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "MPO": "JPEG"}  # MPO: JPEG from some cameras

@frozen(quick_init=False)
class PhotoInfo:
    path: Path
    ok: bool
    problem: str = ""  # Chinese, when not ok
    kind: str = ""  # "missing" | "unreadable" | "too_large" (when not ok)
    format: str = ""
    width: int = 0
    height: int = 0

    @property
    def small(self) -> bool:
        return self.ok and min(self.width, self.height) < MIN_SHORT_EDGE_PX


def inspect(path: Path, cache_dir: Path | None = None) -> PhotoInfo:
    """What ``path`` holds. Never raises: a missing, unreadable or oversized file is described.
    A usable photo is prepared for the report on the way (:func:`prepare` then costs nothing);
    ``cache_dir``: where prepared photos are kept between runs (None: in this process only)."""
    return _examined(Path(path), cache_dir)[0]


def prepare(path: Path, cache_dir: Path | None = None) -> tuple[bytes, float]:
    """Bytes for the document and the height/width ratio after rotation. Call only for a
    photo :func:`inspect` found usable."""
    info, prepared = _examined(Path(path), cache_dir)
    if prepared is None:
        raise ValueError(f"photo {path} is not usable: {info.problem}")
    return prepared.data, prepared.ratio


def _examined(path: Path, cache_dir: Path | None) -> tuple[PhotoInfo, photo_cache.Prepared | None]:
    from ...safety.inputs import file_problem, input_stat

    problem = file_problem(path)  # a FIFO or a device is never opened
    if problem:
        return PhotoInfo(path, False, f"照片文件 {path.name} {problem}",
                         "missing" if problem == "不存在" else "unreadable"), None
    try:
        stat = input_stat(path)  # (the status file_problem read, in a batch's mine)
    except OSError as e:
        return PhotoInfo(path, False, f"无法读取照片文件：{e.strerror or e}", "unreadable"), None
    stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_dev, stat.st_ino)
    return _examine(path, stamp, MAX_FILE_BYTES, MAX_PIXELS, cache_dir)


@functools.lru_cache(maxsize=64)
def _examine(path: Path, stamp: tuple[int, ...], max_file_bytes: int, max_pixels: int,
             cache_dir: Path | None) -> tuple[PhotoInfo, photo_cache.Prepared | None]:
    """:func:`inspect` and :func:`prepare` of one file version (``stamp``: its size,
    modification and change times, device and inode) under the given limits — the key of this
    process's cache; on disk, :func:`_cache_key`."""
    size = stamp[0]
    if size > max_file_bytes:
        return PhotoInfo(path, False, f"照片文件 {size / 1024 / 1024:.1f} MB，超过 "
                         f"{max_file_bytes // 1024 // 1024} MB", "too_large"), None
    if size == 0:
        return PhotoInfo(path, False, "照片文件是空文件", "unreadable"), None
    folder, keep = photo_cache.folder_for(cache_dir)
    version = _cache_key(stamp, max_pixels) if folder is not None and cache_dir is None else ""
    known = photo_cache.remembered(folder, version) if version else None
    stored = photo_cache.load(folder, known) if known else None
    if stored is not None and not stored.as_is:  # a rebuild: the photo is not even read
        return _info(path, stored), stored
    data = _read(path)
    if isinstance(data, PhotoInfo):
        return data, None
    sha256 = hashlib.sha256(data).hexdigest() if folder is not None else None
    key = _cache_key(sha256, max_pixels) if sha256 is not None else ""
    info, prepared = _stored_or_decoded(path, data, sha256, folder, key, keep, max_pixels)
    if prepared is not None and version and key != known:
        photo_cache.remember(folder, version, key, keep)
    return info, prepared


def _stored_or_decoded(path: Path, data: bytes, sha256: str | None, folder: Path | None,
                       key: str, keep: int | None, max_pixels: int
                       ) -> tuple[PhotoInfo, photo_cache.Prepared | None]:
    """The photo prepared from ``data`` (of digest ``sha256``, when hashed): from the cache
    ``folder`` under its content ``key`` when it is there, else decoded (and stored there)."""
    stored = photo_cache.load(folder, key) if key else None
    if stored is not None:
        if stored.as_is:  # the original goes in as it is
            from ...safety.images import for_word

            stored = replace(stored, data=for_word(data, sha256))
        return _info(path, stored), stored
    info, prepared = _decode(path, data, max_pixels, sha256)
    if prepared is not None:
        photo_cache.store(folder, key, prepared, keep)
    return info, prepared


def _cache_key(source: str | tuple[int, ...], max_pixels: int) -> str:
    """A prepared photo's key on disk: by the file's content (SHA-256; a photo's entry), or
    by its version (``stamp``), which in the user's cache folder names the content key of
    the file as it was (:func:`.photo_cache.remember`): a rebuild then neither reads nor hashes
    a phone photo (~4 ms each), while a copy of a photo (the same mine uploaded to the web desk
    again) still finds it by content. The change time in the version is set by the system at
    every write and no tool sets it back (POSIX; Windows gives the creation time there), so an
    edited photo gets a new version, as a file's stat data tells git that it changed."""
    parts = (PREPARED_VERSION, PHOTO_BOX_PX, max_pixels)
    if isinstance(source, str):  # the content's SHA-256
        return photo_cache.key(source, *parts)
    return photo_cache.key(repr(source), "file version", *parts)


def _read(path: Path) -> bytes | PhotoInfo:
    """The file's bytes, or what keeps them from being read."""
    from ...rawio import read_file

    try:
        return read_file(path)
    except OSError as e:
        return PhotoInfo(path, False, f"无法读取照片文件：{e.strerror or e}", "unreadable")


def _info(path: Path, prepared: photo_cache.Prepared) -> PhotoInfo:
    return PhotoInfo(path, True, format=prepared.format, width=prepared.width,
                     height=prepared.height)


def _decode(path: Path, data: bytes, max_pixels: int, sha256: str | None = None
            ) -> tuple[PhotoInfo, photo_cache.Prepared | None]:
    """Open, check and prepare a photo: one decode of its data (``sha256``: its digest)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            with img:
                fmt = img.format or ""
                width, height = img.size
                if fmt not in ALLOWED_FORMATS:
                    shown = fmt or "未知"
                    return PhotoInfo(path, False, f"文件内容是 {shown} 格式，不是 JPEG 或 PNG 图片",
                                     "unreadable", fmt, width, height), None
                if width * height > max_pixels:
                    return PhotoInfo(path, False, f"照片 {width}×{height} 像素，超过 "
                                     f"{max_pixels // 1_000_000} 兆像素", "too_large", fmt,
                                     width, height), None
                prepared = _prepared(img, data, sha256)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoInfo(path, False, f"照片像素数超过 {max_pixels // 1_000_000} 兆像素",
                         "too_large"), None
    except UnidentifiedImageError:
        return PhotoInfo(path, False, "文件内容不是可识别的图片", "unreadable"), None
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        return PhotoInfo(path, False, f"图片文件已损坏或不完整（{type(e).__name__}）",
                         "unreadable"), None
    return _info(path, prepared), prepared


def _prepared(img: Any, data: bytes, sha256: str | None = None) -> photo_cache.Prepared:
    """The photo as the document shows it (see the module docstring); raises ``OSError`` and
    the like for a truncated or damaged file."""
    from ...safety.images import for_word, plain_mode, read_completely

    fmt, (width, height) = ALLOWED_FORMATS[img.format], img.size
    if _usable_as_is(img):
        read_completely(img)  # a truncated file fails here, not later in the report
        return photo_cache.Prepared(for_word(data, sha256), height / width if width else 1.0, fmt,
                                    width, height, as_is=True)
    turn, target = _planned(img)
    img.load()
    if img.mode not in ("RGB", "RGBA", "L", "LA"):
        # CMYK through its ICC profile, 16-bit greyscale scaled (not clipped to white), a
        # palette expanded (it could only be resized by nearest neighbour)
        img = plain_mode(img)
    small = _resized(img, target)
    if turn is not None:
        small = small.transpose(turn)
    return photo_cache.Prepared(_encoded(small, fmt), small.height / small.width
                                if small.width else 1.0, fmt, width, height)


def _planned(img: Any) -> tuple[Any, tuple[int, int]]:
    """How to show the opened (not yet decoded) ``img``: the transposition that turns it
    upright (None: none) and its size before turning; a JPEG is set to decode at the smallest
    of libjpeg's scales (1/2 … 1/8) that is not below that size."""
    width, height = img.size
    turn, turned = _turn(img.getexif().get(0x0112, 1))  # EXIF orientation
    shown_w, shown_h = (height, width) if turned else (width, height)
    scale = min(1.0, PHOTO_BOX_PX[0] / shown_w, PHOTO_BOX_PX[1] / shown_h)
    if img.format in ("JPEG", "MPO") and scale < 1.0:
        img.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
    return turn, (max(1, round(width * scale)), max(1, round(height * scale)))


def _encoded(small: Any, fmt: str) -> bytes:
    """The prepared picture saved as ``fmt``: PNG, or JPEG at :data:`JPEG_QUALITY` (without
    the optimize pass: it only shortens the Huffman codes — the same pixels, ~3 % fewer bytes —
    for a second pass over the picture that costs more than the rest of the save)."""
    out = io.BytesIO()
    if fmt == "PNG":
        small.save(out, format="PNG", optimize=True)
    else:
        small = small if small.mode == "RGB" else small.convert("RGB")
        small.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _resized(img: Any, target: tuple[int, int]) -> Any:
    """``img`` at ``target`` size: bicubic for the last factor of two or less (what is left
    after a scaled JPEG decode: as sharp as Lanczos there, at two thirds of its cost; Hamming
    or bilinear, 3 ms cheaper a phone photo, visibly soften one-pixel lines), Lanczos for
    more, after an integer box reduction down to three times the target for large ones."""
    from PIL import Image

    if img.size == target:
        return img
    factor = max(img.size[0] / target[0], img.size[1] / target[1])
    if factor <= 2.0:
        return img.resize(target, Image.Resampling.BICUBIC)
    return img.resize(target, Image.Resampling.LANCZOS,
                      reducing_gap=3.0 if factor > 3.0 else None)


def _turn(orientation: Any) -> tuple[Any, bool]:
    """The transposition that shows a photo of EXIF ``orientation`` upright (None: it is),
    and whether it swaps width and height."""
    from PIL import Image

    t = Image.Transpose
    turns = {2: t.FLIP_LEFT_RIGHT, 3: t.ROTATE_180, 4: t.FLIP_TOP_BOTTOM, 5: t.TRANSPOSE,
             6: t.ROTATE_270, 7: t.TRANSVERSE, 8: t.ROTATE_90}
    return turns.get(orientation), orientation in (5, 6, 7, 8)


_AS_IS_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGB", "RGBA", "L", "LA", "P")}


def _usable_as_is(img: Any) -> bool:
    """A JPEG or PNG within :data:`MAX_EDGE_PX`, in a plain colour mode and without an EXIF
    block (so no rotation to apply and no camera metadata, e.g. GPS, to carry along): the
    file itself is what re-encoding would only approximate."""
    modes = _AS_IS_MODES.get(img.format or "")
    return (modes is not None and img.mode in modes and max(img.size) <= MAX_EDGE_PX
            and "exif" not in img.info)
