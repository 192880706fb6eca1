"""The demonstration-zone input (``zone.yaml``, 绿色矿业发展示范区建设方案): the applicant, the
zone's extent and period, the mines in the zone — as the mine input files they already have, so
no fact is typed twice — zone-level targets, key projects with investments by year, and the
narrative (policies, safeguards) in Markdown. The mines' own files are loaded and checked by the
one pipeline; this model holds only what belongs to the zone::

    format: greenmine-zone/1
    name: 吕梁市文水—交城绿色矿业发展示范区
    applicant: 文水县人民政府
    period: {start: 2024-01-01, end: 2026-12-31}
    extent: {counties: [文水县, 交城县], area_km2: 2804}
    mines: [mines/01-qinglan.yaml, mines/02-fengcheng.yaml]
    targets:
      - {name: 大中型矿山绿色矿山达标率, unit: "%", baseline: 40, target: 100, year: 2026}
    projects:
      - {name: 矿山生态修复工程, task: restoration, start: 2024-03-01, end: 2025-12-31,
         investment: 1200, by_year: {2024: 500, 2025: 700}, responsible: 县自然资源局}
"""

from typing import Annotated, Literal, Union

from annotated_types import Interval
from pydantic import field_validator

from .base import StrictModel, field
from .bounds import Checked, Day, FilePath, Number, Year

Money = Checked[Annotated[float, Interval(ge=0, le=10_000_000)]]

ZONE_FORMAT = "greenmine-zone/1"
TASKS = {"green_mines": "绿色矿山建设", "utilisation": "资源节约与综合利用",
         "restoration": "生态修复与环境治理", "innovation": "科技创新与数字化",
         "community": "矿地和谐与社区共建"}
"""The plan's main tasks (五、主要任务), key -> chapter title; every project belongs to one."""


class ZonePeriod(StrictModel):
    start: Day = field("起始日期")
    end: Day = field("截止日期")


class ZoneExtent(StrictModel):
    province: str = field("省份")
    city: str = field("市")
    counties: list[str] = field("涉及县（市、区）", min_length=1)
    area_km2: Checked[Annotated[float, Interval(gt=0, le=1_000_000)]] = field("面积（平方千米）")


class ZoneTarget(StrictModel):
    name: str = field("目标指标")
    unit: str | None = field("单位", None)
    baseline: Number = field("基期值")
    baseline_year: Year | None = field("基期年份", None)
    target: Number = field("目标值")
    year: Year = field("目标年份")
    lower_is_better: bool = field("越低越好", False, description="目标值应低于基期值的指标填 true")


class ZoneProject(StrictModel):
    name: str = field("工程名称")
    task: Literal["green_mines", "utilisation", "restoration", "innovation", "community"] = field(
        "所属任务", description="、".join(f"{k}（{v}）" for k, v in TASKS.items()))
    content: str | None = field("建设内容", None)
    start: Day = field("开始时间")
    end: Day = field("完成时间")
    investment: Money = field("投资（万元）")
    by_year: dict[Year, Money] = field("分年度投资（万元）", default_factory=dict)
    responsible: str | None = field("责任单位", None)

    @field_validator("by_year", mode="before")
    @classmethod
    def _year_keys(cls, value: object) -> object:
        if isinstance(value, dict):
            return {int(str(k).strip().rstrip("年")): v for k, v in value.items()}
        return value


NarrativeValue = Union[str, dict[str, str]]


class ZonePlanInput(StrictModel):
    format: str = field("格式", ZONE_FORMAT)
    name: str = field("示范区名称")
    applicant: str = field("申报单位", description="县级人民政府或大型国有企业")
    applicant_kind: Literal["县级人民政府", "大型国有企业"] = field("申报单位类型", "县级人民政府")
    compiler: str | None = field("编制单位", None, description="缺省为申报单位")
    date: Day = field("编制日期")
    period: ZonePeriod = field("建设期限")
    extent: ZoneExtent = field("示范区范围")
    mines: list[FilePath] = field("矿山输入文件", min_length=1,
                             description="每座矿山的输入文件（YAML 或 Excel），相对于本文件")
    targets: list[ZoneTarget] = field("建设目标", default_factory=list)
    projects: list[ZoneProject] = field("重点工程", default_factory=list)
    total_investment: Money | None = field("总投资（万元）", None)
    narrative: dict[str, NarrativeValue] = field(
        "叙述文字", default_factory=dict, description="键为提纲中节的 key；Markdown 或 .md 文件")
