"""The assessment's effective rulings and scores, and the one scoring result built from them.

Rulings and scores come either from the input itself (``assessment.prerequisites`` /
``assessment.scores``) or from a filled score sheet (``assessment.score_sheet``). Either way they
end up as :class:`Scores`: the model objects plus where each field came from (YAML line or
``评分表!E12``), so every finding and the report can point at the right place.

:func:`evaluate` resolves the indicator set, gathers the scores and calls the scoring engine
(:func:`greenmine_docs.scoring.score`) once; checks and documents all use its result, so the
report's numbers are the engine's numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ...findings import Finding, Location, make

if TYPE_CHECKING:
    from ...checks.context import CheckContext
    from ...indicators.model import IndicatorSet
    from ...model.assessment import AssessedItem, AssessedPrerequisite, Assessment
    from ...scoring import ScoreResult

_CACHE_KEY = "assessment.evaluation"


@dataclass
class Scores:
    """Rulings and scores with the location of each field.

    ``cells[(kind, id, field)]`` where kind is ``"pre"`` or ``"item"`` and field a model field
    name (``score``, ``deduction_reason``, ``ruling`` …) or ``""`` for the whole entry."""

    source: str  # "input" or the score sheet's path
    prerequisites: dict[str, "AssessedPrerequisite"] = field(default_factory=dict)
    items: dict[str, "AssessedItem"] = field(default_factory=dict)
    cells: dict[tuple[str, str, str], Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # from reading a sheet
    fallback: Location = field(default_factory=Location)  # where the scores as a whole are
    meta: dict[str, str] = field(default_factory=dict)  # a sheet's metadata
    # scores written in the input: located on demand (only a few ever need a location)
    locate: "Callable[[tuple[str, str, str]], Location | None] | None" = None

    @property
    def from_sheet(self) -> bool:
        return self.source != "input"

    def where(self, kind: str, ref: str, name: str = "") -> Location:
        """Location of a field of one entry; the entry, then the whole block as fallbacks."""
        for key in ((kind, ref, name), (kind, ref, "")):
            loc = self.cells.get(key)
            if loc is None and self.locate is not None:
                loc = self.locate(key)
            if loc is not None:
                return loc
        return self.fallback

    @property
    def empty(self) -> bool:
        return not self.prerequisites and not self.items


@dataclass
class Evaluation:
    """Everything the checks and the report need about the scoring of one assessment."""

    indicator_set: "IndicatorSet | None"
    scores: Scores | None
    result: "ScoreResult | None"
    set_findings: list[Finding] = field(default_factory=list)
    self_result: "ScoreResult | None" = None  # the enterprise's self-check, scored the same way


def inline_scores(ctx: "CheckContext", a: "Assessment") -> Scores:
    """Rulings and scores written in the input, located by YAML line (or Excel cell) when a
    finding asks where an entry or one of its fields is."""
    blocks = {"pre": ("prerequisites", a.prerequisites), "item": ("scores", a.scores)}

    def locate(key: tuple[str, str, str]) -> Location | None:
        kind, ref, name = key
        block, entries = blocks[kind]
        entry = entries.get(ref)
        if entry is None or (name and name not in type(entry).model_fields):
            return None
        return ctx.at("assessment", block, ref, name) if name else \
            ctx.at("assessment", block, ref)

    return Scores(source="input", prerequisites=dict(a.prerequisites), items=dict(a.scores),
                  fallback=ctx.at("assessment", "scores"), locate=locate)


def sheet_path(ctx: "CheckContext", a: "Assessment") -> Path | None:
    return ctx.resolve(a.score_sheet) if a.score_sheet else None


def gather_scores(ctx: "CheckContext", a: "Assessment", iset: "IndicatorSet") -> Scores:
    """Inline scores, or those read from the filled score sheet the input names (which must
    lie where every file an input names may: :func:`~greenmine_docs.safety.inputs.inside`)."""
    from ...safety.inputs import OUTSIDE, OUTSIDE_HINT, inside

    path = sheet_path(ctx, a)
    if path is None:
        return inline_scores(ctx, a)
    where = ctx.at("assessment", "score_sheet")
    if inside(ctx.base_dir, str(a.score_sheet)) is None:
        return Scores(source=str(path), fallback=where, findings=[make(
            "GM-E550", f"打分表路径 {a.score_sheet} {OUTSIDE}。", location=where,
            hint=OUTSIDE_HINT)])
    from .scoresheet_read import read_scoresheet

    return read_scoresheet(path, iset, where=where)


def engine_inputs(scores: Scores):
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


def resolve_set(ctx: "CheckContext") -> tuple["IndicatorSet | None", list[Finding]]:
    """The input's indicator set, resolved once per check run through the self-check
    module's shared cache (which also reports why a set cannot be used, GM-E30x)."""
    from ..selfcheck.checks import indicator_set_for

    iset = indicator_set_for(ctx)
    return iset, list(ctx.cache.get("indicator_set_findings", []))


def evaluate(ctx: "CheckContext") -> Evaluation:
    """Score the assessment once per check context (cached in ``ctx.cache``)."""
    cached = ctx.cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    from ...indicators import profile_of
    from ...scoring import score

    a = ctx.submission.assessment
    iset, set_findings = resolve_set(ctx)
    ev = Evaluation(indicator_set=iset, scores=None, result=None, set_findings=set_findings)
    if iset is not None and a is not None:
        ev.scores = gather_scores(ctx, a, iset)
        items, prerequisites = engine_inputs(ev.scores)
        ev.result = score(iset, items, prerequisites, mine=profile_of(ctx.submission))
        ev.self_result = self_check_result(ctx, iset)
    ctx.cache[_CACHE_KEY] = ev
    return ev


def self_check_result(ctx: "CheckContext", iset: "IndicatorSet") -> "ScoreResult | None":
    """The enterprise's self-check scored by the same engine, the way the self-check table
    scores it (None when the input has no self-check scores)."""
    sc = ctx.submission.self_check
    if sc is None or not getattr(sc, "items", None):
        return None
    from ...indicators import profile_of
    from ..selfcheck.core import score_self_check

    return score_self_check(sc, iset, profile_of(ctx.submission))
