"""Tables split where pages end (续表, merged labels restarted), short blocks kept together,
the score sheet's merged heading rows tall enough (greenmine_docs/docx/tables.py, writer.py)."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import EXAMPLE
from greenmine_docs.docx.tables import Cell, page_chunks, row_height_pt


def test_row_height_follows_the_longest_cell() -> None:
    one = row_height_pt(["甲", "乙"], [20, 20], 10.5)
    # 20 mm column: 45.9 pt of text, 4 characters of 10.5 pt a line
    assert row_height_pt(["甲" * 8, "乙"], [20, 20], 10.5) > one
    assert row_height_pt(["甲" * 9, "乙"], [20, 20], 10.5) > row_height_pt(["甲" * 8, ""],
                                                                            [20, 20], 10.5)
    assert row_height_pt([Cell("甲" * 8, span=2)], [20, 20], 10.5) == one  # spans widen


def test_a_number_within_its_column_takes_one_line() -> None:
    """A cell's text that fits its width on one line (generously measured) takes one line,
    though the width holds fewer whole characters than it has: “189.00” in an 18 mm column
    at 10.5 pt (3.8 ems, 3 whole characters) was counted as two lines, and a summary table of
    seven such rows was estimated a third taller than it is."""
    from greenmine_docs.docx.tables import _cell_lines, chars_per_line, line_room

    room = line_room(18, 10.5)
    assert chars_per_line(18, 10.5) == 3 < room < 4
    assert _cell_lines("189.00", room) == 1
    assert row_height_pt(["189.00"], [18], 10.5) == row_height_pt(["1"], [18], 10.5)
    assert _cell_lines("1189.000", room) == 2  # wider than the column: wraps as before
    assert _cell_lines("甲乙丙", room) == 1 and _cell_lines("甲乙丙丁", room) == 2
    assert _cell_lines("12\n34", room) == 2  # a line break is a line


def test_page_chunks_fill_each_page_once() -> None:
    header = [["编号", "内容"]]
    rows = [["1", "甲" * 30]] * 40
    h = row_height_pt(rows[0], [20, 100], 10.5)
    head = row_height_pt(header[0], [20, 100], 10.5)
    starts = page_chunks(header, rows, [20, 100], 10.5, page_pt=head + 10 * h + 1)
    assert starts == [10, 20, 30]
    # the first part gets only the room left on its page
    assert page_chunks(header, rows, [20, 100], 10.5, page_pt=head + 10 * h + 1,
                       first_page_pt=head + 4 * h + 1)[:2] == [4, 14]
    assert page_chunks(header, rows[:5], [20, 100], 10.5, page_pt=1000) == []
    # a row taller than a page still makes progress
    assert page_chunks(header, rows[:3], [20, 100], 10.5, page_pt=1) == [1, 2]


def test_what_follows_a_table_takes_its_last_rows_overleaf_when_it_does_not_fit() -> None:
    header = [["编号", "内容"]]
    rows = [["1", "甲" * 30]] * 25
    h = row_height_pt(rows[0], [20, 100], 10.5)
    head = row_height_pt(header[0], [20, 100], 10.5)
    page = head + 10 * h + 1
    assert page_chunks(header, rows, [20, 100], 10.5, page_pt=page) == [10, 20]
    # five rows and a block of two rows' height fit the last page: nothing moves
    assert page_chunks(header, rows, [20, 100], 10.5, page_pt=page, tail_pt=2 * h,
                       tail_rows=3) == [10, 20]
    # a block of six rows' height does not: the last three rows go overleaf with it
    assert page_chunks(header, rows, [20, 100], 10.5, page_pt=page, tail_pt=6 * h,
                       tail_rows=3) == [10, 20, 22]
    # never a part that starts where the last one did (the last part has two rows at least:
    # row 20 alone takes row 19 along, and the block fits below them)
    assert page_chunks(header, rows[:21], [20, 100], 10.5, page_pt=page, tail_pt=6 * h,
                       tail_rows=3) == [10, 19]


@pytest.fixture(scope="module")
def report() -> Document:
    from greenmine_docs.documents.assessment.document import render_report
    from greenmine_docs.api import check, load

    ctx = check(load(EXAMPLE))
    return Document(io.BytesIO(render_report(ctx)))


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def test_a_long_report_table_continues_with_xubiao_and_its_header(report) -> None:
    body = list(report.element.body.iterchildren())
    # the first score table (its number follows the tables of the prerequisites chapter)
    start = next(i for i, el in enumerate(body) if _text(el).startswith("表")
                 and _text(el).endswith("“矿区环境”评分表"))
    caption = body[start]
    number = _text(caption).split()[0][1:]
    # it starts a page: its caption does, or the heading of its section with the line under it
    # (writer.LEAD_SHARE), after an empty paragraph that starts the page
    breaks = [el for el in body[start - 3:start + 1]
              if el.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None]
    assert len(breaks) == 1
    assert breaks[0] is caption or (not _text(breaks[0]) and "矿区环境" in _text(
        body[body.index(breaks[0]) + 1]))
    parts, labels = [], []
    for el in body[start + 1:]:
        if el.tag == qn("w:tbl"):
            parts.append(el)
        elif _text(el).startswith("续表"):
            labels.append(el)
        elif _text(el).strip():
            break
    assert len(parts) >= 2 and len(labels) == len(parts) - 1
    for label in labels:
        assert _text(label) == f"续表{number}"
        ppr = label.find(qn("w:pPr"))
        assert ppr.find(qn("w:pageBreakBefore")) is not None
        assert ppr.find(qn("w:keepNext")) is not None  # with its table
    headers = [p.find(qn("w:tr")) for p in parts]
    assert all(h.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for h in headers)
    assert len({_text(h) for h in headers}) == 1
    ids = [_text(tr.find(qn("w:tc"))) for p in parts for tr in p.findall(qn("w:tr"))[1:]]
    assert ids[0] == "1.1" and len(ids) == len(set(ids)) > 15  # every row once, in order


def test_a_short_report_table_is_not_split(report) -> None:
    body = list(report.element.body.iterchildren())
    start = next(i for i, el in enumerate(body) if _text(el).startswith("表1"))
    assert body[start].find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is None
    assert not re.search(r"续表1(?!\d)", _text(report.element.body))


@pytest.mark.parametrize("example", ["shanxi-limestone", "inner-mongolia-coal"])
def test_laid_out_by_libreoffice_no_table_part_runs_over_its_page(example, tmp_path,
                                                                   libreoffice) -> None:
    """The estimates hold in the PDF's fonts: every page of the report that starts with a table
    starts with its caption (表N or 续表N: no part ran over its page), and the self-check
    table's sign-off blocks share their page with the conclusion (never a page alone)."""
    import pdfplumber
    from click.testing import CliRunner

    from conftest import EXAMPLES, run_cli

    only = ["--only", "report", "--only", "selfcheck"]
    if example == "shanxi-limestone":  # the example with a self-evaluation report
        only += ["--only", "selfeval"]
    result = run_cli(CliRunner(), "build", EXAMPLES / example / "mine.yaml", "-o", tmp_path,
                     *only, "--pdf")
    assert result.code == 0, result.output
    reports = [*tmp_path.glob("*第三方评估报告.pdf"), *tmp_path.glob("*自评报告.pdf")]
    assert len(reports) == (2 if example == "shanxi-limestone" else 1)
    for report_pdf in reports:
        _report_tables_fit_their_pages(report_pdf)
    (table_pdf,) = tmp_path.glob("*自查记录表.pdf")
    with pdfplumber.open(table_pdf) as pdf:
        last = (pdf.pages[-1].extract_text() or "").replace(" ", "")
        pages = len(pdf.pages)
    assert "企业意见" in last and "自查结论" in last
    # one page a part: none ran over onto a page of its own
    (table_docx,) = tmp_path.glob("*自查记录表.docx")
    breaks = Document(str(table_docx)).element.body.findall(
        f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
    assert pages == len(breaks) + 1


def _report_tables_fit_their_pages(report_pdf) -> None:
    """Every page of a report's PDF that starts with a table starts with its caption (表N or
    续表N, or the heading a table took overleaf), and a part followed by 续表 fills its page."""
    import pdfplumber

    with pdfplumber.open(report_pdf) as pdf:
        pages = pdf.pages
        for number, page in enumerate(pages, 1):
            tables = page.find_tables()
            if not tables:
                continue
            top = min(t.bbox[1] for t in tables)
            above = "".join(w["text"] for w in page.extract_words() if w["top"] < top - 1)
            assert above.strip(), f"{report_pdf.name} page {number}: a table ran over"
            # a part followed by 续表 fills its page (the type area between the 37 mm and
            # 35 mm margins): not two thirds of it, as when the estimate assumed 1.5 em lines
            following = (pages[number].extract_text() or "").lstrip() if number < len(pages) \
                else ""
            if following.startswith("续表"):
                area_top, area_bottom = page.height * 37 / 297, page.height * (1 - 35 / 297)
                filled = (max(t.bbox[3] for t in tables) - area_top) / (area_bottom - area_top)
                assert filled > 0.8, f"{report_pdf.name} page {number}: {filled:.0%} filled"


def test_self_check_merges_never_cross_a_page(tmp_path) -> None:
    from click.testing import CliRunner

    from conftest import run_cli

    out = tmp_path / "sc.docx"
    assert run_cli(CliRunner(), "selfcheck", EXAMPLE, "-o", out).code == 0
    doc = Document(str(out))
    body = list(doc.element.body.iterchildren())
    tables = [el for el in body if el.tag == qn("w:tbl")]
    parts = tables[1:-1]  # header block first, sign-off last
    assert len(parts) >= 4
    for part in parts[1:]:
        before = part.getprevious()
        assert before.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
        first = part.findall(qn("w:tr"))[1]  # the first row under the repeated header
        cells = first.findall(qn("w:tc"))
        for col in (1, 2):  # 一级指标, 二级指标: a label (or the start of a merge), never
            merge = cells[col].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")  # a continuation
            assert merge is None or merge.get(qn("w:val")) == "restart"
        if _text(cells[0]).count(".") == 2:  # an item row: its labels are written again
            assert _text(cells[1]) and _text(cells[2])


def test_a_part_that_starts_inside_a_merge_makes_room_for_its_label() -> None:
    """A part that starts inside a merge writes its label again in its first row: that row
    counts with the label's height there (``start_height``)."""
    rows = [["甲"] for _ in range(20)]
    plain = page_chunks([], rows, [20], 10.5, page_pt=100, heights=[10.0] * 20)
    assert plain == [10]
    # row 10 with a label of six lines
    assert page_chunks([], rows, [20], 10.5, page_pt=100, heights=[10.0] * 20,
                       start_height=lambda i: 60.0 if i == 10 else 0.0) == [10, 15]


@pytest.mark.parametrize("example", ["shanxi-limestone", "inner-mongolia-coal"])
def test_the_self_check_tables_first_page_takes_the_rows_that_fit(example, tmp_path) -> None:
    """Below the header block and the prerequisites the first page holds the first two
    indicator rows of both examples (LibreOffice lays them out with room to spare), not one
    row and a quarter of the page empty: the rows are measured at their exact pitch, the part
    leaves room for one line wrapped early, and the type area is whole grid lines."""
    from click.testing import CliRunner

    from conftest import EXAMPLES, run_cli
    from greenmine_docs.docx.page import grid_pitches

    out = tmp_path / "sc.docx"
    assert run_cli(CliRunner(), "selfcheck", EXAMPLES / example / "mine.yaml",
                   "-o", out).code == 0
    doc = Document(str(out))
    first_part = [el for el in doc.element.body.iterchildren() if el.tag == qn("w:tbl")][1]
    ids = [_text(tr.find(qn("w:tc"))) for tr in first_part.findall(qn("w:tr"))]
    assert "1.1.1" in ids and "1.1.2" in ids
    section = doc.sections[0]
    type_twips = section.page_height.twips - section.top_margin.twips \
        - section.bottom_margin.twips
    assert type_twips == 17 * grid_pitches()[0]  # LibreOffice uses whole grid lines of it


def test_colon_paragraphs_and_short_lists_keep_with_what_follows() -> None:
    from greenmine_docs.docx import Writer, new_document

    doc = new_document()
    w = Writer(doc)
    w.paragraph("主要依据：")
    w.numbered_list(["甲", "乙", "丙"])
    w.numbered_list([str(i) for i in range(12)])
    ps = doc.paragraphs
    keep = [p.paragraph_format.keep_with_next for p in ps]
    assert keep[:4] == [True, True, True, None]
    assert not any(keep[4:])  # a long list flows over pages as it needs


def test_the_report_conclusion_stays_with_its_reasons(report) -> None:
    ps = report.paragraphs
    start = next(i for i, p in enumerate(ps) if p.text.endswith("评估结论") and
                 p.style.name == "Heading 1")
    block = ps[start:start + 4]  # heading, verdict, 主要依据：, first reason
    assert block[2].text == "主要依据："
    assert all(p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
               for p in block[:3])


def test_score_sheet_heading_rows_are_tall_enough_for_their_text(variant, tmp_path) -> None:
    from greenmine_docs.api import generate

    long = "山西晋实绿矿技术咨询有限公司" * 8
    path = variant({"    name: 山西晋实绿矿技术咨询有限公司": f"    name: {long}"})
    out = tmp_path / "s.xlsx"
    generate("scoresheet", path, out)
    ws = load_workbook(out)["评分表"]
    heading = next(r for r in range(2, 6) if long in str(ws.cell(r, 1).value))
    assert ws.row_dimensions[heading].height >= 2 * 15 + 3  # two lines, not clipped to one
    assert ws.row_dimensions[1].height == 30  # the title fits one line


def test_a_page_break_is_what_python_docx_writes() -> None:
    """The page break between the parts of a table, written as XML, equals the paragraph
    python-docx's paragraph format makes (page break before, exactly 1 pt, no spacing)."""
    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt
    from lxml import etree

    from greenmine_docs.docx.tables import add_page_break

    fast, slow = Document(), Document()
    add_page_break(fast)
    pf = slow.add_paragraph().paragraph_format
    pf.page_break_before = True
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    pf.space_before = pf.space_after = Pt(0)
    assert etree.tostring(fast.element) == etree.tostring(slow.element)


def test_table_lines_are_set_a_fixed_distance_apart_below_the_estimate() -> None:
    """Every table paragraph is set ``LINE_PITCH_EM`` exactly (its own size, or 五号), so the
    split estimate, which allows ``LINE_FACTOR``, holds in whatever font stands in."""
    from docx.shared import Pt

    from greenmine_docs.docx import Writer, new_document
    from greenmine_docs.docx.islands import materialize
    from greenmine_docs.docx.tables import LINE_FACTOR, LINE_PITCH_EM

    assert LINE_FACTOR > LINE_PITCH_EM
    doc = new_document()
    w = Writer(doc)
    w.table(["项目", "说明"], [["甲", "乙\n丙"]], caption="五号表")
    w.table(["项目", "说明"], [["甲", "乙"]], caption="小五表", font_size=9)
    materialize(doc.part, doc.element.body)
    for table, size in zip(doc.tables, (10.5, 9)):
        ps = [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
        assert len(ps) == (5 if size == 10.5 else 4)  # "乙\n丙": two paragraphs
        for p in ps:
            spacing = p._p.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
            assert spacing.get(qn("w:lineRule")) == "exact"
            assert abs(p.paragraph_format.line_spacing.pt - size * LINE_PITCH_EM) < 0.05
            assert p.paragraph_format.line_spacing < Pt(size * LINE_FACTOR)


def _kept_rows(table) -> list[bool]:
    return [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
            for row in table.rows[1:]]


def test_which_tables_are_kept_on_one_page() -> None:
    """A short table always (five rows at most); in a report any captioned table that fits a
    page (none breaks without its 续表 caption); elsewhere a longer one flows with two rows at
    least on each page: its first row kept with the second, its last but one with the last."""
    from greenmine_docs.docx import Writer, new_document
    from greenmine_docs.docx.islands import materialize

    kept = {}
    for report in (False, True):
        doc = new_document()
        w = Writer(doc)
        w.continued_tables = report
        w.table(["编号", "任务"], [[str(i), "短"] for i in range(5)], caption="五行")
        w.table(["编号", "任务"], [[str(i), "短"] for i in range(15)], caption="十五行")
        w.table(["编号", "任务"], [[str(i), "短"] for i in range(25)], caption="二十五行")
        w.table(["编号", "任务"], [[str(i), "长" * 300] for i in range(8)], caption="八行，长")
        materialize(doc.part, doc.element.body)
        kept[report] = [_kept_rows(t) for t in doc.tables]
    for report, (short, fifteen, fits, *longer) in kept.items():
        assert short == [True] * 4 + [False]
        if report:  # kept whole where the page is not known to be too short for it
            assert fifteen == [True] * 14 + [False]
            assert fits == [True] * 24 + [False]
            # longer than a page: parts with 续表, each flowing
            assert len(longer) > 1 and not any(map(any, longer))
        else:
            assert fifteen == [True] + [False] * 12 + [True, False]
            assert fits == [True] + [False] * 22 + [True, False]
            assert longer == [[True] + [False] * 5 + [True, False]]


def test_a_flowing_tables_group_title_rows_stay_with_their_first_item() -> None:
    """In a table the reader breaks where its pages end, a group's title row (one cell across
    the table) is kept with the row under it: it never ends a page alone."""
    from greenmine_docs.docx.tables import is_group_row, kept_rows

    rows: list[list[object]] = []
    for group in range(3):
        rows.append([Cell(f"第{group}组", span=3)])
        rows += [[str(i), "甲", "乙"] for i in range(4)]
    assert is_group_row(rows[0], 3) and not is_group_row(rows[0], 4)
    assert not is_group_row(rows[1], 3) and not is_group_row([Cell("合计", span=3)], 1)
    assert kept_rows(rows, 3, fits=True) == [0, 5, 10, 13]
    assert kept_rows(rows[:5], 3, fits=True) == [0, 1, 2, 3]  # short: whole
    assert kept_rows(rows[:5], 3, fits=False) == []


def test_a_group_title_row_never_ends_a_part() -> None:
    """A group's title row that would be the last row of a part starts the next one, with its
    first item (the coal example's 续表12 had 科技创新与智能矿山's title at the foot of a page
    and its items overleaf)."""
    rows: list[list[object]] = [["1", "甲"] for _ in range(30)]
    rows[9] = [Cell("第二组（共3项）", span=2, bold=True)]
    heights = [10.0] * 30  # ten rows a page
    assert page_chunks([], rows, [20, 100], 10.5, page_pt=100, heights=heights) == [9, 19, 28]
    # not a title: ten rows a part
    plain = [["1", "甲"] for _ in range(30)]
    assert page_chunks([], plain, [20, 100], 10.5, page_pt=100, heights=heights) == [10, 20]
    # a title row as the table's first row has no part before it to leave
    assert page_chunks([], rows[9:29], [20, 100], 10.5, page_pt=100, heights=heights[9:29]) \
        == [10]
    # the rows a sign-off block takes overleaf take their group's title along
    rows[21] = rows[9]
    assert page_chunks([], rows[:25], [20, 100], 10.5, page_pt=100, heights=heights[:25],
                       tail_pt=50, tail_rows=3) == [9, 19, 21]


def test_the_last_part_has_two_rows_at_least() -> None:
    """A split table's last part takes a row from the part before rather than stand alone
    overleaf (a 小计 or 合计 row under the header)."""
    header = [["编号", "内容"]]
    rows = [["1", "甲" * 30]] * 22
    h = row_height_pt(rows[0], [20, 100], 10.5)
    head = row_height_pt(header[0], [20, 100], 10.5)
    page = head + 10 * h + 1
    assert page_chunks(header, rows[:21], [20, 100], 10.5, page_pt=page) == [10, 19]
    assert page_chunks(header, rows, [20, 100], 10.5, page_pt=page) == [10, 20]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="甲a1 \n", max_size=30), st.integers(), st.none(),
                          st.floats(allow_nan=False, allow_infinity=False),
                          st.builds(Cell, st.one_of(st.text(alphabet="乙b2\n", max_size=40),
                                                    st.integers(), st.none()),
                                    st.integers(min_value=-1, max_value=4))),
                max_size=7))
def test_row_height_is_the_tallest_cell_at_its_width(row) -> None:
    """Each cell's lines at the width of the columns it spans (the estimate's definition)."""
    import math

    from greenmine_docs.docx.tables import (LINE_FACTOR, ROW_PADDING_PT, _cell_lines,
                                            cell_text, line_room)

    widths = [13.0, 17.5, 52.0, 11.0, 44.0]
    lines, col = 1, 0
    for value in row:
        text, span = ((cell_text(value.text), max(1, value.span)) if isinstance(value, Cell)
                      else (cell_text(value), 1))
        lines = max(lines, _cell_lines(text, line_room(sum(widths[col:col + span]), 9.0)))
        col += span
    assert math.isclose(row_height_pt(row, widths, 9.0), lines * 9.0 * LINE_FACTOR
                        + ROW_PADDING_PT)


@pytest.mark.parametrize("rows, first_page", [(12, True), (5, False)])
def test_laid_out_by_libreoffice_a_table_low_on_a_page_starts_there_or_moves_whole(
        rows: int, first_page: bool, libreoffice) -> None:
    """Outside reports, a table of more than five rows that does not fit what is left of the
    page starts there, two rows at least on each page (its rows' keep-with-next, as
    LibreOffice lays them out); a short one moves whole to the next page."""
    import pdfplumber

    from greenmine_docs.docx import Writer, new_document
    from greenmine_docs.docx.document import to_bytes
    from greenmine_docs.docx.office import docx_bytes_to_pdf

    doc = new_document()
    w = Writer(doc)
    for i in range(19):  # all but about 90 pt of the page
        w.paragraph(f"第{i}段。" + "正文" * 10)
    w.table(["编号", "内容"], [[f"行{i:02d}", "内容" * 8] for i in range(rows)],
            caption="任务表")
    with pdfplumber.open(io.BytesIO(docx_bytes_to_pdf(to_bytes(doc)).data)) as pdf:
        pages = [(p.extract_text() or "").replace(" ", "") for p in pdf.pages]
    on_page = [[i for i in range(rows) if f"行{i:02d}" in page] for page in pages]
    assert sorted(i for page in on_page for i in page) == list(range(rows))
    assert bool(on_page[0]) is first_page
    assert all(len(page) >= 2 for page in on_page if page)
    if first_page:
        assert "编号内容" in pages[1]  # the header repeated overleaf


def test_page_break_p_is_a_new_parse_of_its_xml_each_time() -> None:
    from docx.oxml import parse_xml
    from lxml import etree

    from greenmine_docs.docx.tables import PAGE_BREAK_P, page_break_p

    first, second = page_break_p(), page_break_p()
    parsed = parse_xml(PAGE_BREAK_P)
    assert first is not second and first.getparent() is None
    assert type(first) is type(parsed)
    assert etree.tostring(first) == etree.tostring(second) == etree.tostring(parsed)
    first.append(parse_xml(PAGE_BREAK_P))  # changing one copy leaves the next as it was
    assert etree.tostring(page_break_p()) == etree.tostring(parsed)
