"""The six selection conditions (domain.md §1), evaluated on the reference date, plus the rule
that new/rebuilt/expanded mines wait one year after formal production starts."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterator

from ..findings import Finding, make
from ..units import parse_unit, years_of

if TYPE_CHECKING:
    from ..pipeline import Run

PLAUSIBLE_YEARS = 300  # remaining years beyond this come from a wrong unit or a typing slip


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def remaining_years(ctx: Run) -> float | None:
    """Remaining recoverable reserves ÷ annual production, in the same unit (None if units
    are unknown or of different dimensions — reported by the format checks)."""
    r = ctx.submission.reserves
    return years_of(r.remaining.value, r.remaining.unit, r.annual_production.value,
                    r.annual_production.unit)


def _remaining_years(ctx: Run) -> Iterator[Finding]:
    """Selection condition 5 (at least three years of reserves), with what makes the ratio
    meaningless named: no production to divide by, units of different kinds, or a result no
    mine has (a unit slip such as 吨 for 万吨 multiplies it by 10,000)."""
    r = ctx.submission.reserves
    years = remaining_years(ctx)
    if years is not None:
        yield make("GM-I214", f"剩余可采年限 = {r.remaining.value:g} {r.remaining.unit} ÷ "
                   f"{r.annual_production.value:g} {r.annual_production.unit} ≈ {years:.1f} 年。",
                   location=ctx.at("reserves", "remaining"))
        if years < 3:
            yield make("GM-E207", f"剩余可采年限约 {years:.1f} 年，不足三年。",
                       location=ctx.at("reserves", "remaining", "value"))
        elif years > PLAUSIBLE_YEARS:
            yield make("GM-W216", f"按剩余可采储量与年开采量计算，剩余可采年限约 {years:.0f} 年，"
                       f"超过 {PLAUSIBLE_YEARS} 年，明显不合理。",
                       location=ctx.at("reserves", "annual_production", "value"))
        if r.declared_years is not None and abs(r.declared_years - years) > max(0.5, 0.05 * years):
            yield make("GM-W208", f"申报剩余可采年限 {r.declared_years:g} 年，按储量与年开采量"
                       f"计算约 {years:.1f} 年。", location=ctx.at("reserves", "declared_years"))
    elif r.annual_production.value <= 0:
        yield make("GM-E215", "年开采量为 0，无法计算剩余可采年限（遴选条件5）。",
                   location=ctx.at("reserves", "annual_production", "value"))
    elif parse_unit(r.remaining.unit) and parse_unit(r.annual_production.unit):
        yield make("GM-E114", f"剩余可采储量单位“{r.remaining.unit}”与年开采量单位"
                   f"“{r.annual_production.unit}”无法换算，不能计算可采年限。",
                   location=ctx.at("reserves", "annual_production", "unit"))


def _day(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def check(ctx: Run) -> Iterator[Finding]:
    s, day = ctx.submission, ctx.as_of
    lic = s.mine.licence
    # 1. valid licence, normal operation
    if not (lic.valid_from <= day <= lic.valid_to) and lic.valid_from < lic.valid_to:
        state = "已过期" if day > lic.valid_to else "尚未生效"
        yield make("GM-E201", f"采矿许可证有效期 {lic.valid_from} 至 {lic.valid_to}，基准日 "
                   f"{_day(day)} {state}。", location=ctx.at("mine", "licence", "valid_to"))
    elif lic.valid_to >= day:
        plan_end = getattr(s.plan, "period_end", None) if s.plan else None
        if lic.valid_to < add_years(day, 1):
            yield make("GM-W202", f"采矿许可证将于 {lic.valid_to} 到期（距基准日不足一年）。",
                       location=ctx.at("mine", "licence", "valid_to"))
        elif isinstance(plan_end, dt.date) and lic.valid_to < plan_end:
            yield make("GM-W202", f"采矿许可证将于 {lic.valid_to} 到期，早于实施方案期末 "
                       f"{plan_end}。", location=ctx.at("mine", "licence", "valid_to"))
    el = s.eligibility
    if not el.operating_normally:
        yield make("GM-E210", "矿山填报为未正常运营。",
                   location=ctx.at("eligibility", "operating_normally"))
    if el.safety_licence_valid is False:
        yield make("GM-W213", "安全生产许可证填报为无效。",
                   location=ctx.at("eligibility", "safety_licence_valid"))
    # 2. penalties within three years, unrectified
    since = add_years(day, -3)
    for i, p in enumerate(el.penalties):
        if not (since <= p.date <= day):
            continue
        if not p.department.counts_for_selection:
            yield make("GM-I204", f"{p.date} 由{p.authority}作出的处罚（{p.decision_number}）"
                       "属其他部门，不计入遴选条件2。",
                       location=ctx.at("eligibility", "penalties", i, "department"))
            continue
        rectified_in_time = p.rectified and (p.rectified_date is None or p.rectified_date <= day)
        if not rectified_in_time:
            yield make("GM-E203", f"{p.date} {p.department.value}部门（{p.authority}）处罚"
                       f"{p.decision_number}，截至 {_day(day)} 未整改到位。",
                       location=ctx.at("eligibility", "penalties", i, "rectified"))
    # 3. abnormal list, 4. protected areas
    if el.abnormal_list:
        yield make("GM-E205", "矿业权人被列入勘查开采信息公示系统异常名录。",
                   location=ctx.at("eligibility", "abnormal_list"))
    if el.protected_area.overlaps:
        yield make("GM-E206", f"核查结论为矿区范围涉及自然保护地（核查方式：{el.protected_area.method}）。",
                   location=ctx.at("eligibility", "protected_area", "overlaps"))
    # 5. remaining years
    yield from _remaining_years(ctx)
    # 6. plan written and passed
    pr = el.plan_review
    if not (pr.written and pr.passed):
        what = "未编制" if not pr.written else "未通过专家评审"
        yield make("GM-E209", f"绿色矿山建设实施方案{what}。",
                   location=ctx.at("eligibility", "plan_review", "passed"))
    elif pr.date and pr.date > day:
        yield make("GM-E209", f"实施方案评审日期 {pr.date} 晚于基准日 {_day(day)}，基准日时尚未通过评审。",
                   location=ctx.at("eligibility", "plan_review", "date"))
    # new, rebuilt, expanded mines: one year of formal production first
    if s.mine.status.is_new_build:
        start = s.mine.production_start
        if start is None:
            yield make("GM-E212", f"{s.mine.status.value}须填写正式投产日期。",
                       location=ctx.at("mine", "status"))
        elif add_years(start, 1) > day:
            yield make("GM-E211", f"{s.mine.status.value}于 {start} 正式投产，至基准日 {_day(day)} "
                       f"未满一年（{add_years(start, 1)} 起方可验收）。",
                       location=ctx.at("mine", "production_start"))
