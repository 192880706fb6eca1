"""Build ``report.docx``, the DOCX template of the third-party assessment report.

The template holds what a user may want to restyle in Word: the official styles, the page setup
and page-number footers, and the cover. Everything else is written by
:mod:`greenmine_docs.assessment.compose` into the ``{{p body }}`` subdocument. Run from the
repository root after changing this script, and commit both files:

    .venv/bin/python templates/third_party_report/build_template.py

Layout: section 1 is the cover (no page number); section 2 starts at page 1 with ``— N —``
footers (odd pages right, even pages left) and holds the body.

Template variables (all plain text, autoescaped): ``number_line`` (报告编号 line or empty),
``mine_name``, ``doc_title``, ``agency_name``, ``commission_body``, ``date_upper``; and ``body``.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from docx.enum.section import WD_SECTION  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt  # noqa: E402

from greenmine_docs.docx import (add_text, empty_footers, new_document,  # noqa: E402
                                 page_number_footers, page_numbering, setup_page)
from greenmine_docs.docx.text import no_indent  # noqa: E402

OUT = HERE / "report.docx"


def _line(doc, text: str, *, style: str = "Cover Line", align=WD_ALIGN_PARAGRAPH.CENTER,
          before: float = 0, size: float | None = None):
    par = doc.add_paragraph(style=style)
    par.alignment = align
    no_indent(par)
    par.paragraph_format.space_before = Pt(before)
    if text:
        add_text(par, text, size=size)
    return par


def build() -> bytes:
    from greenmine_docs.docx import to_bytes

    doc = new_document(page_numbers=False)
    cover = doc.sections[0]
    _line(doc, "{{ number_line }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=14)
    _line(doc, "", before=96)
    _line(doc, "{{ mine_name }}", style="Cover Line", size=22)
    _line(doc, "{{ doc_title }}", style="Cover Title", before=24)
    _line(doc, "", before=150)
    _line(doc, "评估机构：{{ agency_name }}")
    _line(doc, "委托单位：{{ commission_body }}")
    _line(doc, "{{ date_upper }}", before=24)
    empty_footers(cover)

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_page(body)
    page_number_footers(doc, body)
    page_numbering(body, start=1)
    par = doc.add_paragraph("{{p body }}")
    no_indent(par)
    return to_bytes(doc)


def main() -> None:
    OUT.write_bytes(build())
    print(f"wrote {OUT.relative_to(HERE.parents[1])} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
