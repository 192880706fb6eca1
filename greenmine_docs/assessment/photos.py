"""Site photos: inspected by content (not by extension) and prepared for the report.

:func:`inspect` opens a file with Pillow and says what it is (JPEG/PNG, pixel size) or what is
wrong with it; :func:`prepare` turns a usable photo into bytes fit for a Word document: rotated
as the camera's EXIF orientation says, scaled down to at most :data:`MAX_EDGE_PX` on the long
edge (a 12-megapixel phone photo would otherwise make the report tens of megabytes), and saved as
JPEG (photos) or PNG (drawings with transparency or few colours stay PNG).
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..limits import MAX_IMAGE_BYTES as MAX_FILE_BYTES  # noqa: E402 — configurable limits
from ..limits import MAX_IMAGE_PIXELS as MAX_PIXELS  # noqa: E402 — more: a decompression bomb
MIN_SHORT_EDGE_PX = 300  # below this a printed photo is visibly blurred
MAX_EDGE_PX = 1600  # long edge in the document: sharp at 150 dpi over the type width
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "MPO": "JPEG"}  # MPO: JPEG from some cameras


def inside(base: Path, relative: str) -> Path | None:
    """``base / relative`` resolved, or None when it leaves ``base`` (``..``, an absolute path
    elsewhere): an input must not pull arbitrary local files into a generated document."""
    root = Path(base).resolve()
    path = (root / relative).resolve()
    return path if path == root or root in path.parents else None


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
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        return PhotoInfo(path, False, f"照片文件 {path.name} 不存在", "missing")
    try:
        size = path.stat().st_size
    except OSError as e:
        return PhotoInfo(path, False, f"无法读取照片文件：{e.strerror or e}", "unreadable")
    if size > MAX_FILE_BYTES:
        return PhotoInfo(path, False, f"照片文件 {size / 1024 / 1024:.1f} MB，超过 "
                         f"{MAX_FILE_BYTES // 1024 // 1024} MB", "too_large")
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
            if width * height > MAX_PIXELS:
                return PhotoInfo(path, False, f"照片 {width}×{height} 像素，超过 "
                                 f"{MAX_PIXELS // 1_000_000} 兆像素", "too_large", fmt,
                                 width, height)
            img.load()  # decode fully: a truncated file fails here, not later in the report
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoInfo(path, False, f"照片像素数超过 {MAX_PIXELS // 1_000_000} 兆像素",
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

    with Image.open(path) as original:
        keep_png = original.format == "PNG"
        img = ImageOps.exif_transpose(original)
        if max(img.size) > MAX_EDGE_PX:
            img.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if keep_png:
            if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                img = img.convert("RGBA")
            img.save(out, format="PNG", optimize=True)
        else:
            if img.mode != "RGB":
                img = img.convert("RGB")
            img.save(out, format="JPEG", quality=85, optimize=True)
        w, h = img.size
    return out.getvalue(), (h / w if w else 1.0)
