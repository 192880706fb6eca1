"""The indicator set model: prerequisites (vetoes), first-level indicators (一级指标), second-level
groups (二级指标) and items (三级指标 / 评价内容), with points, pass line and minimum ratios.

Objects are frozen dataclasses built only by :func:`greenmine_docs.indicators.validate.build_set`,
which checks the arithmetic first; code can therefore trust that points add up.

Applicability: an item may name the industry standards (``DZ/T 0318-2018``…) and the mining
methods (``露天开采``…) it applies to. :meth:`Item.applies` decides for one mine
(:class:`MineProfile`); an unknown mine value never excludes an item. What happens to items that
do not apply is decided by the scoring engine (:mod:`greenmine_docs.scoring`): they leave the
denominator and the total is converted back to the set's full points.
"""
from __future__ import annotations

from dataclasses import field
from functools import cached_property
from typing import Iterator

from ..frozen import frozen

# Facts from the input's eligibility section that a prerequisite may be tied to. Used by the
# self-check checks to compare a prerequisite ruling with what the input says.
PREREQUISITE_FACTS = {
    "licences_valid": "营业执照、采矿许可证、安全生产许可证有效",
    "no_penalty": "近三年无行政处罚或已整改到位",
    "not_abnormal": "未列入矿业权人勘查开采信息公示系统异常名录",
    "operating_reserves": "矿山正常生产且剩余可采年限不少于3年",
    "no_protected_area": "矿区范围不涉及自然保护地（禁采区）",
    "plan_passed": "绿色矿山建设实施方案已编制并通过评审",
}


@frozen(quick_init=False)
class MineProfile:
    """What decides applicability: the mine's industry standard and mining method (the enum
    values, e.g. ``"DZ/T 0318-2018"`` and ``"露天开采"``); ``None`` means unknown."""

    industry_standard: str | None = None
    method: str | None = None


@frozen(quick_init=False)
class Applicability:
    standards: tuple[str, ...] = ()  # empty: every standard
    methods: tuple[str, ...] = ()  # empty: every method

    @property
    def restricted(self) -> bool:
        return bool(self.standards or self.methods)

    def describe(self) -> str:
        """Chinese text such as ``仅适用于：DZ/T 0315-2018；地下开采``; empty when unrestricted."""
        parts = [*self.standards, *self.methods]
        return ("仅适用于：" + "；".join(parts)) if parts else ""


@frozen(quick_init=False)
class Item:
    id: str
    text: str  # 评价内容与要求
    points: float
    method: str = ""  # 评分方法
    evidence: str = ""  # 佐证材料
    applies_to: Applicability = field(default_factory=Applicability)
    group_id: str = ""
    category_id: str = ""

    def applies(self, mine: MineProfile | None) -> bool:
        if mine is None:
            return True
        a = self.applies_to
        if a.standards and mine.industry_standard and mine.industry_standard not in a.standards:
            return False
        if a.methods and mine.method and mine.method not in a.methods:
            return False
        return True


@frozen(quick_init=False)
class Group:
    """A second-level indicator (二级指标)."""

    id: str
    name: str
    points: float
    items: tuple[Item, ...]
    category_id: str = ""


@frozen(quick_init=False)
class Category:
    """A first-level indicator (一级指标) with its own minimum ratio of points."""

    id: str
    name: str
    points: float
    min_ratio: float
    groups: tuple[Group, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for g in self.groups for i in g.items)


@frozen(quick_init=False)
class Prerequisite:
    """A veto condition (先决条件): any one not met makes the result 不达标."""

    id: str
    text: str
    evidence: str = ""
    fact: str | None = None  # key of PREREQUISITE_FACTS, optional


@frozen(quick_init=False)
class IndicatorSet:
    id: str
    title: str
    official: bool
    total_points: float
    pass_line: float
    min_ratio: float  # default per first-level indicator
    prerequisites: tuple[Prerequisite, ...]
    categories: tuple[Category, ...]
    edition: str = ""
    source: str = ""
    note: str = ""
    document_number: str = ""  # the issuing document's number, cited with the title
    source_path: str = ""  # where it was loaded from (file or "builtin:ID")
    # decimals a score may have (1: 2.5 is a score, 2.55 is not; also how a mean of several
    # experts' scores is rounded); None: not restricted, means are kept to two decimals
    score_decimals: int | None = None
    # the structure the set declares (first-level, second-level, items), checked on loading so
    # a table typed in from a published one cannot silently lose or gain a row; None: not declared
    declared_counts: tuple[int, int, int] | None = None

    def __hash__(self) -> int:
        """A hash of a few identifying fields, not of the whole tree: caches key on the set
        for every mine of a batch, and hashing its hundreds of nested items each time cost
        more than the cached work. Equal sets still hash alike (equality compares all)."""
        return hash((self.id, self.title, self.source_path, self.total_points))

    @property
    def display_title(self) -> str:
        """The title as documents show it: an unofficial set always says 参考."""
        if self.official or "参考" in self.title:
            return self.title
        return f"{self.title}（参考）"

    @property
    def reference_notice(self) -> str:
        """The sentence every document using an unofficial set prints."""
        if self.official:
            return ""
        return "评分采用的指标为参考指标，以主管部门发布的正式指标为准。"

    def iter_items(self) -> Iterator[Item]:
        for c in self.categories:
            for g in c.groups:
                yield from g.items

    @cached_property
    def items(self) -> dict[str, Item]:
        """Items by id, in set order (computed once: the set is immutable)."""
        return {i.id: i for i in self.iter_items()}

    @cached_property
    def groups(self) -> dict[str, Group]:
        return {g.id: g for c in self.categories for g in c.groups}

    @property
    def prerequisite_ids(self) -> list[str]:
        return [p.id for p in self.prerequisites]

    def category_of(self, item_id: str) -> Category:
        item = self.items[item_id]
        return next(c for c in self.categories if c.id == item.category_id)

    def counts(self) -> dict[str, int]:
        return {"prerequisites": len(self.prerequisites), "categories": len(self.categories),
                "groups": sum(len(c.groups) for c in self.categories),
                "items": sum(1 for _ in self.iter_items())}
