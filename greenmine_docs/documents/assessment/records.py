"""Process records (过程记录, domain.md §3): every deduction concrete enough to act on, every
checked licence and every penalty recorded with what a reviewer asks for.

* GM-W534 — a deduction reason that only says something is poor (“较差”, “偏少”, “不到位”,
  “不规范” …) without naming an object, a place or an amount (“标识标牌偏少”: which signs,
  where?). A reason counts as concrete when it has a digit or a word that places or counts
  something (处, 侧, 平台, 段, 米 …);
* GM-W535 — a deduction with no 整改建议, neither in its record nor in a listed problem;
* GM-W536 — a checked licence whose validity ended before the site visit;
* GM-W537 — a penalty without its type (处罚种类) or the rectification it required (整改要求).

:func:`suggestions` gives each deducted item its suggestion (the record's, else the listed
problem's): the report's 存在问题及整改建议 chapter is built from it.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Callable, Iterator

from ...findings import Finding, Location, make
from ...indicators.numbers import fmt_points

if TYPE_CHECKING:
    from ...model.assessment import AssessedItem, Assessment
    from ...pipeline import AssessmentScores, Run, Scores
    from ...scoring import ScoreResult

# words that judge without saying what or where (kept as data: extend, never rewrite)
VAGUE_WORDS = ("较差", "偏少", "不到位", "不规范", "较少", "不完善")
# what makes a reason concrete: a number, or a word that places or counts what was seen
PLACE_WORDS = ("处", "侧", "东", "西", "南", "北", "平台", "段", "采区", "厂区", "办公区", "生活区",
               "车间", "站", "料场", "堆场", "排土场", "采场", "库", "路", "块", "辆", "米", "公里",
               "公顷", "吨", "%", "％", "号", "井", "巷", "未设", "未建", "未编制", "未开展", "缺少")


def vague_word(text: str | None) -> str | None:
    """The vague word a reason rests on, or None when the reason is concrete (or empty)."""
    text = (text or "").strip()
    if not text:
        return None
    found = next((w for w in VAGUE_WORDS if w in text), None)
    if found is None:
        return None
    if any(ch.isdigit() for ch in text) or any(w in text for w in PLACE_WORDS):
        return None
    return found


def _vague(ref: str, entry: AssessedItem, where: Callable[[], Location], who: str = ""
           ) -> Iterator[Finding]:
    """GM-W534 for a deduction reason that only says a vague word; ``where``: its location,
    looked up only then (every scored item of every mine passes here)."""
    word = vague_word(entry.deduction_reason)
    if word is not None and not entry.not_applicable:
        yield make("GM-W534", f"{ref}{who}的扣分原因“{entry.deduction_reason}”只说“{word}”，没有写明"
                   "哪些对象、在什么位置、差多少。", location=where())


def _has_reason(entry: AssessedItem) -> bool:
    """Whether :func:`_vague` can find anything in ``entry``: an applicable item with a
    deduction reason (most items have full points and none: not even a generator is made)."""
    return bool(entry.deduction_reason) and not entry.not_applicable


def suggestions(a: Assessment, given: Scores, result: ScoreResult) -> dict[str, str]:
    """Each deducted item's 整改建议: its own record's, else a pointer to the listed problems
    that name it (their suggestion covers several items: said once, in their table)."""
    out: dict[str, str] = {}
    for r in result.deducted_items:
        entry = given.items.get(r.item.id)
        own = (entry.suggestion or "").strip() if entry else ""
        listed = [str(i) for i, p in enumerate(a.problems, start=1) if r.item.id in p.items]
        if own:
            out[r.item.id] = own
        elif listed:
            out[r.item.id] = f"见“主要问题及整改期限”第{'、'.join(listed)}项"
    return out


def check_records(ctx: Run, a: Assessment, scored: AssessmentScores) -> Iterator[Finding]:
    given = scored.given
    for ref, entry in (given.items.items() if not given.experts else ()):
        if _has_reason(entry):
            yield from _vague(ref, entry, partial(given.where, "item", ref, "deduction_reason"))
    for name, own in given.experts.items():
        for ref, entry in own.items.items():
            if _has_reason(entry):
                yield from _vague(ref, entry,
                                  partial(own.where, "item", ref, "deduction_reason"),
                                  f"（{name}）")
    advised = suggestions(a, given, scored.result)
    for r in scored.result.deducted_items:
        if r.item.id not in advised:
            yield make("GM-W535", f"{r.item.id} 扣{fmt_points(r.deduction)}分，但没有整改建议。",
                       location=given.where("item", r.item.id, "suggestion"))
    for i, lic in enumerate(a.licences):
        if lic.valid_to < a.site_visit.start:
            yield make("GM-W536", f"核查的{lic.name}（{lic.number}）有效期至{lic.valid_to}，"
                       f"早于现场评估开始日期{a.site_visit.start}。",
                       location=ctx.at("assessment", "licences", i, "valid_to"))
    for i, p in enumerate(ctx.submission.eligibility.penalties):
        missing = [label for label, value in (("处罚种类", p.kind), ("整改要求", p.requirement))
                   if not (value or "").strip()]
        if missing:
            yield make("GM-W537", f"行政处罚 {p.decision_number} 缺少{'、'.join(missing)}。",
                       location=ctx.at("eligibility", "penalties", i))
