"""Where the Writer knows how far down its page it is (greenmine_docs/docx/page_cursor.py), a
report's table starts below the text before it instead of leaving the rest of the page empty;
where it does not, tables are placed as before; headings go overleaf with the table they head."""
from __future__ import annotations

import random
import re

import pytest
from docx.oxml.ns import qn

from greenmine_docs.docx import page_cursor
from greenmine_docs.docx.page_cursor import (CROSSING_SLACK_PT, PageCursor, least_row_pt,
                                             text_lines)
from greenmine_docs.docx.tables import Cell, row_height_pt

PAGE = 600.0


def test_cursor_adds_within_a_page_and_knows_a_crossing_only_when_certain() -> None:
    mark = object()
    c = PageCursor()
    c.add(10, 20, PAGE, mark, known_before=True)
    assert c.room(PAGE, mark) is None  # nothing started a page: never known
    c.start_page(mark)
    c.add(100, 150, PAGE, mark, known_before=True)
    assert (c.lo, c.hi) == (100, 150) and c.room(PAGE, mark) == PAGE - 150
    assert c.room(PAGE, object()) is None  # another block was added since
    c.add(400, 480, PAGE, mark, known_before=True)  # 500..630: overleaf or not, who knows
    assert c.room(PAGE, mark) is None
    c.start_page(mark)
    c.add(620, 640, PAGE, mark, known_before=True)  # surely overleaf
    assert (c.lo, c.hi) == (20, 40 + CROSSING_SLACK_PT)
    c.add(10, 10, PAGE, mark, known_before=False)
    assert c.room(PAGE, mark) is None


def test_text_lines_bound_the_lines_of_a_body_paragraph() -> None:
    assert text_lines("甲" * 25) == (1, 1)  # two characters of indent and 25: one line
    assert text_lines("甲" * 26) == (1, 2)  # 28 fill the line, unless it ends one early
    assert text_lines("甲" * 27) == (2, 2)
    assert text_lines("甲" * 54) == (2, 3)  # a line may end a character early
    lo, hi = text_lines("委托合同编号ESZR-TF-2024-023")  # a word may move to the next line
    assert lo == 1 and hi == 2
    assert text_lines("", indent=0) == (1, 1)


def test_least_row_height_never_exceeds_the_estimate() -> None:
    rng = random.Random(7)
    widths = [13.0, 52.0, 11.0, 44.0, 27.0]
    for _ in range(300):
        row = []
        for _ in widths:
            text = "".join(rng.choice("甲乙丙丁，。1234abcXYZ ") for _ in range(rng.randint(0, 90)))
            row.append(text if rng.random() < 0.8 else Cell(text, span=1))
        assert least_row_pt(row, widths, 10.5) <= row_height_pt(row, widths, 10.5)


def _report_writer():
    from greenmine_docs.docx import Writer, new_document

    doc = new_document()
    w = Writer(doc)
    w.continued_tables = True
    return doc, w


def _children(doc) -> list:
    from greenmine_docs.docx.islands import materialize

    materialize(doc.part, doc.element.body)
    return list(doc.element.body.iterchildren())


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _breaks_before(el) -> bool:
    return el.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None


ROWS = [[str(i), "评价内容" * 6, "符合要求"] for i in range(70)]


def test_a_table_after_a_continued_part_and_a_short_section_starts_below_it() -> None:
    doc, w = _report_writer()
    w.table(["编号", "内容", "说明"], ROWS[:40], caption="第一张")  # a page and a bit: 续表1
    w.heading(2, "第二节")
    w.paragraph("本节两行文字。" * 4)
    w.table(["编号", "内容", "说明"], ROWS, caption="第二张")
    body = _children(doc)
    first, second = (next(el for el in body if _text(el).startswith(f"表{n}")) for n in (1, 2))
    assert _breaks_before(first)  # nothing known before it: it starts a page, as before
    assert not _breaks_before(second)  # known: it starts where the section's text ends
    labels = [el for el in body if _text(el).startswith("续表2")]
    assert labels and all(_breaks_before(el) for el in labels)
    tables = body[body.index(second):]
    first_part = next(el for el in tables if el.tag == qn("w:tbl"))
    # the first part takes what is left below the text: fewer rows than a full page's part
    full = next(el for el in body[body.index(labels[0]):] if el.tag == qn("w:tbl"))
    assert 3 <= len(first_part.findall(qn("w:tr"))) < len(full.findall(qn("w:tr")))
    ids = [_text(tr.find(qn("w:tc"))) for el in tables if el.tag == qn("w:tbl")
           for tr in el.findall(qn("w:tr"))[1:]]
    assert ids == [str(i) for i in range(70)]  # every row once, in order


def test_a_block_added_behind_the_writers_back_makes_the_position_unknown() -> None:
    doc, w = _report_writer()
    w.table(["编号", "内容", "说明"], ROWS[:40], caption="第一张")
    w.heading(2, "第二节")
    doc.add_paragraph("不经 Writer 写入的段落" * 20)  # its height is not known to the Writer
    w.table(["编号", "内容", "说明"], ROWS, caption="第二张")
    second = next(el for el in _children(doc) if _text(el).startswith("表2"))
    assert _breaks_before(second)  # placed as before: it starts a page


@pytest.mark.parametrize("headings", [1, 2])
def test_headings_go_overleaf_with_the_table_that_starts_a_page(headings: int) -> None:
    from greenmine_docs.docx.tables import PAGE_BREAK_P

    doc, w = _report_writer()
    w.paragraph("正文。" * 200)  # unknown height of the page before: the table starts a page
    for level in range(1, headings + 1):
        w.heading(level, f"第{level}级标题")
    w.table(["编号", "内容", "说明"], ROWS, caption="评分表")
    body = _children(doc)
    caption = next(el for el in body if _text(el).startswith("表1"))
    first_heading = body[body.index(caption) - headings]
    assert _text(first_heading).endswith("第1级标题")
    page_break = body[body.index(first_heading) - 1]
    assert _breaks_before(page_break) and not _text(page_break)
    assert page_break.find(f"{qn('w:pPr')}/{qn('w:spacing')}").get(qn("w:line")) == \
        _xml_attr(PAGE_BREAK_P, "w:line")
    assert not _breaks_before(caption)


def _xml_attr(xml: str, name: str) -> str:
    return xml.split(f'{name}="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("lines, along", [(2, True), (8, False)])
def test_a_heading_takes_a_short_text_under_it_along_not_a_long_one(lines: int,
                                                                      along: bool) -> None:
    doc, w = _report_writer()
    w.paragraph("正文。" * 200)
    w.heading(2, "一节")
    w.paragraph("这一节的说明，" * (4 * lines - 1))  # 28 characters a line
    w.table(["编号", "内容", "说明"], ROWS, caption="评分表")
    body = _children(doc)
    caption = next(el for el in body if _text(el).startswith("表1"))
    heading = next(el for el in body if _text(el).endswith("一节"))
    assert _breaks_before(caption) is not along
    assert _breaks_before(body[body.index(heading) - 1]) is along


def test_a_picture_that_does_not_fit_goes_overleaf_whole() -> None:
    mark = object()
    c = PageCursor()
    c.start_page(mark)
    c.add(500, 520, PAGE, mark, known_before=True)
    c.add(200, 210, PAGE, mark, known_before=True, whole=True)  # even 500 + 200 > 600
    assert (c.lo, c.hi) == (200, 210)  # overleaf, alone at the top
    c.add(100, 110, PAGE, mark, known_before=True, whole=True)  # fits below it
    assert (c.lo, c.hi) == (300, 320)
    c.start_page(mark)
    c.add(300, 400, PAGE, mark, known_before=True)
    c.add(250, 260, PAGE, mark, known_before=True, whole=True)  # 550..660: fits, or not
    assert c.room(PAGE, mark) is None


def test_a_figure_moves_the_position_by_its_picture_and_caption(tmp_path) -> None:
    from PIL import Image

    from greenmine_docs.docx import Writer, new_document
    from greenmine_docs.docx.writer import CAPTION_ROOM_PT

    image = tmp_path / "p.png"
    Image.new("RGB", (400, 200), "white").save(image)
    w = Writer(new_document(), base_dir=tmp_path)
    w.figure(image, "现场照片")  # the position is not known before it: nor after
    assert w.cursor.room(w._page_pt(), w.last_block()) is None
    w.page_break()
    w.figure(image, "现场照片", width_mm=100)
    picture_pt = 50 / 25.4 * 72  # 100 mm wide, half as high
    assert w.cursor.lo == pytest.approx(picture_pt + 6 + 21, abs=0.5)
    # the 3号 font's descent under the picture and a caption line's most
    assert w.cursor.hi == pytest.approx(picture_pt + 6 + 8 + CAPTION_ROOM_PT, abs=0.5)


def test_a_paragraph_announcing_a_table_is_kept_with_it_and_goes_overleaf_with_it() -> None:
    doc, w = _report_writer()
    w.paragraph("正文。" * 200)
    w.paragraph("各专家的评分见下表。")
    w.table(["编号", "内容", "说明"], ROWS, caption="评分表")
    body = _children(doc)
    intro = next(el for el in body if _text(el) == "各专家的评分见下表。")
    assert intro.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    assert _breaks_before(body[body.index(intro) - 1])  # the page starts before it
    assert not _breaks_before(next(el for el in body if _text(el).startswith("表1")))


def test_a_table_that_fits_a_page_starts_the_next_only_where_it_surely_does_not_fit() -> None:
    from greenmine_docs.docx.writer import CAPTION_ROOM_PT

    def placed(used: tuple[float, float] | None, lines: int = 0) -> tuple[bool, bool]:
        doc, w = _report_writer()
        w.table(["编号", "内容", "说明"], ROWS[:40], caption="第一张")  # a known page start
        for _ in range(lines):
            w.paragraph("一行。")
        if used is not None:  # the position as an estimate may leave it: least, most used
            w.cursor.lo, w.cursor.hi = used
        w.table(["编号", "内容", "说明"], ROWS[:5], caption="第二张")  # short: kept whole
        known = w.cursor.room(w._page_pt(), w.last_block()) is not None
        second = next(el for el in _children(doc) if _text(el).startswith("表2"))
        return _breaks_before(second), known

    assert placed(None, 1) == (False, True)  # it fits below: placed there, the position known
    assert placed(None, 12) == (True, True)  # surely too low: it starts the next page
    # the estimate cannot tell: the reader moves it or not, and the position is not known
    _, w = _report_writer()
    paging = w._paging(["编号", "内容", "说明"], ROWS[:5], None, None)
    assert len(paging.parts()) == 1  # it fits a page
    needs = CAPTION_ROOM_PT + paging.parts()[0][1]
    page = w._page_pt()
    assert placed((page - needs - 1, page - needs + 1)) == (False, False)


@pytest.mark.parametrize("lines, rows", [(10, 2), (17, 2), (19, 0)])
def test_a_table_that_fits_a_page_but_not_the_room_left_starts_there_with_two_rows(
        lines: int, rows: int) -> None:
    """A table of more than five rows that fits a page but not what is left of it starts
    below the text when that holds its caption, header and two rows at least, and continues
    overleaf with 续表 (moving it whole left up to a third of a page empty); with room for
    fewer it starts the next page."""
    doc, w = _report_writer()
    w.page_break()  # a known page start
    for _ in range(lines):
        w.paragraph("本段一行。")
    w.table(["编号", "内容", "说明"], ROWS[:14], caption="评分表")
    body = _children(doc)
    caption = next(el for el in body if _text(el).startswith("表1"))
    parts = [el for el in body if el.tag == qn("w:tbl")]
    first = len(parts[0].findall(qn("w:tr"))) - 1
    if rows == 0:  # room for one row only: a page of its own, whole
        assert _breaks_before(caption) and len(parts) == 1 and first == 14
    else:
        assert not _breaks_before(caption) and len(parts) == 2 and first >= rows
        label = body[body.index(parts[1]) - 1]
        assert _text(label) == "续表1" and _breaks_before(label)
        assert len(parts[1].findall(qn("w:tr"))) - 1 == 14 - first >= 2


@pytest.mark.parametrize("text", [True, False])
def test_text_known_to_end_its_page_stays_there_and_only_a_heading_goes_along(text: bool
                                                                               ) -> None:
    """The page is known to hold the heading and the text under it, and too little is left
    for the table: the text ends the page and the table starts the next; a heading with no
    text after it still goes overleaf with the table (it never ends a page)."""
    doc, w = _report_writer()
    w.page_break()  # a known page start
    for _ in range(16 if text else 18):  # too little left for the table's first two rows
        w.paragraph("本段一行。")
    w.heading(2, "一节")
    if text:
        w.paragraph("这一节的说明，" * 7)  # two lines
    w.table(["编号", "内容", "说明"], ROWS, caption="评分表")
    body = _children(doc)
    caption = next(el for el in body if _text(el).startswith("表1"))
    heading = next(el for el in body if _text(el).endswith("一节"))
    assert _breaks_before(caption) is text
    assert _breaks_before(body[body.index(heading) - 1]) is not text


def test_a_table_that_fits_below_a_one_line_caption_is_placed_there_and_known(monkeypatch
                                                                                ) -> None:
    """A one-line caption takes at most :data:`CAPTION_ROOM_PT` (its 3 + 6 pt and a 小四 line
    of 1.5 em): a table that fits the room below such a caption is placed there, and the
    position after it stays known (a chart after the score summary is placed by it)."""
    from greenmine_docs.docx.writer import CAPTION_ROOM_PT, caption_most_pt

    assert CAPTION_ROOM_PT == caption_most_pt("续表12") < 30
    assert caption_most_pt("表3  " + "长" * 40) == CAPTION_ROOM_PT + 18  # two lines
    doc, w = _report_writer()
    w.table(["编号", "内容", "说明"], ROWS[:40], caption="第一张")  # a known page start
    paging = w._paging(["编号", "内容", "说明"], ROWS[:6], None, None)
    needs = 3 + 6 + 1.5 * 12 + paging.parts()[0][1]  # the caption's spacing and line
    page = w._page_pt()
    w.cursor.lo, w.cursor.hi = page - needs - 30, page - needs - 2  # fits, 2 pt to spare
    monkeypatch.setattr("greenmine_docs.docx.writer.GAP_PT", 0.0)  # (the gap under it)
    w.table(["编号", "内容", "说明"], ROWS[:6], caption="第二张")
    second = next(el for el in _children(doc) if _text(el).startswith("表2"))
    assert not _breaks_before(second)
    assert w.cursor.room(page, w.last_block()) is not None


def test_no_part_of_a_report_table_ends_with_a_group_title_row() -> None:
    """Wherever a report's table with group title rows (one cell across the table, as the
    report's 存在问题及整改建议) is split, each part ends with an item, never a title."""
    for lines in range(0, 20, 3):
        for offset in range(4):
            doc, w = _report_writer()
            w.page_break()  # a known page start
            for _ in range(lines):
                w.paragraph("本段一行。")
            rows: list[list[object]] = []
            for group in range(12):
                rows.append([Cell(f"第{group}组（共{2 + (group + offset) % 3}项）", span=3)])
                rows += [[f"{group}.{i}", "评价内容" * 6, "存在问题"] for i in
                         range(2 + (group + offset) % 3)]
            w.table(["编号", "内容", "说明"], rows, caption="存在问题及整改建议")
            parts = [el for el in _children(doc) if el.tag == qn("w:tbl")]
            assert len(parts) >= 2
            for part in parts:
                last = part.findall(qn("w:tr"))[-1]
                assert len(last.findall(qn("w:tc"))) == 3, _text(last)


def test_a_report_tables_parts_are_measured_at_the_exact_line_pitch() -> None:
    """A report's continued table is split as the self-check table is: its rows at their
    lines' exact pitch, each part leaving room for one line wrapped early, so a part of a page
    holds the rows that fit there (the estimate's tenth of a line for every line left up to
    87 pt empty under a seven-row part) and never runs over."""
    from greenmine_docs.docx.styles import TABLE_SIZE
    from greenmine_docs.docx.tables import LINE_PITCH_EM, at_exact_pitch, row_heights
    from greenmine_docs.docx.writer import CAPTION_ROOM_PT

    header = ["编号", "内容", "说明"]
    rows = [[str(i), "评价内容" * (3 + i % 9), "符合要求"] for i in range(90)]
    doc, w = _report_writer()
    w.table(header, rows, caption="长表")
    parts = [[_text(tr) for tr in el.findall(qn("w:tr"))[1:]] for el in _children(doc)
             if el.tag == qn("w:tbl")]
    assert len(parts) >= 3
    exact = w._paging(header, rows, None, None, exact=True)
    widths = exact.widths
    room = w._page_pt() - CAPTION_ROOM_PT - TABLE_SIZE * LINE_PITCH_EM
    start = len(parts[0])
    for part in parts[1:-1]:  # full parts: they fit, and the next row would not
        used = exact.head + sum(at_exact_pitch(row_heights(rows[start:start + len(part) + 1],
                                                           widths, TABLE_SIZE), TABLE_SIZE))
        last = at_exact_pitch(row_heights([rows[start + len(part)]], widths, TABLE_SIZE),
                              TABLE_SIZE)[0]
        assert used - last <= room < used
        start += len(part)
    estimate = w._paging(header, rows, None, None)  # a tenth of a line more for every line
    assert len(parts[1]) > len(estimate.parts()[1][0])


def test_character_classes_are_the_plain_ones_at_every_code_point():
    """``_WIDE`` and ``_LONG_ASCII_RUN`` are written by the characters below U+2E80 (cheaper to
    compile): they find what the plain classes find, at every code point."""
    wide, run = re.compile("[\u2e80-\U0010ffff]"), re.compile("[^\\s\u2e80-\U0010ffff]")
    found_wide = [c for c in range(0x110000) if page_cursor._WIDE.match(chr(c))]
    assert found_wide == [c for c in range(0x110000) if wide.match(chr(c))]
    found_run = [c for c in range(0x110000) if page_cursor._LONG_ASCII_RUN.match(chr(c) * 6)]
    assert found_run == [c for c in range(0x110000) if run.match(chr(c))]
