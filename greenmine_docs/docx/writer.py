"""``Writer``: one object that appends official-layout content to a Word body.

It keeps the document-wide state the pieces need: heading numbers (一、（一）1.（1）), figure and
table numbers, list numbering, the base section for landscape breaks, the folder images are
resolved from. The target is either a python-docx ``Document`` or a docxtpl subdocument (then
pass the template's document as ``doc`` — its styles, numbering and relationships are the ones
that get saved).
"""
from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any, Iterator, Literal, Sequence

from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from ..errors import InputError
from ..safety.markdown_limits import Budget
from . import islands
from .cn import cn_heading_number
from .figures import add_figure, caption_xml
from .fonts import DEFAULT_FONTS, FontScheme
from .lists import ListNumbering, num_pr_xml
from .markdown import render_markdown
from .page_cursor import PageCursor, TablePaging, text_pt
from .page import (LANDSCAPE_TYPE_HEIGHT_MM, LANDSCAPE_TYPE_WIDTH_MM, TYPE_HEIGHT_MM, TYPE_WIDTH_MM,
                   end_in_landscape, section_break, subdoc_place)
from .tables import KEEP_WHOLE_ROWS, KeyedRows, add_table, kept_rows, page_break_p
from .text import (NO_INDENT, add_paragraph_xml, add_text, block_parent, insert_block, listed_text,
                   ppr_xml, rpr_xml, runs_xml, style_fonts, style_id_of, xml_attr)
from .styles import BODY_SIZE, TABLE_SIZE

_W_BODY = qn("w:body")
_W_SECT_PR = qn("w:sectPr")
_WP_EXTENT = qn("wp:extent")
EMU_PER_PT = 12700
# the type area's height (pt), portrait and landscape
_PAGE_PT, _LANDSCAPE_PAGE_PT = (float(Mm(mm).pt) for mm in (TYPE_HEIGHT_MM,
                                                             LANDSCAPE_TYPE_HEIGHT_MM))

# ``w:jc`` of each ``align`` value (python-docx writes WD_ALIGN_PARAGRAPH.JUSTIFY as "both")
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
KEEP_LIST_ITEMS = 8  # a list this short is not split over two pages
# a paragraph ending so announces what follows (a list, a table) and is kept with it
ANNOUNCING_ENDINGS = ("：", ":", "下表。", "如下。")
CAPTION_SPACE_PT = 9.0  # a caption's 3 pt before and 6 pt after
# a 小四 caption line at most: single spacing, 1.5 em (Noto CJK's 1.45 em is the tallest)
CAPTION_LINE_PT = 18.0
CAPTION_ROOM_PT = CAPTION_SPACE_PT + CAPTION_LINE_PT  # a one-line caption (续表N) at most
CAPTION_LEAST_PT = 21.0  # the least a caption takes: a 小四 line and its 3 + 6 pt spacing
GAP_PT = 10.0  # the paragraph after a table (exact line spacing)
FIGURE_SPACE_PT = 6.0  # before a figure's picture
FIGURE_DESCENT_PT = 8.0  # at most, below a picture in its line: the 3号 font's descent
CAPTION_CHARS_LINE = 34  # 小四 characters a caption line surely holds (36 on the 156 mm line)
LEGEND_PT = (10.0, 26.0)  # a chart's legend line of 8 pt, 2 pt before it: least, most (wrapped)
# a report's table of more than KEEP_WHOLE_ROWS rows starts below the text before it when
# what is surely left of the page holds its caption, header and this many rows; else it starts
# the next page (a table moved whole left up to a third of the page before it empty)
START_ROWS = 2
# a table that starts a page takes the heading before it along, and the text under the heading
# if heading and text take at most this share of a page and may not all be on the page before
LEAD_SHARE = 1 / 4
# what :meth:`Writer.last_block` says of a body with no block yet (the cursor's mark there)
EMPTY_BODY = object()


def caption_most_pt(text: str) -> float:
    """The most height (pt) a caption of ``text`` (its number included) takes: its lines at
    :data:`CAPTION_CHARS_LINE` characters and its spacing."""
    return CAPTION_SPACE_PT + max(1, math.ceil(len(text) / CAPTION_CHARS_LINE)) * CAPTION_LINE_PT


class Writer:
    """Append content in the official layout.

    >>> w = Writer(doc)                     # doc = new_document() or the template's docx
    >>> w.heading(1, "总论")                 # "一、总论", Heading 1 (黑体)
    >>> w.paragraph("正文……")                # 仿宋 3号, two-character indent
    >>> w.table(["项目", "金额（万元）"], [["道路硬化", 120.0]], caption="投资估算表")
    >>> w.markdown(text, level=1)            # narrative under a chapter
    """

    max_heading_level = 4

    def __init__(self, doc: Any, container: Any | None = None, *, base_dir: Path | None = None,
                 fonts: FontScheme = DEFAULT_FONTS, numbered_headings: bool = True,
                 base_sect_pr: Any | None = None) -> None:
        self.doc = doc
        self.body = container if container is not None else doc
        self.fonts = fonts
        self.base_dir = Path(base_dir) if base_dir else None
        self.numbered_headings = numbered_headings
        self.counters = [0, 0, 0, 0]
        self.heading_level = 0  # of the last heading written (lists are numbered below it)
        self.figures = 0
        self.tables = 0
        self.lists = ListNumbering(doc)
        self.base_sect_pr = base_sect_pr if base_sect_pr is not None else \
            doc.element.body.sectPr
        self.landscape = False
        self._ends_document = False  # nothing follows the body (placed_at)
        self.continued_tables = False  # 续表 for long captioned tables (reports)
        self._keep_all = False  # inside kept_together()
        self._block_of: Any = None
        self._block_cache: Any = None
        self._part_cache: Any = None
        # a run's properties by (paragraph style id, bold, italic), in the part of _block
        self._rpr: dict[tuple[str | None, bool | None, bool | None], str] = {}
        self._island_of: Any = None  # the block found to take islands (a part stays enabled)
        # how far down its page the next block starts, where that can be told (reports' tables)
        self.cursor = PageCursor()
        # the body paragraphs, list items and headings written last, one after the other:
        # (element, text, first-line indent in characters, the widest it may be, kept with what
        # follows: a heading or a paragraph that announces it?, the most height (pt) of its page
        # used before it, None where not known) — what goes overleaf with a table there
        self._lead: list[tuple[Any, str, float, float | None, bool, float | None]] = []
        # the size limits of narrative Markdown, over the whole document
        self.markdown_budget = Budget()

    # -- building paragraphs ------------------------------------------------------------------
    # Paragraphs are written as WordprocessingML and parsed once each: the elements are exactly
    # those the python-docx calls (add_paragraph, style, alignment, add_run, font …) produce, in
    # the same order with the same attributes (tests/test_docx_writer_xml.py), without the proxy
    # objects and schema walks behind every property.
    def _block(self) -> Any:
        """The python-docx block container paragraphs go into (``_Body`` of a Document or a
        docxtpl subdocument, a table cell), or None (then ``body.add_paragraph`` is used)."""
        body = self.body
        if body is not self._block_of:
            self._block_cache = block_parent(body)
            self._block_of = body
            self._part_cache = None
            self._rpr = {}
        return self._block_cache

    def _part(self) -> Any:
        """The part of :meth:`_block` (of the body where that is None), looked up once: it
        is three python-docx properties up."""
        block = self._block()
        part = self._part_cache
        if part is None:
            part = self._part_cache = block.part if block is not None else self.body.part
        return part

    def last_block(self) -> Any:
        """The body's last block (:data:`EMPTY_BODY`: none yet; None: not a body): what
        :attr:`cursor` checks that nothing was added behind its back (lxml gives the same
        object while it is held)."""
        block = self._block()
        if block is None:
            return None
        try:
            last = block._element[-1]  # from the end: len() walks every child
        except IndexError:
            return EMPTY_BODY
        if last.tag == _W_SECT_PR:
            last = last.getprevious()
        return EMPTY_BODY if last is None else last

    def placed_at(self, tag: str) -> None:
        """The body is the subdocument the template's ``{{p tag}}`` stands for
        (:func:`~greenmine_docs.docx.page.subdoc_place`): where that begins at the top of a
        page (after a section break), :attr:`cursor` knows the position from the body's first
        block; where nothing follows it, a landscape part at its end is the last section
        (:meth:`finish`)."""
        starts, self._ends_document = subdoc_place(self.doc, tag)
        if starts:
            self.cursor.start_page(self.last_block())

    def _page_pt(self) -> float:
        return _LANDSCAPE_PAGE_PT if self.landscape else _PAGE_PT

    def _advance(self, lo: float, hi: float, known_before: bool) -> None:
        """Tell :attr:`cursor` that the block just added takes ``lo``..``hi`` pt."""
        self.cursor.add(lo, hi, self._page_pt(), self.last_block(), known_before=known_before)

    def style_id(self, name: str) -> str | Literal[False] | None:
        """Id of the paragraph style ``name`` (``None``: the default style, ``False``: none)."""
        return style_id_of(self._part(), name)

    def fonts_of(self, style_id: str | None) -> tuple[str, str]:
        """(East Asian, Latin) fonts of paragraph style ``style_id`` in this document."""
        return style_fonts(self._part(), style_id)

    def run_xml(self, out: list[str], text: str, style_id: str | None = None, *,
                bold: bool | None = None, italic: bool | None = None) -> None:
        """Append to ``out`` the runs :meth:`add_text` would write for ``text`` in a paragraph
        of style ``style_id``."""
        key = (style_id, bold, italic)
        rpr = self._rpr.get(key)
        if rpr is None:  # the style's fonts, looked up once per document (they do not change)
            east_asia, latin = self.fonts_of(style_id)
            rpr = self._rpr[key] = rpr_xml(east_asia, latin, None, bold, italic, None)
        runs_xml(out, str(text), rpr)

    def add_paragraph_xml(self, ppr: str | None, content: str = "") -> Any:
        """Append ``<w:p>`` with ``<w:pPr>ppr</w:pPr>`` (none when ``ppr`` is None) and
        ``content`` (runs) to the body, where ``body.add_paragraph()`` would put it; returns the
        python-docx ``Paragraph``."""
        return add_paragraph_xml(self.body, ppr, content, self._block())

    def append_paragraph_xml(self, ppr: str | None, content: str = "", *,
                             heading: tuple[str, str] | None = None) -> Any:
        """:meth:`add_paragraph_xml` for a paragraph nobody changes afterwards: in a document
        that allows it, it stays text until the package is written
        (:mod:`~greenmine_docs.docx.islands`). Returns the element put in the body.
        ``heading``: (style id, text) of a heading paragraph, for the TOC fill."""
        block = self._island_block()
        if block is None:
            return self.add_paragraph_xml(ppr, content)._p  # a table cell keeps real paragraphs
        return self._island_paragraph(block, ppr, content, heading)

    def _island_paragraph(self, block: Any, ppr: str | None, content: str,
                          heading: tuple[str, str] | None = None) -> Any:
        """:meth:`append_paragraph_xml` into ``block``, the :meth:`_island_block`."""
        inner = ppr_xml(ppr) + content
        element = islands.island(self._part(), f"<w:p>{inner}</w:p>" if inner else "<w:p/>",
                                 heading=heading)  # (as lxml writes an empty one)
        insert_block(block._element, element)
        return element

    def body_text_xml(self, content: str, text: str) -> None:
        """A body paragraph (``Normal``, the two-character indent) of the runs ``content``, which
        show ``text`` (narrative Markdown): :attr:`cursor` moves by its lines."""
        before = self.last_block()
        element = self.append_paragraph_xml(None, content)
        self._text_written(before, element, text, 2.0, kept=False, sized=True)

    def _island_block(self) -> Any:
        """The document body paragraphs go into as text (:meth:`append_paragraph_xml`), or
        None where they cannot: a table cell, a container python-docx fills, a part that does
        not allow it."""
        block = self._block()
        if block is None:
            return None
        if block is not self._island_of:
            if block._element.tag != _W_BODY or not islands.enabled(self._part()):
                return None
            self._island_of = block
        return block

    # -- text -----------------------------------------------------------------------------
    def char_width(self, chars: float) -> Pt:
        return Pt(BODY_SIZE * chars)

    def add_text(self, paragraph: Any, text: str, **kw: Any) -> Any:
        return add_text(paragraph, text, **kw)

    def paragraph(self, text: str = "", *, style: str | None = None, align: str | None = None,
                  indent: bool = True, bold: bool | None = None) -> Any:
        """A body paragraph (style ``Normal`` unless given); every run gets its East Asian
        font. ``indent=False`` drops the two-character first-line indent. A paragraph that
        announces what follows (it ends with a colon, “下表。” or “如下。”:
        :data:`ANNOUNCING_ENDINGS`) is kept with the next one. Returns its python-docx
        ``Paragraph``; in a document that allows it the paragraph stays text until a caller
        reads that (:class:`_WrittenParagraph`)."""
        ppr: str | None = None
        style_id: str | None = None
        if style:
            found = self.style_id(style)
            if found is False:
                raise KeyError(f"no paragraph style {style!r} in the document")
            style_id = found
            ppr = f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else ""
        jc = f'<w:jc w:val="{_JC[align]}"/>' if align else ""
        announces = text.rstrip().endswith(ANNOUNCING_ENDINGS)
        keep = "<w:keepNext/>" if self._keep_all or announces else ""
        if not indent or jc or keep:
            ppr = (ppr or "") + keep + ("" if indent else NO_INDENT) + jc
        out: list[str] = []
        if text:
            self.run_xml(out, text, style_id, bold=bold)
        before = self.last_block()
        par: Any
        block = self._island_block()
        if block is not None:  # kept as text until a caller changes it
            element = self._island_paragraph(block, ppr, "".join(out))
            par = _WrittenParagraph(self, element)
        else:
            par = self.add_paragraph_xml(ppr, "".join(out))
            element = par._p
        self._text_written(before, element, text, 2.0 if indent else 0.0, kept=announces,
                           sized=style is None)
        return par

    def _materialized(self, island: Any) -> Any:
        """The paragraph element ``island`` (a paragraph :meth:`append_paragraph_xml` kept as
        text) stands for, put in its place in the body: for a caller that changes the
        paragraph. What the Writer remembers of ``island`` (where :attr:`cursor` is, the text
        before a table) then names the element."""
        element = islands.put_back(self._part(), island)
        if self.cursor.mark is island:
            self.cursor.mark = element
        self._lead = [(element, *rest) if el is island else (el, *rest)
                      for el, *rest in self._lead]
        return element

    def heading_number(self, level: int) -> str:
        """Advance the counters for a heading at ``level`` and return its number prefix."""
        self.counters[level - 1] += 1
        for i in range(level, len(self.counters)):
            self.counters[i] = 0
        return cn_heading_number(level, self.counters[level - 1])

    def _heading_xml(self, level: int, text: str, extra_ppr: str = "") -> None:
        self.heading_level = level
        style_id = self.style_id(f"Heading {level}")
        if style_id is False:  # no such style: the paragraph keeps the default one
            ppr, style_id = (extra_ppr or None), None
        else:
            ppr = (f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else "") + extra_ppr
        out: list[str] = []
        self.run_xml(out, text, style_id)
        before = self.last_block()
        # the TOC fill lists it from here, without parsing it
        element = self.append_paragraph_xml(ppr, "".join(out), heading=(
            (style_id, listed_text(text)) if style_id else None))
        # Heading 1–4 are body-size lines at the body's pitch, a centred one without the indent
        self._text_written(before, element, text, 0.0 if extra_ppr else 2.0, kept=True,
                           sized=style_id is not None)

    def _text_written(self, before: Any, element: Any, text: str, indent: float, *,
                      kept: bool, sized: bool, indent_most: float | None = None) -> None:
        """A paragraph, list item or heading of ``text`` was added as ``element`` after the
        block ``before``: :attr:`cursor` moves by its lines (``sized``: it is set at the body's
        size and pitch, else the position is no longer known) and it joins the text a table
        starting a page takes along (:meth:`_lead_to_new_page`)."""
        if not (self._lead and self._lead[-1][0] is before) or not sized:
            self._lead = []
        if not sized:
            self.cursor.unknown()
            return
        known = self.cursor.known(before)
        self._lead.append((element, text, indent, indent_most, kept,
                           self.cursor.hi if known else None))
        if known:
            self._advance(*text_pt(text, indent, indent_most), True)

    def heading(self, level: int, text: str, *, numbered: bool | None = None) -> None:
        """Heading 1–4 with the official number prefix (一、 / （一） / 1. / （1）)."""
        if not 1 <= level <= self.max_heading_level:
            raise ValueError(f"heading level {level}")
        number = self.numbered_headings if numbered is None else numbered
        prefix = self.heading_number(level) if number else ""
        self._heading_xml(level, prefix + text)

    def unnumbered_heading(self, level: int, text: str, *, align: str | None = None) -> None:
        """A heading that appears in the table of contents without a number (附表, 附图)."""
        extra = ""
        if align:
            extra = NO_INDENT + f'<w:jc w:val="{_JC[align]}"/>'
        self._heading_xml(level, text, extra)

    def list_depth(self) -> int:
        """The heading depth a list written now is numbered at: one below the last heading
        (items under “（一）…” are 1., 2. …; under “1.…” they are （1）…)."""
        return self.heading_level + 1

    def numbered_list(self, items: Sequence[str]) -> None:
        """Plain-text items numbered as official documents number them (no bullets); a short
        list (up to :data:`KEEP_LIST_ITEMS`) is kept on one page."""
        num_id = self.lists.new_list(self.list_depth())
        num_pr = num_pr_xml(num_id)
        keep = len(items) <= KEEP_LIST_ITEMS
        for i, item in enumerate(items):
            out: list[str] = []
            self.run_xml(out, item)
            kept = "<w:keepNext/>" if self._keep_all or (keep and i < len(items) - 1) else ""
            before = self.last_block()
            element = self.append_paragraph_xml(kept + num_pr, "".join(out))
            # the number at the two-character indent: 1 (①) to 4 (（十二）) characters wide
            self._text_written(before, element, item, 3.0, kept=False, sized=True,
                               indent_most=6.0)

    @contextlib.contextmanager
    def kept_together(self) -> Iterator[None]:
        """Paragraphs and lists written inside stay on one page with what follows them (a
        short conclusion with its heading and its reasons)."""
        self._keep_all = True
        try:
            yield
        finally:
            self._keep_all = False

    def page_break(self) -> None:
        self.append_paragraph_xml(NO_INDENT, '<w:r><w:br w:type="page"/></w:r>')
        self.cursor.start_page(self.last_block())

    def page_filled(self) -> None:
        """What follows starts a new page: the block just written fills what was surely left
        of its page (a break in a paragraph of its own would take a line more there). A
        paragraph of no height that starts the page (:data:`~.tables.PAGE_BREAK_P`)."""
        block = self._block()
        if block is None:
            self.page_break()
            return
        insert_block(block._element, page_break_p())
        self.cursor.start_page(self.last_block())

    # -- tables and figures -----------------------------------------------------------------
    @property
    def type_width_mm(self) -> float:
        return LANDSCAPE_TYPE_WIDTH_MM if self.landscape else TYPE_WIDTH_MM

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], *,
              caption: str | None = None, widths_mm: Sequence[float] | None = None,
              aligns: Sequence[str] | None = None, font_size: float | None = None) -> None:
        """Caption ``表N …`` (when given), then the table (:func:`~.tables.add_table`); a small
        gap paragraph after it. A table of up to :data:`~.tables.KEEP_WHOLE_ROWS` rows that
        fits a page (by the estimate of :func:`~greenmine_docs.docx.tables.page_chunks`) is
        kept on one page; a longer one flows over pages with its header rows repeated, at least
        two rows on each of its pages (:func:`~.tables.kept_rows`).

        With :attr:`continued_tables` (reports), a captioned table that fits a page is kept
        whole; where it does not fit what is left of the page, or it is longer than a page, it
        is split where each page ends, every part after the first beginning a new page with
        ``续表N`` and the header rows (:func:`~greenmine_docs.docx.tables.page_chunks`). Its
        first part fills what is left of the page where :attr:`cursor` knows that to hold
        :data:`START_ROWS` rows of a table of more than :data:`~.tables.KEEP_WHOLE_ROWS`;
        else it starts a page, and takes the heading before it along (:meth:`_lead_to_new_page`).
        """
        continued = bool(caption) and self.continued_tables
        # kept on one page (moved whole to the next when it starts low): a short table; in a
        # report any table that fits a page where it starts, so none breaks without its 续表
        # caption. Elsewhere a longer one flows, header repeated, two rows at least on a page.
        if not continued:
            paging = self._paging(header, rows, widths_mm, font_size)
            keep = kept_rows(rows, len(paging.widths),
                             len(rows) <= KEEP_WHOLE_ROWS and len(paging.parts()) == 1)
            if paging.keys is not None:  # the rows with the keys the paging made: not made again
                rows = KeyedRows(rows, paging.keys[1])
            if caption:
                self.tables += 1
                self._caption("表", self.tables, caption)
            add_table(self.body, header, rows, widths_mm=widths_mm, aligns=aligns,
                      keep_with_next=keep, total_width_mm=self.type_width_mm,
                      font_size=font_size)
            self.cursor.unknown()
        else:
            self._continued_table(header, rows, caption or "", widths_mm=widths_mm,
                                  aligns=aligns, font_size=font_size)
        # gap paragraph: no_indent + line_spacing = Pt(10) (exact)
        before = self.cursor.known(self.last_block())
        self.append_paragraph_xml('<w:spacing w:line="200" w:lineRule="exact"/>' + NO_INDENT)
        self._advance(GAP_PT, GAP_PT, before)

    def _continued_table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]],
                         caption: str, **options: Any) -> None:
        """A report's captioned table (:meth:`table`): where it starts and where its parts
        end, their captions, and :attr:`cursor` moved past it."""
        paging = self._paging(header, rows, options["widths_mm"], options["font_size"],
                              exact=True)
        parts = paging.parts()
        room = self.cursor.room(self._page_pt(), self.last_block())
        cap = caption_most_pt(f"表{self.tables + 1}  {caption}")
        if len(parts) == 1:
            # it fits a page: kept whole where it is if it fits what is left; a longer than
            # short one starts there if some of its rows do (below); it starts the next page
            # where it surely does not fit (said here, the position after it is known); in
            # between, and where the position is not known, the reader decides
            starts_page = False
            if room is not None and room < cap + parts[0][1]:
                below = self._parts_below(paging, cap)
                if below is not None:
                    parts = below
                else:
                    most_room = self._page_pt() - (self.cursor.lo or 0.0)
                    starts_page = most_room < CAPTION_LEAST_PT + paging.least_pt(parts[0][0])
                    if not starts_page:
                        self.cursor.unknown()
        else:  # longer than a page: it starts below the text when enough room is left there
            below = self._parts_below(paging, cap)
            starts_page = below is None
            if below is not None:
                parts = below
        # a table that fits a page takes the heading along only if it still fits whole
        whole_pt = cap + parts[0][1] if len(parts) == 1 else 0.0
        if starts_page and self._lead_to_new_page(leaving=whole_pt):
            # the heading before it (with its text) starts the page: the first part gets what
            # they leave of it
            room = self.cursor.room(self._page_pt(), self.last_block())
            assert room is not None
            parts = paging.parts(room - cap)
            starts_page = False
        whole = len(parts) == 1
        self.tables += 1
        self._caption("表", self.tables, caption, new_page=starts_page)
        for n, (part, hi) in enumerate(parts):
            if n:
                self._caption("续表", self.tables, "", new_page=True)
            before = self.cursor.known(self.last_block())
            add_table(self.body, header, part, keep_with_next=range(len(part) - 1) if whole
                      else (), total_width_mm=self.type_width_mm, **options)
            # the least height matters only where the position stays known: after the last
            # part (a page starts after each of the others)
            lo = paging.least_pt(part) if before and n == len(parts) - 1 else 0.0
            self._advance(lo, hi, before)

    def _parts_below(self, paging: TablePaging, caption_pt: float) -> list[Any] | None:
        """The parts of a table of more than :data:`~.tables.KEEP_WHOLE_ROWS` rows when it
        starts below its caption (``caption_pt`` at most) where the text ends: the first in what
        :attr:`cursor` says is surely left of the page, when that holds :data:`START_ROWS` of
        its rows (None: it does not, or the position is not known; the table starts a page)."""
        room = self.cursor.room(self._page_pt(), self.last_block())
        if room is None or len(paging.rows) <= KEEP_WHOLE_ROWS:
            return None
        below = paging.parts(room - caption_pt)
        return below if len(below) > 1 and len(below[0][0]) >= START_ROWS else None

    def _paging(self, header: Sequence[Any], rows: Sequence[Sequence[Any]],
                widths_mm: Sequence[float] | None, font_size: float | None, *,
                exact: bool = False) -> TablePaging:
        """The table's rows measured for splitting it into parts of a page each, a caption
        above each (``exact``: at their lines' exact pitch, :class:`TablePaging`)."""
        return TablePaging.of(header, rows, widths_mm, self.type_width_mm,
                              font_size or TABLE_SIZE, self._page_pt() - CAPTION_ROOM_PT,
                              exact=exact)

    def _caption(self, kind: str, number: int | None, text: str, *,
                 new_page: bool = False) -> None:
        """What :func:`~greenmine_docs.docx.figures.add_caption` writes: a centred ``Caption``
        paragraph ``{kind}{number}  {text}``, kept with the next one for a table caption
        (``续表N`` too), at the top of a new page with ``new_page``."""
        ppr, content = caption_xml(self._part(), kind, number, text, new_page=new_page)
        if new_page:
            self.cursor.start_page(self.last_block())
        known = self.cursor.known(self.last_block())
        self.append_paragraph_xml(ppr, content)
        self._advance(CAPTION_LEAST_PT, caption_most_pt(f"{kind}{number or ''}  {text}"), known)

    def _lead_to_new_page(self, *, leaving: float = 0.0) -> bool:
        """Start the page before the heading (and the text under it, up to
        :data:`LEAD_SHARE` of a page), or the paragraph announcing the table, written just
        before a table that starts a page, which would otherwise stay behind at the foot of the
        page before — if they leave at least ``leaving`` pt of the page. False when there is
        none (or they would leave less).

        Where :attr:`cursor` knows that all of them are on the page, the text under the heading
        stays there, ending the page, and only the headings and announcing paragraphs after it
        (:meth:`_kept_tail`) go: moving the text too left a third of a page empty."""
        lead = self._lead if self._lead and self._lead[-1][0] is self.last_block() else []
        # measured from the table back, only as far as the share allows (the text before a
        # table may be a whole narrative)
        page, total, start, taken = self._page_pt(), 0.0, 0, 0.0
        heights: list[tuple[float, float]] = []
        for _, text, indent, most, kept, _ in reversed(lead):
            heights.append(text_pt(text, indent, most))
            total += heights[-1][1]
            if total > page * LEAD_SHARE:
                break
            if kept:
                start, taken = len(heights), total  # the blocks from this one on, counted back
        if start:
            used_before = lead[-start][5]
            if used_before is not None and used_before + taken <= page:  # all on this page
                start = self._kept_tail(lead, start)
                taken = sum(hi for _, hi in heights[:start])
        if not start or page - taken < leaving:
            return False
        lead[-start][0].addprevious(page_break_p())
        mark = self.last_block()
        self.cursor.start_page(mark)
        for lo, hi in reversed(heights[:start]):
            self.cursor.add(lo, hi, page, mark, known_before=True)
        return True

    @staticmethod
    def _kept_tail(lead: Sequence[tuple[Any, ...]], most: int) -> int:
        """How many of the last ``most`` blocks of ``lead`` are kept with what follows (a
        heading, an announcing paragraph), counted back from the last: those never end a
        page."""
        count = 0
        while count < most and lead[-1 - count][4]:
            count += 1
        return count

    def figure(self, image: str | Path | bytes, caption: str | None, *,
               width_mm: float | None = None, where: str = "") -> Any:
        """An image with the caption ``图N …`` under it."""
        number = None
        if caption:
            self.figures += 1
            number = self.figures
        before = self.last_block()
        last = add_figure(self.body, image, caption, number,
                          width_mm=width_mm or self.type_width_mm * 0.9, where=where)
        self.figure_added(before, last._p.getprevious() if caption else last._p, caption)
        return last

    def figure_added(self, before: Any, picture: Any, caption: str | None, *,
                     legend: bool = False) -> None:
        """Tell :attr:`cursor` of a figure added after the block ``before``: the paragraph
        ``picture`` holding its drawing (6 pt before it, and the 3号 font's descent below
        it in its line), a ``legend`` line under it, and its caption (a 小四 line, or more)."""
        extent = picture.find(f".//{_WP_EXTENT}") if picture is not None else None
        if extent is None or not self.cursor.known(before):
            self.cursor.unknown()
            return
        height = int(extent.get("cy")) / EMU_PER_PT + FIGURE_SPACE_PT
        self.cursor.add(height + (LEGEND_PT[0] if legend else 0.0)
                        + (CAPTION_LEAST_PT if caption else 0.0),
                        height + FIGURE_DESCENT_PT + (LEGEND_PT[1] if legend else 0.0)
                        + (caption_most_pt(f"图{self.figures}  {caption}") if caption else 0.0),
                        self._page_pt(), self.last_block(),
                        known_before=True, whole=True)

    def picture_room_mm(self, caption: str | None) -> float | None:
        """The most height (mm) a figure's picture can have and still fit, with its caption
        ``caption`` (numbered as the next figure), what :attr:`cursor` says is surely left of
        the page (None: not known): :meth:`figure_added`'s most, the other way round."""
        room = self.cursor.room(self._page_pt(), self.last_block())
        if room is None:
            return None
        room -= FIGURE_SPACE_PT + FIGURE_DESCENT_PT
        if caption:
            room -= caption_most_pt(f"图{self.figures + 1}  {caption}")
        return max(0.0, room) / Mm(1).pt

    def resolve_image(self, src: str, where: str = "") -> Path:
        """An image path from Markdown, relative to ``base_dir``; it must stay inside it (no
        ``..`` escapes, no absolute paths elsewhere, no URLs)."""
        if "://" in src or src.startswith("data:"):
            raise InputError(f"图片 {src} 不是本地文件，不能下载网络图片。",
                             hint="请把图片保存到输入文件所在目录，再用相对路径引用。", location=where)
        from ..safety.inputs import OUTSIDE, OUTSIDE_HINT, inside

        path = inside(self.base_dir or Path.cwd(), src)
        if path is None:
            raise InputError(f"图片路径 {src} {OUTSIDE}。", hint=OUTSIDE_HINT, location=where)
        return path

    # -- markdown and sections --------------------------------------------------------------
    def markdown(self, text: str, *, level: int, where: str = "") -> None:
        """Narrative Markdown under an outline heading of ``level``."""
        render_markdown(self, text, level=level, where=where)

    def section_break(self, *, landscape: bool) -> None:
        """Start a new page in ``landscape`` (True) or back in portrait (False)."""
        if landscape == self.landscape:
            return
        # the paragraph ends the section *before* it: it carries the current orientation
        section_break(self.body, self.base_sect_pr, landscape=self.landscape)
        self.landscape = landscape
        self.cursor.start_page(self.last_block())

    def finish(self) -> None:
        """Return to portrait if the content ended in a landscape part — unless nothing
        follows the body: then that part is the document's last section, turned to landscape
        (a break back to portrait left an empty page at the end)."""
        if self.landscape and self._ends_document:
            end_in_landscape(self.base_sect_pr)
            self.landscape = False
            return
        self.section_break(landscape=False)


class _WrittenParagraph(Paragraph):
    """What :meth:`Writer.paragraph` returns for a paragraph it kept as text until the package
    is written (:mod:`~greenmine_docs.docx.islands`): a python-docx ``Paragraph`` whose element
    is made from the text, in the same place, the first time a caller reads it (to add runs,
    set a style …); most callers never do."""

    def __init__(self, writer: Writer, island: Any) -> None:  # (the element comes later)
        self._parent = writer._block()
        self._writer: Writer | None = writer
        self._island: Any = island

    @property
    def _p(self) -> Any:  # type: ignore[override]
        if self._writer is not None:
            self._island, self._writer = self._writer._materialized(self._island), None
        return self._island

    _element = _p
