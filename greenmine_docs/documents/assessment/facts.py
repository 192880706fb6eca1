"""What the input's eligibility section says about each prerequisite fact, so an agency's
ruling can be compared with it (GM-W529). Keys are those of
:data:`greenmine_docs.indicators.model.PREREQUISITE_FACTS`; ``None`` means the input does not say.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...pipeline import Run


def fact_values(ctx: "Run") -> dict[str, tuple[bool | None, str]]:
    """fact key -> (holds?, Chinese explanation of what the input says)."""
    from ...checks.eligibility import add_years, remaining_years

    s, day = ctx.submission, ctx.as_of
    el, lic = s.eligibility, s.mine.licence
    out: dict[str, tuple[bool | None, str]] = {}
    licence_ok = lic.valid_from <= day <= lic.valid_to
    safety = el.safety_licence_valid
    if not licence_ok:
        out["licences_valid"] = (False, f"采矿许可证有效期 {lic.valid_from} 至 {lic.valid_to}")
    elif safety is False:
        out["licences_valid"] = (False, "安全生产许可证填报为无效")
    else:
        out["licences_valid"] = (True if safety else None, "采矿许可证在有效期内")
    since = add_years(day, -3)
    open_penalties = [p for p in el.penalties
                      if since <= p.date <= day and p.department.counts_for_selection
                      and not (p.rectified and (p.rectified_date is None or
                                                p.rectified_date <= day))]
    out["no_penalty"] = ((False, f"近三年有 {len(open_penalties)} 起处罚未整改到位")
                         if open_penalties else (True, "近三年处罚均已整改到位或无处罚"))
    out["not_abnormal"] = ((False, "填报为列入异常名录") if el.abnormal_list
                           else (True, "填报为未列入异常名录"))
    years = remaining_years(ctx)
    if not el.operating_normally:
        out["operating_reserves"] = (False, "填报为未正常运营")
    elif years is None:
        out["operating_reserves"] = (None, "剩余可采年限无法计算")
    else:
        out["operating_reserves"] = (years >= 3, f"剩余可采年限约 {years:.1f} 年")
    out["no_protected_area"] = ((False, "核查结论为涉及自然保护地") if el.protected_area.overlaps
                                else (True, "核查结论为不涉及自然保护地"))
    pr = el.plan_review
    out["plan_passed"] = ((True, "实施方案已编制并通过评审") if pr.written and pr.passed
                          else (False, "实施方案未编制或未通过评审"))
    return out
