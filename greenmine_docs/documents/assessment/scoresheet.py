"""The assessor's score sheet (第三方评估打分表, XLSX), generated from the indicator set for one mine.

Sheets:

* ``先决条件`` — one row per prerequisite, a 符合/不符合 dropdown and a column for the evidence;
* ``评分表`` — a row per first-level indicator and per second-level indicator (their points and
  score are formulas), then one row per item: points, score (validated to 0…points or
  “不适用”), deduction (formula), deduction reason, evidence, photo numbers, remarks; items the
  set says do not apply to this mine are pre-filled “不适用” and shaded;
* ``汇总`` — per first-level indicator: points, applicable points, score, ratio, minimum ratio and
  whether it is met, all as formulas; the converted total and the pass line;
* a hidden sheet (:mod:`greenmine_docs.xlsx.meta_sheet`) — what the sheet was made for (format,
  indicator set, mine), read back by :mod:`.scoresheet_read`.

Print-ready: A4 landscape, fit to the page width, header rows repeated, panes frozen below the
header, page numbers in the footer. Values already in the input's ``assessment`` section are
filled in, so a sheet can be regenerated without losing work done in YAML.

The builder writes through a target of the one workbook writer (:mod:`greenmine_docs.xlsx.write`):
the layout depends only on the indicator set and the mine's profile (which items apply), so it is
saved once per such pair and each mine's sheet only fills in its values (:func:`build_scoresheet`;
``workbook(...).plain()`` writes every cell with openpyxl, the reference).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from ...clock import today as clock_today
from ...cntext import cn_date
from ...frozen import frozen
from ...xlsx import meta_sheet
from ...xlsx.write import (CachedWorkbook, Formula, Part, SkeletonCache, add_validation,
                          column_letter, content_digest, line_count, look, once)

if TYPE_CHECKING:
    from ...indicators.model import IndicatorSet, MineProfile
    from ...model import Submission
    from ...pipeline import Scores

FORMAT_TAG = "score-sheet/1"  # in the hidden sheet (xlsx.meta_sheet)
LEGACY_FORMAT_TAG = "greenmine-scoresheet/1"  # sheets written before it named no program
SHEET_PRE = "先决条件"
SHEET_SCORES = "评分表"
SHEET_SUMMARY = "汇总"
TITLE_ROWS = 3  # title, mine line, set line; the header is the next row


@frozen(quick_init=False)
class Column:
    key: str
    title: str
    width: float  # Excel character units
    wrap: bool = True


SCORE_COLUMNS = (
    Column("id", "编号", 8, wrap=False),
    Column("text", "评价内容及要求", 38),
    Column("method", "评分方法", 24),
    Column("points", "分值", 6, wrap=False),
    Column("score", "评估得分", 8, wrap=False),
    Column("deduction", "扣分", 6, wrap=False),
    Column("check_method", "核查方式", 8, wrap=False),  # 资料 / 现场 / 问询 (dropdown)
    Column("observation", "核查情况", 22),
    Column("reason", "扣分原因", 24),
    Column("suggestion", "整改建议", 20),
    Column("evidence", "佐证材料", 16),
    Column("photos", "照片编号", 9),
    Column("remark", "备注", 14),
    Column("kind", "行类型", 10, wrap=False),  # hidden helper: 一级指标 / 二级指标 / 评价内容
)
PRE_COLUMNS = (
    Column("id", "编号", 8, wrap=False),
    Column("text", "先决条件", 50),
    Column("check", "应核查的材料", 30),
    Column("ruling", "判定", 10, wrap=False),
    Column("evidence", "判定依据", 44),
    Column("remark", "备注", 20),
)
SUMMARY_COLUMNS = (
    Column("id", "编号", 8, wrap=False), Column("name", "一级指标", 26),
    Column("points", "分值", 9, wrap=False), Column("applicable", "适用分值", 10, wrap=False),
    Column("score", "评估得分", 10, wrap=False), Column("ratio", "得分率", 10, wrap=False),
    Column("min", "最低得分率", 11, wrap=False), Column("met", "是否达到", 10, wrap=False))
RULING_CHOICES = ("符合", "不符合")
CHECK_METHODS = ("资料", "现场", "问询")
# columns a sheet made before the process records were added may lack (read as empty)
OPTIONAL_COLUMNS = frozenset({"kind", "check_method", "observation", "suggestion"})
NOT_APPLICABLE = "不适用"
KIND_CATEGORY, KIND_GROUP, KIND_ITEM, KIND_TOTAL = "一级指标", "二级指标", "评价内容", "合计"


def col_letter(columns: tuple[Column, ...], key: str) -> str:
    """The letters of the column with ``key``."""
    return column_letter(next(i for i, c in enumerate(columns, 1) if c.key == key))


def col_index(columns: tuple[Column, ...], key: str) -> int:
    return next(i for i, c in enumerate(columns, 1) if c.key == key)


def header_row() -> int:
    return TITLE_ROWS + 1


# -- styles ---------------------------------------------------------------------------------
_FONT = "宋体"
SCORE_FORMAT = "0.00"  # derived scores (subtotals, totals, converted): two decimals
_HEAD_FILL = "D9E1F2"
_CAT_FILL = "E2EFDA"
_GROUP_FILL = "F2F2F2"
_NA_FILL = "EDEDED"
_INPUT_FILL = "FFF9E5"  # cells the assessor fills in


@lru_cache(maxsize=None)
def _fill(color: str) -> Any:
    """One fill per colour, shared by every sheet (cells are compared by identity)."""
    return Part("PatternFill", "solid", fgColor=color)


@lru_cache(maxsize=None)
def _styles():
    """The sheet's style parts, made once (described without openpyxl, see
    :mod:`greenmine_docs.xlsx.styles`)."""
    thin = Part("Side", style="thin", color="000000")
    return {
        "border": Part("Border", left=thin, right=thin, top=thin, bottom=thin),
        "title": Part("Font", name="黑体", size=16, bold=True),
        "info": Part("Font", name=_FONT, size=10),
        "head": Part("Font", name="黑体", size=10, bold=True),
        "body": Part("Font", name=_FONT, size=10),
        "bold": Part("Font", name=_FONT, size=10, bold=True),
        "wrap": Part("Alignment", wrap_text=True, vertical="center"),
        "center": Part("Alignment", horizontal="center", vertical="center", wrap_text=True),
        # one object per colour: cells share it (see greenmine_docs.xlsx.book.style_cell)
        "fill": _fill,
    }


def _setup_print(ws, *, title_rows: str, freeze: str) -> None:
    """Page setup (openpyxl worksheets only: the layout is part of the cached skeleton)."""
    if ws is None:
        return
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.print_title_rows = title_rows
    ws.freeze_panes = freeze
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = "宋体"
    ws.oddFooter.center.size = 9


def _title(t, columns: tuple[Column, ...], title: str, lines: list[str], st) -> None:
    """Title, heading lines and the column header of a sheet target ``t``."""
    last = len(columns)
    t.merge(1, 1, 1, last)
    t.value(1, 1, title)
    t.style(1, 1, font=st["title"], alignment=st["center"])
    width = sum(c.width for c in columns)  # merged rows wrap over the whole table's width,
    t.height(1, 30 * line_count(title, width, 16))  # and Excel does not grow them itself
    for i, text in enumerate(lines, start=2):
        t.merge(i, 1, i, last)
        t.value(i, 1, text)
        t.style(i, 1, font=st["info"], alignment=st["wrap"])
        t.height(i, 15.0 * line_count(text, width) + 3)
    if t.ws is not None:
        for i, c in enumerate(columns, start=1):
            t.ws.column_dimensions[column_letter(i)].width = c.width
    once(t, ("scoresheet-header", columns), partial(_header, columns=columns, st=st))


def _header(t: Any, *, columns: tuple[Column, ...], st: Any) -> None:
    """The column header row."""
    for i, c in enumerate(columns, start=1):
        t.value(header_row(), i, c.title)
        t.style(header_row(), i, font=st["head"], alignment=st["center"], border=st["border"],
                fill=st["fill"](_HEAD_FILL))
    t.height(header_row(), 24)


def _put(t, row: int, columns: tuple[Column, ...], values: dict[str, Any], st, *,
         font: str = "body", fill: str | None = None, inputs: tuple[str, ...] = ()) -> None:
    """One row: values by column key (text stays text; formulas are :class:`Formula`),
    borders, fills."""
    keys = _row_looks(columns, font, fill, inputs, st)[1]
    _put_values(t, row, columns, list(map(values.get, keys)), st, font=font, fill=fill,
                inputs=inputs)


def _put_values(t, row: int, columns: tuple[Column, ...], values: list, st, *,
                font: str = "body", fill: str | None = None, inputs: tuple[str, ...] = ()
                ) -> None:
    """:func:`_put` with the values in the columns' order."""
    lks, _, (wrapped, widths) = _row_looks(columns, font, fill, inputs, st)
    t.put_row(row, values, lks)
    lines = max(map(line_count, map(values.__getitem__, wrapped), widths))
    t.height(row, max(18.0, 13.5 * lines + 4))


_ROW_LOOKS: dict[tuple, tuple] = {}


def _row_looks(columns: tuple[Column, ...], font: str, fill: str | None,
               inputs: tuple[str, ...], st) -> tuple[tuple, tuple[str, ...], tuple]:
    """Each column's look in a row of this kind, the column keys and the wrapped columns'
    positions and widths (worked out once per kind of row)."""
    key = (id(columns), font, fill, inputs, id(st))
    hit = _ROW_LOOKS.get(key)
    if hit is None or hit[3] is not columns or hit[4] is not st:
        lks = tuple(look(font=st[font], border=st["border"],
                         alignment=st["wrap"] if c.wrap else st["center"],
                         fill=st["fill"](fill) if fill else
                         (st["fill"](_INPUT_FILL) if c.key in inputs else None))
                    for c in columns)
        # (the entry holds columns and st: their ids, in the key, stay theirs)
        hit = (lks, tuple(c.key for c in columns),
               (tuple(i for i, c in enumerate(columns) if c.wrap),
                tuple(c.width for c in columns if c.wrap)),
               columns, st)
        if len(_ROW_LOOKS) >= 256:  # a few kinds of rows: never in practice
            _ROW_LOOKS.clear()
        _ROW_LOOKS[key] = hit
    return hit[:3]


def _score_value(entry) -> Any:
    if entry is None:
        return None
    if entry.not_applicable:
        return NOT_APPLICABLE
    if entry.score is None:
        return None
    return int(entry.score) if float(entry.score).is_integer() else entry.score


def _photos_text(entry) -> str | None:
    if entry is None or not entry.photos:
        return None
    return "、".join(str(n) for n in entry.photos)


def _write_prerequisites(book, iset: "IndicatorSet", heading: list[str],
                         prefill: "Scores | None", st) -> None:
    t = book.sheet(SHEET_PRE)
    ws = t.ws
    _title(t, PRE_COLUMNS, "先决条件判定表", heading, st)
    dv = None  # recording only: validations are part of the cached skeleton
    if ws is not None:
        dv = add_validation(ws, "list", choices=RULING_CHOICES, title="判定",
                            prompt="符合 / 不符合（任一不符合即一票否决）",
                            error="请从下拉列表中选择“符合”或“不符合”。")
    row = header_row()
    for pre in iset.prerequisites:
        row += 1
        entry = prefill.prerequisites.get(pre.id) if prefill else None
        values = {"id": pre.id, "text": pre.text, "check": pre.evidence or None,
                  "ruling": entry.ruling.value if entry and entry.ruling else None,
                  "evidence": entry.evidence if entry else None}
        _put(t, row, PRE_COLUMNS, values, st, inputs=("ruling", "evidence", "remark"))
        if dv is not None:
            dv.add(f"{col_letter(PRE_COLUMNS, 'ruling')}{row}")
    _setup_print(ws, title_rows=f"{header_row()}:{header_row()}", freeze=f"A{header_row() + 1}")


def _write_scores(book, iset: "IndicatorSet", heading: list[str], mine: "MineProfile",
                  prefill: "Scores | None", st, *, sheet: str = SHEET_SCORES,
                  title: str = "绿色矿山第三方评估打分表", mean_of: tuple[str, ...] = ()
                  ) -> dict[str, tuple[int, int, int]]:
    """The item sheet; returns each first-level indicator's row and its items' row range.
    ``mean_of``: the experts' sheets this sheet averages (its scores are then formulas)."""
    t = book.sheet(sheet)
    ws = t.ws
    _title(t, SCORE_COLUMNS, title, heading, st)
    P, S, D, M = (col_letter(SCORE_COLUMNS, k)
                  for k in ("points", "score", "deduction", "check_method"))
    iS, iD = col_index(SCORE_COLUMNS, "score"), col_index(SCORE_COLUMNS, "deduction")
    methods = _method_validation(ws)
    row = header_row()
    cat_rows: dict[str, tuple[int, int, int]] = {}
    digest = content_digest(iset)  # (the indicators' rows depend on it and the sheet alone)
    for cat in iset.categories:
        row += 1
        cat_row = row
        # the indicators' rows with their sums (their number format is set after their items;
        # the rows' values are made only when the block is written, not when it is taken)
        once(t, ("scoresheet-category", digest, sheet, cat.id, row),
             partial(_category_row, row=row, cat=cat, st=st))
        first_item = row + 1
        for grp in cat.groups:
            row += 1
            g_row = row
            once(t, ("scoresheet-group", digest, sheet, grp.id, row),
                 partial(_group_row, row=row, grp=grp, st=st))
            for item in grp.items:
                row += 1
                entry = prefill.items.get(item.id) if prefill else None
                applies = item.applies(mine)
                values = [item.id, item.text, item.method, item.points,  # as _ITEM_ROW
                          _score_value(entry) if applies else NOT_APPLICABLE, _deduction(row),
                          *(_entry_values(entry) if entry else _NO_ENTRY), KIND_ITEM]
                if not applies:
                    values[_REMARK] = (values[_REMARK] or
                                       f"不适用（{item.applies_to.describe()}）")
                    _put_values(t, row, SCORE_COLUMNS, values, st, fill=_NA_FILL)
                elif mean_of:
                    values[_SCORE] = Formula(mean_formula(mean_of, f"{S}{row}",
                                                          iset.score_decimals))
                    _put_values(t, row, SCORE_COLUMNS, values, st)
                    t.number_format(row, iS, _mean_format(iset.score_decimals))
                else:
                    _put_values(t, row, SCORE_COLUMNS, values, st,
                                inputs=("score", "check_method", "observation", "reason",
                                        "suggestion", "evidence", "photos", "remark"))
                    if ws is not None:  # (recording only: validations are in the skeleton)
                        _score_validation(ws, f"{S}{row}", f"{P}{row}", item.points,
                                          iset.score_decimals)
                        methods.add(f"{M}{row}")
            t.number_format(g_row, iS, SCORE_FORMAT)
        t.number_format(cat_row, iS, SCORE_FORMAT)
        cat_rows[cat.id] = (cat_row, first_item, row)
    row += 1
    _put(t, row, SCORE_COLUMNS, {"id": "合计", "text": "全部评价内容实际得分（未折算）",
                                 "points": iset.total_points, "kind": KIND_TOTAL}, st,
         font="bold", fill=_CAT_FILL)
    t.value(row, iS, Formula("=" + "+".join(f"{S}{r[0]}" for r in cat_rows.values())))
    t.number_format(row, iS, SCORE_FORMAT)
    t.value(row, iD, Formula("=" + "+".join(f"{D}{r[0]}" for r in cat_rows.values())))
    if ws is not None:
        _setup_print(ws, title_rows=f"{header_row()}:{header_row()}",
                     freeze=f"B{header_row() + 1}")
        ws.print_area = f"A1:{col_letter(SCORE_COLUMNS, 'remark')}{row}"
        ws.column_dimensions[col_letter(SCORE_COLUMNS, "kind")].hidden = True
    return cat_rows


# an item row's columns (values are listed in this order: SCORE_COLUMNS must agree)
_ITEM_ROW = ("id", "text", "method", "points", "score", "deduction", "check_method",
             "observation", "reason", "suggestion", "evidence", "photos", "remark", "kind")
_SCORE, _REMARK = _ITEM_ROW.index("score"), _ITEM_ROW.index("remark")
_NO_ENTRY = (None,) * 7  # check_method … remark of an item the input did not score
if _ITEM_ROW != tuple(c.key for c in SCORE_COLUMNS):
    raise AssertionError("an item row's values are listed in the order of SCORE_COLUMNS")


def _entry_values(entry: Any) -> tuple:
    """An item's scored values, ``check_method`` to ``remark`` (as :data:`_ITEM_ROW`)."""
    return (entry.check_method.value if entry.check_method else None, entry.observation,
            entry.deduction_reason, entry.suggestion, entry.evidence, _photos_text(entry),
            entry.remark)


def _category_row(t: Any, *, row: int, cat: Any, st: Any) -> None:
    """A first-level indicator's row ``row`` with the sums of its second-level rows."""
    _put(t, row, SCORE_COLUMNS, {"id": cat.id, "text": f"{cat.name}（一级指标）",
                                 "points": cat.points, "kind": KIND_CATEGORY,
                                 **_sums(row, rows=_group_rows(cat, row))},
         st, font="bold", fill=_CAT_FILL)


def _group_row(t: Any, *, row: int, grp: Any, st: Any) -> None:
    """A second-level indicator's row ``row`` with the sums of its item rows under it."""
    _put(t, row, SCORE_COLUMNS, {"id": grp.id, "text": f"{grp.name}（二级指标）",
                                 "points": grp.points, "kind": KIND_GROUP,
                                 **_sums(row, last=row + len(grp.items))},
         st, font="bold", fill=_GROUP_FILL)


@lru_cache(maxsize=4096)
def _deduction(row: int) -> Formula:
    """An item row's deduction: points less score, when scored (one object per row: the
    skeleton's cell compares by identity)."""
    P, S = (col_letter(SCORE_COLUMNS, k) for k in ("points", "score"))
    return Formula(f'=IF(ISNUMBER({S}{row}),{P}{row}-{S}{row},"")')


def _group_rows(cat: Any, cat_row: int) -> tuple[int, ...]:
    """The rows of a first-level indicator's second-level ones (each followed by its items)."""
    rows, row = [], cat_row
    for grp in cat.groups:
        row += 1
        rows.append(row)
        row += len(grp.items)
    return tuple(rows)


def _sums(row: int, *, rows: tuple[int, ...] = (), last: int = 0) -> dict[str, Formula]:
    """An indicator's score and deduction (in row ``row``): the sums of its second-level rows
    ``rows`` (a first-level indicator), or of its item rows, from the next row to ``last``
    (a second-level one; 不适用 and empty cells count 0)."""
    S, D = (col_letter(SCORE_COLUMNS, k) for k in ("score", "deduction"))
    if rows:
        score, deduction = ("=" + "+".join(f"{c}{r}" for r in rows) for c in (S, D))
    else:
        score, deduction = (f"=SUM({c}{row + 1}:{c}{last})" for c in (S, D))
    return {"score": Formula(score), "deduction": Formula(deduction)}


def _mean_format(decimals: int | None) -> str:
    """An item's mean shown with the decimals it is rounded to."""
    return "General" if decimals is None else ("0." + "0" * decimals if decimals else "0")


class _NoCells:
    def add(self, cell: str) -> None:  # recording only: validations are in the skeleton
        pass


def _method_validation(ws) -> Any:
    """The 核查方式 dropdown (资料 / 现场 / 问询), one validation for every item row."""
    if ws is None:
        return _NoCells()
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(CHECK_METHODS) + '"',
                        allow_blank=True, showErrorMessage=True, errorTitle="核查方式",
                        error="请从下拉列表中选择“资料”“现场”或“问询”。",
                        showInputMessage=True, promptTitle="核查方式",
                        prompt="资料：查阅文件台账；现场：实地查看；问询：询问有关人员")
    ws.add_data_validation(dv)
    return dv


def mean_formula(sheets: tuple[str, ...], cell: str, decimals: int | None) -> str:
    """The team's score of one item: the experts' mean, rounded half up as the engine rounds
    it (``score_decimals``, else two decimals); 不适用 when every expert says so."""
    refs = [f"'{name}'!{cell}" for name in sheets]
    places = 2 if decimals is None else decimals
    all_na = "+".join(f'({r}="{NOT_APPLICABLE}")' for r in refs)
    return (f"=IF(COUNT({','.join(refs)})>0,ROUND(AVERAGE({','.join(refs)}),{places}),"
            f'IF({all_na}={len(refs)},"{NOT_APPLICABLE}",""))')


def _score_validation(ws, cell: str, points_cell: str, points: float,
                      decimals: int | None = None) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ...indicators.numbers import decimals_hint, excel_score_rule

    if ws is None:
        return  # recording only: validations are part of the skeleton

    places = decimals_hint(decimals)
    dv = DataValidation(type="custom",
                        formula1=excel_score_rule(cell, points_cell, NOT_APPLICABLE, decimals),
                        allow_blank=True, showErrorMessage=True, errorTitle="评估得分",
                        error=f"得分应为 0～{_num(points)} 之间的数{places}；不适用的项填写“不适用”。",
                        showInputMessage=True, promptTitle="评估得分",
                        prompt=f"0～{_num(points)} 分{places}；不适用填“不适用”")
    dv.add(cell)
    ws.add_data_validation(dv)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _write_summary(book, iset: "IndicatorSet", heading: list[str],
                   cat_rows: dict[str, tuple[int, int, int]], st, *,
                   sheet: str = SHEET_SUMMARY, source: str = SHEET_SCORES) -> None:
    """Per first-level indicator: formulas over the item rows of the score sheet."""
    t = book.sheet(sheet)
    _title(t, SUMMARY_COLUMNS, "评分汇总", heading, st)
    once(t, ("scoresheet-summary", content_digest(iset), source, tuple(cat_rows.items())),
         partial(_summary_rows, iset=iset, cat_rows=cat_rows, st=st, source=source))
    _setup_print(t.ws, title_rows=f"{header_row()}:{header_row()}",
                 freeze=f"C{header_row() + 1}")


def _summary_rows(t: Any, *, iset: "IndicatorSet", cat_rows: dict[str, tuple[int, int, int]],
                  st: Any, source: str) -> None:
    """The summary's rows under its header (they depend on the set and the rows alone)."""
    cols = SUMMARY_COLUMNS
    sc = f"'{source}'!"
    P, S, K = (col_letter(SCORE_COLUMNS, k) for k in ("points", "score", "kind"))
    row = header_row()
    first = row + 1
    for cat in iset.categories:
        row += 1
        cat_row, a, b = cat_rows[cat.id]
        # applicable points: item rows (helper column) whose score is not 不适用
        applicable = Formula(
            f"=SUMIFS({sc}${P}${a}:${P}${b},{sc}${K}${a}:${K}${b},\"{KIND_ITEM}\","
            f"{sc}${S}${a}:${S}${b},\"<>{NOT_APPLICABLE}\")")
        values = {"id": cat.id, "name": cat.name, "points": cat.points,
                  "applicable": applicable, "score": Formula(f"={sc}{S}{cat_row}"),
                  "ratio": Formula(f'=IF(D{row}>0,E{row}/D{row},"—")'), "min": cat.min_ratio,
                  "met": Formula(f'=IF(D{row}>0,IF(F{row}>=G{row},"是","否"),"—")')}
        _put(t, row, cols, values, st)
        t.number_format(row, 5, SCORE_FORMAT)  # E
        t.number_format(row, 6, "0.0%")  # F
        t.number_format(row, 7, "0%")  # G
    last = row
    row += 1
    _put(t, row, cols, {"id": "合计", "name": "全部一级指标", "points": iset.total_points,
                        "applicable": Formula(f"=SUM(D{first}:D{last})"),
                        "score": Formula(f"=SUM(E{first}:E{last})")}, st, font="bold")
    t.number_format(row, 5, SCORE_FORMAT)
    total_row = row
    row += 1
    _put(t, row, cols, {"id": "折算", "name": "折算总分＝实际得分÷适用分值×总分",
                        "points": iset.total_points,
                        "score": Formula(f"=IF(D{total_row}>0,ROUND(E{total_row}/D{total_row}*"
                                         f"C{total_row},2),0)")}, st, font="bold")
    t.number_format(row, 5, SCORE_FORMAT)
    row += 1
    _put(t, row, cols, {"id": "达标线", "name": "达标线（分）", "score": iset.pass_line}, st)
    row += 2
    t.value(row, 1, "说明：本表合计和折算由公式计算，供现场核对；评估结论（含先决条件一票否决）"
            "以评估报告为准。")
    t.style(row, 1, font=st["info"])
    t.merge(row, 1, row, len(cols))


def _meta_rows(iset: "IndicatorSet", submission: "Submission", today: dt.date
               ) -> list[tuple[str, str]]:
    return [("format", FORMAT_TAG), ("created", today.isoformat()), ("indicator_set", iset.id),
            ("indicator_set_title", iset.title), ("mine", submission.mine.name),
            ("licence", submission.mine.licence.number),
            ("items", str(sum(1 for _ in iset.iter_items()))),
            ("prerequisites", str(len(iset.prerequisites)))]


def _write_meta(book, rows: list[tuple[str, str]]) -> None:
    t = book.sheet(meta_sheet.SHEET)
    for r, (k, v) in enumerate(rows, start=1):
        t.value(r, 1, k)
        t.value(r, 2, v)  # text, whatever it looks like
    if t.ws is not None:
        t.ws.sheet_state = "hidden"


def _heading(iset: "IndicatorSet", submission: "Submission") -> list[str]:
    a = submission.assessment
    gap = "　　"  # full-width spaces between the fields of a heading line
    mine_line = (f"矿山名称：{submission.mine.name}{gap}采矿许可证号：{submission.mine.licence.number}"
                 f"{gap}开采方式：{submission.mine.licence.method.value}")
    set_line = f"评价指标：{iset.display_title}{gap}满分{_num(iset.total_points)}分，" \
               f"达标线{_num(iset.pass_line)}分"
    if a is not None:
        set_line += (f"{gap}评估机构：{a.agency.name}{gap}现场评估："
                     f"{cn_date(a.site_visit.start)}至{cn_date(a.site_visit.end)}")
    return [mine_line, set_line]


def _build(book, iset: "IndicatorSet", heading: list[str], mine: "MineProfile",
           prefill: "Scores | None", meta: list[tuple[str, str]]) -> Any:
    """Write the four sheets into ``book``; returns what the layout is (item rows by set)."""
    st = _styles()
    _write_prerequisites(book, iset, heading, prefill, st)
    cat_rows = _write_scores(book, iset, heading, mine, prefill, st)
    _write_summary(book, iset, heading, cat_rows, st)
    _write_meta(book, meta)
    if book.wb is not None:
        book.wb.active = 1
        book.wb.properties.title = "绿色矿山第三方评估打分表"
    return cat_rows


_SKELETONS = SkeletonCache()


def build_scoresheet(iset: "IndicatorSet", submission: "Submission", *, mine: "MineProfile",
                     prefill: "Scores | None" = None) -> bytes:
    """The score sheet workbook as bytes (nothing is written here): the cached skeleton for this
    indicator set and mine profile, filled with this mine's values (built cell by cell only
    when it does not fit, which would be a bug: the layout depends on the set and profile)."""
    return workbook(iset, submission, mine=mine, prefill=prefill).bytes()


def workbook(iset: "IndicatorSet", submission: "Submission", *, mine: "MineProfile",
             prefill: "Scores | None" = None, today: dt.date | None = None) -> CachedWorkbook:
    """The score sheet as a cached workbook: its layout depends on the set and the profile."""
    meta = _meta_rows(iset, submission, today or clock_today())
    heading = _heading(iset, submission)
    return CachedWorkbook(
        build=lambda book: _build(book, iset, heading, mine, prefill, meta),
        neutral=lambda book: _build(book, iset, ["" for _ in heading], mine, None,
                                    [(k, "") for k, _ in meta]),
        key=(content_digest(iset), mine), cache=_SKELETONS)
