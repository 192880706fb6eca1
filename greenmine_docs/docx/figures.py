"""Images with numbered captions (图1 …) and table captions (表1 …).

Captions are ordinary paragraphs in the ``Caption`` style: the figure caption goes under the
image, the table caption above the table, both centred, numbered through the whole document
(``图1``, ``图2`` …), as technical reports in Chinese usually do.
"""
from __future__ import annotations

import io
import weakref
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ..errors import InputError
from .page import TYPE_HEIGHT_MM, TYPE_WIDTH_MM
from .text import add_text, no_indent, set_style


_NEXT_SHAPE_IDS: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()


def next_shape_id(part: Any) -> int:
    """A drawing id (``wp:docPr/@id``) not yet used in ``part``'s document: python-docx's
    ``next_id`` (one more than the largest id in the part) the first time, then counted on.
    python-docx scans the whole document for every picture, which for a report written
    straight into its template's body costs milliseconds per photo. Every picture and chart
    the generators add gets its id here; docxtpl renumbers them all when rendering."""
    shape_id = _NEXT_SHAPE_IDS.get(part)
    if shape_id is None:
        shape_id = part.next_id
    _NEXT_SHAPE_IDS[part] = shape_id + 1
    return shape_id


def start_shape_ids(part: Any) -> None:
    """Count ``part``'s drawing ids on from what it holds now: called for a template before
    its body is written into it, when the scan reads a few paragraphs instead of a report."""
    if part not in _NEXT_SHAPE_IDS:
        _NEXT_SHAPE_IDS[part] = part.next_id


def add_picture(run: Any, data: bytes, width: Any) -> None:
    """``run.add_picture(BytesIO(data), width=width)``, with the id from :func:`next_shape_id`."""
    from docx.oxml.shape import CT_Inline

    part = run.part
    r_id, image = part.get_or_add_image(io.BytesIO(data))
    cx, cy = image.scaled_dimensions(width, None)
    run._r.add_drawing(CT_Inline.new_pic_inline(next_shape_id(part), r_id, image.filename,
                                                cx, cy))


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
    add_picture(par.add_run(), data, Mm(width))
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
