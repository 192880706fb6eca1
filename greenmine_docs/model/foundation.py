"""The foundation of a submission: campaign, enterprise, mine and licence, reserves, and the
facts behind the six selection conditions (domain.md §1, §5)."""

from typing import Annotated

from annotated_types import Interval

from .base import StrictModel, YesNo, field
from .bounds import Checked, Day, FilePath, Number, Whole, within
from .enums import (Department, DirectoryLevel, IndustryStandard, MineStatus, MiningMethod,
                    ScaleClass)

Elevation = Annotated[Number, within(-12000, 9000, " 米")]
"""An elevation in metres (the deepest mines reach about −4,000 m)."""
Ratio = Checked[Annotated[float, Interval(ge=0, le=1)]]
Longitude = Checked[Annotated[float, Interval(ge=73, le=136)]]  # mainland China
Latitude = Checked[Annotated[float, Interval(ge=3, le=54)]]
ListedYear = Checked[Annotated[int, Interval(ge=2000, le=2100)]]
Staff = Annotated[Checked[Annotated[int, Interval(ge=0)]], within(0, 1_000_000)]
Years = Annotated[Checked[Annotated[float, Interval(ge=0)]], within(0, 1000)]


class Quantity(StrictModel):
    """An annual quantity (production, capacity) with its unit: mass or volume per year
    (units differ by mineral: store them with each value)."""

    value: Number = field("数值", ge=0)
    unit: str = field("单位", example="万吨/年", description="质量或体积单位加“/年”，如 万吨/年、万立方米/年")


class Stock(StrictModel):
    """An amount (reserves) with its unit: mass or volume, not per year."""

    value: Number = field("数值", ge=0)
    unit: str = field("单位", example="万吨", description="质量或体积单位，如 万吨、万立方米（不加“/年”）")


class Deadlines(StrictModel):
    application: Day | None = field("网络申请截止日期", None)
    self_check: Day | None = field("自查记录表上报截止日期", None)
    onsite_check: Day | None = field("实地核查完成日期", None)


class Campaign(StrictModel):
    province: str = field("省份", example="山西省")
    year: Whole = field("工作年度", ge=2000, le=2100)
    notice_number: str = field("通知文号", example="晋自然资函〔2023〕738号")
    notice_title: str | None = field(
        "通知名称", None, example="山西省自然资源厅关于开展省级绿色矿山遴选及实地核查工作的通知",
        description="文件的准确名称（不加书名号）；缺省时按文号从引用文件清单中查找")
    reference_date: Day | None = field(
        "基准日期", None, description="评价遴选条件所依据的日期；缺省为今天")
    deadlines: Deadlines = field("时间安排", default_factory=Deadlines)
    sampling_ratio: Number = field("抽查比例", 0.2, ge=0, le=1)
    indicator_set: FilePath = field(
        "评价指标体系", "national-2020-reference",
        description="内置指标体系编号，或指标体系 YAML 文件路径（相对于本文件）")
    citations: FilePath | None = field(
        "补充引用文件清单", None,
        description="本省地方标准、本年度通知等需要引用的文件清单 YAML（相对于本文件，"
                    "格式同内置的 citations.yaml）；同一文号以此清单为准")


class Contact(StrictModel):
    name: str = field("联系人")
    phone: str = field("联系电话")
    email: str | None = field("电子邮箱", None)


class Enterprise(StrictModel):
    name: str = field("企业名称")
    uscc: str = field("统一社会信用代码", example="91110108551385082Q")
    legal_representative: str = field("法定代表人")
    address: str = field("注册地址")
    economic_type: str | None = field("经济类型", None)
    contact: Contact = field("联系人信息")


class Licence(StrictModel):
    number: str = field("采矿许可证号", example="C1400002011031120108888")
    holder: str = field("采矿权人")
    mineral: str = field("开采矿种")
    method: MiningMethod = field("开采方式")
    scale: Quantity = field("生产规模")
    area_km2: Number = field("矿区面积（平方千米）", gt=0, le=10000)
    valid_from: Day = field("有效期起")
    valid_to: Day = field("有效期止")
    depth_top_m: Elevation | None = field("开采深度上限标高（米）", None)
    depth_bottom_m: Elevation | None = field("开采深度下限标高（米）", None)
    issuer: str = field("发证机关")
    issue_date: Day | None = field("发证日期", None)


class MineLocation(StrictModel):
    city: str = field("所在市")
    county: str = field("所在县（市、区）")
    longitude: Longitude | None = field("中心经度（度）", None)
    latitude: Latitude | None = field("中心纬度（度）", None)


class Mine(StrictModel):
    name: str = field("矿山名称")
    licence: Licence = field("采矿许可证")
    location: MineLocation = field("矿山位置")
    status: MineStatus = field("矿山状态")
    production_start: Day | None = field(
        "正式投产日期", None, description="新建、改建、扩建矿山必填")
    directory_level: DirectoryLevel = field("绿色矿山名录级别", DirectoryLevel.NONE)
    listed_year: ListedYear | None = field("入选名录年度", None)
    industry_standard: IndustryStandard | None = field("适用行业标准", None)
    local_standards: list[str] = field(
        "适用地方标准", default_factory=list, example="DB14/T 2978—2024",
        description="标准编号；名称取自引用文件清单（内置或 campaign.citations）")
    scale_class: ScaleClass | None = field("生产规模类型", None)
    staff: Staff | None = field("职工人数", None)


class Reserves(StrictModel):
    remaining: Stock = field("剩余可采储量")
    annual_production: Quantity = field("年开采量")
    report_year: Whole = field("储量核实基准年度", ge=1950, le=2100)
    report_title: str | None = field("储量报告名称", None)
    declared_years: Years | None = field(
        "申报剩余可采年限（年）", None, description="填写时与计算值核对")


class Penalty(StrictModel):
    date: Day = field("处罚日期")
    department: Department = field("处罚部门类别")
    authority: str = field("处罚机关")
    decision_number: str = field("处罚决定书文号")
    reason: str = field("违法事由")
    rectified: YesNo = field("是否整改到位")
    rectified_date: Day | None = field("整改完成日期", None)
    evidence: str | None = field("整改佐证材料", None)
    # added later: at the end, so workbooks filled before keep their columns
    kind: str | None = field("处罚种类", None, example="罚款",
                             description="警告、罚款、责令停产整顿……（过程记录要求写明）")
    requirement: str | None = field("整改要求", None, description="处罚决定书要求的整改内容")


class ProtectedAreaCheck(StrictModel):
    overlaps: YesNo = field("是否涉及自然保护地（禁采区）")
    method: str = field("核查方式", example="与自然保护地矢量数据叠图核查")
    checked_by: str | None = field("核查单位", None)
    checked_date: Day | None = field("核查日期", None)


class PlanReview(StrictModel):
    written: YesNo = field("是否已编制实施方案")
    passed: YesNo = field("是否通过专家评审")
    date: Day | None = field("评审日期", None)
    organiser: str | None = field("评审组织单位", None)
    experts: list[str] = field("评审专家", default_factory=list)
    opinion: str | None = field("评审意见文号或摘要", None)


class Eligibility(StrictModel):
    operating_normally: YesNo = field("矿山是否正常运营")
    safety_licence_valid: YesNo | None = field("安全生产许可证是否有效", None)
    abnormal_list: YesNo = field("是否列入异常名录")
    penalties: list[Penalty] = field("近三年行政处罚", default_factory=list, sheet="行政处罚")
    protected_area: ProtectedAreaCheck = field("自然保护地核查")
    plan_review: PlanReview = field("实施方案评审")
