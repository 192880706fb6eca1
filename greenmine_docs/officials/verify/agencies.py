"""Assessment agencies under supervision (评估机构监督): for mines that had a third-party
assessment, the agency's score and conclusion against the on-site check.

Method (printed in the report): score gap = the agency's total score − the check team's own
score (核查复核得分 in the record, same indicator set and scale), for mines where both exist;
a conclusion is contradicted when the agency concluded 达标 and the check's outcome is 不合格;
an item is "full but deficient" when the agency gave it full points and the check found a
problem on it. An agency is listed for 通报 when any figure reaches the round's threshold
(``rules.agency``). The figures are reported as they are; no judgement of intent is made.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...frozen import frozen
from ...xlsx.read import XlsxFile
from ..mine_list import cell_text as _text
from ..mine_list import norm_name
from .outcome import PENDING
from .record_read import open_workbook
from .round_read import MineResult, RoundResult
from .table_read import read_table

SHEET_TOTALS, SHEET_ITEMS = "评估结论", "评估得分"
PASSED = "达标"


@frozen(quick_init=False)
class Assessment:
    mine: str
    agency: str
    score: float | None
    conclusion: str
    items: dict[str, tuple[float, float]]  # item id -> (points, agency's score)


@dataclass
class AgencyFigures:
    agency: str
    mines: list[str] = field(default_factory=list)  # assessed mines that were checked
    gaps: list[tuple[str, float]] = field(default_factory=list)
    contradicted: list[str] = field(default_factory=list)
    full_but_deficient: list[tuple[str, str]] = field(default_factory=list)  # (mine, item)
    crossed: list[str] = field(default_factory=list)  # thresholds reached, in words

    @property
    def mean_gap(self) -> float | None:
        return sum(g for _, g in self.gaps) / len(self.gaps) if self.gaps else None

    @property
    def largest_gap(self) -> tuple[str, float] | None:
        return max(self.gaps, key=lambda g: g[1]) if self.gaps else None


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _table(wb: XlsxFile, sheet: str, wanted: tuple[str, ...], path: Path) -> list[dict[str, Any]]:
    table = read_table(wb, path, sheet, what="评估结果", required=wanted,
                       sheet_hint="评估结果工作簿应有“评估结论”和“评估得分”两个工作表。")
    return [{w: table.get(r, w) for w in wanted} for r in table.rows
            if any(v not in (None, "") for v in r)]


def read_assessments(path: str | Path) -> dict[str, Assessment]:
    """Mine (normalised name) -> its assessment."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到评估结果工作簿：{path}")
    with open_workbook(path) as wb:
        totals = _table(wb, SHEET_TOTALS, ("矿山名称", "评估机构", "评估得分", "评估结论"), path)
        items = _table(wb, SHEET_ITEMS, ("矿山名称", "指标编号", "分值", "评估得分"), path)
    per_mine: dict[str, dict[str, tuple[float, float]]] = {}
    for r in items:
        points, score = _number(r["分值"]), _number(r["评估得分"])
        if points is not None and score is not None:
            per_mine.setdefault(norm_name(_text(r["矿山名称"])), {})[_text(r["指标编号"])] = (points, score)
    return {norm_name(_text(r["矿山名称"])): Assessment(
        _text(r["矿山名称"]), _text(r["评估机构"]), _number(r["评估得分"]), _text(r["评估结论"]),
        per_mine.get(norm_name(_text(r["矿山名称"])), {})) for r in totals if r["矿山名称"]}


def _one(fig: AgencyFigures, a: Assessment, r: MineResult) -> None:
    fig.mines.append(r.mine.name)
    check = _number(r.record.facts.get("score"))
    if a.score is not None and check is not None:
        fig.gaps.append((r.mine.name, a.score - check))
    if a.conclusion == PASSED and r.outcome.outcome == "不合格":
        fig.contradicted.append(r.mine.name)
    for p in r.record.problems:
        given = a.items.get(p.id)
        if given and given[1] >= given[0]:
            fig.full_but_deficient.append((r.mine.name, p.id))


def supervise(result: RoundResult, assessments: dict[str, Assessment]) -> list[AgencyFigures]:
    """Figures per agency (agencies in name order); ``crossed`` says which thresholds."""
    figures: dict[str, AgencyFigures] = {}
    for r in result.results:
        a = assessments.get(r.mine.key)
        if a is None or r.outcome.outcome == PENDING:
            continue
        _one(figures.setdefault(a.agency, AgencyFigures(a.agency)), a, r)
    t = result.rnd.rules.agency
    for fig in figures.values():
        mean, largest = fig.mean_gap, fig.largest_gap
        if mean is not None and mean >= t.mean_gap_at_least:
            fig.crossed.append(f"平均分差{mean:.1f}分，不低于{t.mean_gap_at_least:g}分")
        if largest is not None and largest[1] >= t.largest_gap_at_least:
            fig.crossed.append(f"最大分差{largest[1]:g}分，不低于{t.largest_gap_at_least:g}分")
        if len(fig.contradicted) >= t.contradicted_at_least:
            fig.crossed.append(f"评估结论被核查结论推翻{len(fig.contradicted)}座")
        if len(fig.full_but_deficient) >= t.full_but_deficient_at_least:
            fig.crossed.append(f"评估满分而核查发现问题的评价内容{len(fig.full_but_deficient)}项次")
    return [figures[k] for k in sorted(figures)]


def frequent_items(figures: list[AgencyFigures]) -> list[tuple[str, int]]:
    """Items most often scored full by an agency but found deficient on site."""
    count = Counter(i for f in figures for _, i in f.full_but_deficient)
    return sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))
