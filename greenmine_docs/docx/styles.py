"""The official style sheet (GB/T 9704-2012 as usually applied in Word).

:func:`apply_official_styles` rewrites the styles of a python-docx ``Document`` in place:

==============  =====================================================================
style           look
==============  =====================================================================
Normal          3号 (16 pt) 仿宋, fixed line spacing 28.9 pt, two-character first-line
                indent, justified, characters 0.3 pt closer (28 a line, see below)
Title           2号 (22 pt) 方正小标宋简体 (Word substitutes 宋体), centred
Heading 1       一、 level: 黑体 16 pt
Heading 2       （一） level: 楷体 16 pt
Heading 3       1. level: 仿宋 16 pt bold
Heading 4       （1） level: 仿宋 16 pt
Caption         图/表 captions: 黑体 12 pt (小四), centred
Table Text      table cells: 宋体 10.5 pt (五号), single spacing, no indent
Table Heading   header cells: 黑体 10.5 pt, centred
Footer          page numbers: 宋体 14 pt (4号)
toc 1..3        table of contents entries (Word: TOC 1..3)
Cover Title …   cover page paragraphs (Cover Title, Cover Line)
==============  =====================================================================

28 characters a line: the sections carry Word's document grid of official templates (22 lines
× 28 characters, :func:`~greenmine_docs.docx.page.set_doc_grid`), but no paragraph snaps to it
(``w:snapToGrid`` off in the document defaults): LibreOffice gives a character two grid cells when
the character pitch (15.8 pt) is below the font size, which would set 14 characters a line. The
body text is set 0.3 pt closer instead (``w:spacing -6``), which makes 28 characters of 3号 fit
the 156 mm line in Word, WPS and LibreOffice alike; smaller and larger styles keep normal spacing.

Style ids are python-docx's/Word's built-in ids (``Heading1``…), so a template restyled in
Word keeps working with content built by :mod:`greenmine_docs.docx.writer`.
"""
from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .fonts import DEFAULT_FONTS, FontScheme, set_rfonts, set_style_font

BODY_SIZE = 16.0  # 3号
LINE_PITCH = 28.9  # fixed line spacing, pt: 22 lines on the 225 mm type area
TITLE_SIZE = 22.0  # 2号
TABLE_SIZE = 10.5  # 五号
CAPTION_SIZE = 12.0  # 小四
BODY_SPACING = -6  # twips (0.3 pt closer): 28 characters of 3号 on the 156 mm line
PAGE_NUMBER_SIZE = 14.0  # 4号


def _first_line_chars(pf_element, chars: int, size: float) -> None:
    """Two-character first-line indent, written both in twips and in characters
    (``w:firstLineChars``, which Word prefers and which follows the font size)."""
    ind = pf_element.get_or_add_pPr().get_or_add_ind()
    for attr in ("w:hanging", "w:hangingChars"):
        if qn(attr) in ind.attrib:
            del ind.attrib[qn(attr)]
    ind.set(qn("w:firstLine"), str(int(round(chars * size * 20))))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _no_indent(style) -> None:
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.attrib.clear()
    ind.set(qn("w:left"), "0")
    ind.set(qn("w:firstLine"), "0")
    ind.set(qn("w:firstLineChars"), "0")


def _paragraph_style(doc, name: str, *, base: str | None = "Normal"):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        style.base_style = styles[base]
    style.hidden = False
    style.quick_style = True
    return style


def _spacing(style, *, line: float | None = LINE_PITCH, before: float = 0, after: float = 0,
             exact: bool = True) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    elif exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    else:
        pf.line_spacing = line


def _outline_level(style, level: int | None) -> None:
    ppr = style.element.get_or_add_pPr()
    old = ppr.find(qn("w:outlineLvl"))
    if old is not None:
        ppr.remove(old)
    if level is not None:
        el = OxmlElement("w:outlineLvl")
        el.set(qn("w:val"), str(level))
        ppr.append(el)


def _doc_defaults(doc, fonts: FontScheme) -> None:
    """``w:docDefaults``: East Asian font and zh-CN language for text without a style."""
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_el.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    set_rfonts(rpr, fonts.fangsong, fonts.latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        rpr_default.addnext(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    _no_grid_snap(ppr)


_PPR_AFTER_SNAP = tuple(f"w:{t}" for t in (
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange"))
_RPR_AFTER_SPACING = tuple(f"w:{t}" for t in (
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"))


def _no_grid_snap(ppr) -> None:
    """``<w:snapToGrid w:val="0"/>``: lines and characters keep their own size instead of the
    document grid's (see the module docstring)."""
    el = ppr.find(qn("w:snapToGrid"))
    if el is None:
        el = OxmlElement("w:snapToGrid")
        ppr.insert_element_before(el, *_PPR_AFTER_SNAP)
    el.set(qn("w:val"), "0")


def _char_spacing(style, twips: int) -> None:
    """Character spacing of a style (``w:spacing`` in its run properties), in twips."""
    rpr = style.element.get_or_add_rPr()
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        rpr.insert_element_before(el, *_RPR_AFTER_SPACING)
    el.set(qn("w:val"), str(twips))


def _settings(doc) -> None:
    """zh-CN theme language (python-docx's default says ja-JP, which changes Word's font
    choices for CJK text)."""
    settings = doc.settings.element
    tfl = settings.find(qn("w:themeFontLang"))
    if tfl is not None:
        tfl.set(qn("w:eastAsia"), "zh-CN")


def apply_official_styles(doc, fonts: FontScheme = DEFAULT_FONTS, *,
                          only_missing: bool = False) -> None:
    """Rewrite ``doc``'s styles to the official layout (see module docstring).

    ``only_missing=True`` (used on user templates) adds the styles the template lacks and leaves
    every existing style as the user designed it."""
    if not only_missing:
        _doc_defaults(doc, fonts)
        _settings(doc)
    existing = {s.name for s in doc.styles}
    for name, build in _BUILDERS:
        if only_missing and name in existing:
            continue
        build(doc, fonts)
    _declare_title_font(doc, fonts)


def _normal(doc, fonts: FontScheme) -> None:
    normal = doc.styles["Normal"]
    set_style_font(normal, fonts.fangsong, latin=fonts.latin, size=BODY_SIZE, bold=False)
    _spacing(normal)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.widow_control = True
    _first_line_chars(normal.element, 2, BODY_SIZE)
    _no_hanging_punctuation(normal)
    _no_grid_snap(normal.element.get_or_add_pPr())
    _char_spacing(normal, BODY_SPACING)


def _no_hanging_punctuation(style) -> None:
    """Write ``w:overflowPunct`` explicitly. Without it, LibreOffice (7.x) drops a full-width
    ``。``/``；`` that falls at the end of a justified, indented line when exporting PDF; with the
    explicit value it moves the last character down with its punctuation (kinsoku), as Word does."""
    ppr = style.element.get_or_add_pPr()
    el = ppr.find(qn("w:overflowPunct"))
    if el is None:
        el = OxmlElement("w:overflowPunct")
        # CT_PPrBase order: ... wordWrap, overflowPunct, topLinePunct, autoSpaceDE, ...,
        # spacing, ind, ... — insert before the first later element present
        later = [qn(f"w:{t}") for t in (
            "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
            "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
            "cnfStyle", "rPr", "sectPr", "pPrChange")]
        anchor = next((c for c in ppr if c.tag in later), None)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            ppr.append(el)
    el.set(qn("w:val"), "1")


def _title(doc, fonts: FontScheme) -> None:
    title = _paragraph_style(doc, "Title")
    set_style_font(title, fonts.title, latin=fonts.latin, size=TITLE_SIZE, bold=False)
    _char_spacing(title, 0)  # only 3号 text is set closer
    _spacing(title, line=36, before=0, after=12)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_indent(title)
    _strip_borders(title)


_HEADING_FACES = {1: ("heiti", False), 2: ("kaiti", False), 3: ("fangsong", True),
                  4: ("fangsong", False)}


def _heading(level: int):
    def build(doc, fonts: FontScheme) -> None:
        face, bold = _HEADING_FACES[level]
        style = _paragraph_style(doc, f"Heading {level}")
        set_style_font(style, getattr(fonts, face), latin=fonts.latin, size=BODY_SIZE, bold=bold,
                       italic=False)
        _spacing(style)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _first_line_chars(style.element, 2, BODY_SIZE)
        _outline_level(style, level - 1)
        style.next_paragraph_style = doc.styles["Normal"]
    return build


def _caption(doc, fonts: FontScheme) -> None:
    caption = _paragraph_style(doc, "Caption")
    set_style_font(caption, fonts.heiti, latin=fonts.latin, size=CAPTION_SIZE, bold=False,
                   italic=False)
    _char_spacing(caption, 0)  # only 3号 text is set closer
    _spacing(caption, line=None, before=3, after=6)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = False
    _no_indent(caption)


def _table_text(doc, fonts: FontScheme) -> None:
    table_text = _paragraph_style(doc, "Table Text")
    set_style_font(table_text, fonts.songti, latin=fonts.latin, size=TABLE_SIZE, bold=False)
    _char_spacing(table_text, 0)  # only 3号 text is set closer
    _spacing(table_text, line=None, before=1.5, after=1.5)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _no_indent(table_text)


def _table_heading(doc, fonts: FontScheme) -> None:
    if "Table Text" not in {s.name for s in doc.styles}:
        _table_text(doc, fonts)
    table_head = _paragraph_style(doc, "Table Heading", base="Table Text")
    set_style_font(table_head, fonts.heiti, latin=fonts.latin, size=TABLE_SIZE, bold=False)
    table_head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _footer(doc, fonts: FontScheme) -> None:
    footer = _paragraph_style(doc, "Footer")
    set_style_font(footer, fonts.songti, latin=fonts.songti, size=PAGE_NUMBER_SIZE)
    _char_spacing(footer, 0)  # only 3号 text is set closer
    _spacing(footer, line=None)
    _no_indent(footer)


def _header(doc, fonts: FontScheme) -> None:
    header = _paragraph_style(doc, "Header")
    set_style_font(header, fonts.songti, latin=fonts.songti, size=9)
    _char_spacing(header, 0)  # only 3号 text is set closer
    _no_indent(header)
    _strip_borders(header)


def _toc_heading(doc, fonts: FontScheme) -> None:
    toc_heading = _paragraph_style(doc, "TOC Heading")
    set_style_font(toc_heading, fonts.heiti, latin=fonts.latin, size=TITLE_SIZE - 4, bold=False)
    _char_spacing(toc_heading, 0)  # only 3号 text is set closer
    _spacing(toc_heading, line=None, before=0, after=18)
    toc_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_indent(toc_heading)
    _outline_level(toc_heading, None)


def _toc(level: int):
    def build(doc, fonts: FontScheme) -> None:
        toc = _paragraph_style(doc, f"toc {level}")
        face = fonts.heiti if level == 1 else fonts.fangsong
        set_style_font(toc, face, latin=fonts.latin, size=14, bold=False)
        _char_spacing(toc, 0)  # only 3号 text is set closer
        _spacing(toc, line=24)
        _no_indent(toc)
        toc.paragraph_format.left_indent = Pt(14 * 2 * (level - 1))
    return build


def _cover(doc, fonts: FontScheme) -> None:
    cover_title = _paragraph_style(doc, "Cover Title", base="Title")
    set_style_font(cover_title, fonts.title, latin=fonts.latin, size=26, bold=False)
    _char_spacing(cover_title, 0)  # only 3号 text is set closer
    _spacing(cover_title, line=48, before=0, after=0)
    cover_line = _paragraph_style(doc, "Cover Line")
    set_style_font(cover_line, fonts.fangsong, latin=fonts.latin, size=BODY_SIZE)
    _spacing(cover_line, line=36)
    cover_line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_indent(cover_line)


def _lists(doc, fonts: FontScheme) -> None:
    for name in ("List Bullet", "List Number", "List Paragraph"):
        style = _paragraph_style(doc, name)
        _first_line_chars(style.element, 2, BODY_SIZE)
        _remove_numbering(style)


_BUILDERS = [
    ("Normal", _normal), ("Title", _title),
    *((f"Heading {n}", _heading(n)) for n in (1, 2, 3, 4)),
    ("Caption", _caption), ("Table Text", _table_text), ("Table Heading", _table_heading),
    ("Footer", _footer), ("Header", _header), ("TOC Heading", _toc_heading),
    *((f"toc {n}", _toc(n)) for n in (1, 2, 3)),
    ("Cover Title", _cover), ("List Paragraph", _lists),
]
"""(style name, builder). ``only_missing`` skips a builder whose style already exists."""


def _strip_borders(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr",):
        el = ppr.find(qn(tag))
        if el is not None:
            ppr.remove(el)


def _remove_numbering(style) -> None:
    """The default template's list styles carry numbering; our lists set it per paragraph."""
    ppr = style.element.get_or_add_pPr()
    el = ppr.find(qn("w:numPr"))
    if el is not None:
        ppr.remove(el)


_FONT_TABLE = "/word/fontTable.xml"


def _declare_title_font(doc, fonts: FontScheme) -> None:
    """Declare the title font in ``word/fontTable.xml`` with ``w:altName`` = the fallback, so
    Word substitutes 宋体 (not an arbitrary font) where 方正小标宋简体 is not installed."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == _FONT_TABLE),
                None)
    if part is None or not hasattr(part, "_blob"):
        return
    root = etree.fromstring(part.blob)
    w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    names = {el.get(f"{{{w}}}name") for el in root.findall(f"{{{w}}}font")}
    wanted = [(fonts.title, fonts.title_fallback), (fonts.fangsong, None), (fonts.heiti, None),
              (fonts.kaiti, None), (fonts.songti, None)]
    for name, alt in wanted:
        if name in names:
            continue
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        if alt:
            alt_el = etree.SubElement(font, f"{{{w}}}altName")
            alt_el.set(f"{{{w}}}val", alt)
        charset = etree.SubElement(font, f"{{{w}}}charset")
        charset.set(f"{{{w}}}val", "86")  # GB2312
        family = etree.SubElement(font, f"{{{w}}}family")
        family.set(f"{{{w}}}val", "modern" if name == fonts.heiti else "roman")
        pitch = etree.SubElement(font, f"{{{w}}}pitch")
        pitch.set(f"{{{w}}}val", "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

