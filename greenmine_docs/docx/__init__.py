"""Official-layout Word documents (GB/T 9704-2012 as applied in Word), shared by every generator.

Small API — import from here::

    from greenmine_docs.docx import (new_document, Writer, to_bytes, docx_bytes_to_pdf,
                                     cn_date, cn_date_upper, Cell)

Building from scratch (no template)::

    doc = new_document(cover=False)           # A4, margins 37/35/28/26 mm, styles, — N — footers
    w = Writer(doc, base_dir=input_folder)
    w.paragraph("绿色矿山自查记录表", style="Title")
    w.heading(1, "基本情况")                  # 一、基本情况  (黑体); then （一） 楷体, 1. 仿宋 bold, （1）
    w.paragraph("正文……")                     # 3号仿宋, fixed 28.9 pt lines, two-character indent
    w.table(["序号", "指标", "得分"], rows, caption="自查结果", widths_mm=[12, 100, 20])
    w.figure("photo.jpg", "矿区全景")          # 图1 矿区全景
    w.markdown(narrative, level=1)            # Markdown -> real paragraphs/lists/tables/images
    w.section_break(landscape=True); ...; w.finish()   # a landscape part, then back to portrait
    data = to_bytes(doc)

Through a docxtpl template (what the implementation plan does; rendering templates is
:mod:`greenmine_docs.render`'s, above this package)::

    def build(tpl):
        body = tpl.new_subdoc()
        w = Writer(tpl.docx, body, base_dir=...)   # styles/numbering of the template are used
                                                   # (never changed: its copies share them)
        ...                                        # write the body with w
        return {"title": title, "body": body}      # template: {{p body }}; data only as values
    data = greenmine_docs.render.tpl.render_template(template_path, build)   # sandboxed

Other pieces: :func:`add_toc` / :func:`add_page_number` / :func:`set_update_fields` (fields),
:func:`page_number_footers` / :func:`setup_page` / :func:`set_doc_grid` / :func:`empty_footers`
(page layout),
:func:`set_run_font` (East Asian font on one run), :func:`docx_bytes_to_pdf` (LibreOffice, with
the TOC refreshed when LibreOffice's Python is available; :class:`DependencyError` when
LibreOffice is missing), :data:`SIZES` (字号 → pt).

Every run written through these helpers carries ``w:eastAsia`` (taken from its paragraph style,
so a restyled template still decides the fonts); every style does too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .cn import cn_date, cn_date_upper, cn_heading_number, cn_month, cn_number
from .document import new_document, to_bytes
from .fields import add_field, add_page_number, add_toc, set_update_fields
from .fonts import DEFAULT_FONTS, SIZES, FontScheme, set_run_font, set_style_font
from .page import (MARGINS_MM, TYPE_WIDTH_MM, empty_footers, page_number_footers,
                   page_numbering, section_break, set_doc_grid, setup_page,
                   suppress_first_page_number)
from .styles import apply_official_styles
from .tables import Cell, add_table
from .text import add_text
from .writer import Writer

if TYPE_CHECKING:
    from .office import PdfResult, docx_bytes_to_pdf
    from .pdf import find_soffice

__all__ = [
    "Cell", "DEFAULT_FONTS", "FontScheme", "MARGINS_MM", "PdfResult", "SIZES", "TYPE_WIDTH_MM",
    "Writer", "add_field", "add_page_number", "add_table", "add_text", "add_toc",
    "apply_official_styles", "cn_date", "cn_date_upper", "cn_heading_number", "cn_month",
    "cn_number", "docx_bytes_to_pdf", "empty_footers", "find_soffice", "new_document",
    "page_number_footers", "page_numbering", "section_break",
    "set_doc_grid", "set_run_font", "set_style_font", "set_update_fields", "setup_page",
    "suppress_first_page_number", "to_bytes",
]

# LibreOffice's side (a running office, fonts for the PDF) is imported when first asked for:
# a build without --pdf does not load it
__getattr__ = lazy_exports(__name__, {"PdfResult": "office", "docx_bytes_to_pdf": "office",
                                      "find_soffice": "pdf"})
