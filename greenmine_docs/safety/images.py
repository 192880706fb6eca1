"""Images checked by content, not by extension, before they go into a document.

:func:`inspect_image` says what a file (or bytes) really is: a PNG that is in fact a text file,
a truncated JPEG, a "decompression bomb" (a small file that declares billions of pixels) or a
file over the size limit are each described in Chinese — never raised. Limits come from
:mod:`greenmine_docs.limits` (``GREENMINE_MAX_IMAGE_MB``, ``GREENMINE_MAX_IMAGE_MEGAPIXELS``).
"""
from __future__ import annotations

import functools
import io
import warnings
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import InputError
from ..frozen import frozen
from . import image_verdicts
from .inputs import file_problem, input_stat, read_regular, real_path

# formats python-docx can embed in a Word document
WORD_FORMATS = frozenset({"PNG", "JPEG", "MPO", "GIF", "BMP", "TIFF"})

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"RIFF", "WEBP"), (b"%PDF", "PDF"), (b"PK\x03\x04", "ZIP"), (b"\xd0\xcf\x11\xe0", "OLE"),
)
_FORMAT_NAMES = {"PDF": "PDF 文档", "ZIP": "压缩包或 Office 文档", "OLE": "旧版 Office 文档",
                 "WEBP": "WebP 图片"}


@frozen(quick_init=False)
class ImageCheck:
    ok: bool
    problem: str = ""  # Chinese, when not ok
    kind: str = ""  # "missing" | "unreadable" | "too_large" | "format" (when not ok)
    format: str = ""
    width: int = 0
    height: int = 0


def sniff(head: bytes) -> str:
    """What the first bytes say the file is: an image format, "PDF", "ZIP", "TEXT" or ""."""
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    sample = head[:512]
    if sample and b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            return "TEXT"
        except UnicodeDecodeError as e:
            if e.start >= len(sample) - 3:  # a character cut at the sample's end
                return "TEXT"
    return ""


def inspect_image(source: str | Path | bytes, *, formats: frozenset[str] = WORD_FORMATS
                  ) -> ImageCheck:
    """Describe ``source`` (a path or the bytes of a file); ``ok`` only for a complete image
    in one of ``formats`` within the size and pixel limits."""
    if isinstance(source, (bytes, bytearray)):
        return _inspect_bytes(bytes(source), formats)
    path = Path(source)
    try:
        stat = input_stat(path)
        problem = file_problem(path)  # FIFOs, devices: never read
    except OSError:
        problem = "不存在"
    if problem:
        return ImageCheck(False, f"图片文件 {path.name} {problem}",
                          "missing" if problem == "不存在" else "unreadable")
    return _inspect_file(real_path(path), stat.st_mtime_ns, stat.st_size, formats,
                         limits.MAX_IMAGE_BYTES, limits.MAX_IMAGE_PIXELS)


@functools.lru_cache(maxsize=256)
def _inspect_file(path: str, mtime_ns: int, size: int, formats: frozenset[str],
                  max_bytes: int, max_pixels: int) -> ImageCheck:
    """One full decode per file version and process: the checks and then the document being
    built look at the same images (the limits are part of the key: they are configurable)."""
    if size > max_bytes:
        return ImageCheck(False, f"图片文件 {size / limits.MB:.1f} MB，超过上限 "
                          f"{limits.megabytes(max_bytes)}", "too_large")
    try:
        data = read_regular(path, what="图片文件", limit=max_bytes,
                            limit_env="GREENMINE_MAX_IMAGE_MB")
    except InputError as e:
        return ImageCheck(False, e.message.rstrip("。"), "unreadable")
    return _inspect_bytes(data, formats)


def _inspect_bytes(data: bytes, formats: frozenset[str]) -> ImageCheck:
    if len(data) > limits.MAX_IMAGE_BYTES:
        return ImageCheck(False, f"图片 {len(data) / limits.MB:.1f} MB，超过上限 "
                          f"{limits.megabytes(limits.MAX_IMAGE_BYTES)}", "too_large")
    if not data:
        return ImageCheck(False, "图片文件是空文件", "unreadable")
    kind = sniff(data[:16] if len(data) >= 16 else data)
    if kind == "TEXT":
        return ImageCheck(False, "文件内容是文字，不是可识别的图片（可能只是改了扩展名）", "format")
    if kind in _FORMAT_NAMES:
        return ImageCheck(False, f"文件内容是{_FORMAT_NAMES[kind]}，不是图片", "format", kind)
    return _checked(data, formats)


def _checked(data: bytes, formats: frozenset[str]) -> ImageCheck:
    """:func:`_decode`'s verdict on ``data``: a pass is kept in the user's cache folder
    (:mod:`.image_verdicts`: "format width height") and taken from there without Pillow."""
    given = (sorted(formats), limits.MAX_IMAGE_BYTES, limits.MAX_IMAGE_PIXELS)
    kept = (image_verdicts.recalled("check", data, *given) or b"").split()
    if len(kept) == 3 and kept[0].decode("ascii", "replace") in formats \
            and kept[1].isdigit() and kept[2].isdigit():
        return ImageCheck(True, format=kept[0].decode(), width=int(kept[1]), height=int(kept[2]))
    check = _decode(data, formats)
    if check.ok:
        image_verdicts.record("check", data, f"{check.format} {check.width} {check.height}"
                              .encode("ascii"), *given)
    return check


def read_completely(img: Any) -> None:
    """Read all of an opened image's data the cheapest way that still fails (``OSError``,
    ``SyntaxError``) on a truncated or damaged file: a PNG's chunks are read to ``IEND`` and
    each one's CRC is checked (``verify``) without inflating the pixels; a JPEG is decoded at
    1/8 scale, which still reads every entropy-coded byte; other formats are fully decoded.
    ``img`` cannot be used for pixels afterwards. Takes a fraction of a millisecond where a
    full decode of a 1,260 × 840 PNG takes about 18 ms."""
    fmt = img.format
    if fmt == "PNG":
        img.verify()
        return
    if fmt in ("JPEG", "MPO"):
        width, height = img.size
        img.draft(img.mode, (max(1, width // 8), max(1, height // 8)))
    img.load()


def _decode(data: bytes, formats: frozenset[str]) -> ImageCheck:
    from PIL import Image, UnidentifiedImageError

    limit = limits.MAX_IMAGE_PIXELS
    if Image.MAX_IMAGE_PIXELS is not None and limit > Image.MAX_IMAGE_PIXELS:
        Image.MAX_IMAGE_PIXELS = limit  # a configured limit above Pillow's own guard
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
        with img:
            fmt, (width, height) = img.format or "", img.size
            if width * height > limit:
                return ImageCheck(False, f"图片 {width}×{height} 像素，超过上限 "
                                  f"{limit // 1_000_000} 兆像素", "too_large", fmt, width, height)
            if fmt not in formats:
                return ImageCheck(False, f"图片格式 {fmt or '未知'} 不能插入文档（请用 PNG 或 JPEG）",
                                  "format", fmt, width, height)
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                read_completely(img)  # a truncated file fails here, not later inside Word
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ImageCheck(False, f"图片像素数异常巨大（超过 {limit // 1_000_000} 兆像素），疑似"
                          "“解压炸弹”", "too_large")
    except UnidentifiedImageError:
        return ImageCheck(False, "文件内容不是可识别的图片", "format")
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        return ImageCheck(False, f"图片文件已损坏或不完整（{type(e).__name__}）", "unreadable")
    return ImageCheck(True, format=fmt, width=width, height=height)


# ------------------------------------------------------------------ pictures for Word

_PLAIN_MODES = frozenset({"RGB", "RGBA", "L", "LA", "P", "1"})
_JFIF_APP0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def for_word(data: bytes, sha256: str | None = None) -> bytes:
    """The bytes of a checked image (:func:`inspect_image`) as a Word document can hold them
    and every reader shows them as they look: python-docx recognises a JPEG only by a JFIF
    or Exif header (one without gets that header, its data untouched); CMYK JPEGs (often
    Adobe-inverted, from Photoshop), 16-bit greyscale, premultiplied or other uncommon modes
    are converted to RGB or 8-bit (:func:`plain_mode`). Plain PNG, GIF, BMP, TIFF and
    JPEG files are returned as they are. Which of these it was is kept in the user's cache
    folder by the image's content (:mod:`.image_verdicts`; bytes made anew with it), so that
    a rebuild finds it without Pillow. ``sha256``: ``data``'s digest (hex), when the caller
    has it (a site photo's is its cache key's): not hashed again."""
    form, _, made = (image_verdicts.recalled("word", data, sha256=sha256) or b"").partition(b"\n")
    if form in _FORMS and (made or form != b"made"):
        return _in_form(data, form, made)
    form, made = _word_form(data)
    image_verdicts.record("word", data, form + b"\n" + made, sha256=sha256)
    return _in_form(data, form, made)


# how a Word document holds an image: the file as it is, with a JFIF header, bytes made anew
_FORMS = (b"as-is", b"jfif", b"made")


def _in_form(data: bytes, form: bytes, made: bytes) -> bytes:
    if form == b"as-is":
        return data
    return data[:2] + _JFIF_APP0 + data[2:] if form == b"jfif" else made


def _word_form(data: bytes) -> tuple[bytes, bytes]:
    """What :func:`for_word` makes of ``data`` (one of :data:`_FORMS`) and, for ``made``,
    the bytes made."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        fmt, mode = img.format or "", img.mode
        if fmt in ("JPEG", "MPO") and _jpeg_kept(img):
            return (b"as-is" if data[6:10] in (b"JFIF", b"Exif") else b"jfif"), b""
        if fmt in ("PNG", "GIF", "BMP", "TIFF") and mode in _PLAIN_MODES:
            return b"as-is", b""
        plain = plain_mode(img)
        out = io.BytesIO()
        if fmt in ("JPEG", "MPO"):
            plain.save(out, format="JPEG", quality=92)
        else:
            plain.save(out, format="PNG")
    return b"made", out.getvalue()


def _jpeg_kept(img: Any) -> bool:
    """A JPEG whose data any reader decodes as it was meant, with or without a JFIF header:
    greyscale, or three components stored as YCbCr (an Adobe marker with transform 0 means
    RGB, which a JFIF header would make readers take for YCbCr)."""
    return img.mode == "L" or (img.mode == "RGB" and img.info.get("adobe_transform", 1) != 0)


def plain_mode(img: Any) -> Any:
    """``img`` in RGB, RGBA, L or LA, with the colours it shows: CMYK through its ICC profile
    when it has one (Pillow has already undone Adobe's inversion while decoding), 16- and
    32-bit greyscale scaled to 8 bits (not clipped to white), palette and premultiplied modes
    expanded."""
    mode = img.mode
    if mode in ("RGB", "RGBA", "L", "LA"):
        return img
    if mode == "CMYK":
        return _cmyk_to_rgb(img)
    if mode.startswith("I") or mode == "F":
        return _grey_to_8bit(img)
    if mode in ("P", "PA", "RGBa", "La"):
        has_alpha = mode != "P" or "transparency" in img.info
        return img.convert("RGBA" if has_alpha else "RGB")
    if mode == "1":
        return img.convert("L")
    return img.convert("RGB")  # YCbCr, LAB, HSV


def _cmyk_to_rgb(img: Any) -> Any:
    icc = img.info.get("icc_profile")
    if icc:
        from PIL import ImageCms

        try:
            return ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                             ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a damaged profile: the plain conversion below
    return img.convert("RGB")


def _grey_to_8bit(img: Any) -> Any:
    """16-bit (``I;16``), 32-bit (``I``) or float (``F``) greyscale as 8-bit ``L``: values
    of a 16-bit image are divided by 256; others are scaled from their own range."""
    wide = img.convert("F") if img.mode == "F" else img.convert("I")
    low, high = wide.getextrema()
    if img.mode.startswith("I;16") or 255 < high <= 65535 and low >= 0:
        scale, offset = 1 / 256, 0.0
    elif 0 <= low and high <= 255 and img.mode != "F":
        scale, offset = 1.0, 0.0
    else:
        span = (high - low) or 1
        scale, offset = 255 / span, -low * 255 / span
    return wide.point(lambda v: v * scale + offset).convert("L")
