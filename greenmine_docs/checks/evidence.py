"""What the input's eligibility facts say about each prerequisite (selection condition), as the
self-check table's 自查情况及佐证材料 and the self-evaluation report's evidence column write it
(shared below the documents: documents never import each other). Written from the input's
eligibility facts (licence, penalties, abnormal list, reserves, protected areas, plan review),
as a careful enterprise fills them in: the licence's number and validity, the years of reserves
and the report they come from, who checked the protected areas, how and when.

Each function states only what the input holds; a fact the input does not give is left out.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable

from ..clock import today
from ..cntext import cn_date
from ..units import fmt_number, per_year_amount, years_of

if TYPE_CHECKING:
    from ..model import Submission


def _as_of(sub: "Submission") -> dt.date:
    sc = sub.self_check
    if sc is not None and sc.check_date is not None:
        return sc.check_date
    return sub.campaign.reference_date or today()


def licences(sub: "Submission") -> str:
    lic = sub.mine.licence
    text = (f"采矿许可证{lic.number}，有效期{cn_date(lic.valid_from)}至{cn_date(lic.valid_to)}，"
            f"发证机关{lic.issuer}")
    safety = sub.eligibility.safety_licence_valid
    if safety is not None:
        text += "；安全生产许可证" + ("在有效期内" if safety else "不在有效期内")
    return text + "。"


def penalties(sub: "Submission", day: dt.date | None = None) -> str:
    from .eligibility import add_years

    day = day or _as_of(sub)
    recent = [p for p in sub.eligibility.penalties
              if add_years(day, -3) <= p.date <= day and p.department.counts_for_selection]
    if not recent:
        return "近三年未受到自然资源、生态环境、应急管理部门行政处罚。"
    parts = []
    for p in recent:
        state = (f"已于{cn_date(p.rectified_date)}整改到位" if p.rectified and p.rectified_date
                 else "已整改到位" if p.rectified else "尚未整改到位")
        evidence = f"，见{p.evidence}" if p.evidence else ""
        parts.append(f"{cn_date(p.date)}{p.authority}处罚（{p.decision_number}，{p.reason}），"
                     f"{state}{evidence}")
    return f"近三年受到行政处罚{len(recent)}起：" + "；".join(parts) + "。"


def abnormal(sub: "Submission") -> str:
    if sub.eligibility.abnormal_list:
        return "矿业权人被列入勘查开采信息公示系统异常名录。"
    return "矿业权人未被列入勘查开采信息公示系统异常名录。"


def reserves(sub: "Submission") -> str:
    r = sub.reserves
    source = f"据{r.report_title}，" if r.report_title else ""
    text = (f"{source}截至{r.report_year}年底剩余可采储量{fmt_number(r.remaining.value)}"
            f"{r.remaining.unit}，年开采量"
            f"{per_year_amount(r.annual_production.value, r.annual_production.unit)}")
    years = years_of(r.remaining.value, r.remaining.unit, r.annual_production.value,
                     r.annual_production.unit)
    if years is not None:
        text += f"，可采约{years:.1f}年"
    state = "矿山正常生产；" if sub.eligibility.operating_normally else "矿山未正常生产；"
    return state + text + "。"


def protected_area(sub: "Submission") -> str:
    pa = sub.eligibility.protected_area
    who = pa.checked_by or ""
    when = f"于{cn_date(pa.checked_date)}" if pa.checked_date else ""
    done = f"{who}{when}" if who or when else ""
    result = "涉及自然保护地（禁采区）" if pa.overlaps else "不涉及自然保护地（禁采区）"
    lead = f"{done}进行了" if done else "经"
    return f"{lead}{pa.method}，矿区范围{result}。"


def plan_review(sub: "Submission") -> str:
    pr = sub.eligibility.plan_review
    if not pr.written:
        return "尚未编制绿色矿山建设实施方案。"
    if not pr.passed:
        return "已编制绿色矿山建设实施方案，尚未通过专家评审。"
    when = f"于{cn_date(pr.date)}" if pr.date else ""
    by = f"通过{pr.organiser}组织的专家评审" if pr.organiser else "通过专家评审"
    opinion = f"（{pr.opinion}）" if pr.opinion else ""
    return f"绿色矿山建设实施方案已编制，{when}{by}{opinion}。"


_FACTS: dict[str, Callable[["Submission"], str]] = {
    "licences_valid": licences,
    "no_penalty": penalties,
    "not_abnormal": abnormal,
    "operating_reserves": reserves,
    "no_protected_area": protected_area,
    "plan_passed": plan_review,
}


def fact_text(sub: "Submission", fact: str, as_of: dt.date | None = None) -> str:
    """What the input says about a prerequisite fact (a key of ``PREREQUISITE_FACTS``);
    penalties count back three years from ``as_of`` (default: the self-check's date)."""
    if fact == "no_penalty":
        return penalties(sub, as_of)
    writer = _FACTS.get(fact)
    return writer(sub) if writer is not None else ""


# -- the six selection conditions (domain.md §1) ----------------------------------------------

CONDITIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("持有有效采矿许可证，矿山正常运营", ("GM-E201", "GM-E210", "GM-E211", "GM-E212"),
     "licences_valid"),
    ("近三年未受到自然资源、生态环境、应急管理部门行政处罚，或已整改到位", ("GM-E203",),
     "no_penalty"),
    ("未被列入矿业权人勘查开采信息公示系统异常名录", ("GM-E205",), "not_abnormal"),
    ("矿区范围不涉及自然保护地", ("GM-E206",), "no_protected_area"),
    ("剩余可采储量可采年限不少于三年", ("GM-E207",), "operating_reserves"),
    ("已编制绿色矿山建设实施方案并通过专家评审", ("GM-E209",), "plan_passed"),
)
"""Each selection condition: its name, the eligibility checks' codes that say it fails, and the
fact that states its evidence. Whether a condition holds is decided by
:mod:`greenmine_docs.checks.eligibility` alone (the one engine); this only reads its findings."""


def condition_results(codes: set[str]) -> list[tuple[str, bool, list[str]]]:
    """(condition, holds, the failing codes) for each of the six, from a run's finding codes."""
    out = []
    for name, failing, _ in CONDITIONS:
        hit = sorted(c for c in failing if c in codes)
        out.append((name, not hit, hit))
    return out
