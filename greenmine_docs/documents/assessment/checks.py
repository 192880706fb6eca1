"""Checks of the ``assessment`` section (run by ``greenmine validate`` and before the report).

Team and agency against the 2020 work requirements (domain.md §3), the order of the work's
dates, rulings and scores (through the scoring engine's problems, so checks and report agree),
photos (by content), problems and deadlines. Every finding is located: a YAML line, an Excel
input cell, or the cell of a filled score sheet.
"""
from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Iterator

from ...findings import Finding, make

if TYPE_CHECKING:
    from ...model.assessment import Assessment
    from ...pipeline import AssessmentScores, Run

MIN_TEAM = 5
MIN_SENIOR = 2


def check(ctx: Run) -> Iterator[Finding]:
    a = ctx.submission.assessment
    if a is None:
        return
    yield from check_team(ctx, a)
    yield from check_agency(ctx, a)
    from .independence import check as check_independence

    yield from check_independence(ctx)
    yield from check_dates(ctx, a)
    yield from check_photos(ctx, a)
    scored = ctx.scores.assessment  # None: an unusable set, reported by the scoring stage
    if scored is None:
        return
    yield from check_scores(ctx, a, scored)
    yield from check_problems(ctx, a, scored)
    from .records import check_records

    yield from check_records(ctx, a, scored)
    yield make("GM-I563", f"第三方评估{scored.result.summary()}", location=ctx.at("assessment"))


# -- team and agency ------------------------------------------------------------------------
def check_team(ctx: Run, a: Assessment) -> Iterator[Finding]:
    from ...model.assessment import REQUIRED_SPECIALITIES, TeamRole, TitleLevel

    team = a.team
    at = lambda *p: ctx.at("assessment", "team", *p)  # noqa: E731
    if len(team) < MIN_TEAM:
        yield make("GM-E500", f"评估组共 {len(team)} 人，少于 {MIN_TEAM} 人。", location=at())
    for i, m in enumerate(team):
        if m.title_level.rank < TitleLevel.INTERMEDIATE.rank:
            yield make("GM-E501", f"评估组成员{m.name}的职称级别为{m.title_level.value}，"
                       "低于中级。", location=at(i, "title_level"))
        if not m.independence_declared:
            yield make("GM-E506", f"评估组成员{m.name}未签署独立性声明。",
                       location=at(i, "independence_declared"))
    seniors = [m for m in team if m.title_level.is_senior]
    if team and len(seniors) < MIN_SENIOR:
        names = "、".join(m.name for m in seniors) or "无"
        yield make("GM-E502", f"评估组高级（含正高级）职称成员 {len(seniors)} 人（{names}），"
                   f"少于 {MIN_SENIOR} 人。", location=at())
    leaders = [(i, m) for i, m in enumerate(team) if m.role is TeamRole.LEADER]
    if team and not leaders:
        yield make("GM-E503", "评估组没有指定组长。", location=at())
    elif len(leaders) > 1:
        names = "、".join(m.name for _, m in leaders)
        yield make("GM-E503", f"评估组有 {len(leaders)} 名组长（{names}），应只有一名。",
                   location=at(leaders[1][0], "role"))
    for i, m in leaders:
        if not m.full_time:
            yield make("GM-E504", f"组长{m.name}不是评估机构的在职人员。",
                       location=at(i, "full_time"))
    if team:
        covered = {m.speciality for m in team}
        for spec in REQUIRED_SPECIALITIES:
            if spec not in covered:
                yield make("GM-W505", f"评估组成员的专业中没有“{spec.value}”。", location=at())
    counts = Counter(m.name for m in team)
    for i, m in enumerate(team):
        if counts[m.name] > 1 and [x.name for x in team].index(m.name) != i:
            yield make("GM-W509", f"评估组成员“{m.name}”出现了 {counts[m.name]} 次。",
                       location=at(i, "name"))


def check_agency(ctx: Run, a: Assessment) -> Iterator[Finding]:
    from ...load.formats import uscc_problem

    code = a.agency.uscc.strip()
    problem = uscc_problem(code)
    if problem:
        yield make("GM-E507", f"评估机构统一社会信用代码“{code}”无效：{problem}。",
                   location=ctx.at("assessment", "agency", "uscc"))
    ent = ctx.submission.enterprise
    if code == ent.uscc.strip() or a.agency.name.strip() == ent.name.strip():
        yield make("GM-E508", f"评估机构“{a.agency.name}”与被评估企业“{ent.name}”是同一单位。",
                   location=ctx.at("assessment", "agency", "uscc" if code == ent.uscc.strip()
                                   else "name"))


# -- dates ----------------------------------------------------------------------------------
def check_dates(ctx: Run, a: Assessment) -> Iterator[Finding]:
    steps = [
        ("内业评估日期", a.desk_review.date, ("assessment", "desk_review", "date")),
        ("现场评估开始日期", a.site_visit.start, ("assessment", "site_visit", "start")),
        ("现场评估结束日期", a.site_visit.end, ("assessment", "site_visit", "end")),
        ("报告日期", a.report_date, ("assessment", "report_date")),
    ]
    for (n1, d1, _), (n2, d2, p2) in zip(steps, steps[1:]):
        if d1 > d2:
            yield make("GM-E510", f"{n2} {d2} 早于{n1} {d1}。", location=ctx.at(*p2))
    deadline = ctx.submission.campaign.deadlines.onsite_check
    if deadline and a.site_visit.end > deadline:
        yield make("GM-W511", f"现场评估结束日期 {a.site_visit.end} 晚于本年度实地核查完成时间 "
                   f"{deadline}。", location=ctx.at("assessment", "site_visit", "end"))
    contract = a.commission.contract_date
    if contract and contract > a.desk_review.date:
        yield make("GM-W512", f"委托合同签订日期 {contract} 晚于内业评估日期 {a.desk_review.date}。",
                   location=ctx.at("assessment", "commission", "contract_date"))
    if not a.desk_review.materials:
        yield make("GM-W513", "内业评估未列出审阅的材料。",
                   location=ctx.at("assessment", "desk_review"))


# -- photos ---------------------------------------------------------------------------------
def check_photos(ctx: Run, a: Assessment) -> Iterator[Finding]:
    from ...safety.inputs import OUTSIDE, OUTSIDE_HINT, inside
    from .photos import MIN_SHORT_EDGE_PX, inspect

    seen: dict[str, int] = {}
    for i, photo in enumerate(a.photos):
        where = partial(ctx.at, "assessment", "photos", i, "file")  # looked up for a finding
        path = inside(ctx.base_dir, photo.file)
        if path is None:
            yield make("GM-E546", f"照片{i + 1}的路径 {photo.file} {OUTSIDE}。",
                       location=where(), hint=OUTSIDE_HINT)
            continue
        key = str(path)
        if key in seen:
            yield make("GM-W545", f"照片{i + 1}与照片{seen[key] + 1}是同一文件 {photo.file}。",
                       location=where())
        seen.setdefault(key, i)
        info = inspect(path, ctx.cache_dir)
        if not info.ok:
            code = {"missing": "GM-E540", "too_large": "GM-E542"}.get(info.kind, "GM-E541")
            yield make(code, f"照片{i + 1}（{photo.file}）：{info.problem}。", location=where())
        elif info.small:
            yield make("GM-W543", f"照片{i + 1}（{photo.file}）只有 {info.width}×{info.height} "
                       f"像素，短边不足 {MIN_SHORT_EDGE_PX} 像素。", location=where())


# -- rulings and scores ---------------------------------------------------------------------
_PROBLEM_CODES = {
    "unscored": "GM-E522", "out_of_range": "GM-E524", "no_reason": "GM-E525",
    "unknown_item": "GM-E523", "scored_not_applicable": "GM-W527",
    "na_without_reason": "GM-W527", "unknown_prerequisite": "GM-E521",
    "unruled_prerequisite": "GM-E520", "too_precise": "GM-E531",
}
_PROBLEM_FIELD = {"unscored": "score", "out_of_range": "score", "no_reason": "deduction_reason",
                  "unknown_item": "", "scored_not_applicable": "score",
                  "na_without_reason": "remark", "unknown_prerequisite": "",
                  "unruled_prerequisite": "ruling", "too_precise": "score"}


def check_scores(ctx: Run, a: Assessment, scored: AssessmentScores) -> Iterator[Finding]:
    from ...indicators.model import PREREQUISITE_FACTS
    from ...model.assessment import Ruling
    from .facts import fact_values

    scores, result = scored.given, scored.result
    yield from scores.findings
    if a.score_sheet and (a.prerequisites or a.scores):
        yield make("GM-E530", "已填写 score_sheet（打分表），同时又在输入中逐项填写了判定或得分。",
                   location=ctx.at("assessment", "score_sheet"))
    yield from check_experts(ctx, a, scored)
    applicable = [r for r in result.items.values() if not r.na_by_set]
    if not scores.items and not scores.from_sheet and not a.score_sheet:
        yield make("GM-E522", f"尚未填写任何评估得分（适用的评价内容共 {len(applicable)} 项）。",
                   location=ctx.at("assessment"),
                   hint="逐项填写 assessment.scores，或用 greenmine scoresheet 生成打分表填写后在 "
                        "assessment.score_sheet 中引用。")
        problems = [p for p in result.problems if p.kind != "unscored"]
    else:
        problems = list(result.problems)
    for p in problems:
        kind = "pre" if p.kind.endswith("prerequisite") else "item"
        yield make(_PROBLEM_CODES[p.kind], p.message,
                   location=scores.where(kind, p.ref, _PROBLEM_FIELD[p.kind]))
    # photo numbers must name a photo
    for ref, entry in scores.items.items():
        bad = [n for n in entry.photos if not 1 <= n <= len(a.photos)]
        if bad:
            yield make("GM-E544", f"评价内容 {ref} 引用的照片编号 {'、'.join(map(str, bad))} 不存在"
                       f"（共 {len(a.photos)} 张照片）。", location=scores.where("item", ref, "photos"))
    # rulings: evidence for 不符合, agreement with the eligibility facts
    facts = fact_values(ctx)
    for pre in result.prerequisites:
        ruled = scores.prerequisites.get(pre.prerequisite.id)
        if ruled is None or ruled.ruling is None:
            continue
        where = scores.where("pre", pre.prerequisite.id, "ruling")
        if ruled.ruling is Ruling.NOT_MET and not ruled.evidence:
            yield make("GM-W528", f"先决条件 {pre.prerequisite.id} 判定为不符合，但没有写明依据。",
                       location=scores.where("pre", pre.prerequisite.id, "evidence"))
        fact = pre.prerequisite.fact
        if fact and fact in facts:
            holds, said = facts[fact]
            if holds is not None and holds != (ruled.ruling is Ruling.MET):
                yield make("GM-W529", f"先决条件 {pre.prerequisite.id}（{PREREQUISITE_FACTS[fact]}）"
                           f"判定为{ruled.ruling.value}，但输入的遴选条件信息：{said}。",
                           location=where)


def check_experts(ctx: Run, a: Assessment, scored: AssessmentScores) -> Iterator[Finding]:
    """Several experts: one source of their scores only, and every divergence beyond the
    threshold named with the item and each expert's score (GM-W532)."""
    from .experts import divergences

    sources = [name for name, used in (("scores", bool(a.scores)),
                                       ("score_sheet", bool(a.score_sheet)),
                                       ("score_sheets", bool(a.score_sheets)),
                                       ("expert_scores", bool(a.expert_scores))) if used]
    if len(sources) > 1 and sources != ["scores", "score_sheet"]:  # that pair: GM-E530
        yield make("GM-E533", "评估得分只能有一个来源，输入中同时填写了 " + "、".join(sources) + "。",
                   location=ctx.at("assessment", sources[-1]))
    given = scored.given
    if not given.experts:
        return
    iset = scored.result.indicator_set
    for d in divergences(given, iset, a.divergence_threshold):
        from ...indicators.numbers import fmt_points

        yield make("GM-W532", f"{d.item}“{iset.items[d.item].text}”各专家评分为：{d.scores_text()}"
                   f"，最高与最低相差{fmt_points(d.spread)}分，超过{fmt_points(d.threshold)}分。",
                   location=given.where("item", d.item, "score"))


def check_problems(ctx: Run, a: Assessment, scored: AssessmentScores) -> Iterator[Finding]:
    known = scored.result.indicator_set.items
    for i, p in enumerate(a.problems):
        if p.deadline and p.deadline < a.report_date:
            yield make("GM-W560", f"问题{i + 1}的整改期限 {p.deadline} 早于报告日期 {a.report_date}。",
                       location=ctx.at("assessment", "problems", i, "deadline"))
        unknown = [ref for ref in p.items if ref not in known]
        if unknown:
            yield make("GM-W561", f"问题{i + 1}涉及的编号 {'、'.join(unknown)} 不在指标体系中。",
                       location=ctx.at("assessment", "problems", i, "items"))
    advised = any(e.suggestion for e in scored.given.items.values())
    if scored.result.deducted_items and not a.problems and not advised:
        yield make("GM-W562", f"有 {len(scored.result.deducted_items)} 项扣分，但未列出存在问题与整改建议。",
                   location=ctx.at("assessment"))
