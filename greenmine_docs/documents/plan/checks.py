"""Plan checks, run before generating (declared in the plan's spec, run for every input).

Every required outline section has content; task investments add up to the stated total; tasks
and milestones lie within the plan period; every first-level indicator has a task or a stated
reason; targets lie in the future of the reference date; numbers quoted in the narrative that
contradict the structured facts (capacity, area, reserves) are warnings.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ...errors import ConfigError, InputError
from ...findings import Finding, Location, make
from .data import CategoryRef, NarrativeText, PlanData, cents, money, plan_data, split_by_year
from .outline import Chapter, Section

if TYPE_CHECKING:
    from ...model.plan import GapRow
    from ...pipeline import Run


def check(ctx: "Run") -> Iterator[Finding]:
    if ctx.submission.plan is None:
        return
    try:
        data = plan_data(ctx)
    except (InputError, ConfigError) as e:
        yield make("GM-E407", e.message, location=ctx.at("plan", "outline"), hint=e.hint or None)
        return
    yield from _period(data)
    yield from _narrative_keys(data)
    yield from _required_sections(data)
    yield from _investment(data)
    yield from _categories(data)
    yield from _targets(data)
    yield from _facts_in_narrative(data)


# -- time ------------------------------------------------------------------------------------

def _period(data: PlanData) -> Iterator[Finding]:
    plan, ctx = data.plan, data.ctx
    p = plan.period
    if p.end < p.start:
        yield make("GM-E403", f"方案期限截止日期 {p.end} 早于起始日期 {p.start}。",
                   location=ctx.at("plan", "period", "end"))
        return
    if plan.date > ctx.as_of:
        yield make("GM-W416", f"编制日期 {plan.date} 晚于基准日期 {ctx.as_of}。",
                   location=ctx.at("plan", "date"))
    for i, t in enumerate(plan.tasks):
        name = _short(t.content)
        if t.end < t.start:
            yield make("GM-E403", f"任务“{name}”的完成时间 {t.end} 早于开始时间 {t.start}。",
                       location=ctx.at("plan", "tasks", i, "end"))
            continue
        if t.start < p.start or t.end > p.end:
            field = "start" if t.start < p.start else "end"
            yield make("GM-E403",
                       f"任务“{name}”（{t.start} 至 {t.end}）超出方案期限 {p.start} 至 {p.end}。",
                       location=ctx.at("plan", "tasks", i, field))
    for i, m in enumerate(plan.milestones):
        if not p.start <= m.date <= p.end:
            yield make("GM-W413", f"关键节点“{_short(m.content)}”（{m.date}）不在方案期限内。",
                       location=ctx.at("plan", "milestones", i, "date"))


# -- outline ------------------------------------------------------------------------------------

def _narrative_keys(data: PlanData) -> Iterator[Finding]:
    known = set(data.outline.section_keys)
    for key in data.plan.narrative:
        if key not in known:
            yield make("GM-W408", f"plan.narrative 中的“{key}”不是提纲中的节，这段文字不会出现在方案中。",
                       location=data.ctx.at("plan", "narrative", key),
                       hint="可用的键：" + "、".join(data.outline.section_keys))


def source_has_content(data: PlanData, source: str, category=None) -> bool:
    """Whether one ``fill`` source of a section gives it content (for one category when the
    section repeats per first-level indicator)."""
    plan = data.plan
    if source.startswith("facts:"):
        return True
    if source == "table:gaps":
        return bool(gap_rows_for(data, category)) if category else bool(plan.gaps)
    if source == "table:targets":
        return bool(plan.targets)
    if source == "table:tasks":
        if category is not None:
            return bool(data.tasks_of(category)) or bool(data.no_task_reason(category))
        return bool(plan.tasks)
    if source in ("table:schedule", "chart:gantt", "table:task_list",
                  "table:investment_by_category", "table:investment_by_year"):
        return bool(plan.tasks)
    if source == "table:milestones":
        return bool(plan.milestones)
    if source == "table:funding":
        return bool(plan.funding)
    return False


def section_has_content(data: PlanData, section: Section, category=None) -> bool:
    """True when any of the section's sources has something to show. Narrative files that
    cannot be read raise :class:`InputError`."""
    for source in section.fill:
        if source == "narrative":
            text = data.narrative(section.key, category.id if category else None)
            if text is not None and text.text.strip():
                return True
        elif source_has_content(data, source, category):
            return True
    return False


def gap_rows_for(data: PlanData, category: CategoryRef | None) -> list[tuple[int, GapRow]]:
    """The gap rows (with their index) about ``category``. Each row's first-level indicator is
    worked out once per plan data: the checks and the plan ask for every category."""
    of = data._gap_categories
    if of is None:
        of = data._gap_categories = [category_of_indicator(data, g.indicator)
                                     for g in data.plan.gaps]
    return [(i, g) for (i, g), in_category in zip(enumerate(data.plan.gaps), of)
            if in_category == category]


def category_of_indicator(data: PlanData, indicator_id: str):
    """The first-level indicator an indicator id (category, group or item) belongs to."""
    iset = data.indicator_set
    ident = str(indicator_id).strip()
    if iset is not None:
        category_id = data.indicator_category_id(ident)
        return None if category_id is None else data.category_of(category_id)
    return data.category_of(ident.split(".")[0]) or data.category_of(ident)


def _required_sections(data: PlanData) -> Iterator[Finding]:
    ctx = data.ctx
    for chapter, section in data.outline.sections():
        if not (chapter.required and section.required):
            # an optional section still has its files checked
            yield from _files_usable(data, section)
            continue
        targets = data.categories if section.repeat else [None]
        for category in targets:
            try:
                ok = section_has_content(data, section, category)
            except InputError as e:
                yield make("GM-E407", e.message, location=_loc(e, ctx, section.key),
                           hint=e.hint or None)
                continue
            if not ok:
                yield make("GM-E401", _missing_message(chapter, section, category),
                           location=ctx.at("plan", "narrative", section.key),
                           hint=_missing_hint(section, category))


def _files_usable(data: PlanData, section: Section) -> Iterator[Finding]:
    value = data.plan.narrative.get(section.key)
    subs = list(value) if isinstance(value, dict) else [None]
    for sub in subs:
        try:
            data.narrative(section.key, sub)
        except InputError as e:
            yield make("GM-E407", e.message, location=_loc(e, data.ctx, section.key),
                       hint=e.hint or None)


def _loc(e: InputError, ctx: "Run", key: str) -> Location:
    return ctx.at("plan", "narrative", key)


def _missing_message(chapter: Chapter, section: Section, category) -> str:
    if category is not None:
        return f"“{chapter.title}”中一级指标“{category.name}”一节没有内容。"
    return f"“{chapter.title}—{section.title}”一节没有内容（提纲要求必须编写）。"


def _missing_hint(section: Section, category) -> str:
    from .outline import FILL_SOURCES

    where = "；".join(FILL_SOURCES[s] for s in section.fill)
    key = f"plan.narrative.{section.key}" + (f".{category.id}" if category else "")
    return f"在 {key} 中编写文字；该节内容来源：{where}"


# -- money ---------------------------------------------------------------------------------------

def _investment(data: PlanData) -> Iterator[Finding]:
    plan, ctx = data.plan, data.ctx
    total = data.task_total_cents
    if plan.total_investment is not None and cents(plan.total_investment) != total:
        yield make("GM-E402",
                   f"各项任务投资合计 {money(total):,.2f} 万元，与计划总投资 "
                   f"{plan.total_investment:,.2f} 万元不一致（相差 "
                   f"{money(total - cents(plan.total_investment)):+,.2f} 万元）。",
                   location=ctx.at("plan", "total_investment"))
    stated = cents(plan.total_investment) if plan.total_investment is not None else total
    if plan.funding:
        funded = sum(cents(f.amount) for f in plan.funding)
        if funded != stated:
            yield make("GM-W410", f"资金筹措合计 {money(funded):,.2f} 万元，与投资合计 "
                                  f"{money(stated):,.2f} 万元不一致。",
                       location=ctx.at("plan", "funding"))
    for i, t in enumerate(plan.tasks):
        if t.by_year:
            split = sum(split_by_year(t).values())
            if split != cents(t.investment):
                yield make("GM-E414", f"任务“{_short(t.content)}”分年度投资合计 {money(split):,.2f} "
                                      f"万元，与其投资 {t.investment:,.2f} 万元不一致。",
                           location=ctx.at("plan", "tasks", i, "by_year"))
            outside = [y for y in t.by_year if not t.start.year <= int(y) <= t.end.year]
            if outside:
                yield make("GM-E403", f"任务“{_short(t.content)}”在实施时间之外的年度 "
                                      f"{'、'.join(map(str, outside))} 安排了投资。",
                           location=ctx.at("plan", "tasks", i, "by_year"))


# -- indicators ----------------------------------------------------------------------------------

def _categories(data: PlanData) -> Iterator[Finding]:
    plan, ctx = data.plan, data.ctx
    if data.indicator_set is None:
        yield make("GM-I409", "评价指标体系不可用：未核对建设任务是否覆盖全部一级指标，"
                              "一级指标取自任务中出现的类别。",
                   location=ctx.at("campaign", "indicator_set"))
        return
    for i, t in enumerate(plan.tasks):
        if data.category_of(t.category) is None:
            yield make("GM-W411", f"任务“{_short(t.content)}”的类别“{t.category}”不是"
                                  f"“{data.indicator_set.display_title}”的一级指标，"
                                  "不会计入分类汇总。",
                       location=ctx.at("plan", "tasks", i, "category"),
                       hint="可用：" + "、".join(f"{c.id} {c.name}" for c in data.categories))
    for key in plan.no_task_reasons:
        if data.category_of(key) is None:
            yield make("GM-W411", f"no_task_reasons 中的“{key}”不是一级指标。",
                       location=ctx.at("plan", "no_task_reasons", key))
    for c in data.categories:
        if not data.tasks_of(c) and not data.no_task_reason(c):
            yield make("GM-E404", f"一级指标“{c.id} {c.name}”没有建设任务，也没有说明无需安排的理由。",
                       location=ctx.at("plan", "tasks"))
    for i, g in enumerate(plan.gaps):
        if category_of_indicator(data, g.indicator) is None:
            yield make("GM-W412", f"差距分析中的指标编号“{g.indicator}”不在评价指标体系中。",
                       location=ctx.at("plan", "gaps", i, "indicator"))
    for i, target in enumerate(plan.targets):
        if target.indicator and category_of_indicator(data, target.indicator) is None:
            yield make("GM-W412", f"量化目标“{target.name}”的指标编号“{target.indicator}”"
                       "不在评价指标体系中。",
                       location=ctx.at("plan", "targets", i, "indicator"))


def _targets(data: PlanData) -> Iterator[Finding]:
    plan, ctx = data.plan, data.ctx
    for i, t in enumerate(plan.targets):
        if t.year < ctx.as_of.year:
            yield make("GM-E405", f"量化目标“{t.name}”的完成年份 {t.year} 年早于基准日期 "
                                  f"{ctx.as_of}。", location=ctx.at("plan", "targets", i, "year"))
        elif t.year > plan.period.end.year:
            yield make("GM-W415", f"量化目标“{t.name}”的完成年份 {t.year} 年晚于方案期限"
                                  f"（至 {plan.period.end.year} 年）。",
                       location=ctx.at("plan", "targets", i, "year"))


# -- numbers in the narrative --------------------------------------------------------------------

_GAP = r"[^0-9。；;\n]{0,14}?"
_NUM = r"(\d+(?:\.\d+)?)"
_RULES = (
    ("scale", "生产规模", re.compile(
        r"(?:生产规模|设计规模|开采规模|设计生产能力|生产能力|产能)" + _GAP + _NUM +
        r"\s*(万吨/年|万t/a|万吨每年|万立方米/年|万m³/a)")),
    ("area", "矿区面积", re.compile(
        r"矿区面积" + _GAP + _NUM + r"\s*(平方千米|平方公里|km2|km²|公顷|hm2|hm²)")),
    ("reserves", "剩余可采储量", re.compile(
        r"(?:剩余可采储量|保有可采储量|可采储量|剩余储量)" + _GAP + _NUM + r"\s*(万吨|万t|万立方米|万m³)")),
    ("annual", "年开采量", re.compile(
        r"(?:年开采量|年产量|年采矿量)" + _GAP + _NUM + r"\s*(万吨|万t|万立方米|万m³)")),
)
_HAS_DIGIT = re.compile(r"\d").search  # the \d of _NUM
_UNIT_SAME = {"万吨/年": "万吨/年", "万t/a": "万吨/年", "万吨每年": "万吨/年",
              "万立方米/年": "万立方米/年", "万m³/a": "万立方米/年",
              "万吨": "万吨", "万t": "万吨", "万立方米": "万立方米", "万m³": "万立方米"}


def _facts(data: PlanData) -> dict[str, tuple[float, str]]:
    sub = data.ctx.submission
    lic = sub.mine.licence
    return {
        "scale": (lic.scale.value, _UNIT_SAME.get(lic.scale.unit, lic.scale.unit)),
        "area": (lic.area_km2, "km²"),
        "reserves": (sub.reserves.remaining.value,
                     _UNIT_SAME.get(sub.reserves.remaining.unit, sub.reserves.remaining.unit)),
        "annual": (sub.reserves.annual_production.value,
                   _UNIT_SAME.get(sub.reserves.annual_production.unit.replace("/年", ""),
                                  sub.reserves.annual_production.unit.replace("/年", ""))),
    }


def agrees(quoted: str, actual: float) -> bool:
    """A number as written agrees with the fact when it is the fact rounded to the digits
    written, or within 0.5 %."""
    q = float(quoted)
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    return abs(q - actual) <= 0.5 * 10 ** -decimals + 1e-9 or abs(q - actual) <= abs(actual) * 0.005


def narratives(data: PlanData) -> Iterator[tuple[str, str | None, NarrativeText]]:
    """(section key, first-level indicator or None, :class:`NarrativeText`) of every narrative
    the plan gives (files that cannot be read are left out: the section checks report them)."""
    for key, value in data.plan.narrative.items():
        subs = list(value) if isinstance(value, dict) else [None]
        for sub in subs:
            try:
                text = data.narrative(key, sub)
            except InputError:
                continue  # reported by the section checks
            if text is not None:
                yield key, sub, text


def _facts_in_narrative(data: PlanData) -> Iterator[Finding]:
    facts = _facts(data)
    for key, sub, text in narratives(data):
        for line_no, line in enumerate(text.text.split("\n"), start=1):
            if _HAS_DIGIT(line) is None:
                continue  # each rule reads a number (most lines have none)
            for name, label, rx in _RULES:
                actual, unit = facts[name]
                for m in rx.finditer(line):
                    value, written_unit = m.group(1), m.group(2)
                    if name == "area":
                        hectares = "公顷" in written_unit or "hm" in written_unit
                        ok = agrees(value, actual * 100 if hectares else actual)
                        fact_text = f"{actual:g} 平方千米（{actual * 100:g} 公顷）"
                    else:
                        if _UNIT_SAME.get(written_unit) != unit:
                            continue  # different unit: not comparable
                        ok = agrees(value, actual)
                        fact_text = f"{actual:g} {unit}"
                    if ok:
                        continue
                    if text.file is not None:
                        loc = Location(file=str(text.file), line=line_no,
                                       path=f"plan.narrative.{key}" + (f".{sub}" if sub else ""))
                    else:
                        loc = text.location
                    yield make("GM-W406", f"文字中{label}写作“{m.group(0).strip()}”，与结构化数据 "
                                          f"{fact_text} 不一致。", location=loc)


def _short(text: str, n: int = 24) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[:n] + "…"


__all__ = ["check", "section_has_content", "source_has_content", "gap_rows_for",
           "category_of_indicator", "agrees", "narratives"]
