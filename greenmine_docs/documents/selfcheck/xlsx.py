"""The self-check record table as an Excel workbook (filled or blank).

Layout of sheet 自查记录表 (columns A–K as in :data:`.core.COLUMNS`):

* title, the indicator set (with 参考 for unofficial sets), a five-row header block of facts;
* the column header row (repeated on every printed page, panes frozen below it);
* 一、先决条件: one row per prerequisite, 符合/不符合 dropdown in 自查得分;
* 二、评价指标: items grouped by first-level (column B merged) and second-level indicator
  (column C merged); after each group a 小计 row, after each first-level indicator a 合计 row
  with its score ratio; then 总计, 折算得分, 达标线, the conclusion, the enterprise's opinion
  and the sign-off blocks.

Every subtotal, total, ratio and the conclusion are **formulas**, so a table filled by hand
in Excel computes itself, and they evaluate to the scoring engine's numbers (a test recalculates
the file in LibreOffice and compares). Hidden helper columns: L 适用分值 (SUMIF of points whose
score is not 不适用), M 得分率, N 1 when an item is unscored or out of range.
A hidden sheet (:mod:`greenmine_docs.xlsx.meta_sheet`) records the format, the indicator set and
the cell layout, which :mod:`.reader` uses to read a filled table back.

The builder writes through a target of the one workbook writer (:mod:`greenmine_docs.xlsx.write`):
:func:`build_workbook` makes an openpyxl workbook (the reference), :func:`render_xlsx` fills a
skeleton saved once per indicator set (its layout does not depend on the mine) with one mine's
values — same cells, about a tenth of the time.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import field
from dataclasses import fields as dc_fields
from functools import lru_cache, partial
from types import SimpleNamespace
from typing import Any, Callable, Hashable

from ...frozen import frozen, record
from ...memo import remember
from ...scoring import Status, fmt_points
from ...xlsx import meta_sheet
from ...xlsx.write import (CachedWorkbook, Formula, OpenpyxlBook, Part, SkeletonCache,
                          add_validation, column_letter, content_digest, line_count, look,
                          once, per_object)
from .core import (AUTO_NA_NOTE, COL, COLUMNS, FORMAT_TAG, HEADER_FIELDS, MET, NOT_APPLICABLE,
                   NOT_MET, SHEET_NAME, TABLE_TITLE, HeaderFacts, TableData)

FONT_NAME = "宋体"
BODY_PT = 10
LINE_PT = 13.5  # row height per text line at 10 pt
HELPER_COLS = {"applicable": 12, "ratio": 13, "open": 14}  # L, M, N
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
SCORE_FORMAT = "0.00"  # derived scores: two decimals, as in every other document

__all__ = ["Formula", "Layout", "build_workbook", "render_xlsx"]


@record
class Layout:
    """Where things are (1-based rows, A1 cells). Stored as JSON in the meta sheet."""

    header_cells: dict[str, str] = field(default_factory=dict)
    column_header_row: int = 0
    prerequisite_rows: dict[str, int] = field(default_factory=dict)
    item_rows: dict[str, int] = field(default_factory=dict)
    group_rows: dict[str, int] = field(default_factory=dict)
    category_rows: dict[str, int] = field(default_factory=dict)
    total_row: int = 0
    converted_row: int = 0
    pass_row: int = 0
    conclusion_cell: str = ""
    opinion_cell: str = ""
    last_row: int = 0


@lru_cache(maxsize=None)
def _styles() -> SimpleNamespace:
    """The table's style parts, made once: shared by every workbook (described without openpyxl,
    see :mod:`greenmine_docs.xlsx.styles`; sharing them lets cells be compared by identity)."""
    thin = Part("Side", style="thin", color="000000")
    return SimpleNamespace(
        border=Part("Border", left=thin, right=thin, top=thin, bottom=thin),
        font=Part("Font", name=FONT_NAME, size=BODY_PT),
        bold=Part("Font", name=FONT_NAME, size=BODY_PT, bold=True),
        head=Part("Font", name="黑体", size=BODY_PT, bold=True),
        title=Part("Font", name=FONT_NAME, size=18, bold=True),
        subtitle=Part("Font", name=FONT_NAME, size=9, color="444444"),
        grey=Part("Font", name=FONT_NAME, size=BODY_PT, color="666666"),
        conclusion=Part("Font", name="黑体", size=12, bold=True),
        fill_head=Part("PatternFill", "solid", fgColor="D9E2F3"),
        fill_section=Part("PatternFill", "solid", fgColor="EDEDED"),
        fill_sub=Part("PatternFill", "solid", fgColor="F7F7F7"),
        inline_small=Part("InlineFont", rFont=FONT_NAME, sz=8, color="555555"),
        inline_normal=Part("InlineFont", rFont=FONT_NAME, sz=BODY_PT),
    )


@lru_cache(maxsize=None)
def _align(h: str, v: str) -> Any:
    return Part("Alignment", horizontal=h, vertical=v, wrap_text=True)


class _Sheet:
    """Small helpers over a sheet target (:mod:`greenmine_docs.xlsx.book`): write a value into
    a (merged) range with the table's fonts and borders, and keep track of the row heights the
    text needs. ``ws`` is the openpyxl worksheet, ``None`` when only recording."""

    def __init__(self, target: Any) -> None:
        st = _styles()
        self.t = target
        self.ws = target.ws
        self.border = st.border
        self.font, self.bold, self.head = st.font, st.bold, st.head
        self.fill_head, self.fill_section, self.fill_sub = (st.fill_head, st.fill_section,
                                                            st.fill_sub)
        self.heights: dict[int, float] = {}
        self.widths = {i + 1: w for i, (_, _, w) in enumerate(COLUMNS)}
        self._looks: dict[tuple, tuple] = {}

    def looks(self, *, font: Any = None, h: str = "left", v: str = "center", fill: Any = None,
              fmt: str | None = None, border: bool = True) -> tuple:
        """The looks :meth:`put` gives a cell for these options (made once per sheet): the
        look, the look with the number format, the number format alone (``None``: no format)."""
        font = font or self.font
        key = (id(font), id(fill), h, v, border, fmt)
        hit = self._looks.get(key)
        if hit is None:  # the objects are the table's shared styles: their ids stay theirs
            lk = look(font, self.border if border else None, fill, _align(h, v))
            # with a number format: set after the value (a date's own format gives way to it)
            hit = self._looks[key] = (lk, look(*lk[:4], fmt) if fmt else lk,
                                      look(fmt=fmt) if fmt else None)
        return hit

    def put(self, row: int, col: int, value: Any, *, end_col: int | None = None,
            end_row: int | None = None, font: Any = None, h: str = "left", v: str = "center",
            fill: Any = None, fmt: str | None = None, border: bool = True,
            measure: bool = True) -> None:
        lk, whole, fmt_lk = self.looks(font=font, h=h, v=v, fill=fill, fmt=fmt, border=border)
        if (end_col is None or end_col == col) and (end_row is None or end_row == row):
            self.cell(row, col, value, whole, measure)
            return
        t = self.t
        end_col = end_col or col
        end_row = end_row or row
        t.merge(row, col, end_row, end_col)
        t.apply_range(row, col, end_row, end_col, lk)
        t.value(row, col, value)  # text that is not a Formula stays text
        if fmt_lk is not None:
            t.apply(row, col, fmt_lk)
        if measure and isinstance(value, str) and not isinstance(value, Formula):
            width = sum(self.widths.get(c, 8) for c in range(col, end_col + 1))
            lines = line_count(value, width) / (end_row - row + 1)
            self.need(row, lines)

    def cell(self, row: int, col: int, value: Any, lk: tuple, measure: bool = True) -> None:
        """:meth:`put` into one cell with a look from :meth:`looks` (``[1]``)."""
        self.t.put(row, col, value, lk)  # text that is not a Formula stays text
        if measure:
            self.fit(row, col, value)

    def fit(self, row: int, col: int, value: Any) -> None:
        """Make ``row`` as tall as ``value`` (text that is not a Formula) in column ``col``
        needs."""
        if value.__class__ is str or (isinstance(value, str) and not isinstance(value, Formula)):
            height = line_count(value, self.widths.get(col, 8)) * LINE_PT + 4
            if height > self.heights.get(row, 0.0):
                self.heights[row] = height

    def once(self, key: Hashable, write: Callable[[], None]) -> None:
        """``write()``: cells (and the row heights they need) that depend on nothing but
        ``key`` (the indicator set's content and the rows they go in), recorded once on the
        fast path (see :func:`~greenmine_docs.xlsx.book.once`)."""
        def run(target: Any) -> dict[int, float]:
            if target is self.t:  # (written here: so are the heights)
                write()
                return {}
            kept = self.t, self.heights
            self.t, self.heights = target, {}
            try:
                write()
                return self.heights
            finally:
                self.t, self.heights = kept

        heights = self.heights
        for row, h in once(self.t, key, run).items():
            if h > heights.get(row, 0.0):
                heights[row] = h

    def need(self, row: int, lines: float, pt: float = LINE_PT) -> None:
        self.heights[row] = max(self.heights.get(row, 0.0), lines * pt + 4)

    def apply_heights(self, minimum: float = 18) -> None:
        for row, h in self.heights.items():
            self.t.height(row, max(minimum, min(h, 400)))


_SKELETONS = SkeletonCache()


def render_xlsx(data: TableData) -> bytes:
    """The table as ``.xlsx`` bytes (nothing written to disk): the indicator set's cached
    skeleton filled with this table's values; built cell by cell with openpyxl only when the
    skeleton does not fit (which would be a bug: the layout depends on the set alone)."""
    return workbook(data).bytes()


def workbook(data: TableData) -> CachedWorkbook:
    """The table as a cached workbook: its layout depends on the indicator set alone."""
    iset = data.iset
    neutral = TableData(iset=iset, facts=HeaderFacts({}), self_check=None, mine=None,
                        result=None, set_ref="")
    return CachedWorkbook(build=lambda book: _build(book, data),
                          neutral=lambda book: _build(book, neutral),
                          key=content_digest(iset), cache=_SKELETONS,
                          extra_styles=_mine_styles())


@lru_cache(maxsize=None)
def _mine_styles() -> frozenset:
    """Looks that only a mine's data gives cells (the neutral run has no mine): the grey note of
    items the set does not apply to. In the skeleton's style sheet from the start, so the first
    mine with such an item does not make the skeleton a second time."""
    st = _styles()
    return frozenset({look(st.grey, st.border, None, _align("left", "center"))})


def build_workbook(data: TableData) -> tuple[Any, Layout]:
    """The table as an openpyxl workbook (and where things are)."""
    book = OpenpyxlBook()
    layout = _build(book, data)
    return book.wb, layout


def _build(book: Any, data: TableData) -> Layout:
    target = book.sheet(SHEET_NAME)
    ws = target.ws
    sh = _Sheet(target)
    layout = Layout()
    if ws is not None:
        for i, (_, _, width) in enumerate(COLUMNS, start=1):
            ws.column_dimensions[column_letter(i)].width = width
        for col in HELPER_COLS.values():
            ws.column_dimensions[column_letter(col)].hidden = True

    row = _title_and_header(sh, data, layout)
    row = _prerequisites(sh, data, layout, row)
    row = _items(sh, data, layout, row)
    row = _totals(sh, data, layout, row)
    row = _sign_off(sh, data, layout, row)
    layout.last_row = row - 1
    sh.apply_heights()
    if ws is not None:
        _validations(ws, data, layout)
        _print_setup(ws, layout)
    meta = book.sheet(meta_sheet.SHEET)
    if meta.ws is not None:
        meta.ws.sheet_state = "hidden"
        book.wb.properties.title = TABLE_TITLE
    _meta(meta, data, layout)
    return layout


def _title(sh: _Sheet, iset: Any) -> None:
    """Rows 1 and 2: the table's title and the indicator set's."""
    st = _styles()
    last = len(COLUMNS)
    sh.put(1, 1, TABLE_TITLE, end_col=last, font=st.title, h="center", border=False,
           measure=False)
    sh.t.height(1, 30)
    sub = f"评价指标：{iset.display_title}"
    if iset.reference_notice:
        sub += "　　" + iset.reference_notice
    sh.put(2, 1, sub, end_col=last, font=st.subtitle, h="center", border=False)


def _column_header(sh: _Sheet, row: int) -> None:
    """The column header row (repeated on every printed page)."""
    for key, title, _ in COLUMNS:
        sh.put(row, COL[key], title, font=sh.head, h="center", fill=sh.fill_head)
    sh.t.height(row, 28)


def _title_and_header(sh: _Sheet, data: TableData, layout: Layout) -> int:
    sh.once(("selfcheck-title", content_digest(data.iset)), partial(_title, sh, data.iset))
    spans = [(1, 2, 3, 4), (5, 6, 7, 8), (9, 9, 10, 11)]  # label from-to, value from-to
    row = 3
    for fields in HEADER_FIELDS:
        for (key, label), (l1, l2, v1, v2) in zip(fields, spans):
            sh.put(row, l1, label, end_col=l2, font=sh.bold, h="center", fill=sh.fill_sub)
            value = data.facts.get(key)
            sh.put(row, v1, value if value not in (None, "") else None, end_col=v2,
                   fmt=DATE_FORMAT if isinstance(value, dt.date) else None)
            if isinstance(value, str):
                sh.need(row, line_count(value, sum(sh.widths[c] for c in range(v1, v2 + 1))))
            if key == "check_date" and value is None:
                sh.t.number_format(row, v1, DATE_FORMAT)
            layout.header_cells[key] = f"{column_letter(v1)}{row}"
        row += 1
    layout.column_header_row = row
    sh.once(("selfcheck-header", row), partial(_column_header, sh, row))
    return row + 1


def _section(sh: _Sheet, row: int, text: str) -> None:
    sh.put(row, 1, text, end_col=len(COLUMNS), font=sh.head, fill=sh.fill_section)


def _prerequisites(sh: _Sheet, data: TableData, layout: Layout, row: int) -> int:
    pres = data.iset.prerequisites
    if not pres:
        return row
    _section(sh, row, "一、先决条件（任何一项“不符合”，自查结论即为不达标）")
    row += 1
    sc = data.self_check
    for pre in pres:
        ruling = sc.prerequisites.get(pre.id) if sc else None
        sh.put(row, COL["id"], pre.id, h="center")
        text = pre.text + (f"\n佐证：{pre.evidence}" if pre.evidence else "")
        sh.put(row, COL["category"], text, end_col=COL["text"])
        sh.put(row, COL["points"], "否决项", h="center")
        met = None if ruling is None or ruling.met is None else (MET if ruling.met else NOT_MET)
        sh.put(row, COL["score"], met, h="center", font=sh.bold)
        sh.put(row, COL["situation"], data.prerequisite_situation(pre.id) or None,
               end_col=COL["responsible"])
        layout.prerequisite_rows[pre.id] = row
        row += 1
    return row


@frozen(quick_init=False)
class _ItemText:
    """An item's text with its scoring method and applicability after it in small grey type
    (rich text, made for openpyxl only when a cell is written)."""

    text: str
    extra: str

    def to_cell_value(self) -> Any:
        from openpyxl.cell.rich_text import CellRichText, TextBlock

        st = _styles()
        return CellRichText(TextBlock(st.inline_normal.made(), self.text),
                            TextBlock(st.inline_small.made(), "\n" + self.extra))


def _item_texts(iset: Any) -> dict[str, tuple[Any, str]]:
    """:func:`_item_text` of every item of a set, made once per set (the same objects for every
    mine: the skeleton's cells compare by identity)."""
    return per_object("selfcheck-item-texts", iset,
                      lambda s: {item.id: _item_text(item) for item in s.iter_items()})


def _item_text(item: Any) -> tuple[Any, str]:
    """Requirement text, then the scoring method and applicability in small grey type."""
    extra = []
    if item.method:
        extra.append(f"评分：{item.method}")
    if item.applies_to.restricted:
        extra.append(f"（{item.applies_to.describe()}）")
    if not extra:
        return item.text, item.text
    extra_text = "".join(extra)
    return _ItemText(item.text, extra_text), item.text + "\n" + extra_text


# an item row's columns from D (text) on, as :data:`.core.COLUMNS` has them
_ITEM_ROW = ("text", "points", "score", "situation", "problem", "measure", "deadline",
             "responsible")


@lru_cache(maxsize=4096)
def _open_formula(row: int) -> Formula:
    """Helper column N of an item row: 1 when its score is missing or out of range (one object
    per row: the skeleton's cell compares by identity)."""
    E, F = column_letter(COL["points"]), column_letter(COL["score"])
    return Formula(f'=IF({F}{row}="{NOT_APPLICABLE}",0,IF(ISNUMBER({F}{row}),'
                   f'IF(AND({F}{row}>=0,{F}{row}<={E}{row}),0,1),1))')


def _items(sh: _Sheet, data: TableData, layout: Layout, row: int) -> int:
    n_sec = "二、" if data.iset.prerequisites else "一、"
    _section(sh, row, f"{n_sec}评价指标自查评分（满分{fmt_points(data.iset.total_points)}分）")
    row += 1
    sc, result = data.self_check, data.result
    texts = _item_texts(data.iset)
    digest = content_digest(data.iset)  # (the group and category rows depend on it alone)
    # the item rows' cells (as sh.put would write them, without its keyword handling): the
    # item's number, then columns D (text) to K in one call
    t, heights, text_width = sh.t, sh.heights, sh.widths[COL["text"]]
    c_id, c_text, c_open = COL["id"], COL["text"], HELPER_COLS["open"]
    id_width, mine = sh.widths[c_id], data.mine
    if [k for k, _, _ in COLUMNS[c_text - 1:]] != list(_ITEM_ROW):
        raise AssertionError("the item row's columns are those of COLUMNS")
    center, left = sh.looks(h="center")[1], sh.looks()[1]
    score, dated = sh.looks(h="center", font=sh.bold)[1], sh.looks(h="center", fmt="yyyy-mm-dd")[1]
    looks = (left, center, score, left, left, left, dated, left)  # as _ITEM_ROW
    # the widths of the columns whose text makes the row taller (as sh.fit measures it)
    measured = [sh.widths[COL[k]] for k in ("score", "situation", "problem", "measure",
                                            "responsible")]
    for cat in data.iset.categories:
        cat_start = row
        group_rows = []
        for grp in cat.groups:
            g_start = row
            for item in grp.items:
                iid = item.id
                entry = sc.items.get(iid) if sc else None
                r = result.items.get(iid) if result else None
                na_by_set = mine is not None and not item.applies(mine)
                t.put(row, c_id, iid, center)  # (its height: with the others', below)
                rich, plain = texts[iid]
                if na_by_set or (r is not None and r.status is Status.NOT_APPLICABLE):
                    value: Any = NOT_APPLICABLE
                else:
                    value = entry.score if entry is not None else None
                if entry is None:
                    given: list = [None] * 5
                else:
                    given = [entry.situation or None, entry.problem or None,
                             entry.measure or None, entry.deadline, entry.responsible or None]
                t.put_row(row, [rich, item.points, value, *given], looks, c_text)
                # the row's height: as sh.fit for the number (text: an item's id is), sh.need
                # for the item's text, sh.fit for the others
                tallest = heights.get(row, 0.0)
                if line_count(iid, id_width) * LINE_PT + 4 > tallest:
                    tallest = line_count(iid, id_width) * LINE_PT + 4
                lines = line_count(plain, text_width) * 0.9
                for width, v in zip(measured, (value, *given[:3], given[4])):
                    if isinstance(v, str):  # (the input's text, or 不适用: never a Formula)
                        n = line_count(v, width)
                        if n > lines:
                            lines = n
                if lines * LINE_PT + 4 > tallest:
                    tallest = lines * LINE_PT + 4
                heights[row] = tallest
                if na_by_set and not given[0]:
                    sh.put(row, COL["situation"], AUTO_NA_NOTE, font=_styles().grey)
                t.value(row, c_open, _open_formula(row))
                layout.item_rows[iid] = row
                row += 1
            sh.once(("selfcheck-group", digest, grp.id, g_start, row),
                    partial(_group_total, sh, grp, g_start, row))
            layout.group_rows[grp.id] = row
            group_rows.append(row)
            row += 1
        sh.once(("selfcheck-category", digest, cat.id, cat_start, row),
                partial(_category_total, sh, cat, cat_start, row, group_rows))
        layout.category_rows[cat.id] = row
        row += 1
    return row


def _group_total(sh: _Sheet, grp: Any, g_start: int, row: int) -> None:
    """A second-level indicator's label over its item rows (``g_start`` to ``row`` - 1) and
    its 小计 row ``row``."""
    E, F = column_letter(COL["points"]), column_letter(COL["score"])
    g_end = row - 1
    sh.put(g_start, COL["group"], grp.name, end_row=g_end, h="center")
    sh.put(row, COL["group"], f"“{grp.name}”小计", end_col=COL["text"], font=sh.bold,
           fill=sh.fill_sub, h="right")
    sh.put(row, COL["points"], Formula(f"=SUM({E}{g_start}:{E}{g_end})"), h="center",
           font=sh.bold, fill=sh.fill_sub)
    sh.put(row, COL["score"], Formula(f"=SUM({F}{g_start}:{F}{g_end})"), h="center",
           font=sh.bold, fill=sh.fill_sub, fmt=SCORE_FORMAT)
    sh.put(row, COL["situation"], None, end_col=COL["responsible"], fill=sh.fill_sub)
    sh.t.value(row, HELPER_COLS["applicable"], Formula(
        f'=SUMIF({F}{g_start}:{F}{g_end},"<>{NOT_APPLICABLE}",{E}{g_start}:{E}{g_end})'))


def _category_total(sh: _Sheet, cat: Any, cat_start: int, row: int,
                    group_rows: list[int]) -> None:
    """A first-level indicator's label over its rows (``cat_start`` to ``row`` - 1) and its
    合计 row ``row`` (over its groups' 小计 rows ``group_rows``) with its score ratio."""
    E, F = column_letter(COL["points"]), column_letter(COL["score"])
    L, M, N = (column_letter(c) for c in HELPER_COLS.values())
    sh.put(cat_start, COL["category"], cat.name, end_row=row - 1, h="center", font=sh.bold)
    plus = lambda col: Formula("=" + "+".join(f"{col}{r}" for r in group_rows))  # noqa: E731
    sh.put(row, COL["id"], f"“{cat.name}”合计", end_col=COL["text"], font=sh.bold,
           fill=sh.fill_section, h="right")
    sh.put(row, COL["points"], plus(E), h="center", font=sh.bold, fill=sh.fill_section)
    sh.put(row, COL["score"], plus(F), h="center", font=sh.bold, fill=sh.fill_section,
           fmt=SCORE_FORMAT)
    ratio = f"{cat.min_ratio * 100:g}%"
    open_items = f"SUM({N}{cat_start}:{N}{row - 1})"
    sh.put(row, COL["situation"],
           Formula(f'=IF({L}{row}=0,"本项评价内容均不适用，不考核得分率",'
                   f'IF({open_items}>0,"尚有"&{open_items}&"项未评分或得分无效",'
                   f'"得分率"&TEXT({M}{row},"0.0%")'
                   f'&IF({M}{row}>={cat.min_ratio!r},"，达到","，未达到")&"不低于{ratio}的要求"))'),
           end_col=COL["responsible"], font=sh.bold, fill=sh.fill_section)
    sh.t.value(row, HELPER_COLS["applicable"], plus(L))
    sh.t.value(row, HELPER_COLS["ratio"], Formula(f"=IF({L}{row}=0,1,{F}{row}/{L}{row})"))


def _totals(sh: _Sheet, data: TableData, layout: Layout, row: int) -> int:
    """总计, 折算得分, 达标线 and the conclusion (from row ``row``): the set's alone."""
    layout.total_row, layout.converted_row, layout.pass_row = row, row + 1, row + 2
    layout.conclusion_cell = f"{column_letter(COL['points'])}{row + 3}"
    sh.once(("selfcheck-totals", content_digest(data.iset), row),
            partial(_total_rows, sh, data.iset, layout, row))
    return row + 4


def _total_rows(sh: _Sheet, iset: Any, layout: Layout, row: int) -> None:
    """The rows of :func:`_totals` (which has set the layout's fields these set again)."""
    E, F = column_letter(COL["points"]), column_letter(COL["score"])
    L, M, N = (column_letter(c) for c in HELPER_COLS.values())
    cats = list(layout.category_rows.values())
    plus = lambda col: Formula("=" + "+".join(f"{col}{r}" for r in cats))  # noqa: E731
    wide = dict(end_col=COL["text"], font=sh.bold, fill=sh.fill_section, h="right")
    # 总计
    sh.put(row, 1, "总计（实际得分）", **wide)
    sh.put(row, COL["points"], plus(E), h="center", font=sh.bold, fill=sh.fill_section)
    sh.put(row, COL["score"], plus(F), h="center", font=sh.bold, fill=sh.fill_section,
           fmt=SCORE_FORMAT)
    sh.put(row, COL["situation"],
           Formula(f'="适用分值"&{L}{row}&"分（不适用的评价内容不计入）"'),
           end_col=COL["responsible"], fill=sh.fill_section)
    sh.t.value(row, HELPER_COLS["applicable"], plus(L))
    layout.total_row = total = row
    row += 1
    # 折算得分
    full = fmt_points(iset.total_points)
    sh.put(row, 1, f"折算得分（实际得分÷适用分值×{full}）", **wide)
    sh.put(row, COL["points"], iset.total_points, h="center", font=sh.bold, fill=sh.fill_section)
    sh.put(row, COL["score"],
           Formula(f"=IF({L}{total}=0,0,{F}{total}*{iset.total_points!r}/{L}{total})"),
           h="center", font=sh.bold, fill=sh.fill_section, fmt=SCORE_FORMAT)
    sh.put(row, COL["situation"], "无不适用项时，折算得分等于实际得分。",
           end_col=COL["responsible"], fill=sh.fill_section)
    layout.converted_row = conv = row
    row += 1
    # 达标线
    sh.put(row, 1, "达标线", **wide)
    sh.put(row, COL["points"], None, fill=sh.fill_section)
    sh.put(row, COL["score"], iset.pass_line, h="center", font=sh.bold, fill=sh.fill_section)
    sh.put(row, COL["situation"], "折算得分不低于达标线，各一级指标得分率达到要求，且先决条件全部符合，"
           "自查结论为达标。", end_col=COL["responsible"], fill=sh.fill_section)
    layout.pass_row = row
    row += 1
    # 自查结论 (formula)
    pre_rows = list(layout.prerequisite_rows.values())
    item_rows = list(layout.item_rows.values())
    ok_ratios = ",".join(f"{M}{layout.category_rows[c.id]}>={c.min_ratio!r}"
                         for c in iset.categories)
    verdict = (f'IF(AND({F}{conv}>={iset.pass_line!r},{ok_ratios}),"达标","不达标")')
    incomplete = f"SUM({N}{item_rows[0]}:{N}{item_rows[-1]})>0"
    if pre_rows:
        pr = f"{F}{pre_rows[0]}:{F}{pre_rows[-1]}"
        ruled = f'COUNTIF({pr},"{MET}")+COUNTIF({pr},"{NOT_MET}")'
        incomplete = f"OR({ruled}<{len(pre_rows)},{incomplete})"
        formula = f'=IF(COUNTIF({pr},"{NOT_MET}")>0,"不达标",IF({incomplete},"未完成",{verdict}))'
    else:
        formula = f'=IF({incomplete},"未完成",{verdict})'
    sh.put(row, 1, "自查结论", end_col=COL["text"], font=sh.head, h="right")
    sh.put(row, COL["points"], Formula(formula), end_col=COL["score"], h="center",
           font=_styles().conclusion)
    layout.conclusion_cell = f"{E}{row}"
    sh.put(row, COL["situation"], _explanation(iset, layout, f"{E}{row}"),
           end_col=COL["responsible"])
    sh.need(row, 2)


def _explanation(iset: Any, layout: Layout, verdict_cell: str) -> Formula:
    """Why the table's conclusion is what it is, as a formula over the table's own cells (so
    it stays true when the table is filled or changed in Excel): incomplete says only that;
    a veto says only that; otherwise the converted score against the pass line and the
    first-level ratios."""
    F = column_letter(COL["score"])
    M = column_letter(HELPER_COLS["ratio"])
    conv = f"{F}{layout.converted_row}"
    pass_line = fmt_points(iset.pass_line)
    ratios_ok = "AND(" + ",".join(f"{M}{layout.category_rows[c.id]}>={c.min_ratio!r}"
                                  for c in iset.categories) + ")"
    score = (f'"折算得分"&TEXT({conv},"0.00")&"分，"&IF({conv}>={iset.pass_line!r},"达到","未达到")'
             f'&"达标线{pass_line}分；"&IF({ratios_ok},"各一级指标得分率均达到要求。",'
             f'"有一级指标得分率未达到要求。")')
    pre_rows = list(layout.prerequisite_rows.values())
    if pre_rows:
        pr = f"{F}{pre_rows[0]}:{F}{pre_rows[-1]}"
        score = (f'IF(COUNTIF({pr},"{NOT_MET}")>0,"先决条件有不符合项，实行一票否决。",'
                 f'"先决条件全部符合。"&{score})')
    return Formula(f'=IF({verdict_cell}="未完成","评分尚未完成，暂不能得出结论。",{score})')


def _sign_off(sh: _Sheet, data: TableData, layout: Layout, row: int) -> int:
    opinion = data.self_check.opinion if data.self_check else None
    sh.put(row, 1, "企业自查意见", end_col=COL["text"] - 1, font=sh.bold, h="center")
    sh.put(row, COL["text"], opinion or None, end_col=COL["responsible"])
    sh.need(row, 3)
    layout.opinion_cell = f"{column_letter(COL['text'])}{row}"
    row += 1
    blocks = [
        (1, COL["text"], "企业意见：以上自查情况属实。\n\n企业负责人（签字）：\n\n"
         "（企业盖章）\n\n年　　月　　日"),
        (COL["points"], COL["problem"], "县级自然资源主管部门审核意见：\n\n\n\n"
         "（盖章）\n\n年　　月　　日"),
        (COL["measure"], COL["responsible"], "市级自然资源主管部门复核意见：\n\n\n\n"
         "（盖章）\n\n年　　月　　日"),
    ]
    for start, end, text in blocks:
        sh.put(row, start, text, end_col=end, v="top", measure=False)
    sh.t.height(row, 150)
    return row + 1


def _validations(ws: Any, data: TableData, layout: Layout) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ...indicators.numbers import decimals_hint, excel_score_rule

    F, E, J = (column_letter(COL[key]) for key in ("score", "points", "deadline"))
    if layout.prerequisite_rows:
        dv = add_validation(ws, "list", choices=(MET, NOT_MET), title="先决条件",
                            prompt="选择“符合”或“不符合”。",
                            error="请从下拉列表选择“符合”或“不符合”。")
        for r in layout.prerequisite_rows.values():
            dv.add(f"{F}{r}")
    from openpyxl.utils.cell import absolute_coordinate

    check_date = absolute_coordinate(layout.header_cells["check_date"])
    for item_id, r in layout.item_rows.items():
        pts = fmt_points(data.iset.items[item_id].points)
        places = decimals_hint(data.iset.score_decimals)
        dv = DataValidation(
            type="custom", allow_blank=True, showErrorMessage=True, showInputMessage=True,
            formula1=excel_score_rule(f"{F}{r}", f"{E}{r}", NOT_APPLICABLE,
                                      data.iset.score_decimals),
            errorTitle="自查得分",
            error=f"得分应为 0～{pts} 之间的数字{places}，或填“{NOT_APPLICABLE}”。",
            promptTitle="自查得分",
            prompt=f"填 0～{pts} 分{places}；不适用于本矿山时填“{NOT_APPLICABLE}”。")
        dv.add(f"{F}{r}")
        ws.add_data_validation(dv)
    if layout.item_rows:
        rows = list(layout.item_rows.values())
        first = rows[0]
        dv = DataValidation(
            type="custom", allow_blank=True, showErrorMessage=True,
            formula1=(f"AND(ISNUMBER({J}{first}),"
                      f"OR(ISBLANK({check_date}),{J}{first}>={check_date}))"),
            errorTitle="整改时限", error="请填写日期（如 2023-10-31），且不早于自查日期。")
        dv.add(f"{J}{first}:{J}{rows[-1]}")
        ws.add_data_validation(dv)


def _print_setup(ws: Any, layout: Layout) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    hr = layout.column_header_row
    ws.freeze_panes = f"A{hr + 1}"
    ws.print_title_rows = f"{hr}:{hr}"
    ws.print_area = f"A1:{column_letter(len(COLUMNS))}{layout.last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.sheet_view.zoomScale = 90


def _meta(target: Any, data: TableData, layout: Layout) -> None:
    rows = [
        ("format", FORMAT_TAG),
        ("indicator_set", data.set_ref),
        ("indicator_set_id", data.iset.id),
        ("indicator_set_title", data.iset.title),
        ("mode", "blank" if data.blank else "filled"),
        ("mine_standard", data.mine.industry_standard if data.mine else ""),
        ("mine_method", data.mine.method if data.mine else ""),
        ("layout", _layout_json(layout)),
    ]
    blob = per_object("selfcheck-set-json", data.iset, _set_json)
    rows += [("indicator_set_data", blob[i:i + 30000]) for i in range(0, len(blob), 30000)]
    for i, (k, v) in enumerate(rows, start=1):
        target.value(i, 1, k)
        target.value(i, 2, v or "")  # text, whatever it looks like


_LAYOUT_JSON: dict[tuple, str] = {}


def _layout_json(layout: Layout) -> str:
    """The layout as the meta sheet stores it (JSON), made once per layout: the tables of one
    indicator set all have the same. Keyed by its content in order (JSON keeps the order)."""
    key = tuple((f.name, tuple(v.items()) if isinstance(v, dict) else v)
                for f in dc_fields(layout) for v in (getattr(layout, f.name),))
    hit = _LAYOUT_JSON.get(key)
    if hit is None:
        hit = remember(_LAYOUT_JSON, key, json.dumps(
            {f.name: getattr(layout, f.name) for f in dc_fields(layout)}, ensure_ascii=False),
            64)
    return hit


def _set_json(iset: Any) -> str:
    """The set as the table keeps it: its content without the set file's format tag, which
    names the program (the reader builds a set without one)."""
    from ...indicators.dump import to_data

    data = to_data(iset)
    del data["format"]
    return json.dumps(data, ensure_ascii=False)
