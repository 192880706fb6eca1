"""``Writer``: one object that appends official-layout content to a Word body.

It keeps the document-wide state the pieces need: heading numbers (一、（一）1.（1）), figure and
table numbers, list numbering, the base section for landscape breaks, the folder images are
resolved from. The target is either a python-docx ``Document`` or a docxtpl subdocument (then
pass the template's document as ``doc`` — its styles, numbering and relationships are the ones
that get saved).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator, Literal, Sequence

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

from ..errors import InputError
from ..safety.markdown_limits import Budget
from . import islands
from .cn import cn_heading_number
from .figures import add_figure
from .fonts import DEFAULT_FONTS, FontScheme
from .lists import ListNumbering, num_pr_xml
from .markdown import render_markdown
from .page import (LANDSCAPE_TYPE_HEIGHT_MM, LANDSCAPE_TYPE_WIDTH_MM, TYPE_HEIGHT_MM, TYPE_WIDTH_MM,
                   section_break)
from .tables import add_table, page_chunks, table_grid
from .text import (NSDECL_W, add_text, block_parent, insert_block, rpr_xml, runs_xml,
                   style_fonts, style_id_of, xml_attr)
from .styles import BODY_SIZE, TABLE_SIZE

_W_BODY = qn("w:body")

# ``w:jc`` of each ``align`` value (python-docx writes WD_ALIGN_PARAGRAPH.JUSTIFY as "both")
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
# what ``no_indent`` leaves on a paragraph that had no ``w:ind``
NO_INDENT = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
KEEP_LIST_ITEMS = 8  # a list this short is not split over two pages
KEEP_TABLE_ROWS = 15  # a table this short is not split over two pages (in a report: any that fits)
CAPTION_ROOM_PT = 36.0  # a table part's caption (表N / 续表N) line above it, with its spacing


def _ppr_xml(ppr: str | None) -> str:
    """``<w:pPr>`` holding ``ppr`` (none when ``ppr`` is None, empty when it is "")."""
    return "" if ppr is None else (f"<w:pPr>{ppr}</w:pPr>" if ppr else "<w:pPr/>")


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
        self.continued_tables = False  # 续表 for long captioned tables (reports)
        self._keep_all = False  # inside kept_together()
        self._block_of: Any = None
        self._block_cache: Any = None
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
        return self._block_cache

    def _part(self) -> Any:
        block = self._block()
        return block.part if block is not None else self.body.part

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
        east_asia, latin = self.fonts_of(style_id)
        runs_xml(out, str(text), rpr_xml(east_asia, latin, None, bold, italic, None))

    def add_paragraph_xml(self, ppr: str | None, content: str = "") -> Any:
        """Append ``<w:p>`` with ``<w:pPr>ppr</w:pPr>`` (none when ``ppr`` is None) and
        ``content`` (runs) to the body, where ``body.add_paragraph()`` would put it; returns the
        python-docx ``Paragraph``."""
        from docx.text.paragraph import Paragraph

        p = parse_xml(f"<w:p {NSDECL_W}>{_ppr_xml(ppr)}{content}</w:p>")
        block = self._block()
        if block is None:
            par = self.body.add_paragraph()  # any other container: python-docx places it
            par._p.getparent().replace(par._p, p)
            return Paragraph(p, par._parent)
        insert_block(block._element, p)
        return Paragraph(p, block)

    def append_paragraph_xml(self, ppr: str | None, content: str = "") -> None:
        """:meth:`add_paragraph_xml` for a paragraph nobody changes afterwards: in a document
        that allows it, it stays text until the package is written
        (:mod:`~greenmine_docs.docx.islands`)."""
        block = self._block()
        if block is None or block._element.tag != _W_BODY or not islands.enabled(block.part):
            self.add_paragraph_xml(ppr, content)  # a table cell keeps real paragraphs
            return
        insert_block(block._element,
                     islands.island(block.part, f"<w:p>{_ppr_xml(ppr)}{content}</w:p>"))

    # -- text -----------------------------------------------------------------------------
    def char_width(self, chars: float) -> Pt:
        return Pt(BODY_SIZE * chars)

    def add_text(self, paragraph: Any, text: str, **kw: Any) -> Any:
        return add_text(paragraph, text, **kw)

    def paragraph(self, text: str = "", *, style: str | None = None, align: str | None = None,
                  indent: bool = True, bold: bool | None = None) -> Any:
        """A body paragraph (style ``Normal`` unless given); every run gets its East Asian
        font. ``indent=False`` drops the two-character first-line indent. A paragraph that
        ends with a colon (it introduces what follows) is kept with the next one."""
        ppr: str | None = None
        style_id: str | None = None
        if style:
            found = self.style_id(style)
            if found is False:
                raise KeyError(f"no paragraph style {style!r} in the document")
            style_id = found
            ppr = f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else ""
        jc = f'<w:jc w:val="{_JC[align]}"/>' if align else ""
        keep = "<w:keepNext/>" if self._keep_all or text.rstrip().endswith(("：", ":")) else ""
        if not indent or jc or keep:
            ppr = (ppr or "") + keep + ("" if indent else NO_INDENT) + jc
        out: list[str] = []
        if text:
            self.run_xml(out, text, style_id, bold=bold)
        return self.add_paragraph_xml(ppr, "".join(out))

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
        self.append_paragraph_xml(ppr, "".join(out))

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
            self.append_paragraph_xml(kept + num_pr, "".join(out))

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

    # -- tables and figures -----------------------------------------------------------------
    @property
    def type_width_mm(self) -> float:
        return LANDSCAPE_TYPE_WIDTH_MM if self.landscape else TYPE_WIDTH_MM

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], *,
              caption: str | None = None, widths_mm: Sequence[float] | None = None,
              aligns: Sequence[str] | None = None, font_size: float | None = None) -> None:
        """Caption ``表N …`` (when given), then the table (:func:`~.tables.add_table`); a small
        gap paragraph after it. A table of up to :data:`KEEP_TABLE_ROWS` rows that fits a page
        (by the estimate of :func:`~greenmine_docs.docx.tables.page_chunks`) is kept on one
        page; a longer one flows over pages with its header rows repeated.

        With :attr:`continued_tables` (reports), a captioned table longer than a page starts
        a page and is split where each page ends: every part after the first begins a new page
        with ``续表N`` and the header rows (:func:`~greenmine_docs.docx.tables.page_chunks`)."""
        continued = bool(caption) and self.continued_tables
        # kept on one page (moved whole to the next when it starts low): a short table, so no
        # 合计 row stands alone overleaf; in a report any table that fits a page, so none
        # breaks without its 续表 caption. Elsewhere a longer one flows, header repeated,
        # whatever its height: its rows' heights are not estimated.
        estimated = continued or len(rows) <= KEEP_TABLE_ROWS
        parts = self._page_parts(header, rows, widths_mm, font_size) if estimated else []
        whole = len(parts) == 1
        if not continued:
            parts = [list(rows)]
        if caption:
            self.tables += 1
            self._caption("表", self.tables, caption, new_page=len(parts) > 1)
        for n, part in enumerate(parts):
            if n:
                self._caption("续表", self.tables, "", new_page=True)
            add_table(self.body, header, part, widths_mm=widths_mm, aligns=aligns,
                      keep_with_next=range(len(part) - 1) if whole else (),
                      total_width_mm=self.type_width_mm, font_size=font_size)
        # gap paragraph: no_indent + line_spacing = Pt(10) (exact)
        self.append_paragraph_xml('<w:spacing w:line="200" w:lineRule="exact"/>' + NO_INDENT)

    def _page_parts(self, header: Sequence[Any], rows: Sequence[Sequence[Any]],
                    widths_mm: Sequence[float] | None,
                    font_size: float | None) -> list[list[Sequence[Any]]]:
        from docx.shared import Mm

        header_rows, _, widths = table_grid(header, rows, widths_mm, self.type_width_mm)
        page = Mm(LANDSCAPE_TYPE_HEIGHT_MM if self.landscape else TYPE_HEIGHT_MM).pt
        starts = page_chunks(header_rows, rows, widths, font_size or TABLE_SIZE,
                             page - CAPTION_ROOM_PT)
        bounds = [0, *starts, len(rows)]
        return [list(rows[a:b]) for a, b in zip(bounds, bounds[1:])]

    def _caption(self, kind: str, number: int | None, text: str, *,
                 new_page: bool = False) -> None:
        """What :func:`~greenmine_docs.docx.figures.add_caption` writes: a centred ``Caption``
        paragraph ``{kind}{number}  {text}``, kept with the next one for a table caption
        (``续表N`` too), at the top of a new page with ``new_page``."""
        style_id = self.style_id("Caption")
        if style_id is False:
            style_id, ppr = None, ""
        else:
            ppr = f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else ""
        ppr += ("<w:keepNext/>" if kind in ("表", "续表") else "")
        ppr += ("<w:pageBreakBefore/>" if new_page else "") + NO_INDENT + '<w:jc w:val="center"/>'
        label = f"{kind}{number}" if number is not None else kind
        out: list[str] = []
        self.run_xml(out, f"{label}  {text}".strip(), style_id)
        self.append_paragraph_xml(ppr, "".join(out))

    def figure(self, image: str | Path | bytes, caption: str | None, *,
               width_mm: float | None = None, where: str = "") -> Any:
        """An image with the caption ``图N …`` under it."""
        number = None
        if caption:
            self.figures += 1
            number = self.figures
        return add_figure(self.body, image, caption, number,
                          width_mm=width_mm or self.type_width_mm * 0.9, where=where)

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

    def finish(self) -> None:
        """Return to portrait if the content ended in a landscape part."""
        self.section_break(landscape=False)
