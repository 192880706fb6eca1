"""Build ``report.docx``, the DOCX template of the third-party assessment report (第三方评估报告),
from this readable source. Run from the repository root after changing it and commit both:

    .venv/bin/python templates/third_party_report/build_template.py          # rewrite
    .venv/bin/python templates/third_party_report/build_template.py --check  # stale? exit 1

Three sections, like the implementation plan's template:

1. cover — report number, mine, title, agency, commissioning body, date; no page number;
2. front matter — the assessment commitment letter (评估工作承诺书, read out at the opening
   meeting; agencies may reword it in Word) and the table of contents; pages — I —, — II —;
3. body — ``{{p body }}`` (written by :mod:`greenmine_docs.documents.assessment.compose`), pages from — 1 —.

Variables (plain text, autoescaped; listed in TEMPLATE.md): ``number_line``, ``mine_name``,
``doc_title``, ``agency_name``, ``commission_body``, ``contract_number``, ``leader_name``,
``commitment_date``, ``date_upper``, ``commitments`` (a list), and ``body``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.section import WD_SECTION  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt  # noqa: E402

from greenmine_docs.docx.document import template_bytes  # noqa: E402
from greenmine_docs.docx import (add_text, add_toc, apply_official_styles,  # noqa: E402
                                 empty_footers, page_number_footers, page_numbering,
                                 set_doc_grid, set_update_fields, setup_page)
from greenmine_docs.docx.text import no_indent  # noqa: E402

OUT = HERE / "report.docx"

def _par(doc, text: str, style: str = "Normal", *, align=None, before: float = 0,
         indent: bool = True, size: float | None = None):
    par = doc.add_paragraph(style=style)
    if align is not None:
        par.alignment = align
    if not indent:
        no_indent(par)
    par.paragraph_format.space_before = Pt(before)
    if text:
        add_text(par, text, size=size)
    return par


def build() -> bytes:
    doc = Document()
    apply_official_styles(doc)
    props = doc.core_properties
    props.title = "绿色矿山第三方评估报告"
    props.author = ""
    props.comments = ""
    right = WD_ALIGN_PARAGRAPH.RIGHT

    # 1. cover --------------------------------------------------------------------------------
    cover = doc.sections[0]
    setup_page(cover)
    set_doc_grid(cover)
    _par(doc, "{{ number_line }}", "Cover Line", align=right, indent=False, size=14)
    _par(doc, "{{ mine_name }}", "Cover Line", before=120, size=22)
    _par(doc, "{{ doc_title }}", "Cover Title", before=24)
    _par(doc, "评估机构：{{ agency_name }}", "Cover Line", before=200)
    _par(doc, "委托单位：{{ commission_body }}", "Cover Line")
    _par(doc, "{{ date_upper }}", "Cover Line", before=24)
    empty_footers(cover)

    # 2. commitment letter and table of contents -------------------------------------------
    front = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_page(front)
    set_doc_grid(front)
    _par(doc, "评估工作承诺书", "Title", indent=False)
    _par(doc, "受{{ commission_body }}委托（委托合同编号：{{ contract_number }}），{{ agency_name }}"
         "承担{{ mine_name }}绿色矿山第三方评估工作。我机构及评估组全体成员郑重承诺：")
    # the numbered commitments: only those the input supports (assessment/independence.py)
    _par(doc, "{%p for item in commitments %}")
    _par(doc, "{{ item }}")
    _par(doc, "{%p endfor %}")
    _par(doc, "评估机构（盖章）：{{ agency_name }}", align=right, before=24, indent=False)
    _par(doc, "评估组组长（签字）：{{ leader_name }}", align=right, indent=False)
    _par(doc, "{{ commitment_date }}", align=right, indent=False)
    toc_head = _par(doc, "目　　录", "TOC Heading", indent=False)
    toc_head.paragraph_format.page_break_before = True
    toc = doc.add_paragraph(style="toc 1")
    add_toc(toc, levels="1-2")
    page_number_footers(doc, front)
    page_numbering(front, start=1, fmt="upperRoman")

    # 3. body ---------------------------------------------------------------------------------
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_page(body)
    set_doc_grid(body)
    no_indent(doc.add_paragraph("{{p body }}"))
    page_number_footers(doc, body)
    page_numbering(body, start=1, fmt="decimal")
    set_update_fields(doc)
    return template_bytes(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the third-party report template.")
    parser.add_argument("--check", action="store_true", help="只检查模板是否过期，不写文件")
    args = parser.parse_args(argv)
    data = build()
    if args.check:
        stale = not OUT.exists() or OUT.read_bytes() != data
        if stale:
            print(f"stale: {OUT.relative_to(ROOT)}")
        return 1 if stale else 0
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(data) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
