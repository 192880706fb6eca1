"""Writes the plan's body — every outline chapter and section, in order — through a
:class:`~greenmine_docs.docx.Writer`. What fills a section is the outline's ``fill`` list; each
source has one small function here (``_fill_<name>``). Optional sections without content are
left out and the numbering closes up; required ones are guaranteed by the checks.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable

from ...docx import Cell, cn_month
from ...render.mine_facts import enterprise_table, licence_table, reserves_sentence
from ...render.outline_body import parts_with_content, write_outline
from ...units import fmt_number
from .checks import category_of_indicator, gap_rows_for, section_has_content
from .data import CategoryRef, PlanData, cents, money
from ...docx.gantt import Bar, add_gantt

if TYPE_CHECKING:
    from ...docx import Writer
    from .outline import Chapter, Section


def _amount(c: int) -> str:
    return f"{money(c):.2f}"


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.2f}" if whole else "—"


def _ym(d: dt.date) -> str:
    """Compact month for table cells: ``2023.10``."""
    return f"{d.year}.{d.month:02d}"


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (int, float)):
        return fmt_number(value)
    return str(value)


_LANDSCAPE_SOURCES = {"table:task_list"}


def _landscape(section: "Section") -> bool:
    """Sections holding a wide table are set on landscape pages, heading included."""
    return any(s in _LANDSCAPE_SOURCES for s in section.fill)


class PlanComposer:
    def __init__(self, data: PlanData, writer: "Writer") -> None:
        self.d = data
        self.w = writer
        self.codes = self._task_codes()

    # -- structure -----------------------------------------------------------------------------
    def compose(self) -> None:
        write_outline(self.w, ((c, self._chapter_parts(c)) for c in self.d.outline.chapters),
                      self._fill, before=lambda s: self.w.section_break(landscape=_landscape(s)))

    def _chapter_parts(self, chapter: "Chapter") -> list[tuple["Section", CategoryRef | None]]:
        return parts_with_content(chapter, self.d.categories,
                                  lambda s, c: section_has_content(self.d, s, c))

    def _fill(self, source: str, section: "Section", category: CategoryRef | None) -> None:
        if source == "narrative":
            text = self.d.narrative(section.key, category.id if category else None)
            if text is not None and text.text.strip():
                self.w.markdown(text.text, level=2, where=str(text.location))
            return
        handler: Callable[..., None] = getattr(self, "_" + source.replace(":", "_"))
        handler(category)

    # -- facts ------------------------------------------------------------------------------------
    def _facts_period(self, category: Any = None) -> None:
        p = self.d.plan.period
        self.w.paragraph(f"本方案实施期限为{cn_month(p.start)}至{cn_month(p.end)}，共"
                         f"{_months(p.start, p.end)}个月。")

    def _facts_enterprise(self, category: Any = None) -> None:
        enterprise_table(self.w, self.d.ctx.submission)

    def _facts_licence(self, category: Any = None) -> None:
        licence_table(self.w, self.d.ctx.submission)

    def _facts_reserves(self, category: Any = None) -> None:
        self.w.paragraph(reserves_sentence(self.d.ctx.submission))

    # -- tables -----------------------------------------------------------------------------------
    def _table_gaps(self, category: CategoryRef | None) -> None:
        rows_src = gap_rows_for(self.d, category) if category else list(enumerate(self.d.plan.gaps))
        if not rows_src:
            return
        rows = []
        for _, g in rows_src:
            rows.append([g.indicator, g.requirement or self._indicator_text(g.indicator),
                         g.current, g.gap])
        name = category.name if category else "绿色矿山建设"
        self.w.table(["指标编号", "评价内容与要求", "现状", "差距与问题"], rows,
                     caption=f"{name}现状与差距分析表", widths_mm=[16, 52, 44, 44],
                     aligns=["center", "left", "left", "left"])

    def _indicator_text(self, indicator_id: str) -> str:
        iset = self.d.indicator_set
        if iset is None:
            return "—"
        ident = str(indicator_id).strip()
        item = iset.items.get(ident)
        if item is not None:
            return item.text
        group = iset.groups.get(ident)
        if group is not None:
            return group.name
        cat = next((c for c in iset.categories if c.id == ident), None)
        return cat.name if cat else "—"

    def _table_targets(self, category: Any = None) -> None:
        rows = [[i, t.name, _number(t.current), _number(t.target), t.unit or "—", t.year]
                for i, t in enumerate(self.d.plan.targets, start=1)]
        self.w.table(["序号", "目标指标", "现状值", "目标值", "单位", "完成年份"], rows,
                     caption="绿色矿山建设量化目标表", widths_mm=[12, 68, 20, 20, 16, 20],
                     aligns=["center", "left", "center", "center", "center", "center"])

    def _table_tasks(self, category: CategoryRef | None) -> None:
        tasks = self.d.tasks_of(category) if category else list(enumerate(self.d.plan.tasks))
        if not tasks:
            reason = self.d.no_task_reason(category) if category else None
            if reason:
                self.w.paragraph(reason)
            return
        rows: list[list[Any]] = []
        total = 0
        for i, t in tasks:
            rows.append([self.codes[i], t.content, f"{_ym(t.start)}—{_ym(t.end)}",
                         _amount(cents(t.investment)), t.responsible])
            total += cents(t.investment)
        rows.append([Cell("小计", span=3, align="center", bold=True),
                     Cell(_amount(total), align="right", bold=True), ""])
        name = category.name if category else ""
        self.w.table(["编号", "建设内容", "实施时间", "投资（万元）", "责任部门"], rows,
                     caption=f"{name}建设任务表", widths_mm=[12, 70, 30, 20, 24],
                     aligns=["center", "left", "center", "right", "center"])

    def _table_schedule(self, category: Any = None) -> None:
        rows = []
        for i, t in self._ordered_tasks():
            rows.append([self.codes[i], t.content, _ym(t.start), _ym(t.end),
                         _months(t.start, t.end), t.responsible])
        self.w.table(["编号", "建设任务", "开始时间", "完成时间", "工期（月）", "责任部门"], rows,
                     caption="建设任务进度安排表", widths_mm=[12, 62, 20, 20, 16, 26],
                     aligns=["center", "left", "center", "center", "center", "center"])

    def _chart_gantt(self, category: Any = None) -> None:
        index = {c.id: k for k, c in enumerate(self.d.categories)}
        bars = []
        for i, t in self._ordered_tasks():
            c = self.d.category_of(t.category)
            bars.append(Bar(code=self.codes[i], label=" ".join(t.content.split()),
                            group=index.get(c.id, len(index)) if c else len(index),
                            group_name=c.name if c else t.category, start=t.start, end=t.end))
        p = self.d.plan.period
        add_gantt(self.w, bars, p.start, p.end, "建设任务进度横道图", width_mm=150)

    def _table_milestones(self, category: Any = None) -> None:
        rows = [[i, _ym(m.date), m.content] for i, m in
                enumerate(sorted(self.d.plan.milestones, key=lambda m: m.date), start=1)]
        self.w.table(["序号", "完成时间", "节点目标"], rows, caption="关键节点安排表",
                     widths_mm=[12, 30, 114], aligns=["center", "center", "left"])

    def _table_investment_by_category(self, category: Any = None) -> None:
        by_cat = self.d.by_category()
        total = sum(c for _, _, c in by_cat)
        rows: list[list[Any]] = []
        for k, (cat, n, amount) in enumerate(by_cat, start=1):
            rows.append([k, cat.name, n, _amount(amount), _percent(amount, total)])
        task_count = sum(n for _, n, _ in by_cat)
        rows.append([Cell("合计", span=2, align="center", bold=True),
                     Cell(task_count, align="center", bold=True),
                     Cell(_amount(total), align="right", bold=True),
                     Cell("100.00" if total else "—", align="right", bold=True)])
        self.w.table(["序号", "一级指标", "任务数（项）", "投资（万元）", "占比（%）"], rows,
                     caption="分类投资估算表", widths_mm=[12, 60, 24, 30, 30],
                     aligns=["center", "left", "center", "right", "right"])

    def _table_investment_by_year(self, category: Any = None) -> None:
        years = self.d.years()
        matrix = self.d.by_category_and_year()
        header = ["一级指标", *[f"{y}年" for y in years], "合计"]
        rows: list[list[Any]] = []
        year_totals = {y: 0 for y in years}
        for cat in self.d.categories:
            per_year = matrix.get(cat.id, {})
            for y in years:
                year_totals[y] += per_year.get(y, 0)
            rows.append([cat.name, *[_amount(per_year.get(y, 0)) for y in years],
                         _amount(sum(per_year.values()))])
        grand = sum(year_totals.values())
        rows.append([Cell("合计", align="center", bold=True),
                     *[Cell(_amount(year_totals[y]), align="right", bold=True) for y in years],
                     Cell(_amount(grand), align="right", bold=True)])
        rows.append([Cell("占比（%）", align="center"),
                     *[Cell(_percent(year_totals[y], grand), align="right") for y in years],
                     Cell("100.00" if grand else "—", align="right")])
        widths = [46, *[22] * len(years), 24]
        self.w.table(header, rows, caption="分年度投资计划表（万元）", widths_mm=widths,
                     aligns=["left", *["right"] * (len(years) + 1)])
        if any(not t.by_year for t in self.d.plan.tasks):
            self.w.paragraph("注：未单独列出分年度投资的任务，按其实施天数在各年度间分摊；"
                             "各年度合计与任务投资合计一致。", style="Table Text")

    def _table_funding(self, category: Any = None) -> None:
        funding = self.d.plan.funding
        total = sum(cents(f.amount) for f in funding)
        rows: list[list[Any]] = [[k, f.source, _amount(cents(f.amount)),
                                  _percent(cents(f.amount), total), f.note or ""]
                                 for k, f in enumerate(funding, start=1)]
        rows.append([Cell("合计", span=2, align="center", bold=True),
                     Cell(_amount(total), align="right", bold=True),
                     Cell("100.00" if total else "—", align="right", bold=True), ""])
        self.w.table(["序号", "资金来源", "金额（万元）", "占比（%）", "说明"], rows,
                     caption="资金筹措表", widths_mm=[12, 44, 26, 22, 52],
                     aligns=["center", "left", "right", "right", "left"])

    def _table_task_list(self, category: Any = None) -> None:
        """The full task list, on landscape pages (the section is turned by ``compose``)."""
        rows: list[list[Any]] = []
        splits = self.d.year_splits()
        for i, t in self._ordered_tasks():
            c = self.d.category_of(t.category)
            years = splits[i]
            rows.append([self.codes[i], c.name if c else t.category, t.content,
                         _ym(t.start), _ym(t.end), _amount(cents(t.investment)),
                         "\n".join(f"{y}年：{_amount(v)}" for y, v in years.items()),
                         t.responsible])
        rows.append([Cell("合计", span=5, align="center", bold=True),
                     Cell(_amount(self.d.task_total_cents), align="right", bold=True),
                     "", ""])
        self.w.table(["编号", "一级指标", "建设内容", "开始时间", "完成时间", "投资（万元）",
                      "分年度投资（万元）", "责任部门"], rows, caption="绿色矿山建设任务一览表",
                     widths_mm=[12, 28, 72, 18, 18, 20, 34, 23],
                     aligns=["center", "left", "left", "center", "center", "right", "left",
                             "center"])

    # -- helpers ---------------------------------------------------------------------------------
    def _task_codes(self) -> dict[int, str]:
        codes: dict[int, str] = {}
        for k, cat in enumerate(self.d.categories, start=1):
            for n, (i, _) in enumerate(self.d.tasks_of(cat), start=1):
                codes[i] = f"{k}-{n}"
        extra = len(self.d.categories) + 1
        n = 0
        for i, _ in enumerate(self.d.plan.tasks):
            if i not in codes:
                n += 1
                codes[i] = f"{extra}-{n}"
        return codes

    def _ordered_tasks(self) -> list[tuple[int, Any]]:
        def key(item: tuple[int, Any]) -> tuple[int, int]:
            a, b = self.codes[item[0]].split("-")
            return int(a), int(b)

        return sorted(enumerate(self.d.plan.tasks), key=key)


__all__ = ["PlanComposer", "category_of_indicator"]
