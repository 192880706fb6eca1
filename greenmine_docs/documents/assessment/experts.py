"""Several experts scoring one mine (domain.md §3: each expert scores, the item's score is the
mean, divergent opinions are recorded separately).

* :func:`expert_names` — whose sheets ``greenmine scoresheet --experts N`` writes (the team);
* :func:`combine` — the experts' scores -> one :class:`Scores` whose items are the means,
  rounded half up to the indicator set's ``score_decimals`` (two decimals when it has none),
  the same rule the summary sheet's ``ROUND(AVERAGE(…))`` applies;
* :func:`divergences` — items whose highest and lowest score differ by more than the threshold
  (``assessment.divergence_threshold``, else 20 % of the item's points), with every expert's
  score and reason: a finding each (GM-W532) and the report's appendix.
"""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from ...errors import InputError
from ...frozen import frozen
from ...pipeline import Scores

if TYPE_CHECKING:
    from ...indicators.model import IndicatorSet
    from ...model import Submission
    from ...model.assessment import AssessedItem

DEFAULT_DIVERGENCE_RATIO = 0.2  # without divergence_threshold: 20 % of the item's points
NOT_APPLICABLE = "不适用"


def expert_names(submission: Submission | None, n: int) -> list[str]:
    """The first ``n`` members of the team (the leader first), or 专家1…专家n without one."""
    if n < 2:
        raise InputError(f"专家人数应不少于 2 人，实际为 {n}。", hint="一人评分时不加 --experts。")
    team = list(submission.assessment.team) if submission and submission.assessment else []
    if not team:
        return [f"专家{i}" for i in range(1, n + 1)]
    team.sort(key=lambda m: m.role.value != "组长")
    if n > len(team):
        raise InputError(f"评估组只有 {len(team)} 人，不能生成 {n} 位专家的打分表。",
                         hint="减少 --experts 的人数，或在 assessment.team 中补充成员。")
    return [m.name for m in team[:n]]


def _q(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def mean_entry(entries: list[AssessedItem], decimals: int | None) -> AssessedItem:
    """One item's entry for the team: the mean of the scores given (not applicable when every
    expert says so), the experts' texts joined without repeats, their photos together."""
    from ...indicators.mapping import round_score
    from ...model.assessment import AssessedItem

    scored = [e.score for e in entries if not e.not_applicable and e.score is not None]
    all_na = bool(entries) and all(e.not_applicable for e in entries)
    score = (round_score(sum((_q(s) for s in scored), Fraction(0)) / len(scored), decimals)
             if scored else None)

    def joined(name: str) -> str | None:
        seen: list[str] = []
        for e in entries:
            text = (getattr(e, name) or "").strip()
            if text and text not in seen:
                seen.append(text)
        return "；".join(seen) or None

    method = next((e.check_method for e in entries if e.check_method is not None), None)
    return AssessedItem(score=None if all_na else score, not_applicable=all_na,
                        check_method=method, observation=joined("observation"),
                        deduction_reason=joined("deduction_reason"),
                        suggestion=joined("suggestion"), evidence=joined("evidence"),
                        photos=sorted({p for e in entries for p in e.photos}),
                        remark=joined("remark"))


def combine(experts: dict[str, Scores], iset: IndicatorSet, *, source: str) -> Scores:
    """The team's scores: prerequisites as ruled (the first expert's ruling of each, the sheets
    share them), items as means; locations point at the first expert's cells."""
    out = Scores(source=source, experts=dict(experts))
    first = next(iter(experts.values()), None)
    if first is not None:
        out.fallback = first.fallback
        out.meta = dict(first.meta)
    for scores in experts.values():
        for ref, ruling in scores.prerequisites.items():
            if ref not in out.prerequisites or out.prerequisites[ref].ruling is None:
                out.prerequisites[ref] = ruling
                for key, loc in scores.cells.items():
                    if key[0] == "pre" and key[1] == ref:
                        out.cells[key] = loc
        out.findings.extend(scores.findings)
    for ref in iset.items:
        entries = [s.items[ref] for s in experts.values() if ref in s.items]
        if not entries:
            continue
        out.items[ref] = mean_entry(entries, iset.score_decimals)
        for scores in experts.values():
            for key, loc in scores.cells.items():
                if key[0] == "item" and key[1] == ref:
                    out.cells.setdefault(key, loc)
    return out


@frozen(quick_init=False)
class Divergence:
    """One item the experts scored too differently: ``scores`` by expert (a number, 不适用
    or None), the spread and the threshold it exceeded, and each expert's reason."""

    item: str
    scores: tuple[tuple[str, float | str | None], ...]
    spread: float
    threshold: float
    opinions: tuple[tuple[str, str], ...]

    def scores_text(self) -> str:
        from ...indicators.numbers import fmt_points

        return "，".join(f"{name}{'未评分' if v is None else v if isinstance(v, str) else fmt_points(v) + '分'}"
                        for name, v in self.scores)


def threshold_for(points: float, threshold: float | None) -> float:
    return threshold if threshold is not None else points * DEFAULT_DIVERGENCE_RATIO


def divergences(scores: Scores, iset: IndicatorSet, threshold: float | None
                ) -> list[Divergence]:
    """Items where experts differ by more than the threshold, or differ on applicability."""
    out = []
    for ref, item in iset.items.items():
        given = [(name, s.items.get(ref)) for name, s in scores.experts.items()]
        values: list[tuple[str, float | str | None]] = [
            (name, None if e is None else NOT_APPLICABLE if e.not_applicable else e.score)
            for name, e in given]
        numbers = [v for _, v in values if isinstance(v, (int, float))]
        mixed = len(numbers) != len(values) and any(v == NOT_APPLICABLE for _, v in values) \
            and numbers
        limit = threshold_for(item.points, threshold)
        spread = float(_q(max(numbers)) - _q(min(numbers))) if numbers else 0.0
        if spread > limit + 1e-9 or mixed:
            opinions = tuple((name, _opinion(e)) for name, e in given if e is not None
                             and _opinion(e))
            out.append(Divergence(ref, tuple(values), spread, limit, opinions))
    return out


def _opinion(e: AssessedItem) -> str:
    parts = [t for t in (e.deduction_reason, e.observation, e.remark) if t]
    return "；".join(dict.fromkeys(p.strip() for p in parts))
