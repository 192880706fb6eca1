"""What the self-check table writers need, gathered once: the header facts, the indicator set,
the self-check section (``None`` for a blank table) and the engine's result.

Everything here is independent of the output format; :mod:`.xlsx` and :mod:`.docx_table`
lay it out, :mod:`.reader` reads a filled table back into the same shapes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import TYPE_CHECKING

from ...frozen import record
from ...indicators.model import IndicatorSet, MineProfile
from ...scoring import ItemScore, ScoreResult, score

if TYPE_CHECKING:
    from ...model import Submission
    from ...model.self_check import SelfCheck
    from ...pipeline import Run

TABLE_TITLE = "绿色矿山自查记录表"
SHEET_NAME = "自查记录表"
FORMAT_TAG = "self-check-record/1"  # in the hidden sheet (xlsx.meta_sheet)
LEGACY_FORMAT_TAG = "greenmine-selfcheck/1"  # tables written before the sheet named no program

# The item table's columns (A..K): key, header, width in Excel character units.
COLUMNS: list[tuple[str, str, float]] = [
    ("id", "序号", 7),
    ("category", "一级指标", 8),
    ("group", "二级指标", 10),
    ("text", "评价内容与要求", 42),
    ("points", "分值", 6),
    ("score", "自查得分", 8),
    ("situation", "自查情况及佐证材料", 30),
    ("problem", "存在问题", 18),
    ("measure", "整改措施", 18),
    ("deadline", "整改时限", 11),
    ("responsible", "责任人", 8),
]
COL = {key: i + 1 for i, (key, _, _) in enumerate(COLUMNS)}  # 1-based column numbers

# Header block: (key, label). Three label/value pairs per row.
HEADER_FIELDS: list[list[tuple[str, str]]] = [
    [("mine_name", "矿山名称"), ("holder", "采矿权人"), ("mineral", "开采矿种")],
    [("uscc", "统一社会信用代码"), ("licence_number", "采矿许可证号"), ("method", "开采方式")],
    [("place", "所在市、县（区）"), ("directory", "名录级别（年度）"), ("scale", "生产规模")],
    [("check_date", "自查日期"), ("filled_by", "填表人"), ("phone", "联系电话")],
    [("reviewer", "审核人（企业负责人）"), ("standard", "适用行业标准"), ("year", "工作年度")],
]
# Fields of the header block that belong to the self-check section (read back from a table).
SECTION_HEADER_KEYS = ("check_date", "filled_by", "phone", "reviewer")

NOT_APPLICABLE = "不适用"
AUTO_NA_NOTE = "按所用指标体系的适用范围，本项不适用于本矿山，不计分。"
MET, NOT_MET = "符合", "不符合"


@record
class HeaderFacts:
    """The header block's values as text (dates as :class:`datetime.date`)."""

    values: dict[str, object] = field(default_factory=dict)

    def get(self, key: str) -> object:
        return self.values.get(key)

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            from ...docx.cn import cn_date

            return cn_date(value)
        return str(value)


@record
class TableData:
    iset: IndicatorSet
    facts: HeaderFacts
    self_check: "SelfCheck | None"  # None: a blank table
    mine: MineProfile | None
    result: ScoreResult | None
    set_ref: str  # what campaign.indicator_set said (built-in id or path)
    pre_facts: dict[str, str] = field(default_factory=dict)  # prerequisite id -> input's facts

    @property
    def blank(self) -> bool:
        return self.self_check is None

    def prerequisite_situation(self, pre_id: str) -> str:
        """The 自查情况及佐证材料 of a prerequisite: the enterprise's note, else what the input's
        eligibility facts say about it ("" when neither)."""
        ruling = self.self_check.prerequisites.get(pre_id) if self.self_check else None
        if ruling is not None and ruling.note:
            return ruling.note
        return self.pre_facts.get(pre_id, "")


def facts_from_submission(sub: "Submission | None", sc: "SelfCheck | None") -> HeaderFacts:
    v: dict[str, object] = {}
    if sub is not None:
        m, lic = sub.mine, sub.mine.licence
        v.update(
            mine_name=m.name, holder=lic.holder, mineral=lic.mineral, uscc=sub.enterprise.uscc,
            licence_number=lic.number, method=lic.method.value,
            place=f"{m.location.city}{m.location.county}",
            directory=m.directory_level.value + (f"（{m.listed_year}年）" if m.listed_year else ""),
            scale=f"{_num(lic.scale.value)}{lic.scale.unit}",
            standard=m.industry_standard.value if m.industry_standard else "",
            year=f"{sub.campaign.year}年",
        )
    if sc is not None:
        v.update(check_date=sc.check_date, filled_by=sc.filled_by, phone=sc.phone or "",
                 reviewer=sc.reviewer or "")
    return HeaderFacts(v)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def item_scores(sc: "SelfCheck") -> dict[str, ItemScore]:
    """The engine's view of a self-check section. The deduction reason is the problem written;
    for a not-applicable item the reason is the situation text."""
    out = {}
    for ref, e in sc.items.items():
        reason = (e.situation if e.not_applicable else e.problem) or ""
        out[ref] = ItemScore(score=e.score, not_applicable=e.not_applicable, reason=reason)
    return out


def prerequisite_rulings(sc: "SelfCheck") -> dict[str, bool | None]:
    return {ref: r.met for ref, r in sc.prerequisites.items()}


def score_self_check(sc: SelfCheck, iset: IndicatorSet, mine: MineProfile | None
                     ) -> ScoreResult:
    """The engine's result for a self-check (from the input or read back from a table)."""
    return score(iset, item_scores(sc), prerequisite_rulings(sc), mine)


def score_section(run: Run) -> None:
    """The scoring stage for the input's ``self_check`` section: scored once per run, for its
    checks, its table and the assessment report's comparison."""
    from ...indicators import profile_of

    sc = run.submission.self_check
    if sc is not None and run.indicator_set is not None:
        run.scores.self_check = score_self_check(sc, run.indicator_set, profile_of(run.submission))


def prepare(sub: Submission | None, iset: IndicatorSet, *, set_ref: str = "",
            blank: bool = False, result: ScoreResult | None = None) -> TableData:
    """Gather a table's data. ``blank`` ignores the input's self-check section (the header keeps
    the mine's facts so each enterprise gets its own pre-filled blank table). ``result``: the
    run's score of the section (scored here when not given)."""
    from ...indicators import profile_of

    sc = None if blank or sub is None else sub.self_check
    mine = profile_of(sub) if sub is not None else None
    if sc is None:
        result = None
    elif result is None:
        result = score_self_check(sc, iset, mine)
    pre_facts = prerequisite_facts(sub, iset) if sc is not None and sub is not None else {}
    return TableData(iset=iset, facts=facts_from_submission(sub, sc), self_check=sc, mine=mine,
                     result=result, set_ref=set_ref or iset.id, pre_facts=pre_facts)


def prerequisite_facts(sub: "Submission", iset: IndicatorSet) -> dict[str, str]:
    """For each prerequisite tied to a fact, the input's facts about it as a record table
    states them (licence number and validity, remaining years, how the protected-area check
    was done …). Only what the input holds is written."""
    from ...checks.evidence import fact_text

    out = {}
    for pre in iset.prerequisites:
        text = fact_text(sub, pre.fact) if pre.fact else ""
        if text:
            out[pre.id] = text
    return out
