"""The table of contents written out: entries (and page numbers) as the TOC field's result.

A TOC field whose cached result is an instruction ("right-click, update field") shows that
instruction in every reader that does not update fields on open: LibreOffice, WPS in some
settings, phone viewers, and the official who prints what he sees. :func:`fill_tocs` writes the
entries into the result instead — the heading texts with their page numbers as LibreOffice laid
the document out (:mod:`.office`), or the headings alone where LibreOffice is not available. It
stays a TOC field (marked dirty, so Word rebuilds it with its own page numbers when it opens the
document), and nothing else in the package changes: only ``word/document.xml`` is rewritten,
every other member is copied as it is, with its name, order and time stamp.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import io
import re
import struct
import zipfile
from copy import copy as shallow_copy
from typing import Any, Callable, Iterable, Iterator

from lxml import etree

from ..frozen import frozen, record
from .islands import TARGET, Text, as_str, expand, island_in, put_in
from .package import unexpanded
from .text import xml_attr, xml_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "word/document.xml"
_STYLES = "word/styles.xml"
_LEVELS = re.compile(r'\\o\s+"(\d)\s*-\s*(\d)"')
_TOC_INSTR = re.compile(r"^\s*TOC\b")
_PPR_AFTER_TABS = {f"{{{W}}}{t}" for t in (
    "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
    "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@frozen(quick_init=False)
class TocEntry:
    level: int  # 1 = 一、 headings
    text: str
    page: str | None = None  # as the reader shows it ("3", "IV"); None without a layout


@record
class _Field:
    """One TOC field in the body: its instruction and the runs that delimit its result."""

    instruction: str
    separate: Any  # the w:r holding fldChar separate
    end: Any  # the w:r holding the matching fldChar end

    @property
    def levels(self) -> tuple[int, int]:
        m = _LEVELS.search(self.instruction)
        return (int(m.group(1)), int(m.group(2))) if m else (1, 3)


def _fld_type(run: Any) -> str | None:
    el = run.find(w("fldChar"))
    return None if el is None else el.get(w("fldCharType"))


def _toc_fields(body: Any) -> list[_Field]:
    """Every TOC field of the body in document order (complex fields; nested fields inside a
    result, such as PAGEREF, are skipped over)."""
    runs = _field_runs(body)
    fields: list[_Field] = []
    i = 0
    while i < len(runs):
        instr = runs[i].find(w("instrText"))
        if instr is None or not _TOC_INSTR.match(instr.text or ""):
            i += 1
            continue
        text, j = instr.text or "", i + 1
        while j < len(runs) and _fld_type(runs[j]) != "separate":
            more = runs[j].find(w("instrText"))
            text += (more.text or "") if more is not None else ""
            j += 1
        depth, k = 0, j + 1
        while k < len(runs):
            kind = _fld_type(runs[k])
            if kind == "begin":
                depth += 1
            elif kind == "end":
                if depth == 0:
                    break
                depth -= 1
            k += 1
        if k >= len(runs):
            break  # an unterminated field: leave the document as it is
        fields.append(_Field(text, runs[j], runs[k]))
        i = k + 1
    return fields


def _field_runs(body: Any) -> list[Any]:
    """The runs of the body that hold field characters or instructions, in document order:
    the only runs :func:`_toc_fields` looks at (any other run neither starts, continues nor
    ends a field), found without visiting every run of a long document in Python."""
    runs: list[Any] = []
    for el in body.iter(w("instrText"), w("fldChar")):
        run = el.getparent()
        if run is not None and run.tag == w("r") and (not runs or runs[-1] is not run):
            runs.append(run)
    return runs


def has_toc(data: bytes) -> bool:
    """Whether a DOCX holds a table of contents field (a cheap text test first)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            xml = zf.read(_DOCUMENT)
        except KeyError:
            return False
    return b"TOC" in xml and bool(_toc_fields(etree.fromstring(xml).find(w("body"))))


class _Styles:
    """Outline levels and ids of the paragraph styles in ``styles.xml``."""

    def __init__(self, root: Any) -> None:
        self.by_id = {s.get(w("styleId")): s for s in root.iter(w("style"))
                      if s.get(w("type")) == "paragraph"}
        self.ids = {(s.find(w("name")).get(w("val")) or "").lower(): sid
                    for sid, s in self.by_id.items() if s.find(w("name")) is not None}
        self._levels: dict[str | None, int | None] = {}
        self._fonts: dict[str | None, str] = {}

    def _chain(self, style_id: str | None) -> Iterable[Any]:
        """The style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find(w("basedOn"))
            style_id = None if based is None else based.get(w("val"))

    def outline_level(self, style_id: str | None) -> int | None:
        """The outline level a paragraph of the style has (its own or inherited; remembered:
        the styles do not change while a document's tables of contents are filled)."""
        if style_id not in self._levels:
            self._levels[style_id] = self._outline_level(style_id)
        return self._levels[style_id]

    def _outline_level(self, style_id: str | None) -> int | None:
        for style in self._chain(style_id):
            lvl = style.find(f"{w('pPr')}/{w('outlineLvl')}")
            if lvl is not None:
                return int(lvl.get(w("val"), "9"))
        return None

    def rfonts_xml(self, style_id: str | None) -> str:
        """``w:rFonts`` naming the East Asian and Latin fonts of a paragraph style (what the
        entry runs carry, as every run the generators write does), as XML."""
        if style_id not in self._fonts:
            self._fonts[style_id] = self._rfonts_xml(style_id)
        return self._fonts[style_id]

    def _rfonts_xml(self, style_id: str | None) -> str:
        found: dict[str, str] = {}
        for style in self._chain(style_id):
            fonts = style.find(f"{w('rPr')}/{w('rFonts')}")
            for attr in ("eastAsia", "ascii") if fonts is not None else ():
                if fonts.get(w(attr)) and attr not in found:
                    found[attr] = fonts.get(w(attr))
        latin = _attr(found.get("ascii", "Times New Roman"))
        return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" '
                f'w:eastAsia="{_attr(found.get("eastAsia", "仿宋"))}" w:cs="{latin}" '
                'w:hint="eastAsia"/>')

    @functools.cached_property
    def outlined(self) -> list[str]:
        """The ids of the paragraph styles with an outline level."""
        return [sid for sid in self.by_id if sid and self.outline_level(sid) is not None]

    def toc_style(self, level: int) -> str | None:
        return self.ids.get(f"toc {level}") or self.ids.get("toc 1")


@functools.lru_cache(maxsize=8)
def _styles(xml: bytes) -> _Styles:
    """The styles of a ``styles.xml`` (empty: none). Every document made from one template
    has the same: they are read once (a :class:`_Styles` only answers questions)."""
    return _Styles(etree.fromstring(xml) if xml else etree.Element(w("styles")))


def _paragraph_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(w("t"))
                   if not any(a.tag == w("del") for a in t.iterancestors())).strip()


def headings(body: Any, styles: _Styles, levels: tuple[int, int],
             known: dict[int, tuple[str, str]] | None = None) -> list[TocEntry]:
    """The entries a TOC over outline ``levels`` lists, without page numbers: every body
    paragraph with an outline level in range (its own ``w:outlineLvl`` or its style's).
    ``known``: the islands that are one heading each (key -> style id and text,
    :func:`~greenmine_docs.docx.islands.headings`), listed where they stand, not parsed."""
    first, last = levels
    out = []
    for p in _candidates(body, styles, levels, known or {}):
        if type(p) is tuple:  # a known heading island
            style_id, text = p
            lvl = styles.outline_level(style_id)
        else:
            ppr = p.find(w("pPr"))
            own = None if ppr is None else ppr.find(w("outlineLvl"))
            if own is not None:
                lvl = int(own.get(w("val"), "9"))
            else:
                style = None if ppr is None else ppr.find(w("pStyle"))
                lvl = styles.outline_level(None if style is None else style.get(w("val")))
            text = _paragraph_text(p)
        if lvl is None or not first <= lvl + 1 <= last:
            continue
        if text:
            out.append(TocEntry(lvl + 1, text))
    return out


def _candidates(body: Any, styles: _Styles, levels: tuple[int, int],
                known: dict[int, tuple[str, str]]) -> list[Any]:
    """The body's paragraphs that may be entries, in document order: those with an outline
    level of their own (``w:pPr/w:outlineLvl``), and those whose style (``w:pPr/w:pStyle``) has
    one in ``levels``; for a ``known`` heading island, its (style id, text). Only those kinds
    of node come back from the tree walk (done by lxml): a long document's other paragraphs
    are not visited in Python."""
    first, last = levels
    ids = {sid for sid in styles.by_id if sid is not None
           and (lvl := styles.outline_level(sid)) is not None and first <= lvl + 1 <= last}
    found: list[Any] = []
    for el in body.iter(_PSTYLE, _OUTLINE, etree.PI) if known else body.iter(_PSTYLE, _OUTLINE):
        if el.tag is etree.PI:
            entry = known.get(int(el.text)) if el.target == TARGET else None
            if entry is not None:
                found.append(entry)
            continue
        ppr = el.getparent()
        if ppr.tag != _PPR or (el.tag == _PSTYLE and el.get(_VAL) not in ids):
            continue
        p = ppr.getparent()
        if p is not None and p.tag == _P and (not found or found[-1] is not p):
            found.append(p)  # (a paragraph's pStyle and outlineLvl are in one pPr: adjacent)
    return found


_P, _PPR, _PSTYLE, _OUTLINE, _VAL = (w(t) for t in ("p", "pPr", "pStyle", "outlineLvl", "val"))


def _paragraph_of(el: Any) -> Any:
    return next(a for a in el.iterancestors() if a.tag == w("p"))


def _top_child(p: Any, el: Any) -> Any:
    """The child of paragraph ``p`` that holds ``el`` (the run itself, or a hyperlink…)."""
    while el.getparent() is not p:
        el = el.getparent()
    return el


# the section breaks of ``p`` and of the siblings after it, in document order (what a loop over
# the siblings finds one by one, found by libxml2: a TOC's section may run to a report's end)
_SECTIONS_FROM = etree.XPath("(self::*|following-sibling::*)/w:pPr/w:sectPr", namespaces={"w": W})


def _text_width(p: Any, body: Any) -> int:
    """Width of the type area (twips) of the section holding paragraph ``p``."""
    breaks = _SECTIONS_FROM(p)
    sect = breaks[0] if breaks else body.find(w("sectPr"))
    try:
        size, margins = sect.find(w("pgSz")), sect.find(w("pgMar"))
        return int(size.get(w("w"))) - int(margins.get(w("left"))) - int(margins.get(w("right")))
    except (AttributeError, TypeError, ValueError):
        return 8845  # A4 with the official margins


def _entry_ppr(template: Any, style_id: str | None, width: int, page: bool) -> Any:
    ppr = copy.deepcopy(template) if template is not None else etree.Element(w("pPr"))
    for tag in ("sectPr", "pPrChange", "tabs"):
        for el in ppr.findall(w(tag)):
            ppr.remove(el)
    style = ppr.find(w("pStyle"))
    if style_id is not None:
        if style is None:
            style = etree.Element(w("pStyle"))
            ppr.insert(0, style)
        style.set(w("val"), style_id)
    if page:
        tabs = etree.Element(w("tabs"))
        tab = etree.SubElement(tabs, w("tab"))
        tab.set(w("val"), "right")
        tab.set(w("leader"), "dot")
        tab.set(w("pos"), str(width))
        later = next((c for c in ppr if c.tag in _PPR_AFTER_TABS), None)
        if later is not None:
            later.addprevious(tabs)
        else:
            ppr.append(tabs)
    return ppr


def _text(text: str) -> str:
    """``text`` as element content that parses back to exactly ``text`` (a CR too, which a
    parser would turn into a line feed)."""
    return xml_text(text).replace("\r", "&#13;")


def _attr(text: str) -> str:
    """``text`` as an attribute value in double quotes that parses back to exactly ``text``
    (white space other than a space is not normalised away)."""
    return xml_attr(text).replace("\r", "&#13;").replace("\t", "&#9;").replace("\n", "&#10;")


def _entry_xml(entry: TocEntry, ppr: str, rfonts: str) -> str:
    """The paragraph of one entry: properties ``ppr`` (XML), the text, and a tab and the page
    number when it has one, each run with the fonts ``rfonts`` (XML)."""
    run = f"<w:r><w:rPr>{rfonts}</w:rPr>"
    out = [f'<w:p>{ppr}{run}<w:t xml:space="preserve">{_text(entry.text)}</w:t></w:r>']
    if entry.page is not None:
        out.append(f"{run}<w:tab/></w:r>{run}<w:t>{_text(entry.page)}</w:t></w:r>")
    out.append("</w:p>")
    return "".join(out)


def _clear_result(start: Any, end_p: Any, separate: Any, end: Any) -> None:
    """Remove what lies between the field's separator and its end."""
    for el in list(separate.itersiblings()):
        if el is end:
            break
        start.remove(el)
    if end_p is start:
        return
    for p in list(start.itersiblings()):
        if p is end_p:
            break
        p.getparent().remove(p)
    for el in list(end_p):
        if el is end:
            break
        if el.tag != w("pPr"):
            end_p.remove(el)


def _fill(field: _Field, entries: list[TocEntry], body: Any, styles: _Styles,
          kept_in: dict[int, Text] | None = None) -> None:
    """Replace the result of ``field`` by one paragraph per entry: the first in the paragraph
    where the field begins, the field's end after the last. ``kept_in``: the islands of the
    part being packaged (:func:`packaged_headings`), where the entries between the first and
    the last then go as one island, as text (not parsed only to be written out again)."""
    start, end_p = _paragraph_of(field.separate), _paragraph_of(field.end)
    if start.getparent() is not end_p.getparent():
        return  # a result spread over different containers: not ours, left alone
    separate, end = _top_child(start, field.separate), _top_child(end_p, field.end)
    _clear_result(start, end_p, separate, end)
    if not entries:
        return
    template = start.find(w("pPr"))
    sect = None if template is None else template.find(w("sectPr"))  # moves to the last entry
    width = _text_width(start, body)
    # every entry's paragraph written as XML and parsed in one go: what building them element by
    # element made (each element made alone is a document of its own for lxml)
    pprs: dict[tuple[str | None, bool], str] = {}  # each kind's properties, as XML
    paragraphs: list[str] = []
    for entry in entries:
        style_id = styles.toc_style(entry.level)
        kind = (style_id, entry.page is not None)
        if kind not in pprs:
            pprs[kind] = _in_body(etree.tostring(_entry_ppr(template, style_id, width,
                                                            entry.page is not None),
                                                 encoding="unicode"))
        paragraphs.append(_entry_xml(entry, pprs[kind], styles.rfonts_xml(style_id)))
    middle = None
    if kept_in is not None and len(paragraphs) > 2 \
            and not any("xmlns" in ppr for ppr in pprs.values()):
        # (an island holds w: elements only: properties naming another namespace are parsed)
        middle = island_in(kept_in, "".join(paragraphs[1:-1]))
        paragraphs = [paragraphs[0], paragraphs[-1]]
    made = list(etree.fromstring("".join([f'<w:x xmlns:w="{W}">', *paragraphs, "</w:x>"])))
    # the first entry in the paragraph where the field begins, after its separator
    ppr, *runs = made[0]
    if template is not None:
        start.replace(template, ppr)
    else:
        start.insert(0, ppr)
    anchor = separate
    for r in runs:
        anchor.addnext(r)
        anchor = r
    last = start  # the paragraph of the last entry written
    if middle is not None:
        last.addnext(middle)
        last = middle
    for p in made[1:]:
        last.addnext(p)
        last = p
    if end_p is start and last is not start:
        last.append(end)
    if sect is not None:
        last.find(w("pPr")).append(sect)


def _in_body(ppr: str) -> str:
    """A ``w:pPr`` serialised alone, without the declaration of the ``w`` namespace it then
    carries: inside the body (or the wrapper it is parsed in) that is declared already, and
    lxml drops such a declaration when it moves the element into the body, so the part is
    written the same; a declaration of another namespace stays."""
    return ppr.replace(f' xmlns:w="{W}"', "", 1)


def fill_tocs(data: bytes, entries: Iterable[list[TocEntry] | None] | None = None) -> bytes:
    """``data`` with every TOC field's result replaced by its entries: ``entries`` gives one
    list per field in document order (from LibreOffice's layout); a field without a list (or
    all of them when ``entries`` is None) gets its headings without page numbers.

    Package bytes that remember their document part before its XML islands were put in
    (:class:`~greenmine_docs.docx.package.Package`) are filled on that part, when no island
    holds anything the fill reads; the bytes are the same either way. Package bytes whose
    TOCs got their headings as they were written (:func:`headings_when_packaged`) are
    ``data`` itself when ``entries`` is None."""
    if entries is None and getattr(data, "tocs_filled", False):
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    kept = unexpanded(data, _DOCUMENT)
    declared: dict[int, frozenset[str]] = getattr(data, "declared", {})
    if kept is not None and _island_fields(kept[1], declared):
        kept = None
    xml, islands = kept if kept is not None else (src.read(_DOCUMENT), {})

    def styles_xml() -> bytes:
        kept_styles = unexpanded(data, _STYLES)
        return (kept_styles[0] if kept_styles is not None
                else src.read(_STYLES) if _STYLES in src.namelist() else b"")

    filled = _filled(xml, islands, declared, styles_xml, entries)
    if filled is None:
        return data
    return _replace_member(src, _DOCUMENT, expand(filled, islands))


def _filled(xml: bytes, islands: dict[int, Text], declared: dict[int, frozenset[str]],
            styles_xml: Callable[[], bytes],
            entries: Iterable[list[TocEntry] | None] | None) -> bytes | None:
    """Document part ``xml`` (its ``islands`` as instructions) with its TOC fields filled, as
    :func:`fill_tocs` says; None when it has no TOC field."""
    if b"TOC" not in xml:
        return None  # no TOC field (the cheap test first: a long table is not parsed)
    root = etree.fromstring(xml)
    if not _fill_root(root, islands, declared, styles_xml, entries):
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fill_root(root: Any, islands: dict[int, Text], declared: dict[int, frozenset[str]],
               styles_xml: Callable[[], bytes],
               entries: Iterable[list[TocEntry] | None] | None,
               known: dict[int, tuple[str, str]] | None = None, *,
               packaging: bool = False) -> bool:
    """:func:`_filled` on the document part's tree ``root``; False (``root`` untouched) when
    it has no TOC field. ``known``: the islands that are one heading each (:func:`headings`):
    they stay islands. ``packaging``: ``islands`` are those of the part being packaged, which
    then takes most entries as an island too (:func:`_fill`)."""
    body = root.find(w("body"))
    fields = _toc_fields(body)
    if not fields:
        return False
    styles = _styles(styles_xml())
    if islands:
        put_in(root, islands, _read_islands(islands, declared, styles, known or {}))
    given = list(entries) if entries is not None else []
    for n, field in enumerate(fields):
        own = given[n] if n < len(given) else None
        _fill(field, own if own is not None else headings(body, styles, field.levels, known),
              body, styles, islands if packaging else None)
    return True


# -- headings filled in as the package is written ------------------------------------------------
# Without LibreOffice's layout (no --pdf, no --toc-pages) every TOC gets its headings when the
# documents are finished. A command that knows this from the start lets the package writer fill
# them into the document part's tree before it serialises it: the part is then serialised,
# expanded and deflated once, and never parsed again by :func:`fill_tocs`. Same bytes.
_AT_PACKAGING: contextvars.ContextVar[bool] = contextvars.ContextVar("toc_headings_at_packaging",
                                                                     default=False)


@contextlib.contextmanager
def headings_when_packaged(enabled: bool = True) -> Iterator[None]:
    """Within: packages written by :func:`~greenmine_docs.docx.document.package_bytes` have
    their TOCs filled with headings (no page numbers) — for documents that
    :func:`fill_tocs` would fill so, and only then."""
    token = _AT_PACKAGING.set(enabled)
    try:
        yield
    finally:
        _AT_PACKAGING.reset(token)


def packaged_headings(part: Any, islands: dict[int, Text], declared: dict[int, frozenset[str]],
                      styles_xml: Callable[[], bytes],
                      known: dict[int, tuple[str, str]] | None = None) -> bool:
    """Fill the TOCs of document ``part`` (a python-docx part about to be written, its
    ``islands`` still instructions) with headings, in its tree, when
    :func:`headings_when_packaged` is on; False (nothing done) when it is not, ``part`` is not
    the document part, it has no TOC or an island may hold a field (:func:`fill_tocs` then
    does it as before). ``known``: the islands that are one heading each (:func:`headings`)."""
    if not _AT_PACKAGING.get() or part.partname.membername != _DOCUMENT \
            or _island_fields(islands, declared):
        return False
    return _fill_root(part._element, islands, declared, styles_xml, None, known,
                      packaging=True)


def _island_fields(islands: dict[int, Text], declared: dict[int, frozenset[str]]) -> bool:
    """Whether an island may hold a field (the TOC itself, or one nested in its result); one
    whose builder declared its styles holds none."""
    return any("w:fldChar" in text or "w:instrText" in text
               for text in (as_str(xml) for key, xml in islands.items() if key not in declared))


def _read_islands(islands: dict[int, Text], declared: dict[int, frozenset[str]],
                  styles: _Styles, known: dict[int, tuple[str, str]]) -> set[int]:
    """The islands that may hold what a TOC fill reads: a paragraph it lists (an outline
    level, or a style with one, or a paragraph style in a form not recognised here) or a
    section break (the width of the entries). An island whose builder declared its styles is
    known by them, without searching its text; a ``known`` heading is listed without it."""
    outlined = set(styles.outlined)
    marks = [f'<w:pStyle w:val="{sid}"' for sid in styles.outlined]
    plain = not any(c in sid for sid in styles.outlined for c in '&<>"\t\n\r')  # unescaped

    def read(text: str) -> bool:
        if "w:outlineLvl" in text or "w:sectPr" in text:
            return True
        n = text.count("<w:pStyle")
        return n > 0 and (not plain or n != text.count('<w:pStyle w:val="')
                          or any(m in text for m in marks))

    return {key for key, text in islands.items() if key not in known
            and (not outlined.isdisjoint(declared[key]) if key in declared
                 else read(as_str(text)))}


def _replace_member(src: zipfile.ZipFile, name: str, content: bytes) -> bytes:
    """The package with one member's content replaced; every member keeps its place, time
    stamp and compression. The other members are copied as they are stored (their compressed
    bytes: the package was written at :data:`~greenmine_docs.outputs.PACKAGE_COMPRESSLEVEL`,
    so compressing them again would give the same bytes at the cost of a deflate)."""
    from ..outputs import PACKAGE_COMPRESSLEVEL

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename == name or not _copy_stored(src, info, dst):
                blob = content if info.filename == name else src.read(info.filename)
                dst.writestr(info, blob, compress_type=info.compress_type,
                             compresslevel=PACKAGE_COMPRESSLEVEL)
    return out.getvalue()


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # zip local file header, 30 bytes


def _copy_stored(src: zipfile.ZipFile, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> bool:
    """Append ``info``'s member of ``src`` to ``dst`` as it is stored, without inflating and
    deflating it again; False (nothing written) where that is not safe: a member with a data
    descriptor or zip64 sizes, an encrypted one, or an unexpected header."""
    fp = src.fp
    if (fp is None or info.flag_bits & 0x09 or info.compress_size >= 0xFFFFFFFF
            or info.file_size >= 0xFFFFFFFF or info.header_offset >= 0xFFFFFFFF):
        return False
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size:
        return False
    fields = _LOCAL_HEADER.unpack(head)
    if fields[0] != b"PK\x03\x04":
        return False
    fp.seek(fields[9] + fields[10], 1)  # the member's name and extra field
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        return False
    copy_info = shallow_copy(info)  # (a ZipInfo: its fields, the offset set below)
    copy_info.header_offset = dst.fp.tell()  # type: ignore[union-attr]
    dst.fp.write(copy_info.FileHeader())  # type: ignore[union-attr]
    dst.fp.write(raw)  # type: ignore[union-attr]
    dst.filelist.append(copy_info)
    dst.NameToInfo[copy_info.filename] = copy_info
    dst.start_dir = dst.fp.tell()  # type: ignore[union-attr]
    dst._didModify = True  # type: ignore[attr-defined]
    return True
