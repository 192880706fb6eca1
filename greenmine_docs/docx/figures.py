"""Images with numbered captions (图1 …) and table captions (表1 …).

Captions are ordinary paragraphs in the ``Caption`` style: the figure caption goes under the
image, the table caption above the table, both centred, numbered through the whole document
(``图1``, ``图2`` …), as technical reports in Chinese usually do.
"""
from __future__ import annotations

import functools
import itertools
import weakref
from pathlib import Path
from typing import Any

from docx.oxml.ns import nsdecls
from docx.shared import Mm
from lxml import etree

from ..errors import InputError
from .page import TYPE_HEIGHT_MM, TYPE_WIDTH_MM
from .text import (NO_INDENT, add_paragraph_xml, block_parent, rpr_xml, runs_xml, style_fonts,
                   style_id_of, xml_attr)


_NEXT_SHAPE_IDS: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()
_IDS = etree.XPath("//@id", smart_strings=False)


def next_id(part: Any) -> int:
    """python-docx's ``part.next_id`` (one more than the largest id in the part's document:
    every unprefixed ``id`` attribute that is all digits; 1 when there is none), with the
    XPath compiled once and the values read as plain strings (python-docx compiles it at
    every call and makes strings that know their element: about half the time)."""
    return max([int(value) for value in _IDS(part.element) if value.isdigit()], default=0) + 1


def next_shape_id(part: Any) -> int:
    """A drawing id (``wp:docPr/@id``) not yet used in ``part``'s document: python-docx's
    ``next_id`` (:func:`next_id`: one more than the largest id in the part) the first time,
    then counted on.
    python-docx scans the whole document for every picture, which for a report written
    straight into its template's body costs milliseconds per photo. Every picture and chart
    the generators add gets its id here; docxtpl renumbers them all when rendering."""
    shape_id = _NEXT_SHAPE_IDS.get(part)
    if shape_id is None:
        shape_id = next_id(part)
    _NEXT_SHAPE_IDS[part] = shape_id + 1
    return shape_id


def start_shape_ids(part: Any) -> None:
    """Count ``part``'s drawing ids on from what it holds now: called for a template before
    its body is written into it, when the scan reads a few paragraphs instead of a report."""
    if part not in _NEXT_SHAPE_IDS:
        _NEXT_SHAPE_IDS[part] = next_id(part)


_IMAGE_INDEX: "weakref.WeakKeyDictionary[Any, list]" = weakref.WeakKeyDictionary()


def _images_by_size(image_parts: Any) -> dict[int, list[Any]]:
    """Byte length -> the image parts of that length, in the order of the package's
    ``image_parts``.

    python-docx's ``get_or_add_image`` computes the SHA1 of the new image and of every image
    part already in the package, for every picture it adds, to reuse a part with equal
    content. Equal content has equal length, so only parts of the same length are compared,
    byte for byte, and nothing is hashed. Parts appended by anything else (python-docx's own
    ``add_picture``, docxtpl) are indexed on the next call: the collection only grows at its
    end."""
    entry = _IMAGE_INDEX.get(image_parts)
    if entry is None:
        entry = _IMAGE_INDEX[image_parts] = [0, {}]
    count, by_size = entry
    if count < len(image_parts):
        for image_part in itertools.islice(image_parts, count, None):
            by_size.setdefault(len(image_part.blob), []).append(image_part)
        entry[0] = len(image_parts)
    return by_size


REMEMBERED_IMAGE_BYTES = 1 << 20  # images up to this size have their header read once


@functools.lru_cache(maxsize=16)
def _image(data: bytes) -> Any:
    """python-docx's ``Image`` of ``data`` (its header read: format, size in pixels, dpi),
    remembered: a batch puts the same photos and plan images into every mine's documents,
    and reading a JPEG's header in Python costs about 0.1 ms. An ``Image`` is never changed
    (its image part only reads it)."""
    from docx.image.image import Image

    return Image.from_blob(data)


def relate_image(part: Any, data: bytes) -> tuple[str, Any]:
    """``part.get_or_add_image(BytesIO(data))``: the relationship id of the image part holding
    ``data`` (the first image part with equal bytes is reused, else a new part is named as
    python-docx names it) and python-docx's ``Image`` of that part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.parts.image import ImagePart

    image = _image(data) if len(data) <= REMEMBERED_IMAGE_BYTES else _image.__wrapped__(data)
    image_parts = part.package.image_parts
    same_size = _images_by_size(image_parts).get(len(data), ())
    image_part = next((p for p in same_size if p.blob == data), None)
    if image_part is None:
        image_part = ImagePart.from_image(image, image_parts._next_image_partname(image.ext))
        image_parts.append(image_part)
        _images_by_size(image_parts)
    return part.relate_to(image_part, RT.IMAGE), image_part.image


_PICTURE_PREFIXES = ("wp", "a", "pic", "r")  # what python-docx declares on a new wp:inline


def picture_nsdecls(parent: Any) -> tuple[str, str]:
    """Namespace declarations for picture XML that goes under the element ``parent``:
    (for the root element of the text, for each ``wp:inline``).

    python-docx declares ``wp``, ``a``, ``pic`` and ``r`` on every new ``wp:inline``, and lxml
    drops those the tree in which it lands already declares. Declaring on the root of the
    parsed text exactly the ones in scope at ``parent`` (lxml drops them again there) and the
    rest on each ``wp:inline`` gives the same serialised XML; a document root declares all
    four (Word's, and the templates after :func:`~greenmine_docs.render.tpl.open_template`)
    except python-docx's own default document, which lacks ``a`` and ``pic``."""
    from docx.oxml.ns import nsmap

    scope = parent.nsmap
    inherited = [p for p in _PICTURE_PREFIXES if scope.get(p) == nsmap[p]]
    own = [p for p in _PICTURE_PREFIXES if p not in inherited]
    return nsdecls("w", *inherited), (" " + nsdecls(*own) if own else "")


def drawing_xml(part: Any, data: bytes, width: Any, inline_nsdecls: str = "") -> str:
    """The ``w:drawing`` element python-docx's ``run.add_picture(BytesIO(data), width=width)``
    appends to a run, as text: the image is related to ``part`` (:func:`relate_image`), the
    height follows the image's aspect ratio as python-docx computes it, and the drawing id
    comes from :func:`next_shape_id`. ``inline_nsdecls``: the second value of
    :func:`picture_nsdecls`. The text must be parsed into real elements (docxtpl renumbers
    every ``wp:docPr`` of the body), never kept as an XML island."""
    r_id, image = relate_image(part, data)
    cx, cy = image.scaled_dimensions(width, None)
    shape_id = next_shape_id(part)
    name = xml_attr(image.filename)
    r_id = xml_attr(r_id)
    return (f'<w:drawing><wp:inline{inline_nsdecls}><wp:extent cx="{int(cx)}" cy="{int(cy)}"/>'
            f'<wp:docPr id="{shape_id}" name="Picture {shape_id}"/><wp:cNvGraphicFramePr>'
            '<a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/>'
            f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{r_id}"/><a:stretch><a:fillRect/>'
            '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{int(cx)}" cy="{int(cy)}"/></a:xfrm><a:prstGeom prst="rect"/>'
            '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>')


def add_picture(run: Any, data: bytes, width: Any) -> None:
    """``run.add_picture(BytesIO(data), width=width)``: the same elements
    (:func:`drawing_xml`), parsed in one go."""
    from docx.oxml import parse_xml

    r = run._r
    root_decls, inline_decls = picture_nsdecls(r)
    xml = drawing_xml(run.part, data, width, inline_decls)
    r.append(parse_xml(xml.replace("<w:drawing>", f"<w:drawing {root_decls}>", 1)))


def _image_bytes(image: str | Path | bytes, where: str = "") -> tuple[bytes, float]:
    """Read and check an image by its content (format, completeness, size and pixel limits of
    :mod:`greenmine_docs.limits`); returns the bytes and its height/width ratio."""
    from ..safety.images import for_word, inspect_image

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
        from ..limits import MAX_IMAGE_BYTES
        from ..safety.inputs import read_regular

        data = read_regular(path, what="图片文件", limit=MAX_IMAGE_BYTES,
                            limit_env="GREENMINE_MAX_IMAGE_MB")
    else:
        data = bytes(image)
        check = inspect_image(data)
        if not check.ok:
            raise InputError(f"图片无法使用：{check.problem}。", hint="请使用 PNG 或 JPEG 图片。",
                             location=where)
    w, h = check.width, check.height
    return for_word(data), (h / w if w else 1.0)  # CMYK, 16-bit, JPEG without JFIF: converted


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
    # what python-docx writes for no first-line indent, centred, single line spacing (an
    # exact line height would clip the picture), kept with the caption (or not), 6 pt before
    par = add_paragraph_xml(container, ("<w:keepNext/>" if caption else '<w:keepNext w:val="0"/>')
                            + '<w:spacing w:line="240" w:lineRule="auto" w:before="120"/>'
                            + NO_INDENT + '<w:jc w:val="center"/>', "<w:r/>")
    add_picture(par.runs[0], data, Mm(width))
    if not caption:
        return par
    return add_caption(container, "图", number, caption)


def caption_xml(part: Any, kind: str, number: int | None, text: str, *,
                new_page: bool = False) -> tuple[str, str]:
    """The paragraph properties and runs of a centred ``Caption`` paragraph
    ``{kind}{number}  {text}``, kept with the next one for a table caption (``表``,
    ``续表``), at the top of a new page with ``new_page``: what python-docx's style,
    alignment, format and run calls write."""
    style_id = style_id_of(part, "Caption")
    if style_id is False:
        style_id, ppr = None, ""
    else:
        ppr = f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else ""
    ppr += ("<w:keepNext/>" if kind in ("表", "续表") else "")
    ppr += ("<w:pageBreakBefore/>" if new_page else "") + NO_INDENT + '<w:jc w:val="center"/>'
    label = f"{kind}{number}" if number is not None else kind
    out: list[str] = []
    runs_xml(out, f"{label}  {text}".strip(), rpr_xml(*style_fonts(part, style_id)))
    return ppr, "".join(out)


def add_caption(container: Any, kind: str, number: int | None, text: str) -> Any:
    """A ``Caption`` paragraph ``{kind}{number}  {text}`` (kind 图 or 表): :func:`caption_xml`."""
    block = block_parent(container)
    ppr, content = caption_xml(block.part if block is not None else container.part, kind,
                               number, text)
    return add_paragraph_xml(container, ppr, content, block)
