"""The one scoring engine: self-check table, assessor's score sheet and assessment report all
score through :func:`score`, so the three documents can never disagree.

Usage::

    from greenmine_docs.indicators import resolve, MineProfile
    from greenmine_docs.scoring import ItemScore, score, Verdict

    iset = resolve("national-2020-reference")
    result = score(
        iset,
        items={"1.1.1": ItemScore(score=13, reason="西侧道路有洒落物"),
               "3.2.3": ItemScore(not_applicable=True, reason="水泥灰岩矿不产生尾矿")},
        prerequisites={"P1": True, "P2": True},          # True 符合 / False 不符合 / None 未判定
        mine=MineProfile(industry_standard="DZ/T 0318-2018", method="露天开采"),
    )
    result.verdict            # Verdict.PASS ("达标") / FAIL ("不达标") / INCOMPLETE ("未完成")
    result.total              # converted total, compared with result.pass_line
    result.reasons            # Chinese sentences explaining the verdict, most important first
    result.categories[0].ratio, .passed, .groups[0].score ...
    result.items["1.1.1"].status, .deduction ...
    result.problems           # per-item problems (kind, item id, Chinese message) for findings

Rules (documented for users in ``docs/indicator-sets.md``):

* Each item scores ``0 <= score <= points``, with at most the set's ``score_decimals``
  decimals when it has them (a finer score counts as given, but is a problem). A score outside that range is *invalid*: it counts
  as 0 and is a problem. A missing score is *unscored*: it counts as 0 and is a problem.
  A deduction (score below points) needs a reason; without one it still counts, but is a problem.
* **Not applicable items** — the set says the item does not apply to this mine's industry
  standard or mining method (:meth:`Item.applies`), or the caller declares it
  (``ItemScore(not_applicable=True, reason=...)``, a reason is required) — leave the
  denominator: they add neither points nor score. Totals are then converted back to the set's
  full points: ``total = raw score ÷ applicable points × total points``; each first-level
  indicator's ratio is ``score ÷ applicable points``. Without such items ``total`` equals the
  plain sum. (A first-level indicator whose items are all not applicable has no ratio and is
  not checked.)
* Subtotals per second- and first-level indicator; each first-level indicator must reach its
  ``min_ratio``; the total must reach the pass line.
* **Any prerequisite ruled not met makes the result 不达标 regardless of the score.** A
  prerequisite not ruled, or any unscored/invalid item, makes the result 未完成 (unless a veto
  already failed it).

Arithmetic is exact (:class:`fractions.Fraction`); results are exposed as ``float`` and
formatted with :func:`fmt_points` / :func:`fmt_ratio`.
"""
from __future__ import annotations

import functools
import math
from dataclasses import field
from enum import Enum
from fractions import Fraction
from typing import Mapping, Sequence

from .frozen import frozen
from .indicators.model import Category, Group, IndicatorSet, Item, MineProfile, Prerequisite
from .indicators.numbers import fmt_points, fmt_ratio, fmt_score
from .memo import remember


class Verdict(str, Enum):
    PASS = "达标"
    FAIL = "不达标"
    INCOMPLETE = "未完成"


class Status(str, Enum):
    SCORED = "已评分"
    UNSCORED = "未评分"
    INVALID = "得分无效"
    NOT_APPLICABLE = "不适用"


# The statuses as module names: on Python 3.11 a member read from its Enum class goes through
# EnumType's __getattr__ hook (~0.28 µs, ten times a global name), and scoring reads one for
# every item several times (three scorings of a hundred items a mine).
_SCORED, _UNSCORED, _INVALID, _NA = (Status.SCORED, Status.UNSCORED, Status.INVALID,
                                     Status.NOT_APPLICABLE)


@frozen
class ItemScore:
    """What a caller knows about one item. ``reason``: why points were deducted, or (with
    ``not_applicable``) why the item does not apply."""

    score: float | None = None
    not_applicable: bool = False
    reason: str = ""


@frozen
class Problem:
    kind: str  # unscored | out_of_range | no_reason | unknown_item | scored_not_applicable |
    #            na_without_reason | unknown_prerequisite | unruled_prerequisite | too_precise
    ref: str  # item or prerequisite id
    message: str


@frozen
class ItemResult:
    item: Item
    status: Status
    score: float  # what counts (0 for unscored/invalid/not applicable)
    given: float | None  # what the caller gave
    reason: str = ""
    na_by_set: bool = False  # not applicable because of the set's applies_to

    @property
    def applicable(self) -> bool:
        return self.status is not _NA

    @property
    def deduction(self) -> float:
        return self.item.points - self.score if self.status is _SCORED else 0.0


@frozen
class GroupResult:
    group: Group
    points: float
    applicable_points: float
    score: float
    items: tuple[ItemResult, ...]


@frozen
class CategoryResult:
    category: Category
    points: float
    applicable_points: float
    score: float
    ratio: float | None  # score / applicable points; None when nothing applies
    min_ratio: float
    passed: bool
    groups: tuple[GroupResult, ...]


@frozen
class PrerequisiteResult:
    prerequisite: Prerequisite
    met: bool | None

    @property
    def label(self) -> str:
        return {True: "符合", False: "不符合", None: "未判定"}[self.met]


@frozen
class ScoreResult:
    indicator_set: IndicatorSet
    items: dict[str, ItemResult]
    categories: tuple[CategoryResult, ...]
    prerequisites: tuple[PrerequisiteResult, ...]
    raw_total: float  # plain sum of counted scores
    applicable_points: float  # set total minus not-applicable points
    total: float  # raw_total converted to the set's total points
    pass_line: float
    verdict: Verdict
    reasons: tuple[str, ...]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def total_points(self) -> float:
        return self.indicator_set.total_points

    @property
    def converted(self) -> bool:
        """True when not-applicable items made a conversion necessary."""
        return self.applicable_points != self.indicator_set.total_points

    @property
    def failed_prerequisites(self) -> list[PrerequisiteResult]:
        return [p for p in self.prerequisites if p.met is False]

    @functools.cached_property
    def deducted_items(self) -> tuple[ItemResult, ...]:
        """The items that lost points, in the set's order (worked out once: the checks, the
        process records and the report each ask)."""
        return tuple(r for r in self.items.values() if r.deduction > 0)

    def summary(self) -> str:
        """One Chinese sentence: ``自查得分 856.3 分（达标线 800 分），结论：达标。``"""
        return (f"得分{fmt_score(self.total)}分（满分{fmt_points(self.total_points)}分，"
                f"达标线{fmt_points(self.pass_line)}分），结论：{self.verdict.value}。")


@functools.lru_cache(maxsize=8192)
def _q(x: float | int) -> Fraction:
    """Exact value of a number as written (0.1 is one tenth, not the nearest binary float).
    Cached: the same few point values and scores recur in every mine (Fractions are
    immutable, and numbers that compare equal have equal exact values)."""
    return Fraction(repr(float(x))) if isinstance(x, float) else Fraction(x)


def _exact_parts(values: Sequence[float | int], parts: dict[int, int] | None = None
                 ) -> dict[int, int]:
    """The exact sum of numbers as written (see :func:`_q`), kept as numerators added per
    denominator (into ``parts`` when given): sums of sums are made this way too and combined
    into a Fraction only where one is needed (:func:`_combined`), instead of a Fraction
    addition (two gcds) per value."""
    by_denominator: dict[int, int] = {} if parts is None else parts
    for value in values:
        n, d = _ratio(value)
        by_denominator[d] = by_denominator.get(d, 0) + n
    return by_denominator


@functools.lru_cache(maxsize=8192)
def _ratio(x: float | int) -> tuple[int, int]:
    """:func:`_q` as numerator and denominator (cached like it)."""
    q = _q(x)
    return q.numerator, q.denominator


def _combined(parts: dict[int, int]) -> Fraction:
    """The Fraction of numerators kept by denominator (:func:`_exact_parts`)."""
    if len(parts) == 1:  # the usual case: whole points, or one kind of decimal
        for d, n in parts.items():
            return Fraction(n, d)
    total = Fraction(0)
    for d, n in parts.items():
        total += Fraction(n, d)
    return total


def _as_float(parts: dict[int, int]) -> float:
    """``float(_combined(parts))``: one integer division when there is one denominator (the
    quotient of two ints is correctly rounded, reduced or not), without making the Fraction."""
    if len(parts) == 1:
        for d, n in parts.items():
            return n / d
    return float(_combined(parts))


def _over_one(parts: dict[int, int]) -> tuple[int, int]:
    """The exact sum of ``parts`` (:func:`_exact_parts`) as a numerator over a positive common
    denominator, not reduced: what a category needs of its sums (floats, one ratio, one
    comparison) in integer arithmetic, without a Fraction (which reduces by a gcd each time)."""
    if len(parts) == 1:
        for d, n in parts.items():
            return n, d
    common = math.lcm(*parts) if parts else 1
    return sum(n * (common // d) for d, n in parts.items()), common


def _category_ratio(score_n: int, score_d: int, app_n: int, app_d: int, min_ratio: float
                    ) -> tuple[float | None, bool]:
    """A category's score rate (score ÷ applicable points, None when nothing applies) as a
    float, and whether it reaches ``min_ratio``: exactly as with Fractions (the quotient of two
    integers is correctly rounded, reduced or not; the comparison is cross-multiplied over
    positive denominators)."""
    if not app_n:
        return None, True
    num, den = score_n * app_d, score_d * app_n
    if den < 0:
        num, den = -num, -den
    q_n, q_d = _ratio(min_ratio)
    return num / den, num * q_d >= q_n * den


def _merge(into: dict[int, int], parts: dict[int, int]) -> None:
    for d, n in parts.items():
        into[d] = into.get(d, 0) + n


Layout = tuple[tuple[Category, float, tuple[tuple[Group, tuple[tuple[Item, str, int, int], ...]],
                                                 ...]], ...]


@functools.lru_cache(maxsize=16)
def _layout(indicator_set: IndicatorSet) -> Layout:
    """What :func:`score` walks, worked out once a set (every mine of a batch is scored three
    times against the same one): each first-level indicator with its points (the exact sum of
    its groups' points, as a float), each group with its items, each item with its id and its
    points as an exact numerator and denominator (:func:`_ratio`)."""
    out = []
    for cat in indicator_set.categories:
        pts_parts: dict[int, int] = {}
        groups = []
        for grp in cat.groups:
            _exact_parts((grp.points,), pts_parts)
            groups.append((grp, tuple((item, item.id, *_ratio(item.points))
                                      for item in grp.items)))
        out.append((cat, _as_float(pts_parts), tuple(groups)))
    return tuple(out)


def score(indicator_set: IndicatorSet, items: Mapping[str, ItemScore] | None = None,
          prerequisites: Mapping[str, bool | None] | None = None,
          mine: MineProfile | None = None) -> ScoreResult:
    """Score one mine against ``indicator_set``. Never raises for bad scores: they become
    :class:`Problem` entries and affect the verdict as the module docstring says.

    The result is a function of what is given (the set, each item's score, its type,
    not-applicable flag and reason, the rulings, the mine's profile): the last few results
    are kept by that, and the same question asked again is answered with the same
    (immutable) result. A self-evaluation that takes its scores from the self-check, as it
    usually does, asks exactly what the self-check's scoring asked."""
    given = _given(indicator_set, items, prerequisites, mine)
    found = _RECENT.get(given)
    if found is None:
        found = remember(_RECENT, given, _scored(indicator_set, items, prerequisites, mine),
                         _RECENT_KEPT)
    return found


_RECENT: dict[tuple[object, ...], ScoreResult] = {}  # see score
_RECENT_KEPT = 4  # a mine asks three questions, at most


def _given(indicator_set: IndicatorSet, items: Mapping[str, ItemScore] | None,
           prerequisites: Mapping[str, bool | None] | None, mine: MineProfile | None
           ) -> tuple[object, ...]:
    """What :func:`score`'s result depends on, as a key (types too: a score of ``1`` and one
    of ``1.0`` are equal, but the result keeps the given value)."""
    return (indicator_set, mine,
            tuple([(ref, s.score.__class__, s.score, s.not_applicable, s.reason)
                   for ref, s in (items or {}).items()]),
            tuple([(ref, met.__class__, met) for ref, met in (prerequisites or {}).items()]))


def _scored(indicator_set: IndicatorSet, items: Mapping[str, ItemScore] | None,
            prerequisites: Mapping[str, bool | None] | None, mine: MineProfile | None
            ) -> ScoreResult:
    """:func:`score`, worked out."""
    items = dict(items or {})
    rulings = dict(prerequisites or {})
    problems: list[Problem] = []
    known = indicator_set.items
    for ref in items:
        if ref not in known:
            problems.append(Problem("unknown_item", ref, f"编号“{ref}”不在指标体系中，未计分。"))
    item_results: dict[str, ItemResult] = {}
    cat_results: list[CategoryResult] = []
    decimals = indicator_set.score_decimals
    raw_parts: dict[int, int] = {}  # the exact sums of every category, as below
    applicable_parts: dict[int, int] = {}
    get = items.get
    for cat, points, groups in _layout(indicator_set):
        group_results = []
        app_parts: dict[int, int] = {}
        score_parts: dict[int, int] = {}
        for grp, rows_of in groups:
            rows = []
            g_app: dict[int, int] = {}
            g_score: dict[int, int] = {}
            for item, item_id, points_n, points_d in rows_of:
                r = _item(item, get(item_id, _NOTHING_GIVEN), mine, problems, decimals)
                rows.append(r)
                item_results[item_id] = r
                if r.status is not _NA:  # applicable: into the group's exact sums
                    g_app[points_d] = g_app.get(points_d, 0) + points_n
                    n, d = _ratio(r.score)
                    g_score[d] = g_score.get(d, 0) + n
            group_results.append(GroupResult(grp, grp.points, _as_float(g_app),
                                             _as_float(g_score), tuple(rows)))
            _merge(app_parts, g_app)
            _merge(score_parts, g_score)
        app_n, app_d = _over_one(app_parts)
        score_n, score_d = _over_one(score_parts)
        ratio, passed = _category_ratio(score_n, score_d, app_n, app_d, cat.min_ratio)
        cat_results.append(CategoryResult(cat, points, app_n / app_d,
                                          score_n / score_d, ratio, cat.min_ratio, passed,
                                          tuple(group_results)))
        _merge(raw_parts, score_parts)
        _merge(applicable_parts, app_parts)
    raw_total, applicable_total = _combined(raw_parts), _combined(applicable_parts)
    full = _q(indicator_set.total_points)
    total = raw_total * full / applicable_total if applicable_total else Fraction(0)

    pre_results = []
    for ref in rulings:
        if ref not in indicator_set.prerequisite_ids:
            problems.append(Problem("unknown_prerequisite", ref,
                                    f"先决条件编号“{ref}”不在指标体系中，已忽略。"))
    for pre in indicator_set.prerequisites:
        met = rulings.get(pre.id)
        pre_results.append(PrerequisiteResult(pre, met))
        if met is None:
            problems.append(Problem("unruled_prerequisite", pre.id,
                                    f"先决条件 {pre.id}“{pre.text}”未作出符合或不符合的判定。"))

    verdict, reasons = _verdict(indicator_set, cat_results, pre_results, item_results,
                                total, raw_total, applicable_total)
    return ScoreResult(indicator_set, item_results, tuple(cat_results), tuple(pre_results),
                       float(raw_total), float(applicable_total), float(total),
                       indicator_set.pass_line, verdict, tuple(reasons), tuple(problems))


@functools.lru_cache(maxsize=8192)
def _score_checks(value: float | int, points: float | int, decimals: int | None
                  ) -> tuple[bool, bool, bool]:
    """For a score given to an item of ``points``, exactly as written: whether it lies in
    0…points, has more decimals than ``decimals``, is below the full points. Cached like
    :func:`_q`: the same scores of the same items recur in every mine."""
    v, full = _q(value), _q(points)
    too_precise = decimals is not None and v * 10 ** decimals != int(v * 10 ** decimals)
    return 0 <= v <= full, too_precise, v < full


_NOTHING_GIVEN = ItemScore()  # an item the caller says nothing about


def _item(item: Item, given: ItemScore | None, mine: MineProfile | None,
          problems: list[Problem], decimals: int | None = None) -> ItemResult:
    given = given or _NOTHING_GIVEN
    reason = (given.reason or "").strip()
    if not item.applies(mine):
        if given.score is not None:
            problems.append(Problem(
                "scored_not_applicable", item.id,
                f"{item.id} 按指标体系{item.applies_to.describe()}，不适用于本矿山，所填得分"
                f" {fmt_points(given.score)} 未计入。"))
        return ItemResult(item, _NA, 0.0, given.score, reason, na_by_set=True)
    if given.not_applicable:
        if not reason:
            problems.append(Problem("na_without_reason", item.id,
                                    f"{item.id} 认定为不适用，但没有说明理由。"))
        return ItemResult(item, _NA, 0.0, given.score, reason)
    if given.score is None:
        problems.append(Problem("unscored", item.id, f"{item.id} 未评分，按 0 分计。"))
        return ItemResult(item, _UNSCORED, 0.0, None, reason)
    value = given.score
    in_range, too_precise, below_full = _score_checks(value, item.points, decimals)
    if not in_range:
        problems.append(Problem(
            "out_of_range", item.id,
            f"{item.id} 得分 {fmt_points(value)} 超出 0～{fmt_points(item.points)} 分，按 0 分计。"))
        return ItemResult(item, _INVALID, 0.0, value, reason)
    if too_precise:
        problems.append(Problem(
            "too_precise", item.id,
            f"{item.id} 得分 {fmt_points(value)} 的小数位数多于指标体系规定的{decimals}位。"))
    if below_full and not reason:
        problems.append(Problem(
            "no_reason", item.id,
            f"{item.id} 扣 {fmt_points(item.points - value)} 分，但没有写明扣分原因（存在问题）。"))
    return ItemResult(item, _SCORED, float(value), value, reason)


def _verdict(iset: IndicatorSet, cats: list[CategoryResult], pres: list[PrerequisiteResult],
             items: dict[str, ItemResult], total: Fraction, raw: Fraction, applicable: Fraction
             ) -> tuple[Verdict, list[str]]:
    reasons: list[str] = []
    failed = [p for p in pres if p.met is False]
    for p in failed:
        reasons.append(f"先决条件{p.prerequisite.id}“{p.prerequisite.text}”不符合，实行一票否决。")
    unruled = [p for p in pres if p.met is None]
    unscored = [r for r in items.values() if r.status is _UNSCORED]
    invalid = [r for r in items.values() if r.status is _INVALID]
    open_lines = []
    if unscored:
        open_lines.append(f"有{len(unscored)}项未评分（{_ids(unscored)}）。")
    if invalid:
        open_lines.append(f"有{len(invalid)}项得分超出分值范围（{_ids(invalid)}）。")
    if unruled:
        open_lines.append(f"有{len(unruled)}条先决条件未判定（"
                          + "、".join(p.prerequisite.id for p in unruled) + "）。")
    if open_lines and not failed:  # an open result says so, and only so: no score, no verdict
        return Verdict.INCOMPLETE, ["评分尚未完成，暂不能得出结论。", *open_lines]
    na = [r for r in items.values() if r.status is _NA]
    score_line = f"得分{fmt_score(float(total))}分，达标线{fmt_points(iset.pass_line)}分"
    if applicable != _q(iset.total_points):
        score_line += (f"（{len(na)}项不适用，适用分值{fmt_points(float(applicable))}分，"
                       f"实际得分{fmt_score(float(raw))}分，按"
                       f"“实际得分÷适用分值×{fmt_points(iset.total_points)}”折算）")
    below_line = total < _q(iset.pass_line)
    score_line += "，未达到达标线。" if below_line else "，达到达标线。"
    low = [c for c in cats if not c.passed]
    if failed:  # a veto decides; the rest of the scoring is reported only when it is complete
        return Verdict.FAIL, reasons + ([] if open_lines else [score_line])
    reasons.append(score_line)
    for c in low:
        reasons.append(f"一级指标“{c.category.name}”得分率{fmt_ratio(c.ratio)}，低于要求的"
                       f"{c.min_ratio * 100:g}%。")
    if not low and any(c.min_ratio > 0 for c in cats):
        reasons.append("各一级指标得分率均达到要求。")
    if below_line or low:
        return Verdict.FAIL, reasons
    if pres:
        reasons.insert(0, "先决条件全部符合。")
    return Verdict.PASS, reasons


def _ids(rows: list[ItemResult], limit: int = 8) -> str:
    ids = [r.item.id for r in rows]
    return "、".join(ids[:limit]) + ("等" if len(ids) > limit else "")
