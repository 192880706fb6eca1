"""Writes the zone plan's body — every chapter and section of the outline — through the one
:class:`~greenmine_docs.docx.Writer` (the plan's official layout). Each ``fill`` source has one
small method (``_<source>``); every number is counted from the mines' input files or taken
from ``zone.yaml``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ...docx import Cell, cn_month
from ...docx.gantt import Bar, add_gantt
from ...model.zone import TASKS
from ...render.outline_body import parts_with_content, write_outline
from ...money import cents, money, split_by_year
from ...units import fmt_number
from .data import LEVELS, METHODS, SCALES, ZoneData

if TYPE_CHECKING:
    from ...docx import Writer
    from ...render.outline import Section

CONDITION_SHORT = ("采矿许可证", "处罚整改", "异常名录", "自然保护地", "可采年限", "实施方案")


def _amount(c: int) -> str:
    return f"{money(c):.2f}"


def _units(values: dict[str, float]) -> str:
    return "；".join(f"{fmt_number(round(v, 2))}{u}" for u, v in values.items()) or "—"


class ZoneComposer:
    def __init__(self, data: ZoneData, writer: "Writer") -> None:
        self.d = data
        self.w = writer
        self.z = data.zone
        self.w.continued_tables = True

    def compose(self) -> None:
        write_outline(self.w, ((c, parts_with_content(c, (), lambda s, _: self._has_content(s)))
                               for c in self.d.outline.chapters),
                      lambda source, section, _: self._fill(source, section), annex_page=True)

    def _has_content(self, section: "Section") -> bool:
        for source in section.fill:
            if source == "narrative":
                if self.d.narrative(section.key) is not None:
                    return True
            elif source == "table:task_projects":
                if self._projects_of(section.key):
                    return True
            elif source in ("table:projects", "chart:gantt", "table:investment_by_year"):
                if self.z.projects:
                    return True
            elif source == "table:targets":
                if self.z.targets:
                    return True
            elif source == "table:failing":
                if self.d.broken or any(not m.all_met for m in self.d.mines):
                    return True
            else:
                return True
        return False

    def _fill(self, source: str, section: "Section") -> None:
        if source == "narrative":
            found = self.d.narrative(section.key)
            if found is not None:
                self.w.markdown(found[0], level=2, where=str(found[1]))
            return
        handler: Callable[[Section], None] = getattr(self, "_" + source.replace(":", "_"))
        handler(section)

    # -- general -------------------------------------------------------------------------------
    def _facts_period(self, section: Any = None) -> None:
        p, e = self.z.period, self.z.extent
        self.w.paragraph(
            f"建设期限为{cn_month(p.start)}至{cn_month(p.end)}。示范区位于{e.province}{e.city}，"
            f"涉及{'、'.join(e.counties)}，面积{fmt_number(e.area_km2)}平方千米，区内纳入本方案的"
            f"矿山{len(self.d.mines) + len(self.d.broken)}座。")

    # -- situation -----------------------------------------------------------------------------
    def _table_by_mineral(self, section: Any = None) -> None:
        rows: list[list[Any]] = [[k, mineral, n, _units(res), _units(prod)] for k, (
            mineral, n, res, prod) in enumerate(self.d.by_mineral(), start=1)]
        reserves, production = self.d.totals()
        rows.append([Cell("合计", span=2, align="center", bold=True),
                     Cell(len(self.d.mines), bold=True), Cell(_units(reserves), bold=True),
                     Cell(_units(production), bold=True)])
        self.w.table(["序号", "矿种", "矿山数（座）", "剩余可采储量", "年开采量"], rows,
                     caption="示范区矿产资源开发利用情况表", widths_mm=[12, 40, 22, 42, 40],
                     aligns=["center", "left", "center", "right", "right"])

    def _table_reserves(self, section: Any = None) -> None:
        reserves, production = self.d.totals()
        self.w.paragraph(f"示范区内可统计的{len(self.d.mines)}座矿山剩余可采储量合计{_units(reserves)}，"
                         f"年开采量合计{_units(production)}（按储量年度报告，单位已统一换算）。")

    def _table_mine_list(self, section: Any = None) -> None:
        rows = [[k, m.name, m.sub.mine.location.county, m.sub.mine.licence.mineral,
                 m.sub.mine.licence.method.value, m.scale_class]
                for k, m in enumerate(self.d.mines, start=1)]
        self.w.table(["序号", "矿山名称", "所在县", "开采矿种", "开采方式", "规模"], rows,
                     caption="示范区矿山基本情况表", widths_mm=[12, 62, 20, 24, 24, 14],
                     aligns=["center", "left", "center", "center", "center", "center"],
                     font_size=10.5)

    def _table_by_scale(self, section: Any = None) -> None:
        count = self.d.count_by(lambda m: (m.scale_class, m.sub.mine.licence.method.value))
        scales = [s for s in SCALES if any(count[(s, mt)] for mt in METHODS)]
        scales += sorted({s for s, _ in count} - set(SCALES))
        methods = [mt for mt in METHODS if any(count[(s, mt)] for s in scales)]
        rows: list[list[Any]] = []
        for s in scales:
            rows.append([s, *[count[(s, mt)] for mt in methods],
                         sum(count[(s, mt)] for mt in methods)])
        rows.append([Cell("合计", align="center", bold=True),
                     *[Cell(sum(count[(s, mt)] for s in scales), bold=True) for mt in methods],
                     Cell(len(self.d.mines), bold=True)])
        self.w.table(["生产规模", *methods, "合计"], rows, caption="矿山按生产规模和开采方式统计表（座）",
                     widths_mm=[30, *[round(96 / max(len(methods), 1))] * len(methods), 30],
                     aligns=["center"] * (len(methods) + 2))

    def _table_by_county(self, section: Any = None) -> None:
        by_county: dict[str, list[str]] = {c: [] for c in self.z.extent.counties}
        for m in self.d.mines:
            by_county.setdefault(m.sub.mine.location.county, []).append(m.name)
        rows = [[k, county, len(names), "、".join(names) or "—"]
                for k, (county, names) in enumerate(by_county.items(), start=1)]
        self.w.table(["序号", "县（市、区）", "矿山数（座）", "矿山名称"], rows,
                     caption="矿山分布表", widths_mm=[12, 28, 24, 92],
                     aligns=["center", "center", "center", "left"], font_size=10.5)

    # -- status --------------------------------------------------------------------------------
    def _table_by_level(self, section: Any = None) -> None:
        count = self.d.count_by(lambda m: m.sub.mine.directory_level.value)
        total = len(self.d.mines)
        rows: list[list[Any]] = [[level, count[level], f"{count[level] * 100 / total:.1f}" if total
                                  else "—"] for level in LEVELS]
        rows.append([Cell("合计", align="center", bold=True), Cell(total, bold=True),
                     Cell("100.0" if total else "—", bold=True)])
        listed = total - count["未入选"]
        self.w.paragraph(f"示范区内已列入绿色矿山名录的矿山{listed}座，未入选{count['未入选']}座。")
        self.w.table(["名录级别", "矿山数（座）", "占比（%）"], rows, caption="绿色矿山名录情况表",
                     widths_mm=[52, 52, 52], aligns=["center", "center", "center"])

    def _table_conditions(self, section: Any = None) -> None:
        rows: list[list[Any]] = []
        for k, m in enumerate(self.d.mines, start=1):
            rows.append([k, m.name, *["√" if ok else "×" for ok in m.conditions],
                         "是" if m.all_met else "否"])
        met = [sum(1 for m in self.d.mines if m.conditions[i]) for i in range(6)]
        rows.append([Cell("符合的矿山数", span=2, align="center", bold=True),
                     *[Cell(n, bold=True) for n in met],
                     Cell(sum(1 for m in self.d.mines if m.all_met), bold=True)])
        ok = sum(1 for m in self.d.mines if m.all_met)
        self.w.paragraph(f"按六项遴选条件逐矿核对，目前全部符合的矿山{ok}座，"
                         f"有不符合项的矿山{len(self.d.mines) - ok}座。")
        self.w.table(["序号", "矿山名称", *CONDITION_SHORT, "全部符合"], rows,
                     caption="矿山遴选条件符合情况表", widths_mm=[10, 44, 14, 14, 14, 14, 14, 14, 18],
                     aligns=["center", "left", *["center"] * 7], font_size=10.5)
        self.w.paragraph("注：√表示符合，×表示不符合；依据各矿山输入的采矿许可证、行政处罚、"
                         "异常名录、自然保护地核查、储量和实施方案评审情况判定。", style="Table Text")

    def _table_failing(self, section: Any = None) -> None:
        rows: list[list[Any]] = []
        for m in self.d.mines:
            if not m.all_met:
                rows.append([m.name, "；".join(m.failing)])
        for entry in self.d.broken:
            rows.append([entry.listed, "矿山资料不全（文件无法读取或不符合填报格式），未纳入统计。"])
        rows = [[k, *r] for k, r in enumerate(rows, start=1)]
        self.w.table(["序号", "矿山", "问题"], rows, caption="不符合遴选条件的矿山及原因",
                     widths_mm=[12, 54, 90], aligns=["center", "left", "left"], font_size=10.5)

    # -- goals and tasks ---------------------------------------------------------------------------
    def _table_targets(self, section: Any = None) -> None:
        rows = [[k, t.name, t.unit or "—", fmt_number(t.baseline)
                 + (f"（{t.baseline_year}年）" if t.baseline_year else ""),
                 fmt_number(t.target), f"{t.year}年"] for k, t in enumerate(self.z.targets, start=1)]
        self.w.table(["序号", "目标指标", "单位", "基期值", "目标值", "目标年份"], rows,
                     caption="示范区建设目标表", widths_mm=[12, 56, 16, 30, 20, 22],
                     aligns=["center", "left", "center", "center", "center", "center"])

    def _projects_of(self, task: str) -> list[tuple[int, Any]]:
        return [(i, p) for i, p in enumerate(self.z.projects) if p.task == task]

    def _table_task_projects(self, section: "Section") -> None:
        rows = [[i + 1, p.name, f"{p.start:%Y.%m}—{p.end:%Y.%m}", _amount(cents(p.investment)),
                 p.responsible or "—"] for i, p in self._projects_of(section.key)]
        if rows:
            self.w.table(["编号", "工程名称", "实施时间", "投资（万元）", "责任单位"], rows,
                         caption=f"{TASKS[section.key]}重点工程表", widths_mm=[14, 54, 30, 26, 32],
                         aligns=["center", "left", "center", "right", "left"], font_size=10.5)

    # -- projects and investment -------------------------------------------------------------------
    def _table_projects(self, section: Any = None) -> None:
        rows: list[list[Any]] = [[i, p.name, TASKS[p.task], p.content or "—",
                                  f"{p.start:%Y.%m}—{p.end:%Y.%m}", _amount(cents(p.investment)),
                                  p.responsible or "—"]
                                 for i, p in enumerate(self.z.projects, start=1)]
        total = sum(cents(p.investment) for p in self.z.projects)
        rows.append([Cell("合计", span=5, align="center", bold=True),
                     Cell(_amount(total), align="right", bold=True), ""])
        self.w.table(["编号", "工程名称", "所属任务", "建设内容", "实施时间", "投资（万元）", "责任单位"],
                     rows, caption="重点工程一览表", widths_mm=[9, 28, 20, 45, 19, 17, 18],
                     aligns=["center", "left", "left", "left", "center", "right", "left"],
                     font_size=9)

    def _chart_gantt(self, section: Any = None) -> None:
        keys = list(TASKS)
        bars = [Bar(code=str(i), label=" ".join(p.name.split()), group=keys.index(p.task),
                    group_name=TASKS[p.task], start=p.start, end=p.end)
                for i, p in enumerate(self.z.projects, start=1)]
        add_gantt(self.w, bars, self.z.period.start, self.z.period.end, "重点工程进度横道图",
                  width_mm=150)

    def _table_investment_by_year(self, section: Any = None) -> None:
        p = self.z.period
        years = sorted(set(range(p.start.year, p.end.year + 1)).union(
            *(split_by_year(pr) for pr in self.z.projects)))
        rows: list[list[Any]] = []
        totals = {y: 0 for y in years}
        for i, pr in enumerate(self.z.projects, start=1):
            split = split_by_year(pr)
            for y, v in split.items():
                totals[y] += v
            rows.append([i, pr.name, *[_amount(split[y]) if y in split else "—" for y in years],
                         _amount(cents(pr.investment))])
        grand = sum(totals.values())
        rows.append([Cell("合计", span=2, align="center", bold=True),
                     *[Cell(_amount(totals[y]), align="right", bold=True) for y in years],
                     Cell(_amount(grand), align="right", bold=True)])
        width = (156 - 10 - 46) / (len(years) + 1)
        self.w.table(["编号", "工程名称", *[f"{y}年" for y in years], "合计"], rows,
                     caption="分年度投资计划表（万元）",
                     widths_mm=[10, 46, *[width] * (len(years) + 1)],
                     aligns=["center", "left", *["right"] * (len(years) + 1)], font_size=10.5)
        if any(not pr.by_year for pr in self.z.projects):
            self.w.paragraph("注：未单独列出分年度投资的工程，按其实施天数在各年度间分摊；"
                             "各年度合计与工程投资合计一致。", style="Table Text")

    # -- annex -----------------------------------------------------------------------------------
    def _table_mine_details(self, section: Any = None) -> None:
        rows: list[list[Any]] = []
        for k, m in enumerate(self.d.mines, start=1):
            lic, r = m.sub.mine.licence, m.sub.reserves
            level = m.sub.mine.directory_level.value + (
                f"（{m.sub.mine.listed_year}年）" if m.sub.mine.listed_year else "")
            rows.append([k, m.name, lic.number, f"{fmt_number(lic.scale.value)}{lic.scale.unit}",
                         f"{fmt_number(lic.area_km2)}",
                         f"{fmt_number(r.remaining.value)}{r.remaining.unit}", level])
        for entry in self.d.broken:
            rows.append([len(rows) + 1, Cell(f"{entry.listed}（资料不全，未纳入统计）", span=6)])
        self.w.table(["序号", "矿山名称", "采矿许可证号", "生产规模", "面积（km²）", "剩余可采储量",
                      "名录级别"], rows, caption="示范区矿山一览表",
                     widths_mm=[10, 40, 34, 20, 16, 18, 18],
                     aligns=["center", "left", "center", "center", "center", "center", "center"],
                     font_size=9)
