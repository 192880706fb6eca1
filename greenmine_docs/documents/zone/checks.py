"""Checks of a zone file (run by :func:`greenmine_docs.api.zone_plan` before rendering).

Every mine file readable and fitting the model (a broken one is a warning and is listed in the
plan, never fatal); a mine listed twice or lying outside the zone's counties; targets not below
their baseline (not above it where lower is better) and within the period; investments adding
up (each project's years, the stated total); projects within the period; the narrative's keys
in the outline, required sections written, files usable.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...errors import InputError
from ...findings import Finding, make
from ...money import cents, money, split_by_year
from .data import ZoneData, zone_data

if TYPE_CHECKING:
    from ...pipeline import ZoneRun


def check(zone_run: "ZoneRun") -> Iterator[Finding]:
    if zone_run.model is None:
        return
    data = zone_data(zone_run)
    yield from _mines(data)
    yield from _period(data)
    yield from _targets(data)
    yield from _investment(data)
    yield from _narrative(data)


def _mines(data: ZoneData) -> Iterator[Finding]:
    run, zone = data.zone_run, data.zone
    for entry in data.broken:
        yield make("GM-W951", f"矿山文件“{entry.listed}”无法使用：{entry.error}",
                   location=run.at("mines", entry.index))
    seen: dict[str, int] = {}
    counties = set(zone.extent.counties)
    for m in data.mines:
        licence = m.sub.mine.licence.number
        if licence in seen:
            yield make("GM-W952", f"矿山“{m.name}”（采矿许可证{licence}）重复列出（另见第"
                                  f"{seen[licence] + 1}个文件）。",
                       location=run.at("mines", m.entry.index))
        seen.setdefault(licence, m.entry.index)
        county = m.sub.mine.location.county
        if county not in counties:
            yield make("GM-W953", f"矿山“{m.name}”位于{county}，不在示范区范围"
                                  f"（{'、'.join(zone.extent.counties)}）内。",
                       location=run.at("mines", m.entry.index))
        if not m.all_met:
            yield make("GM-I954", f"矿山“{m.name}”目前不符合遴选条件：" + "；".join(m.failing),
                       location=run.at("mines", m.entry.index))


def _period(data: ZoneData) -> Iterator[Finding]:
    run, zone = data.zone_run, data.zone
    p = zone.period
    if p.end < p.start:
        yield make("GM-E955", f"建设期限截止日期 {p.end} 早于起始日期 {p.start}。",
                   location=run.at("period", "end"))
        return
    for i, pr in enumerate(zone.projects):
        if pr.end < pr.start:
            yield make("GM-E955", f"重点工程“{pr.name}”的完成时间 {pr.end} 早于开始时间 {pr.start}。",
                       location=run.at("projects", i, "end"))
        elif pr.start < p.start or pr.end > p.end:
            yield make("GM-E955", f"重点工程“{pr.name}”（{pr.start} 至 {pr.end}）超出建设期限 "
                                  f"{p.start} 至 {p.end}。",
                       location=run.at("projects", i, "start" if pr.start < p.start else "end"))


def _targets(data: ZoneData) -> Iterator[Finding]:
    run, zone = data.zone_run, data.zone
    for i, t in enumerate(zone.targets):
        worse = t.target > t.baseline if t.lower_is_better else t.target < t.baseline
        if worse:
            word = "高于" if t.lower_is_better else "低于"
            yield make("GM-E956", f"目标“{t.name}”的目标值 {t.target:g} {word}基期值 {t.baseline:g}。",
                       location=run.at("targets", i, "target"))
        if not zone.period.start.year <= t.year <= zone.period.end.year:
            yield make("GM-W957", f"目标“{t.name}”的目标年份 {t.year} 年不在建设期限"
                                  f"（{zone.period.start.year}—{zone.period.end.year}年）内。",
                       location=run.at("targets", i, "year"))


def _investment(data: ZoneData) -> Iterator[Finding]:
    run, zone = data.zone_run, data.zone
    for i, pr in enumerate(zone.projects):
        if pr.by_year:
            split = sum(split_by_year(pr).values())
            if split != cents(pr.investment):
                yield make("GM-E958", f"重点工程“{pr.name}”分年度投资合计 {money(split):,.2f} 万元，"
                                      f"与其投资 {pr.investment:,.2f} 万元不一致。",
                           location=run.at("projects", i, "by_year"))
            outside = [y for y in pr.by_year if not pr.start.year <= y <= pr.end.year]
            if outside:
                yield make("GM-E955", f"重点工程“{pr.name}”在实施时间之外的年度 "
                                      f"{'、'.join(map(str, outside))} 安排了投资。",
                           location=run.at("projects", i, "by_year"))
    total = sum(cents(pr.investment) for pr in zone.projects)
    if zone.total_investment is not None and cents(zone.total_investment) != total:
        yield make("GM-E958", f"各重点工程投资合计 {money(total):,.2f} 万元，与总投资 "
                              f"{zone.total_investment:,.2f} 万元不一致。",
                   location=run.at("total_investment"))


def _narrative(data: ZoneData) -> Iterator[Finding]:
    run = data.zone_run
    known = [s.key for _, s in data.outline.sections()]
    for key in data.zone.narrative:
        if key not in known:
            yield make("GM-W959", f"narrative 中的“{key}”不是提纲中的节，这段文字不会出现在方案中。",
                       location=run.at("narrative", key), hint="可用的键：" + "、".join(known))
    for chapter, section in data.outline.sections():
        try:
            text = data.narrative(section.key)
        except InputError as e:
            yield make("GM-E960", e.message, location=run.at("narrative", section.key),
                       hint=e.hint or None)
            continue
        only_text = section.fill == ("narrative",)
        if text is None and only_text and chapter.required and section.required:
            yield make("GM-E961", f"“{chapter.title}—{section.title}”一节没有内容（提纲要求必须编写）。",
                       location=run.at("narrative"), hint=f"在 narrative.{section.key} 中编写文字。")
