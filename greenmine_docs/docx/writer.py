"""``Writer``: one object that appends official-layout content to a Word body.

It keeps the document-wide state the pieces need: heading numbers (一、（一）1.（1）), figure and
table numbers, list numbering, the base section for landscape breaks, the folder images are
resolved from. The target is either a python-docx ``Document`` or a docxtpl subdocument (then
pass the template's document as ``doc`` — its styles, numbering and relationships are the ones
that get saved).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from ..errors import InputError
from .cn import cn_heading_number
from .figures import add_caption, add_figure
from .fonts import DEFAULT_FONTS, FontScheme
from .lists import ListNumbering, set_list
from .page import LANDSCAPE_TYPE_WIDTH_MM, TYPE_WIDTH_MM, section_break
from .tables import add_table
from .text import add_text, no_indent, set_style
from .styles import BODY_SIZE

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


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
        self.figures = 0
        self.tables = 0
        self.lists = ListNumbering(doc)
        self.base_sect_pr = base_sect_pr if base_sect_pr is not None else \
            doc.element.body.sectPr
        self.landscape = False

    # -- text -----------------------------------------------------------------------------
    def char_width(self, chars: float) -> Pt:
        return Pt(BODY_SIZE * chars)

    def add_text(self, paragraph: Any, text: str, **kw: Any) -> Any:
        return add_text(paragraph, text, **kw)

    def paragraph(self, text: str = "", *, style: str | None = None, align: str | None = None,
                  indent: bool = True, bold: bool | None = None) -> Any:
        """A body paragraph (style ``Normal`` unless given); every run gets its East Asian
        font. ``indent=False`` drops the two-character first-line indent."""
        par = self.body.add_paragraph()
        if style and not set_style(par, style):
            raise KeyError(f"no paragraph style {style!r} in the document")
        if align:
            par.alignment = _ALIGN[align]
        if not indent:
            no_indent(par)
        if text:
            add_text(par, text, bold=bold)
        return par

    def heading_number(self, level: int) -> str:
        """Advance the counters for a heading at ``level`` and return its number prefix."""
        self.counters[level - 1] += 1
        for i in range(level, len(self.counters)):
            self.counters[i] = 0
        return cn_heading_number(level, self.counters[level - 1])

    def heading(self, level: int, text: str, *, numbered: bool | None = None) -> Any:
        """Heading 1–4 with the official number prefix (一、 / （一） / 1. / （1）)."""
        if not 1 <= level <= self.max_heading_level:
            raise ValueError(f"heading level {level}")
        par = self.body.add_paragraph()
        set_style(par, f"Heading {level}")
        number = self.numbered_headings if numbered is None else numbered
        prefix = self.heading_number(level) if number else ""
        add_text(par, prefix + text)
        return par

    def unnumbered_heading(self, level: int, text: str, *, align: str | None = None) -> Any:
        """A heading that appears in the table of contents without a number (附表, 附图)."""
        par = self.body.add_paragraph()
        set_style(par, f"Heading {level}")
        if align:
            par.alignment = _ALIGN[align]
            no_indent(par)
        add_text(par, text)
        return par

    def list_item(self, paragraph: Any, num_id: int, level: int = 0) -> None:
        set_list(paragraph, num_id, level)

    def bullets(self, items: Sequence[str], *, ordered: bool = False) -> None:
        """A simple list of plain-text items."""
        num_id = self.lists.new_list("ordered" if ordered else "bullet")
        for item in items:
            par = self.paragraph("")
            set_list(par, num_id, 0)
            add_text(par, item)

    def page_break(self) -> None:
        par = self.body.add_paragraph()
        no_indent(par)
        par.add_run().add_break(WD_BREAK.PAGE)

    # -- tables and figures -----------------------------------------------------------------
    @property
    def type_width_mm(self) -> float:
        return LANDSCAPE_TYPE_WIDTH_MM if self.landscape else TYPE_WIDTH_MM

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], *,
              caption: str | None = None, widths_mm: Sequence[float] | None = None,
              aligns: Sequence[str] | None = None, font_size: float | None = None) -> Any:
        """Caption ``表N …`` (when given), then the table; a small gap paragraph after it."""
        if caption:
            self.tables += 1
            add_caption(self.body, "表", self.tables, caption)
        table = add_table(self.body, header, rows, widths_mm=widths_mm, aligns=aligns,
                          total_width_mm=self.type_width_mm, font_size=font_size)
        gap = self.body.add_paragraph()
        no_indent(gap)
        gap.paragraph_format.line_spacing = Pt(10)
        return table

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
        base = (self.base_dir or Path.cwd()).resolve()
        path = (base / src).resolve()
        if base != path and base not in path.parents:
            raise InputError(f"图片路径 {src} 指向输入文件目录之外。",
                             hint="请把图片放在输入文件所在目录（或其子目录）中。", location=where)
        return path

    # -- markdown and sections --------------------------------------------------------------
    def markdown(self, text: str, *, level: int, where: str = "") -> None:
        """Narrative Markdown under an outline heading of ``level``."""
        from .markdown import render_markdown

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
