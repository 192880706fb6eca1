"""Everything the plan document and the plan checks derive from the input, computed in one place.

Money is handled in integer 分 of 万元 (hundredths) so that totals by category and by year add up
exactly to the sum of the task rows, as an expert reviewer will check with a calculator.
"""
from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import ConfigError, InputError
from ...findings import Location
from ...frozen import frozen, record
from ...load.narrative import is_md_path, read_markdown
from ...money import cents, money, split_by_year  # noqa: F401 — the plan modules import them from here
from ...load.paths import resolve_inside
from .outline import Outline, load_outline, normalize_title

if TYPE_CHECKING:
    from ...indicators.model import IndicatorSet
    from ...pipeline import Run
    from ...model.plan import ImplementationPlan, Task


@frozen
class CategoryRef:
    """A first-level indicator (一级指标) as the plan uses it."""

    id: str
    name: str


@record
class NarrativeText:
    text: str
    location: Location
    file: Path | None = None


@record
class PlanData:
    plan: "ImplementationPlan"
    outline: Outline
    categories: list[CategoryRef]
    indicator_set: IndicatorSet | None
    base_dir: Path
    ctx: "Run"
    category_note: str = ""  # why categories come from the tasks instead of the set
    _narrative_cache: dict[tuple[str, str | None], NarrativeText | None] = field(
        default_factory=dict)
    _category_cache: dict[str, CategoryRef | None] = field(default_factory=dict)
    _indicator_categories: dict[str, str] | None = None
    _tasks_by_category: dict[CategoryRef, list[tuple[int, "Task"]]] = field(default_factory=dict)
    _year_splits: list[dict[int, int]] | None = None
    # the first-level indicator of each gap row, in the rows' order (``checks.gap_rows_for``)
    _gap_categories: list[CategoryRef | None] | None = None

    # -- categories ---------------------------------------------------------------------
    def category_of(self, ref: str) -> CategoryRef | None:
        """The first-level indicator named by an id (``"1"``) or a name (``"矿区环境"``)."""
        ref = str(ref)
        if ref not in self._category_cache:  # asked for every task by every table and check
            key = normalize_title(ref)
            self._category_cache[ref] = next(
                (c for c in self.categories
                 if ref.strip() == c.id or key == normalize_title(c.name)), None)
        return self._category_cache[ref]

    def indicator_category_id(self, ident: str) -> str | None:
        """Id of the first-level indicator of the indicator set that an id (of a category,
        group or item) belongs to; None when the set has no such id. The index is built once
        per input (the first category that has the id wins, as in the set's order)."""
        index = self._indicator_categories
        if index is None:
            index = {}
            for c in self.indicator_set.categories if self.indicator_set is not None else ():
                for ident_in in (c.id, *(g.id for g in c.groups),
                                 *(i.id for g in c.groups for i in g.items)):
                    index.setdefault(ident_in, c.id)
            self._indicator_categories = index
        return index.get(ident)

    def tasks_of(self, category: CategoryRef) -> list[tuple[int, "Task"]]:
        """(index, task) of the tasks of ``category``, in the tasks' order: found once per
        category (the checks, the task codes and the tables each ask for every category); the
        list is shared, not to be changed."""
        found = self._tasks_by_category.get(category)
        if found is None:
            found = self._tasks_by_category[category] = [
                (i, t) for i, t in enumerate(self.plan.tasks)
                if self.category_of(t.category) == category]
        return found

    def no_task_reason(self, category: CategoryRef) -> str | None:
        for k, v in self.plan.no_task_reasons.items():
            if self.category_of(k) == category and v.strip():
                return v.strip()
        return None

    # -- narrative -----------------------------------------------------------------------
    def narrative(self, key: str, sub: str | None = None) -> NarrativeText | None:
        """The Markdown for a section (``sub`` = the first-level indicator of a repeated
        section). A value that is a ``.md`` path is read from the input's folder. Raises
        :class:`InputError` for a file that cannot be used."""
        cache_key = (key, sub)
        if cache_key in self._narrative_cache:
            return self._narrative_cache[cache_key]
        result = self._narrative(key, sub)
        self._narrative_cache[cache_key] = result
        return result

    def _narrative(self, key: str, sub: str | None) -> NarrativeText | None:
        value = self.plan.narrative.get(key)
        path: tuple[Any, ...] = ("plan", "narrative", key)
        if sub is not None:
            if not isinstance(value, dict):
                return None
            category = self.category_of(sub)
            hit = None
            for k, v in value.items():
                if category is not None and self.category_of(k) == category:
                    hit = (k, v)
                    break
            if hit is None:
                return None
            path = (*path, hit[0])
            value = hit[1]
        elif isinstance(value, dict):
            return None
        if not isinstance(value, str) or not value.strip():
            return None
        location = self.ctx.at(*path)
        if is_md_path(value):
            file, text = markdown_file(self.ctx, self.base_dir, value.strip(), location)
            return NarrativeText(text, location, file)
        return NarrativeText(value, location)

    # -- money -----------------------------------------------------------------------------
    @property
    def task_total_cents(self) -> int:
        return sum(cents(t.investment) for t in self.plan.tasks)

    def by_category(self) -> list[tuple[CategoryRef, int, int]]:
        """(category, number of tasks, investment in cents) for every category."""
        return [(c, len(tasks), sum(cents(t.investment) for _, t in tasks))
                for c, tasks in ((c, self.tasks_of(c)) for c in self.categories)]

    def year_splits(self) -> list[dict[int, int]]:
        """Each task's investment per calendar year in cents (:func:`split_by_year`), in the
        tasks' order: computed once (the years, the table by category and year and the task
        list all read it); shared, not to be changed."""
        if self._year_splits is None:
            self._year_splits = [split_by_year(t) for t in self.plan.tasks]
        return self._year_splits

    def years(self) -> list[int]:
        p = self.plan.period
        years = set(range(p.start.year, p.end.year + 1))
        for split in self.year_splits():
            years.update(split)
        return sorted(years)

    def by_category_and_year(self) -> dict[str, dict[int, int]]:
        """category id -> year -> cents (tasks whose category is unknown are left out)."""
        out: dict[str, dict[int, int]] = {c.id: {} for c in self.categories}
        for t, split in zip(self.plan.tasks, self.year_splits()):
            c = self.category_of(t.category)
            if c is None:
                continue
            for year, amount in split.items():
                out[c.id][year] = out[c.id].get(year, 0) + amount
        return out


def plan_outline(ctx: "Run") -> Outline:
    """The outline the input names (``plan.outline``), or the built-in reference outline."""
    plan = ctx.submission.plan
    if plan is not None and plan.outline:
        location = ctx.at("plan", "outline")
        path = resolve_inside(ctx.base_dir, plan.outline, location)
        try:
            return load_outline(path)
        except ConfigError as e:
            raise ConfigError(e.message, hint=e.hint, location=str(location)) from e
    return load_outline()


def markdown_file(ctx: Run, base: Path, relative: str, location: Location
                  ) -> tuple[Path, str]:
    """The ``.md`` file ``relative`` (to ``base``) that a plan narrative names, and its text:
    confined and read once per run (the plan's data and its image checks both need each one).
    :class:`InputError` located at ``location`` when it cannot be used; only files that were
    read are kept, so every caller is told."""
    known = ctx.derived(_markdown_files)
    hit = known.get((base, relative))
    if hit is None:
        file = resolve_inside(base, relative, location)
        hit = known[(base, relative)] = (file, read_markdown(file, location))
    return hit


def _markdown_files(ctx: Run) -> dict[tuple[Path, str], tuple[Path, str]]:
    return {}  # (base, relative) -> (file, text), filled by markdown_file


def plan_data(ctx: Run) -> PlanData:
    """What the plan needs, computed once per run (its checks and its renderer share it)."""
    return ctx.derived(_plan_data)


def _plan_data(ctx: Run) -> PlanData:
    plan = ctx.submission.plan
    if plan is None:
        raise InputError("输入中没有实施方案（plan）部分，无法生成实施方案。",
                         hint="参照示例 examples/shanxi-limestone/mine.yaml 的 plan: 部分填写。")
    outline = plan_outline(ctx)
    iset = ctx.indicator_set
    note = ""
    if iset is not None:
        categories = [CategoryRef(c.id, c.name) for c in iset.categories]
    else:
        note = "评价指标体系不可用，一级指标取自建设任务中出现的类别。"
        categories = []
        for ref in [t.category for t in plan.tasks] + list(plan.no_task_reasons):
            if not any(normalize_title(ref) in (normalize_title(c.name), c.id) for c in categories):
                categories.append(CategoryRef(ref, ref))
    return PlanData(plan=plan, outline=outline, categories=categories, indicator_set=iset,
                    base_dir=ctx.base_dir, ctx=ctx, category_note=note)
