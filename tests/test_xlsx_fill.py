"""The fast workbook writers (a cached skeleton filled per mine, ``greenmine_docs.xlsx.fill``)
give the same workbook as writing every cell with openpyxl: every cell's value, type, number
format, font, fill, border and alignment, the merged ranges, data validations, row heights,
columns and print setup (compared as openpyxl reads them, :mod:`xlsx_compare`)."""
from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE
from greenmine_docs.api import check, load
from greenmine_docs.documents.assessment import scoresheet as ss
from greenmine_docs.indicators import MineProfile, load_file, profile_of, resolve
from greenmine_docs.indicators.dump import to_data
from greenmine_docs.model.self_check import ItemEntry
from greenmine_docs.documents.selfcheck import xlsx
from greenmine_docs.documents.selfcheck.core import COL, SHEET_NAME, prepare
from greenmine_docs.xlsx import meta_sheet, write
from greenmine_docs.xlsx.fill import cell_xml
from greenmine_docs.xlsx.write import Formula, Mismatch, NotCachedYet
from xlsx_compare import assert_same_workbook

@pytest.fixture(autouse=True)
def eager():
    """The fast path on every call (as in batch runs): these tests compare it."""
    write.eager_skeletons(True)
    yield
    write.eager_skeletons(False)


NASTY = ' =1+1 {{ x }} <b>&amp; "引号" \'x\'\n第二行 ]]> '


@functools.lru_cache(maxsize=1)
def _example():
    return load(EXAMPLE).submission


def _failing(sub):
    """不达标: a category below its ratio and a prerequisite not met."""
    sub = sub.model_copy(deep=True)
    for ref in ("5.1.1", "5.1.2", "5.1.4", "5.3.1", "5.3.3"):
        sub.self_check.items[ref] = ItemEntry(score=0, situation="未开展", problem="未开展")
    sub.self_check.prerequisites["P2"] = sub.self_check.prerequisites["P2"].model_copy(
        update={"met": False})
    return sub


def _nasty(sub):
    """User text that looks like markup, a formula or a template, in every kind of cell."""
    sub = sub.model_copy(deep=True)
    sc = sub.self_check
    sc.items["1.1.3"] = sc.items["1.1.3"].model_copy(update={
        "situation": NASTY, "problem": "=SUM(A1:A3)", "measure": "<&>", "responsible": "#N/A"})
    sc.opinion = "=HYPERLINK(\"http://x\",\"点击\") & <script>"
    return sub


def _tables():
    sub = _example()
    iset = resolve(sub.campaign.indicator_set)
    nasty = prepare(_nasty(sub), iset)
    nasty.facts.values.update(mine_name="A&B <矿> =1+1", holder="{{ x }}", check_date=None)
    return {
        "example": prepare(sub, iset),
        "blank": prepare(sub, iset, blank=True),
        "failing": prepare(_failing(sub), iset),
        "nasty": nasty,
        "no-input": prepare(None, resolve("province-demo"), blank=True),
    }


@pytest.mark.parametrize("name", ["example", "blank", "failing", "nasty", "no-input"])
def test_selfcheck_fast_equals_openpyxl(name):
    data = _tables()[name]
    fast = xlsx.workbook(data).fast()  # raises Mismatch instead of falling back
    assert_same_workbook(xlsx.workbook(data).plain(), fast)
    ws = load_workbook(io.BytesIO(fast))[SHEET_NAME]
    if name == "failing":
        assert data.result.verdict.value == "不达标"
        assert ws.cell(row=9 + 1 + 1, column=COL["score"]).value == "不符合"  # P2
    if name == "nasty":
        rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
        cell = ws.cell(row=rows["1.1.3"], column=COL["situation"])
        assert cell.value == NASTY and cell.data_type == "s"
        for col, text in (("problem", "=SUM(A1:A3)"), ("measure", "<&>"),
                          ("responsible", "#N/A")):
            cell = ws.cell(row=rows["1.1.3"], column=COL[col])
            assert cell.value == text and cell.data_type == "s"
        assert ws["C3"].value == "A&B <矿> =1+1" and ws["C3"].data_type == "s"
        assert ws["G3"].value == "{{ x }}"


def test_selfcheck_fast_is_the_default_and_reads_back(tmp_path):
    from greenmine_docs.documents.selfcheck.reader import read_table as read

    data = _tables()["example"]
    out = tmp_path / "t.xlsx"
    out.write_bytes(xlsx.render_xlsx(data))
    table = read(out)
    assert table.result.verdict.value == "达标"
    assert table.self_check.items["1.1.2"].score == 10
    with zipfile.ZipFile(out) as zf:  # text is inline and readable, not a formula
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "王建军" in sheet


def test_selfcheck_skeleton_follows_the_set_content(tmp_path):
    """A set file loaded per mine (a new object each time) hits the same skeleton; a set with
    other content gets its own."""
    import yaml

    sub = _example()
    iset = resolve(sub.campaign.indicator_set)
    path = tmp_path / "set.yaml"
    data = to_data(iset)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    a, b = load_file(path)[0], load_file(path)[0]
    assert a is not b and a is not None
    xlsx._SKELETONS.clear()
    assert_same_workbook(xlsx.workbook(prepare(sub, a)).plain(),
                         xlsx.workbook(prepare(sub, a)).fast())
    xlsx.workbook(prepare(sub, b)).fast()
    assert len(xlsx._SKELETONS._items) == 1
    data["categories"][0]["groups"][0]["items"][0]["text"] = "改过的评价内容"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    c = load_file(path)[0]
    fast = xlsx.workbook(prepare(sub, c)).fast()
    assert len(xlsx._SKELETONS._items) == 2
    assert_same_workbook(xlsx.workbook(prepare(sub, c)).plain(), fast)
    ws = load_workbook(io.BytesIO(fast))[SHEET_NAME]
    assert "改过的评价内容" in str([c.value for c in ws["D"]])


# -- score sheet -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _eval():
    ctx = check(load(EXAMPLE))
    return ctx, ctx.scores.assessment


def _scoresheets():
    ctx, ev = _eval()
    sub, iset = ctx.submission, ctx.indicator_set
    nasty = ev.given.items.copy()
    nasty["1.1.3"] = nasty["1.1.3"].model_copy(update={
        "deduction_reason": NASTY, "evidence": "=A1", "remark": "<&>{{ x }}"})
    failing = {k: v.model_copy(update={"score": 0}) if k.startswith("5.") and v.score else v
               for k, v in ev.given.items.items()}
    return {
        "example": (iset, sub, profile_of(sub), ev.given),
        "no-prefill": (iset, sub, profile_of(sub), None),
        "underground": (iset, sub, MineProfile(industry_standard=profile_of(sub).industry_standard,
                                               method="地下开采"), ev.given),
        "nasty": (iset, sub, profile_of(sub),
                  type(ev.given)(source="input", prerequisites=ev.given.prerequisites,
                                  items=nasty)),
        "failing": (iset, sub, profile_of(sub),
                    type(ev.given)(source="input", prerequisites=ev.given.prerequisites,
                                    items=failing)),
        "demo-set": (resolve("province-demo"), sub, profile_of(sub), None),
    }


@pytest.mark.parametrize("name", ["example", "no-prefill", "underground", "nasty", "failing",
                                  "demo-set"])
def test_scoresheet_fast_equals_openpyxl(name):
    iset, sub, mine, prefill = _scoresheets()[name]
    day = dt.date(2024, 5, 6)
    fast = ss.workbook(iset, sub, mine=mine, prefill=prefill, today=day).fast()
    assert_same_workbook(
        ss.workbook(iset, sub, mine=mine, prefill=prefill, today=day).plain(), fast)
    wb = load_workbook(io.BytesIO(fast))
    assert wb[meta_sheet.SHEET]["B2"].value == "2024-05-06"
    if name == "nasty":
        ws = wb[ss.SHEET_SCORES]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.1.3")
        for key, text in (("reason", NASTY), ("evidence", "=A1"), ("remark", "<&>{{ x }}")):
            cell = ws.cell(row=row, column=ss.col_index(ss.SCORE_COLUMNS, key))
            assert cell.value == text and cell.data_type == "s"


def test_scoresheet_skeleton_per_set_and_profile():
    ss._SKELETONS.clear()
    sheets = _scoresheets()
    for name in ("example", "no-prefill", "nasty", "failing"):
        iset, sub, mine, prefill = sheets[name]
        ss.workbook(iset, sub, mine=mine, prefill=prefill).fast()
    assert len(ss._SKELETONS._items) == 1
    iset, sub, mine, prefill = sheets["underground"]
    ss.workbook(iset, sub, mine=mine, prefill=prefill).fast()
    assert len(ss._SKELETONS._items) == 2


# -- the cell writer -------------------------------------------------------------------------
def test_cell_xml_writes_data_never_formulas():
    assert cell_xml("A1", "3", "=1+1<&>") == \
        '<c r="A1" s="3" t="inlineStr"><is><t>=1+1&lt;&amp;&gt;</t></is></c>'
    assert cell_xml("B2", None, " a ") == \
        '<c r="B2" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
    assert cell_xml("C3", "0", 1.5) == '<c r="C3" t="n"><v>1.5</v></c>'
    assert cell_xml("D4", "2", True) == '<c r="D4" s="2" t="b"><v>1</v></c>'
    assert cell_xml("E5", "2", dt.date(2023, 9, 12)) == '<c r="E5" s="2" t="n"><v>45181</v></c>'
    assert cell_xml("F6", "2", None) == '<c r="F6" s="2" t="n"></c>'
    with pytest.raises(Mismatch):
        cell_xml("G7", "2", Formula("=SUM(A1:A2)"))
    # control characters a workbook cannot hold are left out, as set_value leaves them out
    assert cell_xml("H8", None, "bell\x07 ") == \
        '<c r="H8" t="inlineStr"><is><t xml:space="preserve">bell </t></is></c>'


def test_a_skeleton_that_does_not_fit_falls_back_to_openpyxl(monkeypatch):
    from greenmine_docs.xlsx import fill

    data = _tables()["example"]
    expected = xlsx.workbook(data).plain()

    def refuse(self, real, shape=None):
        raise Mismatch("test")

    monkeypatch.setattr(fill.Skeleton, "fill", refuse)
    with pytest.raises(Mismatch):
        xlsx.workbook(data).fast()
    assert_same_workbook(expected, xlsx.render_xlsx(data))
    iset, sub, mine, prefill = _scoresheets()["example"]
    assert_same_workbook(ss.workbook(iset, sub, mine=mine, prefill=prefill).plain(),
                         ss.build_scoresheet(iset, sub, mine=mine, prefill=prefill))


def test_first_document_of_a_layout_is_built_plainly_then_the_skeleton_is_used():
    """One-off builds never pay for a skeleton; the second document of a layout makes it."""
    write.eager_skeletons(False)
    xlsx._SKELETONS.clear()
    data = prepare(_example(), resolve("national-2020-reference"))
    with pytest.raises(NotCachedYet):
        xlsx.workbook(data).fast()
    first = xlsx.render_xlsx(data)  # plain openpyxl (the layout was met once already above)
    assert len(xlsx._SKELETONS._items) == 1  # ... so this call made the skeleton
    xlsx._SKELETONS.clear()
    plain = xlsx.render_xlsx(data)  # first time again: plain
    assert not xlsx._SKELETONS._items
    assert_same_workbook(first, plain)


# -- the machinery's own paths ---------------------------------------------------------------
def _saved_parts(wb) -> dict:
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("before", ["none", "start-font", "start-border", "end-border",
                                    "inside-value"])
def test_merge_shortcut_gives_what_merge_cells_gives(before):
    """``_merge_cells`` skips openpyxl's per-cell border and protection copies only when they
    change nothing: the saved workbook is the same as with ``ws.merge_cells`` in every case."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side

    from greenmine_docs.xlsx.book import _merge_cells

    thin = Side(style="thin")
    books = []
    for merge in ("openpyxl", "shortcut"):
        wb = Workbook()
        ws = wb.active
        if before == "start-font":
            ws["B2"].font = Font(bold=True)
        elif before == "start-border":
            ws["B2"].border = Border(left=thin, top=thin)
        elif before == "end-border":
            ws["D4"].border = Border(right=thin, bottom=thin)
        elif before == "inside-value":
            ws["C3"] = "lost when merged"
        for r1, c1, r2, c2 in ((2, 2, 4, 4), (6, 1, 6, 5), (8, 3, 10, 3)):
            if merge == "openpyxl":
                ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
            else:
                _merge_cells(ws, r1, c1, r2, c2)
        ws["B2"] = "merged"
        ws["B2"].border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws["C4"].font = Font(italic=True)  # a merged cell styled afterwards
        books.append(_saved_parts(wb))
    assert books[0] == books[1]


def _tiny(book, data: dict):
    """A small builder: merged title, styled rows, a date, a formula, a value only some runs
    give, a height."""
    bold, centre = _tiny_styles()
    t = book.sheet("表")
    t.merge(1, 1, 1, 3)
    t.put(1, 1, "标题", write.look(font=bold, alignment=centre))
    row_look = write.look(alignment=centre)
    for r in range(2, 5):
        t.put_row(r, [f"行{r}", data.get(r), Formula(f"=B{r}*2")], (row_look,) * 3)
    t.value(5, 1, data.get("date"))
    t.touch(6, 2)
    if data.get("late") is not None:
        t.value(6, 2, data["late"])
    if data.get("grey"):
        t.style(3, 2, font=data["grey"])
    t.height(3, data.get("height", 20))
    return None


@functools.lru_cache(maxsize=1)
def _tiny_styles():
    from openpyxl.styles import Alignment, Font

    return Font(bold=True), Alignment(horizontal="center")


def _tiny_fill(data: dict) -> bytes:
    cache = write.SkeletonCache()

    def build(extra):
        ref = write.OpenpyxlBook(record=True)
        _tiny(ref, {})
        return write.make_skeleton(ref, extra)

    book = write.RecordBook()
    _tiny(book, data)
    return cache.fill("k", build, book.records)


def _tiny_plain(data: dict) -> bytes:
    book = write.OpenpyxlBook()
    _tiny(book, data)
    return write.save_workbook(book.wb)  # openpyxl's save, as every workbook of ours is saved


@pytest.mark.parametrize("data", [
    {},
    {2: 1.5, 3: "三", 4: True, "date": dt.date(2024, 1, 2), "height": 40},
    {"late": "只有这次有值"},  # a cell the skeleton's XML lacks: a row it did not have
    {3: 7, "grey": None},
])
def test_tiny_skeleton_fill_equals_openpyxl(data):
    from openpyxl.styles import Font

    if "grey" in data:
        data = {**data, "grey": Font(color="888888")}  # a style the neutral run never used
    assert_same_workbook(_tiny_plain(data), _tiny_fill(data))


def test_other_cells_or_merges_than_the_skeleton_are_a_mismatch():
    from greenmine_docs.xlsx.book import SheetRecord
    from greenmine_docs.xlsx.fill import _changed

    neutral, real = SheetRecord("a"), SheetRecord("a")
    neutral.value(1, 1, "x")
    real.value(1, 1, "x")
    real.value(1, 2, "y")
    with pytest.raises(Mismatch):
        _changed(neutral, real, (list(neutral.values), list(neutral.looks)))
    real = SheetRecord("a")
    real.value(1, 1, "x")
    real.merge(1, 1, 1, 2)
    with pytest.raises(Mismatch):
        _changed(neutral, real, (list(neutral.values), list(neutral.looks)))
    # the same cells written in another order: compared one by one
    neutral, real = SheetRecord("a"), SheetRecord("a")
    for r in (1, 2):
        neutral.value(r, 1, r)
    for r in (2, 1):
        real.value(r, 1, 1.0 if r == 1 else r)  # 1.0 is written otherwise than 1
    assert _changed(neutral, real, (list(neutral.values), [])) == ({write.cell_key(1, 1): 1.0},
                                                                   set())
    # a look changed but not the value: the cell is listed with its value, and among the looks
    bold = write.look(fmt="0.00")
    neutral, real = SheetRecord("a"), SheetRecord("a")
    neutral.value(1, 1, 5)
    real.put(1, 1, 5, bold)
    neutral.apply(1, 1, write.look())
    assert _changed(neutral, real, (list(neutral.values), list(neutral.looks))) == (
        {write.cell_key(1, 1): 5}, {write.cell_key(1, 1)})


def _block(t, looks):
    """Writes of every kind a builder makes, to cells of rows 5–7."""
    bold, centre, dated = looks
    t.merge(5, 1, 5, 3)
    t.apply_range(5, 1, 5, 3, bold)
    t.value(5, 1, "小计")
    t.put(6, 2, Formula("=SUM(B1:B4)"), centre)
    t.apply(6, 2, dated)  # over the look just given
    t.put_row(7, [dt.date(2024, 1, 2), "x", None], (centre, centre, dated))
    t.value(7, 5, dt.date(2024, 1, 3))  # a date without a format: the date's own
    t.touch(7, 6)
    t.height(6, 30)


def test_a_record_takes_what_another_recorded_as_if_written_there():
    """``SheetRecord.take`` (blocks recorded once per indicator set, see the self-check
    table's ``_Sheet.once``) gives what writing the block again gives, in the same order;
    when the block writes a cell already written, nothing is taken."""
    from openpyxl.styles import Alignment, Font

    from greenmine_docs.xlsx.book import SheetRecord

    looks = (write.look(font=Font(bold=True)), write.look(alignment=Alignment(horizontal="center")),
             write.look(fmt="yyyy-mm-dd"))

    def before(t):
        t.put_row(1, ["a", 1, 2.5], (looks[0],) * 3)
        t.height(1, 20)

    direct, taking, block = SheetRecord("表"), SheetRecord("表"), SheetRecord("表")
    before(direct)
    _block(direct, looks)
    before(taking)
    _block(block, looks)
    assert taking.take(block)
    for name in ("values", "looks", "heights"):
        assert list(getattr(taking, name).items()) == list(getattr(direct, name).items())
    assert taking.merges == direct.merges
    # a block that gives a cell a value (or touches it) when it has one, or a look when it
    # has one: not taken, nothing changed
    for cell, kind in (((5, 1), "value"), ((7, 6), "value"), ((5, 2), "look")):
        other = SheetRecord("表")
        if kind == "value":
            other.value(*cell, "已有")
        else:
            other.apply(*cell, looks[1])
        kept = (dict(other.values), dict(other.looks))
        assert not other.take(block)
        assert (other.values, other.looks) == kept and not other.merges and not other.heights


def test_non_ascii_character_references_become_utf8():
    from greenmine_docs.xlsx.fill import _unescape_non_ascii

    xml = '<t>&#30719;&#23665;&amp;&#60;&#9;A&#x41;&#127;&#128;</t>'
    assert _unescape_non_ascii(xml) == '<t>矿山&amp;&#60;&#9;A&#x41;&#127;\x80</t>'
    assert _unescape_non_ascii("<t>plain</t>") == "<t>plain</t>"


def test_with_rows_adds_plain_rows_that_read_back_as_written() -> None:
    """Rows added as XML after a layout openpyxl saved: text stays text (``=`` too), special
    characters and spaces survive, ``None`` is an empty cell, the layout is kept."""
    import openpyxl

    from greenmine_docs.xlsx.write import RowsXml, with_rows

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["序号", "名称", "分数"])
    ws["A1"].font = openpyxl.styles.Font(bold=True)
    ws.freeze_panes = "A2"
    wb.create_sheet("空表").append(["表头"])
    layout = io.BytesIO()
    wb.save(layout)
    rows = [[1, "=1+1", 9.5], [2, "<a & b>", None], [3, "  前后空格 ", ""], [4, "{{ x }}", True]]
    table = RowsXml(2)
    for values in rows:
        table.add(values)
    out = with_rows(layout.getvalue(), {"汇总": table})
    back = load_workbook(io.BytesIO(out))
    got = [[c.value for c in row] for row in back["汇总"].iter_rows(min_row=2)]
    assert got == [[1, "=1+1", 9.5], [2, "<a & b>", None], [3, "  前后空格 ", None],
                   [4, "{{ x }}", True]]
    assert back["汇总"]["B2"].data_type == "s" and back["汇总"]["A1"].font.b
    assert back["汇总"].freeze_panes == "A2" and back["空表"].max_row == 1
