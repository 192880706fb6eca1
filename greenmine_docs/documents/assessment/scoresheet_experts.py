"""The score sheet for several experts (``greenmine scoresheet --experts N``).

Sheets: ``先决条件`` (ruled by the team, once), one item sheet per expert (``专家1-郭振华`` …,
the layout of the one-expert ``评分表``, each with its own scores, reasons and process records),
``汇总`` (the same rows; each score is ``ROUND(AVERAGE(…))`` over the experts' cells, as the
engine rounds the mean), ``得分汇总`` (per first-level indicator, over ``汇总``) and the hidden
sheet of :mod:`greenmine_docs.xlsx.meta_sheet` (which sheet belongs to which expert, read back by
:mod:`.scoresheet_read`).
Written with openpyxl (no cached skeleton: a team's sheet is made once per mine, not per batch).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ...clock import today as clock_today
from ...xlsx.cells import sheet_title
from ...xlsx.write import OpenpyxlBook, save_workbook
from .scoresheet import (_heading, _meta_rows, _styles, _write_meta,
                         _write_prerequisites, _write_scores, _write_summary)

if TYPE_CHECKING:
    from ...indicators.model import IndicatorSet, MineProfile
    from ...model import Submission
    from ...pipeline import Scores

SHEET_MEAN = "汇总"
SHEET_MEAN_SUMMARY = "得分汇总"


def expert_sheet(i: int, name: str) -> str:
    """``专家1-郭振华``: numbered (names may repeat), a valid sheet name
    (:func:`~greenmine_docs.xlsx.cells.sheet_title`) without quotes, which the averaging
    formulas' references would otherwise have to double."""
    return sheet_title(f"专家{i}-{name.replace(chr(39), '')}")


def build_experts_scoresheet(iset: IndicatorSet, submission: Submission, *,
                             mine: MineProfile, names: list[str],
                             prefill: dict[str, Scores | None] | None = None,
                             shared: Scores | None = None, today: dt.date | None = None
                             ) -> bytes:
    """The workbook as bytes; ``prefill``: each expert's scores so far (by name), ``shared``:
    the team's prerequisite rulings."""
    st = _styles()
    book = OpenpyxlBook()
    heading = _heading(iset, submission)
    _write_prerequisites(book, iset, heading, shared, st)
    sheets = tuple(expert_sheet(i, n) for i, n in enumerate(names, start=1))
    for name, sheet in zip(names, sheets):
        _write_scores(book, iset, heading, mine, (prefill or {}).get(name), st, sheet=sheet,
                      title=f"绿色矿山第三方评估打分表（专家：{name}）")
    cat_rows = _write_scores(book, iset, heading, mine, None, st, sheet=SHEET_MEAN,
                             title="绿色矿山第三方评估打分表（各专家平均分）", mean_of=sheets)
    _write_summary(book, iset, heading, cat_rows, st, sheet=SHEET_MEAN_SUMMARY,
                   source=SHEET_MEAN)
    meta = _meta_rows(iset, submission, today or clock_today())
    meta += [("experts", "|".join(names)), ("expert_sheets", "|".join(sheets)),
             ("mean_sheet", SHEET_MEAN)]
    _write_meta(book, meta)
    wb = book.wb
    wb.active = len(sheets) + 1  # the averaged sheet
    wb.properties.title = "绿色矿山第三方评估打分表"
    return save_workbook(wb)
