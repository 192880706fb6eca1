"""The implementation plan, the self-check table and the assessment tell one story.

Checks that look across the documents of one input (findings GM-W233–W235):

* a quantified target or a gap row on an evaluation item that does not apply to the mine (the
  indicator set says so, or the self-check or the assessment rules it 不适用);
* a gap row whose text is about another item than the one it names (its words are those of
  item 1.1.4 “标识标牌”, its number says 1.1.6 “堆场”);
* the same quantity stated differently in two places (plan May 2023: greening 72 %; self-check
  September 2023: 92 %) when no date explains the change — the later document is dated before
  the plan's work began, or both are the same document.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..cntext import cn_date
from ..findings import Finding, make
from .statements import Source, Statement, may_state, same_quantity, statements

if TYPE_CHECKING:
    from ..indicators.model import IndicatorSet
    from ..pipeline import Run

PLAN, SELF_CHECK, ASSESSMENT = "实施方案", "自查记录表", "第三方评估"
# plan sections that describe the mine as it is (the others are goals, tasks and benefits)
CURRENT_STATE_SECTIONS = ("enterprise", "licence", "geology", "exploitation", "environment",
                          "gap_summary")


def check(ctx: Run) -> Iterator[Finding]:
    iset = ctx.indicator_set
    if iset is not None:
        yield from _on_not_applicable(ctx, iset)
        yield from _gap_rows_about_other_items(ctx, iset)
    yield from _quantities(ctx)


# -- 1. targets and gap rows on items that do not apply ------------------------------------
def not_applicable(ctx: Run, iset: IndicatorSet) -> dict[str, str]:
    """Item id -> who rules it not applicable, and why (Chinese)."""
    from ..indicators import profile_of

    out: dict[str, str] = {}
    mine = profile_of(ctx.submission)
    for item in iset.iter_items():
        if not item.applies(mine):
            out[item.id] = f"按评价指标{item.applies_to.describe()}，不适用于本矿山"
    sc = ctx.submission.self_check
    for ref, e in (sc.items.items() if sc else ()):
        if e.not_applicable and ref not in out:
            out[ref] = "自查记录表填为不适用" + (f"（{e.situation}）" if e.situation else "")
    a = ctx.submission.assessment
    for ref, s in (a.scores.items() if a else ()):
        if s.not_applicable and ref not in out:
            out[ref] = "第三方评估认定不适用" + (f"（{s.remark}）" if s.remark else "")
    return out


def _on_not_applicable(ctx: Run, iset: IndicatorSet) -> Iterator[Finding]:
    plan = ctx.submission.plan
    if plan is None:
        return
    na = not_applicable(ctx, iset)
    for i, t in enumerate(plan.targets):
        if t.indicator and str(t.indicator).strip() in na:
            ref = str(t.indicator).strip()
            yield make("GM-W233", f"量化目标“{t.name}”对应的评价内容{ref}{na[ref]}。",
                       location=ctx.at("plan", "targets", i, "indicator"))
    for i, g in enumerate(plan.gaps):
        ref = str(g.indicator).strip()
        if ref in na:
            yield make("GM-W233", f"差距分析中评价内容{ref}的一行：该项{na[ref]}。",
                       location=ctx.at("plan", "gaps", i, "indicator"))


# -- 2. gap rows about another item -----------------------------------------------------------
def _gap_rows_about_other_items(ctx: Run, iset: IndicatorSet) -> Iterator[Finding]:
    plan = ctx.submission.plan
    if plan is None:
        return
    words = _item_words(iset)
    for i, g in enumerate(plan.gaps):
        ref = str(g.indicator).strip()
        if ref not in words:
            continue  # an unknown id is reported by the plan checks
        other = closer_item(f"{g.current}{g.gap}", ref, words)
        if other is not None:
            yield make("GM-W234", f"差距分析中编号{ref}的一行（“{_short(g.current)}”）说的是评价内容"
                       f"{other}“{_short(iset.items[other].text)}”，而不是{ref}"
                       f"“{_short(iset.items[ref].text)}”。",
                       location=ctx.at("plan", "gaps", i, "indicator"))


def closer_item(text: str, ref: str, words: "ItemWords") -> str | None:
    """The item whose own words ``text`` shares much more of (three times, and a clear amount)
    than of item ``ref``'s; None when ``ref`` is about as likely as any. Word pairs weigh more
    the fewer items use them."""
    scores = words.scores(text)
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    own = scores.get(ref, 0.0)
    if best == ref or scores[best] < 3 * max(own, 1.5) or scores[best] < 8:
        return None
    return best


class ItemWords:
    """The two-character word pairs of every item's requirement, method and evidence, with a
    weight that is high for pairs few items use."""

    def __init__(self, iset: IndicatorSet) -> None:
        self.pairs = {i.id: _pairs(f"{i.text}{i.method}{i.evidence}") for i in iset.iter_items()}
        n = len(self.pairs)
        counts: dict[str, int] = {}
        for own in self.pairs.values():
            for p in own:
                counts[p] = counts.get(p, 0) + 1
        self.weight = {p: math.log(n / c) for p, c in counts.items()}
        self.users: dict[str, list[str]] = {}  # word pair -> the items that use it
        for item, own in self.pairs.items():
            for p in own:
                self.users.setdefault(p, []).append(item)

    def __contains__(self, ref: str) -> bool:
        return ref in self.pairs

    def scores(self, text: str, among: "frozenset[str] | None" = None) -> dict[str, float]:
        """Item -> the weight of the word pairs ``text`` shares with it (items sharing none
        are left out), optionally only ``among`` some items."""
        out: dict[str, float] = {}
        users, weights = self.users, self.weight
        for p in _pairs(text):
            found = users.get(p)
            if found is None:
                continue
            weight = weights[p]
            for item in found:
                if among is None or item in among:
                    out[item] = out.get(item, 0.0) + weight
        return out


@lru_cache(maxsize=8)
def _item_words(iset: IndicatorSet) -> ItemWords:
    return ItemWords(iset)


def _pairs(text: str) -> set[str]:
    """The pairs of adjacent Chinese characters of ``text``."""
    return {run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


_CJK_RUN = re.compile("[\u4e00-\u9fff]{2,}")


def _short(text: str, n: int = 18) -> str:
    t = "".join(str(text).split())
    return t if len(t) <= n else t[:n] + "…"


# -- 3. the same quantity stated differently --------------------------------------------------
def sources(ctx: Run) -> Iterator[Source]:
    """The texts of the plan, the self-check and the assessment that describe the mine as it
    is, each with its document's date and the items it is about; only those that may state a
    quantity (:func:`~.statements.may_state`: :func:`~.statements.statements` finds nothing in
    the others)."""
    s = ctx.submission
    if s.plan is not None:
        yield from _plan_sources(ctx)
    sc = s.self_check
    if sc is not None and sc.check_date is not None:
        for ref, e in sc.items.items():
            text = _joined(e.situation, e.problem)
            if may_state(text):
                yield Source(SELF_CHECK, f"第{ref}项", frozenset({ref}), sc.check_date, text,
                             partial(ctx.at, "self_check", "items", ref))
    a = s.assessment
    if a is not None:
        yield from _assessment_sources(ctx)


def _joined(first: str | None, second: str | None) -> str:
    """``"。".join`` of the two that are not empty (once for each item of two sections)."""
    if first and second:
        return f"{first}。{second}"
    return first or second or ""


def _plan_sources(ctx: Run) -> Iterator[Source]:
    from ..errors import ConfigError, InputError
    from ..documents.plan.data import plan_data

    plan = ctx.submission.plan
    assert plan is not None
    for i, g in enumerate(plan.gaps):
        row = f"{g.current}。{g.gap}"
        if may_state(row):
            ref = str(g.indicator).strip()
            yield Source(PLAN, f"差距分析第{ref}项", frozenset({ref}), plan.date, row,
                         partial(ctx.at, "plan", "gaps", i))
    for i, t in enumerate(plan.targets):
        if isinstance(t.current, (int, float)) and t.unit:
            items = frozenset({str(t.indicator).strip()}) if t.indicator else frozenset()
            yield Source(PLAN, f"量化目标“{t.name}”的现状值", items, plan.date,
                         f"{t.name}{t.current:g}{t.unit}",
                         partial(ctx.at, "plan", "targets", i, "current"))
    try:
        data = plan_data(ctx)
    except (InputError, ConfigError):
        return
    for key in CURRENT_STATE_SECTIONS:
        section = data.outline.section(key)
        try:
            text = data.narrative(key)
        except InputError:
            continue  # reported by the plan checks
        if text is not None and section is not None and may_state(text.text):
            yield Source(PLAN, f"“{section.title or key}”一节", frozenset(), plan.date,
                         text.text, text.location)


def _assessment_sources(ctx: Run) -> Iterator[Source]:
    a = ctx.submission.assessment
    assert a is not None
    scored = ctx.scores.assessment
    day = a.site_visit.start
    scores = scored.given if scored is not None else None
    if scores is not None:
        for ref, e in scores.items.items():
            text = _joined(e.deduction_reason, e.remark)
            if may_state(text):
                yield Source(ASSESSMENT, f"第{ref}项评分", frozenset({ref}), day, text,
                             partial(scores.where, "item", ref))
    for i, p in enumerate(a.problems):
        if may_state(p.description):
            yield Source(ASSESSMENT, f"存在问题第{i + 1}条", frozenset(p.items), day,
                         p.description,
                         partial(ctx.at, "assessment", "problems", i, "description"))
    cited: dict[int, set[str]] = {}
    for ref, e in (scores.items.items() if scores is not None else ()):
        for n in e.photos:
            cited.setdefault(n, set()).add(ref)
    for i, ph in enumerate(a.photos, start=1):
        if not may_state(ph.caption):
            continue
        yield Source(ASSESSMENT, f"照片{i}说明", frozenset(cited.get(i, ())), day, ph.caption,
                     partial(ctx.at, "assessment", "photos", i - 1, "caption"))


def _narrowed(st: Statement, words: "ItemWords | None") -> Statement:
    """A statement of a text about several items (a problem, a photo) is about the one whose
    words its clause shares most (“矿井水综合利用率约72%” of items 3.2.4 and 3.3.2 is 3.3.2)."""
    if words is None or len(st.items) < 2:
        return st
    scores = words.scores(st.clause, st.items)
    if not scores:
        return st
    top = max(scores.values())
    if top <= 0:
        return st
    return replace(st, items=frozenset(i for i, v in scores.items() if v == top))


def _agree(a: Statement, b: Statement) -> bool:
    """Equal as written (to the precision of the less precise one, or within 1 %)."""
    x, y = a.value, b.value
    return abs(x - y) <= max(abs(x), abs(y)) * 0.01 + 0.5 * _step(a, b) + 1e-9


def _step(a: Statement, b: Statement) -> float:
    """The rounding step of the less precise of two written numbers (in the canonical unit)."""
    if a.unit != "%":
        return 0.0
    return max(_written_step(a.written), _written_step(b.written))


@lru_cache(maxsize=4096)
def _written_step(written: str) -> float:
    """The rounding step of a number as written (``绿化覆盖率92.5%``: 0.1), worked out once a
    spelling: a statement is compared with many others."""
    digits = "".join(c for c in written if c.isdigit() or c == ".")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(10 ** -decimals)


def explained(ctx: Run, a: Statement, b: Statement) -> bool:
    """A date explains a difference: the two sentences name different years, or the later
    document is dated after the plan's work began (or a year after the earlier one)."""
    if a.year is not None and b.year is not None and a.year != b.year:
        return True
    if a.day == b.day:
        return False
    first, last = sorted((a.day, b.day))
    plan = ctx.submission.plan
    started = plan is not None and plan.period.start <= last
    return started or (last - first).days > 365


def _quantities(ctx: Run) -> Iterator[Finding]:
    iset = ctx.indicator_set
    words = _item_words(iset) if iset is not None else None
    found = [_narrowed(st, words) for src in sources(ctx) for st in statements(src)]
    yield from _differing(ctx, [s for s in found if s.kind == "quantity"])
    yield from _elevations(ctx, [s for s in found if s.kind == "elevation"])


def _differing(ctx: Run, found: list[Statement]) -> Iterator[Finding]:
    reported: set[tuple[Any, ...]] = set()
    kinds: dict[tuple[str, str], list[Statement]] = {}  # only the same unit and qualifier compare
    for s in found:
        kinds.setdefault((s.unit, s.qualifier), []).append(s)
    for a, b in _pairs_to_compare(kinds.values()):
        if (a.where == b.where and a.doc == b.doc) or not same_quantity(a, b) or _agree(a, b):
            continue
        if explained(ctx, a, b):
            continue
        key = (min(a.where, b.where), max(a.where, b.where), a.unit, a.core[-2:])
        if key in reported:
            continue
        reported.add(key)
        first, last = sorted((a, b), key=lambda s: s.day)
        yield make("GM-W235", f"{_place(first)}写“{first.written}”，{_place(last)}写"
                   f"“{last.written}”，{_why(ctx, first, last)}。", location=last.location)


def _pairs_to_compare(groups: Iterable[list[Statement]]
                      ) -> Iterator[tuple[Statement, Statement]]:
    """Each pair of statements of a group in the order ``a`` before ``b``, leaving out the
    pairs :func:`same_quantity` always refuses: a rate (…率) and a quantity that is not one,
    two rates whose last three characters differ (two in three pairs of a mine)."""
    for group in groups:
        by_rate: dict[str, list[Statement]] = {}
        for s in group:
            by_rate.setdefault(_rate_of(s), []).append(s)
        passed: dict[str, int] = {}
        for a in group:
            rate = _rate_of(a)
            i = passed[rate] = passed.get(rate, 0) + 1
            for b in by_rate[rate][i:]:
                yield a, b


def _rate_of(s: Statement) -> str:
    """The last three characters of a rate's label (``绿化覆盖率``: 覆盖率); "" for another
    quantity."""
    return s.core[-3:] if s.core.endswith("率") else ""


def _place(s: Statement) -> str:
    return f"{s.doc}（{cn_date(s.day)}）{s.where}"


def _why(ctx: Run, first: Statement, last: Statement) -> str:
    if first.day == last.day:
        return "同一时间的数字前后不一"
    plan = ctx.submission.plan
    if plan is not None:
        return (f"两个日期之间实施方案尚未开始实施（方案期限自{plan.period.start.year}年"
                f"{plan.period.start.month}月起），差异无法由时间解释")
    return "两个日期相隔不足一年，差异无法由时间解释"


def _elevations(ctx: Run, found: list[Statement]) -> Iterator[Finding]:
    """Platforms named for the same item by two documents that share none (1210 vs 1245)."""
    by_item: dict[tuple[str, str], list[Statement]] = {}
    for s in found:
        for item in s.items:
            by_item.setdefault((item, s.doc), []).append(s)
    reported: set[tuple[str, ...]] = set()
    for (item, doc), mine in sorted(by_item.items()):
        for (item2, doc2), theirs in sorted(by_item.items()):
            if item2 != item or doc2 <= doc:
                continue
            if {s.value for s in mine} & {s.value for s in theirs}:
                continue
            key = tuple(sorted({s.written for s in mine} | {s.written for s in theirs}))
            if key in reported:
                continue
            reported.add(key)
            a, b = mine[0], theirs[0]
            yield make("GM-W235", f"评价内容{item}：{_place(a)}写“{a.written}”，{_place(b)}写"
                       f"“{b.written}”，所指的位置不一致。", location=b.location)
