"""Word fields: PAGE (page numbers), TOC (table of contents), and ``w:updateFields``.

A field is written as a complex field (``fldChar`` begin / ``instrText`` / separate / cached
result / end) so Word and LibreOffice both recognise it. The cached result is what a reader shows
before fields are updated; ``w:updateFields`` in ``settings.xml`` asks Word to refresh all fields
(including the table of contents) when the document is opened.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def _run(paragraph, font: tuple[str, float | None] | None):
    """A run with its East Asian font: the one given, else the paragraph style's."""
    from .fonts import set_run_font

    run = paragraph.add_run()
    if font is not None:
        set_run_font(run, font[0], size=font[1])
    else:
        from .text import paragraph_fonts

        east_asia, latin = paragraph_fonts(paragraph)
        set_run_font(run, east_asia, latin=latin)
    return run


def _fld_char(run, kind: str, dirty: bool = False) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if dirty:
        el.set(qn("w:dirty"), "true")
    run._r.append(el)


def add_field(paragraph, instruction: str, cached: str = "", *,
              font: tuple[str, float | None] | None = None, dirty: bool = False) -> None:
    """Append a complex field with ``instruction`` (e.g. ``PAGE``) and a cached result."""
    _fld_char(_run(paragraph, font), "begin", dirty)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    _run(paragraph, font)._r.append(instr)
    _fld_char(_run(paragraph, font), "separate")
    if cached:
        _run(paragraph, font).text = cached
    _fld_char(_run(paragraph, font), "end")


def add_page_number(paragraph, *, font: tuple[str, float | None] | None = None,
                    dash: str = "—") -> None:
    """``— N —``: dash, space, PAGE field, space, dash (GB/T 9704 page-number form)."""
    _run(paragraph, font).text = f"{dash} "
    add_field(paragraph, "PAGE", "1", font=font)
    _run(paragraph, font).text = f" {dash}"


def add_toc(paragraph, *, levels: str = "1-3",
            placeholder: str = "（目录将在打开文档时自动更新；如未更新，请右键点击此处选择“更新域”。）"
            ) -> None:
    """A TOC field over heading levels ``levels``, with hyperlinks, marked dirty so Word
    rebuilds it; the placeholder is the cached text shown until then."""
    add_field(paragraph, f'TOC \\o "{levels}" \\h \\z \\u', placeholder, dirty=True)


_AFTER_UPDATE_FIELDS = {qn(f"w:{t}") for t in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")} | {
    "{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}


def set_update_fields(doc, value: bool = True) -> None:
    """Write ``<w:updateFields w:val="true"/>`` into settings.xml (Word refreshes fields,
    including the table of contents, when it opens the document)."""
    settings = doc.settings.element
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        # CT_Settings is a sequence: updateFields goes before these (Word checks the order).
        later = next((c for c in settings if c.tag in _AFTER_UPDATE_FIELDS), None)
        if later is not None:
            later.addprevious(el)
        else:
            settings.append(el)
    el.set(qn("w:val"), "true" if value else "false")


def field_instructions(element) -> list[str]:
    """All field instructions (complex and simple) found under an XML element (for tests and
    the template checks)."""
    out = [t.text.strip() for t in element.iter(qn("w:instrText")) if t.text]
    out += [f.get(qn("w:instr")).strip() for f in element.iter(qn("w:fldSimple"))]
    return out
