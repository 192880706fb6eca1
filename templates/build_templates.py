"""Builds the DOCX templates under ``templates/`` from readable source, so that a change to a
template is a reviewable change to this script (the ``.docx`` files are its output).

Run from the repository root::

    .venv/bin/python templates/build_templates.py          # rewrites the templates
    .venv/bin/python templates/build_templates.py --check  # fails if a committed template is stale

Implementation plan template (``implementation_plan/plan-template.docx``), three sections:

1. cover — ``{{ title }}``, ``矿山企业：{{ enterprise }}``, ``编制单位：{{ compiler }}``,
   ``{{ date_upper }}``; no page number;
2. table of contents — ``目  录`` and a TOC field (levels 1–3), pages numbered — I —, — II —;
3. body — ``{{p body }}`` (the subdocument built by greenmine), pages numbered — 1 — from 1.

Every variable a template may use is listed in ``implementation_plan/TEMPLATE.md``. The
self-evaluation report's template (``self_evaluation/report-template.docx``) is the same layout
with its own title and cover lines (``self_evaluation/TEMPLATE.md``), and so is the
demonstration-zone plan's (``zone_plan/zone-template.docx``, ``zone_plan/TEMPLATE.md``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.section import WD_SECTION  # noqa: E402
from docx.shared import Pt  # noqa: E402

from greenmine_docs.docx.document import template_bytes  # noqa: E402
from greenmine_docs.docx import (add_text, add_toc, apply_official_styles,  # noqa: E402
                                 empty_footers, page_number_footers, page_numbering,
                                 set_doc_grid, set_update_fields, setup_page)

PLAN_TEMPLATE = ROOT / "templates" / "implementation_plan" / "plan-template.docx"
SELF_EVALUATION_TEMPLATE = ROOT / "templates" / "self_evaluation" / "report-template.docx"
ZONE_TEMPLATE = ROOT / "templates" / "zone_plan" / "zone-template.docx"

PLAN_COVER = ("矿山企业：{{ enterprise }}", "编制单位：{{ compiler }}")
SELF_EVALUATION_COVER = ("矿山名称：{{ mine }}", "编制单位：{{ compiler }}")
ZONE_COVER = ("申报单位：{{ applicant }}", "编制单位：{{ compiler }}")


def _par(doc, text: str, style: str, *, before: float = 0, after: float = 0):
    par = doc.add_paragraph(style=style)
    par.paragraph_format.space_before = Pt(before)
    par.paragraph_format.space_after = Pt(after)
    if text:
        add_text(par, text)
    return par


def build_plan_template(doc_title: str = "绿色矿山建设实施方案",
                        cover_lines: tuple[str, ...] = PLAN_COVER) -> bytes:
    """An official-layout template (cover, contents, body): the plan's, and with another title
    and cover lines the self-evaluation report's and the zone plan's — one layout for all."""
    doc = Document()
    apply_official_styles(doc)
    props = doc.core_properties
    props.title = doc_title
    props.author = ""
    props.comments = ""

    # 1. cover ----------------------------------------------------------------------------
    cover = doc.sections[0]
    setup_page(cover)
    set_doc_grid(cover)
    _par(doc, "{{ title }}", "Cover Title", before=150)
    for n, line in enumerate(cover_lines):
        _par(doc, line, "Cover Line", before=190 if n == 0 else 0)
    _par(doc, "{{ date_upper }}", "Cover Line", before=18)
    empty_footers(cover)

    # 2. table of contents ------------------------------------------------------------------
    toc_section = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_page(toc_section)
    set_doc_grid(toc_section)
    _par(doc, "目  录", "TOC Heading")
    toc = doc.add_paragraph(style="toc 1")
    add_toc(toc, levels="1-2")
    page_number_footers(doc, toc_section)
    page_numbering(toc_section, start=1, fmt="upperRoman")

    # 3. body ---------------------------------------------------------------------------------
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_page(body)
    set_doc_grid(body)
    doc.add_paragraph("{{p body }}")
    page_number_footers(doc, body)
    page_numbering(body, start=1, fmt="decimal")

    set_update_fields(doc)
    return template_bytes(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="只检查，不写文件")
    args = parser.parse_args(argv)
    built = {PLAN_TEMPLATE: build_plan_template(),
             SELF_EVALUATION_TEMPLATE: build_plan_template("绿色矿山自评报告",
                                                           SELF_EVALUATION_COVER),
             ZONE_TEMPLATE: build_plan_template("绿色矿业发展示范区建设方案", ZONE_COVER)}
    stale = [p for p, data in built.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)}")
        return 1 if stale else 0
    for p, data in built.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        print(f"wrote {p.relative_to(ROOT)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
