"""A new official-layout document from scratch (no template), and saving to bytes."""
from __future__ import annotations

import io
from typing import Any

from .fields import set_update_fields
from .fonts import DEFAULT_FONTS, FontScheme
from .page import page_number_footers, setup_page, suppress_first_page_number
from .styles import apply_official_styles


def new_document(*, fonts: FontScheme = DEFAULT_FONTS, page_numbers: bool = True,
                 cover: bool = False, landscape: bool = False, odd_even: bool = True) -> Any:
    """A python-docx ``Document`` with the official styles, A4 page and margins, ``— N —``
    footers (none on the first page when ``cover``), and Word told to update fields on open.

    Each variant is built once per process and kept as bytes; every call opens a fresh copy
    (a quarter of the time of building the styles again)."""
    from docx import Document

    key = (fonts, page_numbers, cover, landscape, odd_even)
    blank = _BLANK.get(key)
    if blank is None:
        blank = _BLANK[key] = to_bytes(_build(fonts=fonts, page_numbers=page_numbers,
                                              cover=cover, landscape=landscape,
                                              odd_even=odd_even))
    return Document(io.BytesIO(blank))


_BLANK: dict[tuple[Any, ...], bytes] = {}


def _build(*, fonts: FontScheme, page_numbers: bool, cover: bool, landscape: bool,
           odd_even: bool) -> Any:
    from docx import Document

    doc = Document()
    apply_official_styles(doc, fonts)
    section = doc.sections[0]
    setup_page(section, landscape=landscape)
    if page_numbers:
        page_number_footers(doc, section, fonts=fonts, odd_even=odd_even)
    if cover:
        suppress_first_page_number(section)
    set_update_fields(doc)
    # python-docx's default document starts with no paragraphs: nothing to remove
    return doc


def to_bytes(doc: Any) -> bytes:
    """Serialise a python-docx ``Document`` (or docxtpl template) to bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def reproducible_bytes(data: bytes) -> bytes:
    """A .docx package rewritten with fixed member order and timestamps and without creation
    or modification times, so rebuilding an unchanged template source gives the same bytes
    (the template build scripts' ``--check`` and the tests compare them)."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(name)
            if name == "docProps/core.xml":  # creation/modification times change every run
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"",
                                 content)
            dst.writestr(info, content)
    return out.getvalue()
