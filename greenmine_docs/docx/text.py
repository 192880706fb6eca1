"""Paragraphs and runs with the East Asian font always written.

Every run gets ``w:rFonts`` with ``w:eastAsia`` = the East Asian font its paragraph style
resolves to (walking ``basedOn`` up to the document defaults). Because the value comes from the
target document's own styles, a template restyled in Word still decides the fonts, and Word/WPS
never fall back to a Japanese or Latin face for Chinese text.

Runs are written as WordprocessingML text and parsed once per call (the precedent is
:mod:`greenmine_docs.docx.tables`): the elements are exactly those python-docx's ``add_run`` /
``font.bold`` / ``add_break`` calls produce — same order, same attributes — at a fraction of
the cost. Style names and fonts are resolved once per document from an index of styles.xml
(:class:`StyleIndex`) instead of python-docx's XPath scan on every lookup.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from .fonts import DEFAULT_FONTS, east_asia_of, set_run_font

NSDECL_W = nsdecls("w")
_W_STYLE = qn("w:style")
_W_NAME = qn("w:name")
_W_VAL = qn("w:val")
_W_STYLE_ID = qn("w:styleId")
_W_BASED_ON = qn("w:basedOn")
_W_RPR = qn("w:rPr")
_W_RFONTS = qn("w:rFonts")
_W_ASCII = qn("w:ascii")
_W_TYPE = qn("w:type")
_W_DEFAULT = qn("w:default")
_ON = ("1", "true", "on")  # ST_OnOff values python-docx reads as True


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


# -- style lookups ------------------------------------------------------------------------------
class StyleIndex:
    """The paragraph-style facts of one document, read from styles.xml in one pass.

    Answers exactly what python-docx's ``part.get_style_id(name, PARAGRAPH)`` and
    ``part.get_style(style_id, PARAGRAPH)`` answer (first style of a name or id in document
    order; ``None`` for the default paragraph style; the default for an unknown id or a style of
    another type), without their XPath scan of the whole styles part on every call. A name or id
    the index does not know (a style added after it was built) is looked up the python-docx way.
    """

    def __init__(self, part: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        if not hasattr(part, "styles"):  # a header/footer part: the document's styles
            part = part._document_part
        self._part = part
        self._paragraph = WD_STYLE_TYPE.PARAGRAPH
        self._by_name: dict[str, Any] = {}
        self._by_id: dict[str, Any] = {}
        default = None
        for style in part.styles.element.iterchildren(_W_STYLE):
            name = next(style.iterchildren(_W_NAME), None)  # (faster than find here)
            if name is not None and name.get(_W_VAL) is not None:
                self._by_name.setdefault(name.get(_W_VAL), style)
            style_id = style.get(_W_STYLE_ID)
            if style_id is not None:
                self._by_id.setdefault(style_id, style)
            if style.get(_W_TYPE) == "paragraph" and style.get(_W_DEFAULT) in _ON:
                default = style  # the last default in document order, as python-docx
        self._default = default

    def style_id(self, name: str) -> str | Literal[False] | None:
        """Id of the paragraph style called ``name``: ``None`` for the default paragraph style,
        ``False`` when the document has no such style. Raises ``ValueError`` (as python-docx)
        for a style of another type."""
        from docx.styles import BabelFish

        style = self._by_name.get(BabelFish.ui2internal(name))
        if style is None or (style.type or self._paragraph) != self._paragraph:
            try:  # not indexed, or python-docx's error for a style of the wrong type
                return self._part.get_style_id(name, self._paragraph)
            except KeyError:
                return False
        if style is self._default:
            return None
        return style.styleId

    def _paragraph_style(self, style_id: str | None) -> Any:
        """The ``w:style`` python-docx's ``get_style(style_id, PARAGRAPH)`` stands for."""
        if style_id is None:
            return self._default
        style = self._by_id.get(style_id)
        if style is None:
            found = self._part.styles.element.get_by_id(style_id)  # added after indexing?
            if found is None:
                return self._default
            style = found
        if style.get(_W_TYPE) != "paragraph":  # python-docx: CT_Style.type != PARAGRAPH
            return self._default
        return style

    def _base(self, style: Any) -> Any:
        based_on = style.find(_W_BASED_ON)
        if based_on is None:
            return None
        base_id = based_on.get(_W_VAL)
        base = self._by_id.get(base_id)
        return base if base is not None else style.getparent().get_by_id(base_id)

    def fonts(self, style_id: str | None) -> tuple[str, str]:
        """(East Asian, Latin) font of a paragraph style, as :func:`style_east_asia` and
        :func:`style_latin` find them."""
        first = self._paragraph_style(style_id)
        east_asia, latin = DEFAULT_FONTS.fangsong, DEFAULT_FONTS.latin
        style, seen = first, 0
        while style is not None and seen < 20:
            name = east_asia_of(style.find(_W_RPR))
            if name:
                east_asia = name
                break
            style, seen = self._base(style), seen + 1
        style, seen = first, 0
        while style is not None and seen < 20:
            rpr = style.find(_W_RPR)
            rfonts = None if rpr is None else rpr.find(_W_RFONTS)
            if rfonts is not None and rfonts.get(_W_ASCII):
                latin = rfonts.get(_W_ASCII)
                break
            style, seen = self._base(style), seen + 1
        return east_asia, latin


def _cache(part) -> dict:
    """Per-document cache (kept on the document part): style names -> ids (``False`` for a
    missing style), style ids -> (East Asian, Latin) fonts — those of the document it was
    copied from, when that shares them (:func:`share_style_answers`) — and the
    :class:`StyleIndex`."""
    cache = getattr(part, "_greenmine_style_cache", None)
    if cache is None:
        ids, fonts = getattr(part, _ANSWERS, None) or ({}, {})
        cache = {"ids": ids, "fonts": fonts, "index": None}
        part._greenmine_style_cache = cache
    return cache


_ANSWERS = "_greenmine_style_answers"


def share_style_answers(part) -> list[Any]:
    """Let every document deep-copied from the document of ``part`` (a prepared template)
    take the style ids and fonts it was told from one table, kept on ``part``: a batch renders
    each mine's documents on copies of the same few templates, and indexing their styles again
    took a third of a millisecond a document. Only for copies whose styles stay the
    original's, as a rendered template's do: no generator adds or changes a style while it
    writes a document (the official styles are added when a template is prepared). A blank
    :func:`~greenmine_docs.docx.document.new_document` is not shared so: its callers may
    change its styles. Returns what the ``deepcopy`` memo must hold so that copies share the
    table instead of copying it."""
    answers = getattr(part, _ANSWERS, None)
    if answers is None:
        answers = ({}, {})
        setattr(part, _ANSWERS, answers)
    return [answers, *answers]


def _index(cache: dict, part: Any) -> StyleIndex:
    index = cache.get("index")
    if index is None:
        index = cache["index"] = StyleIndex(part)
    return index


def style_id_of(part, name: str) -> str | Literal[False] | None:
    """Id of the paragraph style ``name`` in the document of ``part`` (cached): ``None`` for
    the default paragraph style, ``False`` when there is no such style."""
    cache = _cache(part)
    ids = cache["ids"]
    try:
        return ids[name]
    except KeyError:
        style_id = ids[name] = _index(cache, part).style_id(name)
        return style_id


def style_fonts(part, style_id: str | None) -> tuple[str, str]:
    """(East Asian, Latin) fonts of the paragraph style ``style_id`` (``None``: the default
    style), cached per document."""
    cache = _cache(part)
    fonts = cache["fonts"]
    try:
        return fonts[style_id]
    except KeyError:
        result = fonts[style_id] = _index(cache, part).fonts(style_id)
        return result


def set_style(paragraph, name: str) -> bool:
    """Give ``paragraph`` the paragraph style called ``name`` (cached lookup). Returns False
    (and leaves the paragraph as it is) when the document has no such style."""
    style_id = style_id_of(paragraph.part, name)
    if style_id is False:
        return False
    paragraph._p.get_or_add_pPr().style = style_id
    return True


def paragraph_fonts(paragraph) -> tuple[str, str]:
    """(East Asian, Latin) font names of the paragraph's style (cached per style)."""
    return style_fonts(paragraph.part, paragraph._p.style)


# -- runs as XML ----------------------------------------------------------------------------
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RUN_SPECIAL = re.compile("([\t\r\n])")
_BOOL = {True: "", False: ' w:val="0"'}
_UNDERLINE = {True: '<w:u w:val="single"/>', False: '<w:u w:val="none"/>'}


def xml_text(text: str) -> str:
    """``text`` escaped for element content."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """``text`` escaped for an attribute value in double quotes."""
    return xml_text(text).replace('"', "&quot;")


def _plain(value: Any) -> bool:
    return value is None or value is True or value is False


@lru_cache(maxsize=512)
def rpr_xml(east_asia: str, latin: str | None = None, size: float | None = None,
            bold: bool | None = None, italic: bool | None = None,
            underline: bool | None = None) -> str:
    """``<w:rPr>`` of a run as :func:`~greenmine_docs.docx.fonts.set_run_font` (and
    ``font.underline``) write it: rFonts, b, i, sz, u in schema order."""
    latin = latin or east_asia
    la = xml_attr(latin)
    out = [f'<w:rPr><w:rFonts w:ascii="{la}" w:hAnsi="{la}" w:eastAsia="{xml_attr(east_asia)}" '
           f'w:cs="{la}" w:hint="eastAsia"/>']
    if bold is not None:
        out.append(f"<w:b{_BOOL[bold]}/>")
    if italic is not None:
        out.append(f"<w:i{_BOOL[italic]}/>")
    if size is not None:
        out.append(f'<w:sz w:val="{int(Pt(size).pt * 2)}"/>')
    if underline is not None:
        out.append(_UNDERLINE[underline])
    out.append("</w:rPr>")
    return "".join(out)


def check_xml_text(text: str) -> None:
    """Raise lxml's ``ValueError`` for text an XML document cannot hold."""
    if _XML_INVALID.search(text):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, "
                         "no NULL bytes or control characters")


def run_content(out: list[str], text: str) -> None:
    """Content of one run for ``text`` as python-docx's ``run.text = text`` writes it: a tab
    becomes ``w:tab``, CR/LF ``w:br``, other characters ``w:t`` (``xml:space="preserve"``
    when it starts or ends with white space)."""
    check_xml_text(text)
    for piece in (_RUN_SPECIAL.split(text) if ("\t" in text or "\r" in text or "\n" in text)
                  else (text,)):
        if not piece:
            continue
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece == "\r" or piece == "\n":
            out.append("<w:br/>")
        elif len(piece.strip()) < len(piece):
            out.append(f'<w:t xml:space="preserve">{xml_text(piece)}</w:t>')
        else:
            out.append(f"<w:t>{xml_text(piece)}</w:t>")


@lru_cache(maxsize=8192)
def run_content_xml(text: str) -> str:
    """:func:`run_content` as one string, cached: indicator texts, labels and scores recur in
    every mine's tables."""
    out: list[str] = []
    run_content(out, text)
    return "".join(out)


def runs_xml(out: list[str], text: str, rpr: str) -> None:
    """The runs :func:`add_text` appends for ``text`` (``\\n`` = a line break at the end of
    the run before it), each with the properties ``rpr``."""
    if "\n" not in text:  # most: one run
        out += ("<w:r>", rpr, run_content_xml(text) if text else "", "</w:r>")
        return
    lines = text.split("\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        out.append("<w:r>")
        out.append(rpr)
        if line:
            out.append(run_content_xml(line))
        out.append("<w:br/></w:r>" if i < last else "</w:r>")


def listed_text(text: str) -> str:
    """The text a table of contents lists for a paragraph :func:`runs_xml` wrote ``text`` in:
    its ``w:t`` joined (tabs and line breaks are other elements) and stripped."""
    return _RUN_SPECIAL.sub("", text).strip() if _RUN_SPECIAL.search(text) else text.strip()


# what ``paragraph_format.first_line_indent = Pt(0)`` (:func:`no_indent`) leaves on a paragraph
# that had no ``w:ind``
NO_INDENT = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'


def ppr_xml(ppr: str | None) -> str:
    """``<w:pPr>`` holding ``ppr`` (none when ``ppr`` is None, empty when it is "")."""
    return "" if ppr is None else (f"<w:pPr>{ppr}</w:pPr>" if ppr else "<w:pPr/>")


def add_paragraph_xml(container: Any, ppr: str | None, content: str = "",
                      block: Any = None) -> Any:
    """Append ``<w:p>`` with ``<w:pPr>ppr</w:pPr>`` (none when ``ppr`` is None) and
    ``content`` (runs) to ``container`` where ``container.add_paragraph()`` would put it
    (``block``: its :func:`block_parent`, when known); returns the python-docx
    ``Paragraph``. The elements are those python-docx's calls would make, when ``ppr`` and
    ``content`` are what they write, in schema order."""
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph

    p = parse_xml(f"<w:p {NSDECL_W}>{ppr_xml(ppr)}{content}</w:p>")
    if block is None:
        block = block_parent(container)
    if block is None:
        par = container.add_paragraph()  # any other container: python-docx places it
        par._p.getparent().replace(par._p, p)
        return Paragraph(p, par._parent)
    insert_block(block._element, p)
    return Paragraph(p, block)


def parse_children(xml: str) -> list[Any]:
    """The elements of ``xml`` (WordprocessingML without namespace declarations), parsed in
    one go as children of a ``w:p``."""
    from docx.oxml import parse_xml

    return list(parse_xml(f"<w:p {NSDECL_W}>{xml}</w:p>"))


# -- block containers -------------------------------------------------------------------------
_W_SECT_PR = qn("w:sectPr")
_FAST_PARENTS = (qn("w:body"), qn("w:tc"))


def block_parent(container: Any) -> Any:
    """The python-docx block container (``_Body`` or ``_Cell``) whose element paragraphs and
    tables are appended to for ``container`` — a Document, a docxtpl subdocument (through its
    delegation to the inner Document), the body or a cell — or None for any other kind, which
    is then left to python-docx."""
    inner = getattr(container, "_body", None)  # Document, and Subdoc through delegation
    block = inner if inner is not None else container
    element = getattr(block, "_element", None)
    if element is None or element.tag not in _FAST_PARENTS:
        return None
    return block


def insert_block(parent: Any, element: Any) -> None:
    """Put a new ``w:p``/``w:tbl`` where python-docx's ``add_p``/``add_tbl`` would: before the
    body's ``w:sectPr`` (its last child), else at the end (a cell)."""
    try:
        last = parent[-1]  # found from the end: len(parent) walks every child (quadratic)
    except IndexError:
        last = None
    if last is not None and last.tag == _W_SECT_PR:
        last.addprevious(element)
        return
    sect = parent.find(_W_SECT_PR)
    if sect is not None:
        sect.addprevious(element)
    else:
        parent.append(element)


def add_text(paragraph, text: str, *, bold: bool | None = None, italic: bool | None = None,
             east_asia: str | None = None, latin: str | None = None,
             size: float | None = None, underline: bool | None = None):
    """Append a run of ``text`` to ``paragraph`` with its East Asian font set. ``\\n`` in
    ``text`` becomes a line break inside the paragraph. Returns the last run."""
    from docx.text.run import Run

    if east_asia is None or latin is None:
        ea_style, la_style = paragraph_fonts(paragraph)
        ea = east_asia or ea_style
        la = latin or la_style
    else:
        ea, la = east_asia, latin
    if not (_plain(bold) and _plain(italic) and _plain(underline)):
        return _add_text_objects(paragraph, str(text), ea, la, size, bold, italic, underline)
    out: list[str] = []
    runs_xml(out, str(text), rpr_xml(ea, la, size, bold, italic, underline))
    p = paragraph._p
    run: Any = None
    for run in parse_children("".join(out)):
        p.append(run)
    return Run(run, paragraph)


def _add_text_objects(paragraph, text, ea, la, size, bold, italic, underline):
    """The python-docx way, for values other than True/False/None (e.g. a ``WD_UNDERLINE``)."""
    run = None
    for i, line in enumerate(text.split("\n")):
        if i:
            run.add_break()
        run = paragraph.add_run(line)
        set_run_font(run, ea, latin=la, size=size, bold=bold, italic=italic)
        if underline is not None:
            run.font.underline = underline
    return run


_W_IND = qn("w:ind")
_W_FIRST_LINE = qn("w:firstLine")
_W_FIRST_LINE_CHARS = qn("w:firstLineChars")
_W_HANGING = qn("w:hanging")


def no_indent(paragraph) -> None:
    """Cancel the two-character first-line indent for one paragraph (centred lines, images)."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    # what ``paragraph_format.first_line_indent = Pt(0)`` does: drop both, then set firstLine
    attrib = ind.attrib
    attrib.pop(_W_FIRST_LINE, None)
    attrib.pop(_W_HANGING, None)
    attrib[_W_FIRST_LINE] = "0"
    ind.set(_W_FIRST_LINE_CHARS, "0")
