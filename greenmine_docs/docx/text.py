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


def _cache(part) -> dict:
    """Per-document cache (kept on the document part): style names -> ids, ids -> fonts.
    python-docx resolves a style name with an XPath scan of styles.xml on every call, which
    dominates the time of building a long document."""
    cache = getattr(part, "_greenmine_style_cache", None)
    if cache is None:
        cache = {"ids": {}, "fonts": {}}
        part._greenmine_style_cache = cache
    return cache


def set_style(paragraph, name: str) -> bool:
    """Give ``paragraph`` the paragraph style called ``name`` (cached lookup). Returns False
    (and leaves the paragraph as it is) when the document has no such style."""
    part = paragraph.part
    ids = _cache(part)["ids"]
    if name not in ids:
        from docx.enum.style import WD_STYLE_TYPE

        try:
            ids[name] = part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        except KeyError:
            ids[name] = False
    style_id = ids[name]
    if style_id is False:
        return False
    paragraph._p.get_or_add_pPr().style = style_id
    return True


def paragraph_fonts(paragraph) -> tuple[str, str]:
    """(East Asian, Latin) font names of the paragraph's style (cached per style)."""
    part = paragraph.part
    fonts = _cache(part)["fonts"]
    style_id = paragraph._p.style
    if style_id not in fonts:
        style = paragraph.style
        fonts[style_id] = (style_east_asia(style), style_latin(style))
    return fonts[style_id]


def add_text(paragraph, text: str, *, bold: bool | None = None, italic: bool | None = None,
             east_asia: str | None = None, latin: str | None = None,
             size: float | None = None, underline: bool | None = None):
    """Append a run of ``text`` to ``paragraph`` with its East Asian font set. ``\\n`` in
    ``text`` becomes a line break inside the paragraph. Returns the last run."""
    if east_asia is None or latin is None:
        ea_style, la_style = paragraph_fonts(paragraph)
        ea = east_asia or ea_style
        la = latin or la_style
    else:
        ea, la = east_asia, latin
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
