"""What the self-evaluation report and its checks share, computed once per run.

**Source rule where self-check and self-evaluation overlap** (items' scores and not-applicable
status, prerequisites' rulings, the problems): field by field, the self-evaluation's own value
is used; what it leaves out is taken from ``self_check`` — an item's score (or not-applicable
status), its situation as the evidence and its problem as the deduction reason, a
prerequisite's ruling and note; the problems table from the self-check's items that name a
problem, when ``self_evaluation.problems`` is empty. Where both sections give a score or ruling
for the same item or prerequisite they must agree (checked in :mod:`.checks`, GM-E901).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import TYPE_CHECKING, Any

from ...findings import Location
from ...frozen import frozen, record
from ...load.narrative import narrative_value
from ...render.outline import SELF_EVALUATION_KIND as KIND
from ...render.outline import load_outline, normalize_title
from ...scoring import ItemScore, ScoreResult, score

if TYPE_CHECKING:
    from ...indicators.model import Category, IndicatorSet
    from ...model.self_evaluation import SelfEvaluation
    from ...pipeline import Run
    from ...render.outline import Outline



@frozen
class Entry:
    """One item or prerequisite as the report shows it, and which section it came from."""

    source: str  # "self_evaluation" or "self_check"
    score: float | None = None
    not_applicable: bool = False
    met: bool | None = None
    method: str = ""
    evidence: str = ""
    reason: str = ""


@frozen
class ProblemRow:
    problem: str
    items: tuple[str, ...]
    measure: str
    deadline: dt.date | None
    responsible: str
    path: tuple[Any, ...]  # where it is written in the input


@record
class SelfEvalData:
    se: "SelfEvaluation"
    outline: "Outline"
    iset: "IndicatorSet | None"
    items: dict[str, Entry]
    prerequisites: dict[str, Entry]
    problems: list[ProblemRow]
    result: ScoreResult | None
    run: "Run"
    # ref as written -> the first-level indicator it names (each ref recurs in every section)
    _named: dict[str, "Category | None"] = field(default_factory=dict, repr=False,
                                                  compare=False)

    @property
    def categories(self) -> tuple["Category", ...]:
        return self.iset.categories if self.iset is not None else ()

    def category(self, ref: str) -> "Category | None":
        """The first-level indicator named by an id (``"1"``) or a name (``"矿区环境"``),
        looked up once a ref."""
        named = self._named
        if ref not in named:
            key = normalize_title(str(ref))
            named[ref] = next((c for c in self.categories
                               if str(ref).strip() == c.id or key == normalize_title(c.name)),
                              None)
        return named[ref]

    def narrative(self, key: str, category: "Category | None" = None
                  ) -> tuple[str, Location] | None:
        """The Markdown of a section (of one first-level indicator for a repeated section);
        :class:`InputError` for a ``.md`` file that cannot be used."""
        value = self.se.narrative.get(key)
        path: tuple[Any, ...] = ("self_evaluation", "narrative", key)
        if category is not None:
            if not isinstance(value, dict):
                return None
            hit = next((k for k in value if self.category(k) == category), None)
            if hit is None:
                return None
            path, value = (*path, hit), value[hit]
        if not isinstance(value, str) or not value.strip():
            return None
        location = self.run.at(*path)
        text, _ = narrative_value(value, self.run.base_dir, location)
        return (text, location) if text.strip() else None


def _from_self_check(run: "Run") -> tuple[dict[str, Entry], dict[str, Entry]]:
    sc = run.submission.self_check
    if sc is None:
        return {}, {}
    items = {ref: Entry("self_check", e.score, e.not_applicable, evidence=e.situation or "",
                        reason=(e.situation if e.not_applicable else e.problem) or "")
             for ref, e in sc.items.items()}
    pres = {ref: Entry("self_check", met=r.met, evidence=r.note or "")
            for ref, r in sc.prerequisites.items()}
    return items, pres


def merged(run: "Run") -> tuple[dict[str, Entry], dict[str, Entry]]:
    """(items, prerequisites): the self-evaluation's entries, completed from the self-check.
    Its callers take it through ``run.derived`` (the scoring and the report share one), so
    neither may change the dictionaries."""
    se = run.submission.self_evaluation
    assert se is not None
    items, pres = _from_self_check(run)
    for ref, e in se.items.items():
        base = items.get(ref, Entry("self_check"))
        own_score = e.score is not None or e.not_applicable  # else the self-check's stands
        items[ref] = Entry("self_evaluation",
                           e.score if own_score else base.score,
                           e.not_applicable if own_score else base.not_applicable,
                           method=e.method or "", evidence=e.evidence or base.evidence,
                           reason=e.deduction_reason or base.reason)
    for ref, r in se.prerequisites.items():
        base = pres.get(ref, Entry("self_check"))
        pres[ref] = Entry("self_evaluation", met=r.met if r.met is not None else base.met,
                          evidence=r.note or base.evidence)
    return items, pres


def score_section(run: "Run") -> None:
    """The scoring stage for ``self_evaluation``: the merged items through the one engine."""
    from ...indicators import profile_of

    if run.submission.self_evaluation is None or run.indicator_set is None:
        return
    items, pres = run.derived(merged)  # once per run: the report's data takes the same
    run.scores.self_evaluation = score(
        run.indicator_set,
        {ref: ItemScore(score=e.score, not_applicable=e.not_applicable, reason=e.reason)
         for ref, e in items.items()},
        {ref: e.met for ref, e in pres.items()}, profile_of(run.submission))


def _problems(run: "Run") -> list[ProblemRow]:
    se = run.submission.self_evaluation
    assert se is not None
    if se.problems:
        return [ProblemRow(p.problem, tuple(p.items), p.measure or "", p.deadline,
                           p.responsible or "", ("self_evaluation", "problems", i))
                for i, p in enumerate(se.problems)]
    sc = run.submission.self_check
    return [ProblemRow(e.problem, (ref,), e.measure or "", e.deadline, e.responsible or "",
                       ("self_check", "items", ref))
            for ref, e in (sc.items.items() if sc is not None else ()) if e.problem]


def outline_of(run: "Run") -> "Outline":
    """The built-in reference outline (a province's own: ``--template`` for the layout; the
    outline file itself replaces ``templates/self_evaluation/outline.yaml``)."""
    return load_outline(None, KIND)


def _data(run: "Run") -> SelfEvalData:
    se = run.submission.self_evaluation
    assert se is not None
    items, pres = run.derived(merged)
    return SelfEvalData(se, outline_of(run), run.indicator_set, items, pres, _problems(run),
                        run.scores.self_evaluation, run)


def selfeval_data(run: "Run") -> SelfEvalData:
    """What the report needs, computed once per run (its checks and its renderer share it)."""
    return run.derived(_data)


__all__ = ["KIND", "Entry", "ProblemRow", "SelfEvalData",
           "merged", "score_section", "selfeval_data"]
