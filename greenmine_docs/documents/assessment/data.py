"""The assessment's effective rulings and scores, and the one scoring result built from them.

Rulings and scores come either from the input itself (``assessment.prerequisites`` /
``assessment.scores``) or from a filled score sheet (``assessment.score_sheet``). Either way they
end up as :class:`~greenmine_docs.pipeline.Scores`: the model objects plus where each field came
from (YAML line or ``评分表!E12``), so every finding and the report can point at the right place.

:func:`score_section` is the scoring stage's part for this section: it gathers the scores and
calls the scoring engine (:func:`greenmine_docs.scoring.score`) once per run
(``run.scores.assessment``); checks and documents all use that result, so the report's numbers
are the engine's numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...findings import Location, make
from ...pipeline import AssessmentScores, Scores, located

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import BaseModel

    from ...indicators.model import IndicatorSet
    from ...model.assessment import Assessment
    from ...pipeline import Run
    from ...scoring import ItemScore, ScoreResult

__all__ = ["Scores", "engine_inputs", "gather_scores", "inline_scores", "score_section",
           "self_check_result", "sheet_path"]


def inline_scores(ctx: Run, a: Assessment) -> Scores:
    """Rulings and scores written in the input, located by YAML line (or Excel cell) when a
    finding asks where an entry or one of its fields is."""
    blocks: dict[str, tuple[str, Mapping[str, BaseModel]]] = {
        "pre": ("prerequisites", a.prerequisites), "item": ("scores", a.scores)}
    raw = ctx.raw  # not the run, which keeps these scores (see run.located)

    def locate(key: tuple[str, str, str]) -> Location | None:
        kind, ref, name = key
        block, entries = blocks[kind]
        entry = entries.get(ref)
        if entry is None or (name and name not in type(entry).model_fields):
            return None
        return located(raw, "assessment", block, ref, name) if name else \
            located(raw, "assessment", block, ref)

    return Scores(source="input", prerequisites=dict(a.prerequisites), items=dict(a.scores),
                  fallback=ctx.at("assessment", "scores"), locate=locate)


def sheet_path(ctx: Run, a: Assessment) -> Path | None:
    return ctx.resolve(a.score_sheet) if a.score_sheet else None


def expert_inline_scores(ctx: Run, a: Assessment, iset: IndicatorSet) -> Scores:
    """Each expert's scores written in the input (``expert_scores``) and their means."""
    from .experts import combine

    experts = {}
    raw = ctx.raw  # not the run, which keeps these scores (see run.located)
    for name, entries in a.expert_scores.items():
        def locate(key: tuple[str, str, str], name: str = name) -> Location | None:
            kind, ref, field = key
            if kind == "pre":
                return located(raw, "assessment", "prerequisites", ref)
            return located(raw, "assessment", "expert_scores", name, ref,
                           *((field,) if field else ()))

        experts[name] = Scores(source="input", prerequisites=dict(a.prerequisites),
                               items=dict(entries), locate=locate,
                               fallback=ctx.at("assessment", "expert_scores", name))
    team = combine(experts, iset, source="input")
    team.locate = experts[next(iter(experts))].locate if experts else None
    return team


def _outside(ctx: Run, ref: str, where: Location) -> Scores | None:
    """A score sheet named outside the input's folder: refused (every file an input names must
    lie where :func:`~greenmine_docs.safety.inputs.inside` allows)."""
    from ...safety.inputs import OUTSIDE, OUTSIDE_HINT, inside

    if inside(ctx.base_dir, str(ref)) is not None:
        return None
    return Scores(source=str(ref), fallback=where, findings=[make(
        "GM-E550", f"打分表路径 {ref} {OUTSIDE}。", location=where, hint=OUTSIDE_HINT)])


def gather_scores(ctx: Run, a: Assessment, iset: IndicatorSet) -> Scores:
    """Inline scores (one set for the team, or each expert's), or those read from the filled
    score sheet(s) the input names (the workbook reader is imported only then)."""
    if a.score_sheets:
        from .scoresheet_read import read_scoresheets

        for i, ref in enumerate(a.score_sheets):
            refused = _outside(ctx, ref, ctx.at("assessment", "score_sheets", i))
            if refused is not None:
                return refused
        return read_scoresheets([ctx.resolve(p) for p in a.score_sheets], iset)
    path = sheet_path(ctx, a)
    if path is not None:
        from .scoresheet_read import read_scoresheet

        where = ctx.at("assessment", "score_sheet")
        refused = _outside(ctx, str(a.score_sheet), where)
        return refused if refused is not None else read_scoresheet(path, iset, where=where)
    if a.expert_scores:
        return expert_inline_scores(ctx, a, iset)
    return inline_scores(ctx, a)


def engine_inputs(scores: Scores) -> tuple[dict[str, ItemScore], dict[str, bool | None]]:
    """The scoring engine's inputs: ``(items, prerequisites)``. The reason an item is not
    applicable is its remark (or, failing that, its deduction reason)."""
    from ...model.assessment import Ruling
    from ...scoring import ItemScore

    items = {}
    for ref, e in scores.items.items():
        if e.not_applicable:
            reason = (e.remark or e.deduction_reason or "").strip()
        else:
            reason = (e.deduction_reason or "").strip()
        items[ref] = ItemScore(score=e.score, not_applicable=e.not_applicable, reason=reason)
    prerequisites = {ref: (None if e.ruling is None else e.ruling is Ruling.MET)
                     for ref, e in scores.prerequisites.items()}
    return items, prerequisites


def score_section(run: Run) -> None:
    """The scoring stage for the ``assessment`` section: the rulings and scores (inline or from
    the filled score sheet) scored once per run, for its checks, the report and the score
    sheet."""
    from ...indicators import profile_of
    from ...scoring import score

    a, iset = run.submission.assessment, run.indicator_set
    if a is None or iset is None:
        return
    given = gather_scores(run, a, iset)
    items, prerequisites = engine_inputs(given)
    result = score(iset, items, prerequisites, mine=profile_of(run.submission))
    run.scores.assessment = AssessmentScores(given=given, result=result)


def self_check_result(run: Run) -> ScoreResult | None:
    """The enterprise's self-check as the run scored it, for the report's comparison (None when
    the input has no self-check scores)."""
    sc = run.submission.self_check
    if sc is None or not sc.items:
        return None
    return run.scores.self_check
