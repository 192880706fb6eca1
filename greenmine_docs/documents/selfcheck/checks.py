"""Checks of the input's ``self_check`` section (the self-check document's check) and of filled
self-check tables read back from Excel.

:func:`check_section` does the work for both: it gets a ``locate`` function that maps a path
inside the section (``("items", "1.1.2", "deadline")``) to a YAML line or an Excel cell.
Arithmetic problems come from the scoring engine (:mod:`greenmine_docs.scoring`), so the
findings and the scores can never disagree.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable, Iterator

from ...findings import Finding, Location, make
from ...indicators.model import PREREQUISITE_FACTS, IndicatorSet, MineProfile
from ...scoring import ScoreResult, fmt_points

if TYPE_CHECKING:
    from ...model.self_check import SelfCheck
    from ...pipeline import Run

Locate = Callable[..., Location]

_PROBLEM_CODES = {
    "unknown_item": ("GM-E310", ("items", "{ref}")),
    "unknown_prerequisite": ("GM-E311", ("prerequisites", "{ref}")),
    "unscored": ("GM-W312", ("items", "{ref}", "score")),
    "out_of_range": ("GM-E313", ("items", "{ref}", "score")),
    "no_reason": ("GM-E314", ("items", "{ref}", "problem")),
    "scored_not_applicable": ("GM-W319", ("items", "{ref}", "score")),
    "na_without_reason": ("GM-W319", ("items", "{ref}", "situation")),
    "unruled_prerequisite": ("GM-W317", ("prerequisites", "{ref}")),
    "too_precise": ("GM-E324", ("items", "{ref}", "score")),
}


def check(ctx: Run) -> Iterator[Finding]:
    """Section check: the self-check section against the run's indicator set and its score
    (an unusable set is reported by the scoring stage, once for every document)."""
    from ...indicators import profile_of

    sub, iset, result = ctx.submission, ctx.indicator_set, ctx.scores.self_check
    if sub.self_check is None or iset is None or result is None:
        return
    deadline = sub.campaign.deadlines.self_check
    yield from check_section(
        sub.self_check, iset, profile_of(sub), lambda *p: ctx.at("self_check", *p),
        facts=eligibility_facts(ctx, sub.self_check.check_date or ctx.as_of),
        submit_deadline=deadline,
        items_given=set(sub.self_check.items), result=result)


def check_section(sc: "SelfCheck", iset: IndicatorSet, mine: MineProfile | None,
                  locate: Locate, *, facts: dict[str, bool | None] | None = None,
                  submit_deadline: dt.date | None = None,
                  items_given: set[str] | None = None, result: ScoreResult | None = None
                  ) -> Iterator[Finding]:
    """All findings about one self-check (from YAML or from a filled table).

    ``items_given``: the item ids the input mentions at all. Items never mentioned are reported
    in one finding (a YAML section need not list 100 empty entries); items present without a
    score get one finding each, at their cell or line. ``result``: the engine's result for
    ``sc`` (scored here when not given)."""
    if result is None:
        from .core import score_self_check

        result = score_self_check(sc, iset, mine)
    missing = [r for r in result.problems
               if r.kind == "unscored" and items_given is not None and r.ref not in items_given]
    for p in result.problems:
        if p in missing:
            continue
        code, path = _PROBLEM_CODES[p.kind]
        yield make(code, p.message, location=locate(*(s.format(ref=p.ref) for s in path)))
    if missing:
        ids = "、".join(p.ref for p in missing[:10]) + (" 等" if len(missing) > 10 else "")
        yield make("GM-W312", f"有 {len(missing)} 项评价内容没有自查记录（{ids}），按 0 分计。",
                   location=locate("items"))
    for key, label in (("check_date", "自查日期"), ("filled_by", "填表人")):
        if not getattr(sc, key):
            yield make("GM-E323", f"{label}未填写。", location=locate(key))
    yield from _entry_checks(sc, result, locate)
    yield from _prerequisite_facts(sc, iset, locate, facts or {})
    if submit_deadline is not None and sc.check_date and sc.check_date > submit_deadline:
        yield make("GM-W322", f"自查日期 {sc.check_date} 晚于自查记录表上报截止日期 {submit_deadline}。",
                   location=locate("check_date"))
    yield make("GM-I320", f"自查结论：{result.verdict.value}。" + "".join(result.reasons),
               location=locate())


def _entry_checks(sc: "SelfCheck", result: ScoreResult, locate: Locate) -> Iterator[Finding]:
    for ref, e in sc.items.items():
        r = result.items.get(ref)
        if r is None:
            continue
        if e.deadline is not None and sc.check_date and e.deadline < sc.check_date:
            yield make("GM-E315", f"{ref} 的整改时限 {e.deadline} 早于自查日期 {sc.check_date}。",
                       location=locate("items", ref, "deadline"))
        if r.applicable and e.score is not None and not (e.situation or "").strip():
            yield make("GM-W316", f"{ref} 已评分（{fmt_points(e.score)} 分），但未写自查情况及佐证材料。",
                       location=locate("items", ref, "situation"))
        if (e.problem or "").strip():
            lacking = [label for value, label in ((e.measure, "整改措施"), (e.deadline, "整改时限"),
                                                  (e.responsible, "责任人"))
                       if value is None or (isinstance(value, str) and not value.strip())]
            if lacking:
                field_name = {"整改措施": "measure", "整改时限": "deadline",
                              "责任人": "responsible"}[lacking[0]]
                yield make("GM-W321", f"{ref} 写明了存在问题，但缺少" + "、".join(lacking) + "。",
                           location=locate("items", ref, field_name))


def _prerequisite_facts(sc: "SelfCheck", iset: IndicatorSet, locate: Locate,
                        facts: dict[str, bool | None]) -> Iterator[Finding]:
    for pre in iset.prerequisites:
        ruling = sc.prerequisites.get(pre.id)
        fact = facts.get(pre.fact) if pre.fact else None
        if ruling is None or ruling.met is None or fact is None or ruling.met == fact:
            continue
        said = "符合" if ruling.met else "不符合"
        shown = "满足" if fact else "不满足"
        yield make("GM-W318", f"先决条件 {pre.id} 自查判定为“{said}”，但输入的遴选条件信息显示"
                   f"“{PREREQUISITE_FACTS[pre.fact]}”{shown}。",  # type: ignore[index]
                   location=locate("prerequisites", pre.id))


def eligibility_facts(run: Run, day: dt.date) -> dict[str, bool | None]:
    """What the input's foundation says about each prerequisite fact on ``day``."""
    from ...checks.eligibility import add_years, remaining_years

    sub = run.submission
    el, lic = sub.eligibility, sub.mine.licence
    since = add_years(day, -3)
    open_penalty = any(
        p.department.counts_for_selection and since <= p.date <= day
        and not (p.rectified and (p.rectified_date is None or p.rectified_date <= day))
        for p in el.penalties)
    years = remaining_years(run)
    return {
        "licences_valid": lic.valid_from <= day <= lic.valid_to
        and el.safety_licence_valid is not False,
        "no_penalty": not open_penalty,
        "not_abnormal": not el.abnormal_list,
        "operating_reserves": el.operating_normally and (years is None or years >= 3),
        "no_protected_area": not el.protected_area.overlaps,
        "plan_passed": el.plan_review.written and el.plan_review.passed,
    }
