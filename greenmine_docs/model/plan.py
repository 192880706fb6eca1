"""The implementation plan section of a submission (绿色矿山建设实施方案).

Narrative is Markdown per outline section (``narrative.<section key>``), written inline or as the
path of a ``.md`` file next to the input; a section repeated per first-level indicator takes a
mapping ``indicator id or name -> Markdown``. Tables are structured: quantified targets, gap rows
keyed by indicator ids, tasks (category = first-level indicator), funding sources, milestones.
Months may be written ``2024-06``: a start means the first day, an end the last day of it.
"""

import datetime as dt
import re
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import BeforeValidator

from .base import StrictModel, field, signed
from .bounds import Checked, Day, FilePath, NumberOrText, Whole, Year

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def _month(value: Any) -> tuple[int, int] | None:
    """(year, month) of a text such as ``2024-06`` naming a real month, else ``None`` (the
    text is then reported as a bad date, with its field)."""
    m = _MONTH.match(value) if isinstance(value, str) else None
    if m is None or not (1 <= int(m.group(1)) and 1 <= int(m.group(2)) <= 12):
        return None
    return int(m.group(1)), int(m.group(2))


@signed
def _month_start(value: Any) -> Any:
    month = _month(value)
    return value if month is None else dt.date(*month, 1)


@signed
def _month_end(value: Any) -> Any:
    month = _month(value)
    return value if month is None else _last_day(*month)


def _last_day(year: int, month: int) -> dt.date:
    """The last day of ``month`` (the day before the next month's first; without ``calendar``,
    which imports ``locale``: 1.5 ms of a new process)."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


StartDate = Annotated[Day, BeforeValidator(_month_start)]
"""A date; ``2024-06`` means 2024-06-01."""
EndDate = Annotated[Day, BeforeValidator(_month_end)]
"""A date; ``2024-06`` means 2024-06-30."""
Money = Checked[Annotated[float, Interval(ge=0, le=10_000_000)]]
"""An amount in 万元."""


class PlanPeriod(StrictModel):
    start: StartDate = field("起始日期", example="2023-10")
    end: EndDate = field("截止日期", example="2025-12")


class Target(StrictModel):
    """A quantified target (量化目标): indicator, current value, target value, unit, year."""

    name: str = field("目标指标", example="矿区可绿化区域绿化覆盖率")
    indicator: str | None = field("对应评价指标编号", None, example="1.2")
    current: NumberOrText | None = field("现状值", None)
    target: NumberOrText = field("目标值")
    unit: str | None = field("单位", None, example="%")
    year: Whole = field("完成年份", ge=2000, le=2100)


class GapRow(StrictModel):
    """One row of the gap analysis (现状与差距分析), keyed by an indicator id of the set."""

    indicator: str = field("评价指标编号", example="1.1.2")
    requirement: str | None = field("标准要求", None, description="缺省取指标体系中的评价内容")
    current: str = field("现状")
    gap: str = field("差距与问题", description="已达到要求时写“已达标”")


class Task(StrictModel):
    """A construction task (建设任务)."""

    category: str = field("所属一级指标", description="一级指标编号或名称", example="矿区环境")
    content: str = field("建设内容")
    start: StartDate = field("开始时间", example="2023-10")
    end: EndDate = field("完成时间", example="2024-06")
    investment: Money = field("投资（万元）")
    responsible: str = field("责任部门")
    by_year: dict[Year, Money] | None = field(
        "分年度投资（万元）", None,
        description="可选；缺省时按实施月份把投资平均分摊到各年度")


class FundingSource(StrictModel):
    source: str = field("资金来源", example="企业自有资金")
    amount: Money = field("金额（万元）")
    note: str | None = field("说明", None)


class Milestone(StrictModel):
    date: EndDate = field("完成时间", example="2024-06")
    content: str = field("节点目标")


Narrative = str | dict[str, str]


class ImplementationPlan(StrictModel):
    title: str | None = field("方案名称", None, description="缺省为“矿山名称＋绿色矿山建设实施方案”")
    compiler: str = field("编制单位")
    date: Day = field("编制日期")
    period: PlanPeriod = field("方案期限")
    total_investment: Money | None = field(
        "计划总投资（万元）", None, description="填写时须与各项任务投资之和一致")
    outline: FilePath | None = field(
        "编写提纲文件", None, description="省级或企业自定义的提纲 YAML（相对于本文件）；缺省用内置参考提纲")
    narrative: dict[str, Narrative] = field(
        "各节叙述文字", default_factory=dict,
        description="键为提纲中节的 key；值为 Markdown 文字，或同目录下 .md 文件的路径；"
                    "按一级指标重复的节写成“指标编号: 文字”的映射")
    targets: list[Target] = field("量化目标", default_factory=list, sheet="建设目标")
    gaps: list[GapRow] = field("差距分析", default_factory=list, sheet="差距分析")
    tasks: list[Task] = field("建设任务", default_factory=list, sheet="建设任务")
    no_task_reasons: dict[str, str] = field(
        "无建设任务的说明", default_factory=dict,
        description="某一级指标已全部达标、无需安排任务时，写明理由（键为一级指标编号或名称）")
    funding: list[FundingSource] = field("资金筹措", default_factory=list, sheet="资金筹措")
    milestones: list[Milestone] = field("关键节点", default_factory=list, sheet="关键节点")

