"""Internal consistency of the foundation facts: date order, ranges, units, declared classes."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterator

from ..findings import Finding, make
from ..model import DirectoryLevel, MiningMethod, ScaleClass
from ..units import convert, parse_unit

if TYPE_CHECKING:
    from ..pipeline import Run

# (mineral keyword, method or None, unit, large ≥, medium ≥) — domain.md §5 examples.
_SCALE_RULES = (
    ("煤", MiningMethod.OPEN_PIT, "万吨/年", 400, 100),
    ("煤", None, "万吨/年", 120, 45),
    ("灰岩", None, "万吨/年", 100, 50),
    ("建筑石料", None, "万立方米/年", 10, 5),
    ("建筑用", None, "万立方米/年", 10, 5),
)


def scale_class_for(mineral: str, method: MiningMethod, value: float,
                    unit_text: str) -> ScaleClass | None:
    """The scale class from the thresholds we know, or ``None`` when no rule applies."""
    unit = parse_unit(unit_text)
    if unit is None or not unit.per_year:
        return None
    for keyword, rule_method, rule_unit, large, medium in _SCALE_RULES:
        if keyword not in mineral or (rule_method is not None and rule_method is not method):
            continue
        target = parse_unit(rule_unit)
        assert target is not None
        if target.dimension != unit.dimension:
            return None
        v = convert(value, unit, target)
        return ScaleClass.LARGE if v >= large else ScaleClass.MEDIUM if v >= medium else (
            ScaleClass.SMALL)
    return None


def check(ctx: Run) -> Iterator[Finding]:
    s, day = ctx.submission, ctx.as_of
    lic = s.mine.licence
    if lic.valid_from >= lic.valid_to:
        yield make("GM-E220", f"有效期起 {lic.valid_from} 不早于有效期止 {lic.valid_to}。",
                   location=ctx.at("mine", "licence", "valid_from"))
    if lic.depth_top_m is not None and lic.depth_bottom_m is not None and (
            lic.depth_top_m < lic.depth_bottom_m):
        yield make("GM-W224", f"开采深度上限标高 {lic.depth_top_m:g} 米低于下限标高 "
                   f"{lic.depth_bottom_m:g} 米。", location=ctx.at("mine", "licence", "depth_top_m"))
    if lic.holder != s.enterprise.name:
        yield make("GM-W229", f"采矿权人“{lic.holder}”与企业名称“{s.enterprise.name}”不一致。",
                   location=ctx.at("mine", "licence", "holder"))
    # dates that cannot be after the reference date
    dated: list[tuple[tuple[str | int, ...], dt.date | None, str]] = [
        (("mine", "licence", "issue_date"), lic.issue_date, "发证日期"),
             (("eligibility", "protected_area", "checked_date"), s.eligibility.protected_area.checked_date, "保护地核查日期")]
    dated += [(("eligibility", "penalties", i, "date"), p.date, "处罚日期")
              for i, p in enumerate(s.eligibility.penalties)]
    for path, value, label in dated:
        if value is not None and value > day:
            yield make("GM-W223", f"{label} {value} 晚于基准日 {day}。", location=ctx.at(*path))
    for i, p in enumerate(s.eligibility.penalties):
        if p.rectified_date is not None and p.rectified_date < p.date:
            yield make("GM-E221", f"整改完成日期 {p.rectified_date} 早于处罚日期 {p.date}。",
                       location=ctx.at("eligibility", "penalties", i, "rectified_date"))
        if p.rectified and p.rectified_date is None:
            yield make("GM-W222", "处罚标记为已整改到位，但未填写整改完成日期。",
                       location=ctx.at("eligibility", "penalties", i, "rectified"))
        elif not p.rectified and p.rectified_date is not None:
            yield make("GM-W222", f"处罚标记为未整改到位，却填写了整改完成日期 {p.rectified_date}。",
                       location=ctx.at("eligibility", "penalties", i, "rectified_date"))
    # scale: declared class, production above licensed capacity
    declared = s.mine.scale_class
    computed = scale_class_for(lic.mineral, lic.method, lic.scale.value, lic.scale.unit)
    if declared is not None and computed is not None and declared is not computed:
        yield make("GM-W225", f"生产规模 {lic.scale.value:g} {lic.scale.unit} 按{lic.mineral}"
                   f"{lic.method.value}的划分标准属于{computed.value}，申报为{declared.value}。",
                   location=ctx.at("mine", "scale_class"))
    cap, prod = parse_unit(lic.scale.unit), parse_unit(s.reserves.annual_production.unit)
    if cap and prod and cap.dimension == prod.dimension:
        if convert(s.reserves.annual_production.value, prod, cap) > lic.scale.value * 1.0001:
            yield make("GM-W226", f"年开采量 {s.reserves.annual_production.value:g} "
                       f"{s.reserves.annual_production.unit} 超过核定生产规模 {lic.scale.value:g} "
                       f"{lic.scale.unit}。", location=ctx.at("reserves", "annual_production", "value"))
    elif cap and prod:
        yield make("GM-E114", f"年开采量单位“{s.reserves.annual_production.unit}”与生产规模单位"
                   f"“{lic.scale.unit}”无法换算。",
                   location=ctx.at("reserves", "annual_production", "unit"))
    # directory level and year listed
    m = s.mine
    if (m.directory_level is DirectoryLevel.NONE) != (m.listed_year is None):
        yield make("GM-W227", f"名录级别为“{m.directory_level.value}”，入选年度为"
                   f"“{m.listed_year or '未填'}”。", location=ctx.at("mine", "listed_year"))
    if m.listed_year is not None and m.listed_year > s.campaign.year:
        yield make("GM-W232", f"入选名录年度 {m.listed_year} 晚于工作年度 {s.campaign.year}。",
                   location=ctx.at("mine", "listed_year"))
    # plan review record
    pr = s.eligibility.plan_review
    if pr.passed and not pr.written:
        yield make("GM-E231", "实施方案标记为评审通过，但“是否已编制”为否。",
                   location=ctx.at("eligibility", "plan_review", "written"))
    if pr.passed:
        missing = [label for label, v in (("评审日期", pr.date), ("组织单位", pr.organiser))
                   if not v]
        if len(pr.experts) < 3:
            missing.append(f"评审专家（现有 {len(pr.experts)} 人，一般不少于 3 人）")
        if missing:
            yield make("GM-W230", "实施方案评审记录缺少：" + "、".join(missing) + "。",
                       location=ctx.at("eligibility", "plan_review"))
