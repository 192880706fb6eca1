"""Site photos: inspected by content (not by extension) and prepared for the report.

:func:`inspect` opens a file with Pillow and says what it is (JPEG/PNG, pixel size) or what is
wrong with it; :func:`prepare` turns a usable photo into bytes fit for a Word document: rotated
as the camera's EXIF orientation says, scaled down to at most :data:`MAX_EDGE_PX` on the long
edge (a 12-megapixel phone photo would otherwise make the report tens of megabytes), and saved as
JPEG (photos) or PNG (drawings with transparency or few colours stay PNG). A JPEG or PNG that
needs none of that (small enough, upright, no EXIF block, plain colour mode) goes in as it is,
byte for byte; a large JPEG is decoded at a reduced scale (libjpeg's DCT scaling) before the
final resize, which is several times faster than decoding every pixel.

:func:`inspect` reads the whole file (a truncated photo fails there, not inside Word; see
:func:`~greenmine_docs.safety.images.read_completely`) once per file version and process: the
checks and the report look at the same photos.
"""
from __future__ import annotations

import functools
import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...limits import MAX_IMAGE_BYTES as MAX_FILE_BYTES  # noqa: E402 — configurable limits
from ...limits import MAX_IMAGE_PIXELS as MAX_PIXELS  # noqa: E402 — more: a decompression bomb
MIN_SHORT_EDGE_PX = 300  # below this a printed photo is visibly blurred
MAX_EDGE_PX = 1600  # long edge in the document: sharp at 150 dpi over the type width
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "MPO": "JPEG"}  # MPO: JPEG from some cameras


@dataclass(frozen=True)
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


def inspect(path: Path) -> PhotoInfo:
    """What ``path`` holds. Never raises: a missing, unreadable or oversized file is described."""
    from ...safety.inputs import file_problem

    path = Path(path)
    problem = file_problem(path)  # a FIFO or a device is never opened
    if problem:
        return PhotoInfo(path, False, f"照片文件 {path.name} {problem}",
                         "missing" if problem == "不存在" else "unreadable")
    try:
        stat = path.stat()
    except OSError as e:
        return PhotoInfo(path, False, f"无法读取照片文件：{e.strerror or e}", "unreadable")
    return _inspect(path, stat.st_mtime_ns, stat.st_size, MAX_FILE_BYTES, MAX_PIXELS)


@functools.lru_cache(maxsize=256)
def _inspect(path: Path, mtime_ns: int, size: int, max_file_bytes: int, max_pixels: int
             ) -> PhotoInfo:
    """:func:`inspect` of one file version under the given limits (the cache key)."""
    from PIL import Image, UnidentifiedImageError

    from ...safety.images import read_completely

    if size > max_file_bytes:
        return PhotoInfo(path, False, f"照片文件 {size / 1024 / 1024:.1f} MB，超过 "
                         f"{max_file_bytes // 1024 // 1024} MB", "too_large")
    if size == 0:
        return PhotoInfo(path, False, "照片文件是空文件", "unreadable")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
        with img:
            fmt = img.format or ""
            width, height = img.size
            if fmt not in ALLOWED_FORMATS:
                shown = fmt or "未知"
                return PhotoInfo(path, False, f"文件内容是 {shown} 格式，不是 JPEG 或 PNG 图片",
                                 "unreadable", fmt, width, height)
            if width * height > max_pixels:
                return PhotoInfo(path, False, f"照片 {width}×{height} 像素，超过 "
                                 f"{max_pixels // 1_000_000} 兆像素", "too_large", fmt,
                                 width, height)
            read_completely(img)  # a truncated file fails here, not later in the report
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoInfo(path, False, f"照片像素数超过 {max_pixels // 1_000_000} 兆像素",
                         "too_large")
    except UnidentifiedImageError:
        return PhotoInfo(path, False, "文件内容不是可识别的图片", "unreadable")
    except (OSError, ValueError, SyntaxError) as e:
        return PhotoInfo(path, False, f"图片文件已损坏或不完整（{type(e).__name__}）",
                         "unreadable")
    return PhotoInfo(path, True, format=ALLOWED_FORMATS[fmt], width=width, height=height)


def prepare(path: Path) -> tuple[bytes, float]:
    """Bytes for the document and the height/width ratio after rotation. Call only for a
    photo :func:`inspect` found usable."""
    from PIL import Image, ImageOps

    from ...safety.images import for_word, plain_mode

    with Image.open(path) as original:
        width, height = original.size
        if _usable_as_is(original):
            return for_word(Path(path).read_bytes()), (height / width if width else 1.0)
        keep_png = original.format == "PNG"
        if original.format in ("JPEG", "MPO") and max(width, height) > MAX_EDGE_PX:
            scale = MAX_EDGE_PX / max(width, height)
            # decode at 1/2, 1/4 or 1/8 scale while staying at least the final size
            original.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        img = ImageOps.exif_transpose(original)
        if max(img.size) > MAX_EDGE_PX:
            img.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if keep_png:
            if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                img = plain_mode(img)  # 16-bit greyscale scaled, not clipped to white
            img.save(out, format="PNG", optimize=True)
        else:
            if img.mode != "RGB":
                img = plain_mode(img).convert("RGB")  # CMYK through its ICC profile
            img.save(out, format="JPEG", quality=85, optimize=True)
        w, h = img.size
    return out.getvalue(), (h / w if w else 1.0)


_AS_IS_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGB", "RGBA", "L", "LA", "P")}


def _usable_as_is(img: Any) -> bool:
    """A JPEG or PNG within :data:`MAX_EDGE_PX`, in a plain colour mode and without an EXIF
    block (so no rotation to apply and no camera metadata, e.g. GPS, to carry along): the
    file itself is what re-encoding would only approximate."""
    modes = _AS_IS_MODES.get(img.format or "")
    return (modes is not None and img.mode in modes and max(img.size) <= MAX_EDGE_PX
            and "exif" not in img.info)
