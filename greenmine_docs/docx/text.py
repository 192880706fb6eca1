"""Paragraphs and runs with the East Asian font always written.

Every run gets ``w:rFonts`` with ``w:eastAsia`` = the East Asian font its paragraph style
resolves to (walking ``basedOn`` up to the document defaults). Because the value comes from the
target document's own styles, a template restyled in Word still decides the fonts, and Word/WPS
never fall back to a Japanese or Latin face for Chinese text.
"""
from __future__ import annotations

from docx.oxml.ns import qn
from docx.shared import Pt

from .fonts import DEFAULT_FONTS, east_asia_of, set_run_font


def style_east_asia(style, default: str = DEFAULT_FONTS.fangsong) -> str:
    """East Asian font a paragraph/character style resolves to."""
    seen = 0
    while style is not None and seen < 20:
        name = east_asia_of(style.element.rPr)
        if name:
            return name
        style = style.base_style
        seen += 1
    return default


def style_latin(style, default: str = DEFAULT_FONTS.latin) -> str:
    seen = 0
    while style is not None and seen < 20:
        rpr = style.element.rPr
        rfonts = None if rpr is None else rpr.find(qn("w:rFonts"))
        if rfonts is not None and rfonts.get(qn("w:ascii")):
            return rfonts.get(qn("w:ascii"))
        style = style.base_style
        seen += 1
    return default


def add_text(paragraph, text: str, *, bold: bool | None = None, italic: bool | None = None,
             east_asia: str | None = None, latin: str | None = None,
             size: float | None = None, underline: bool | None = None):
    """Append a run of ``text`` to ``paragraph`` with its East Asian font set. ``\\n`` in
    ``text`` becomes a line break inside the paragraph. Returns the last run."""
    style = paragraph.style
    ea = east_asia or style_east_asia(style)
    la = latin or style_latin(style)
    run = None
    for i, line in enumerate(str(text).split("\n")):
        if i:
            run.add_break()
        run = paragraph.add_run(line)
        set_run_font(run, ea, latin=la, size=size, bold=bold, italic=italic)
        if underline is not None:
            run.font.underline = underline
    return run


def set_paragraph_fonts(paragraph) -> None:
    """Give every run of an existing paragraph the East Asian font of its style (runs that
    already name one keep it)."""
    ea = style_east_asia(paragraph.style)
    la = style_latin(paragraph.style)
    for run in paragraph.runs:
        if east_asia_of(run._r.rPr) is None:
            set_run_font(run, ea, latin=la)


def no_indent(paragraph) -> None:
    """Cancel the two-character first-line indent for one paragraph (centred lines, images)."""
    pf = paragraph.paragraph_format
    pf.first_line_indent = Pt(0)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), "0")
