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


def _image_bytes(image: str | Path | bytes, where: str = "") -> tuple[bytes, float]:
    """Read and check an image by its content (format, completeness, size and pixel limits of
    :mod:`greenmine_docs.limits`); returns the bytes and its height/width ratio."""
    from ..safety.images import inspect_image

    if isinstance(image, (str, Path)):
        path = Path(image)
        check = inspect_image(path)
        if not check.ok:
            if check.kind == "missing":
                raise InputError(f"找不到图片文件 {path}。",
                                 hint="检查路径（相对于输入文件所在目录）。", location=where)
            raise InputError(f"图片 {path.name} 无法使用：{check.problem}。",
                             hint="请使用完整的 PNG 或 JPEG 图片（必要时压缩后再引用）。",
                             location=where)
        data = path.read_bytes()
    else:
        data = bytes(image)
        check = inspect_image(data)
        if not check.ok:
            raise InputError(f"图片无法使用：{check.problem}。", hint="请使用 PNG 或 JPEG 图片。",
                             location=where)
    w, h = check.width, check.height
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
