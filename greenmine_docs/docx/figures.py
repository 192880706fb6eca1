"""Images with numbered captions (图1 …) and table captions (表1 …).

Captions are ordinary paragraphs in the ``Caption`` style: the figure caption goes under the
image, the table caption above the table, both centred, numbered through the whole document
(``图1``, ``图2`` …), as technical reports in Chinese usually do.
"""
from __future__ import annotations

import io
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ..errors import InputError
from .page import TYPE_HEIGHT_MM, TYPE_WIDTH_MM
from .text import add_text, no_indent, set_style

MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000


def _image_bytes(image: str | Path | bytes, where: str = "") -> tuple[bytes, float]:
    """Read and check an image; returns the bytes and its height/width ratio."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, (str, Path)):
        path = Path(image)
        try:
            if path.stat().st_size > MAX_IMAGE_BYTES:
                raise InputError(f"图片 {path} 超过 {MAX_IMAGE_BYTES // 1024 // 1024} MB。",
                                 hint="请压缩图片后再引用。", location=where)
            data = path.read_bytes()
        except FileNotFoundError as e:
            raise InputError(f"找不到图片文件 {path}。", hint="检查路径（相对于输入文件所在目录）。",
                             location=where) from e
        except OSError as e:
            raise InputError(f"无法读取图片 {path}：{e.strerror or e}", location=where) from e
    else:
        data = bytes(image)
    try:
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > MAX_IMAGE_PIXELS:
                raise InputError(f"图片像素过多（{w}×{h}）。", hint="请缩小图片尺寸。", location=where)
            if img.format not in {"PNG", "JPEG", "GIF", "BMP", "TIFF"}:
                raise InputError(f"图片格式 {img.format} 无法插入 Word。",
                                 hint="请使用 PNG 或 JPEG 图片。", location=where)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise InputError("文件不是可识别的图片。", hint="请使用 PNG 或 JPEG 图片。",
                         location=where) from e
    return data, (h / w if w else 1.0)


def add_figure(container, image: str | Path | bytes, caption: str | None, number: int | None, *,
               width_mm: float = TYPE_WIDTH_MM * 0.9, max_height_mm: float = TYPE_HEIGHT_MM * 0.8,
               where: str = ""):
    """Append a centred image and, when ``caption`` is given, ``图{number} {caption}`` under it.
    The image is scaled to ``width_mm`` (never wider than the type area) and shrunk to
    ``max_height_mm`` if tall. Returns the caption paragraph (or the image paragraph)."""
    data, ratio = _image_bytes(image, where)
    width = min(width_mm, TYPE_WIDTH_MM)
    if width * ratio > max_height_mm:
        width = max_height_mm / ratio
    par = container.add_paragraph()
    no_indent(par)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf = par.paragraph_format
    pf.line_spacing = 1.0  # an exact line height would clip the picture
    pf.keep_with_next = bool(caption)
    pf.space_before = Pt(6)
    par.add_run().add_picture(io.BytesIO(data), width=Mm(width))
    if not caption:
        return par
    return add_caption(container, "图", number, caption)


def add_caption(container, kind: str, number: int | None, text: str):
    """A ``Caption`` paragraph ``{kind}{number} {text}`` (kind 图 or 表)."""
    par = container.add_paragraph()
    set_style(par, "Caption")
    no_indent(par)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if kind == "表":
        par.paragraph_format.keep_with_next = True
    label = f"{kind}{number}" if number is not None else kind
    add_text(par, f"{label}  {text}".strip())
    return par
