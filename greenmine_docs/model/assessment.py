"""The third-party assessment section (第三方评估, domain.md §3). Owned by the assessment work.

What an assessment agency records for one mine: who commissioned it (contract), the agency and
its team, the desk review and the site visit, the ruling on every prerequisite, the score of
every item (inline, or in a filled score sheet written by ``greenmine scoresheet``), highlights,
problems with rectification suggestions, site photos, and the report date. The checks in
:mod:`greenmine_docs.documents.assessment.checks` hold it against the 2020 work requirements.
"""

import re
from enum import Enum
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import field_validator, model_validator

from ..numtext import NOT_A_NUMBER, read_number
from .base import StrictModel, YesNo, field
from .bounds import Checked, Day, FilePath, Number, Whole

Points = Checked[Annotated[float, Interval(ge=0)]]  # a difference of scores


class TitleLevel(str, Enum):
    """Professional title level (职称级别)."""

    PROFESSOR = "正高级"
    SENIOR = "高级"
    INTERMEDIATE = "中级"
    JUNIOR = "初级"

    @property
    def rank(self) -> int:
        return {"正高级": 3, "高级": 2, "中级": 1, "初级": 0}[self.value]

    @property
    def is_senior(self) -> bool:
        """高级 or 正高级: counts towards the ≥ 2 senior members."""
        return self.rank >= 2


class Speciality(str, Enum):
    """Speciality (专业). The first five are the ones a team should cover."""

    GEOLOGY = "地质"
    MINING = "采矿"
    PROCESSING = "选矿"
    ECOLOGY = "生态"
    ENVIRONMENT = "环境"
    SURVEYING = "测量"
    SAFETY = "安全"
    OTHER = "其他"


REQUIRED_SPECIALITIES = (Speciality.GEOLOGY, Speciality.MINING, Speciality.PROCESSING,
                         Speciality.ECOLOGY, Speciality.ENVIRONMENT)


class TeamRole(str, Enum):
    LEADER = "组长"
    MEMBER = "成员"


class Ruling(str, Enum):
    MET = "符合"
    NOT_MET = "不符合"


class Commission(StrictModel):
    """Who commissioned the assessment (government purchase of services)."""

    body: str = field("委托单位", example="吕梁市规划和自然资源局")
    contract_number: str = field("委托合同编号", example="LLGH-LSKS-2023-017")
    contract_date: Day | None = field("合同签订日期", None)


class Agency(StrictModel):
    name: str = field("评估机构名称")
    uscc: str = field("评估机构统一社会信用代码", example="91140100MA0LJ67K2Y")
    address: str | None = field("评估机构地址", None)
    legal_representative: str | None = field("法定代表人", None)
    phone: str | None = field("联系电话", None)


class TeamMember(StrictModel):
    name: str = field("姓名")
    title: str | None = field("职称", None, example="高级工程师")
    title_level: TitleLevel = field("职称级别")
    speciality: Speciality = field("专业")
    role: TeamRole = field("组内职务", TeamRole.MEMBER)
    full_time: YesNo = field("是否本机构在职人员")
    independence_declared: YesNo = field("是否签署独立性声明")


class DeskReview(StrictModel):
    date: Day = field("内业评估日期")
    materials: list[str] = field("审阅材料", default_factory=list)


class SiteVisit(StrictModel):
    start: Day = field("现场评估开始日期")
    end: Day = field("现场评估结束日期")


NOT_APPLICABLE_WORDS = {"不适用", "不涉及", "n/a", "na", "—", "/"}


class AssessedPrerequisite(StrictModel):
    """The agency's ruling on one prerequisite. ``P1: 符合`` is short for ``{ruling: 符合}``."""

    ruling: Ruling | None = field("判定", None, description="符合 或 不符合；未判定时留空")
    evidence: str | None = field("判定依据", None)

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if value is None or isinstance(value, (str, bool)):
            if isinstance(value, bool):
                value = "符合" if value else "不符合"
            return {"ruling": value if value not in ("", None) else None}
        return value


class CheckMethod(str, Enum):
    """How an item was checked (核查方式, domain.md §3 process records)."""

    DOCUMENTS = "资料"
    SITE = "现场"
    INTERVIEW = "问询"


class AssessedItem(StrictModel):
    """The agency's score of one item. ``"1.1.1": 15`` is short for ``{score: 15}``;
    ``score: 不适用`` means ``not_applicable: true`` (give the reason in ``remark``).

    The process record (过程记录): how the item was checked, what was found, why points were
    deducted and what the mine should do about it — concrete enough to act on."""

    score: Number | None = field("评估得分", None)
    not_applicable: YesNo = field("不适用", False)
    deduction_reason: str | None = field("扣分原因", None)
    evidence: str | None = field("佐证材料", None)
    photos: list[Whole] = field("照片编号", default_factory=list,
                              description="assessment.photos 中的序号（从 1 开始）")
    remark: str | None = field("备注", None, description="不适用的项在此写明理由")
    # the process record (added later: at the end, so workbooks filled before keep their columns)
    check_method: CheckMethod | None = field("核查方式", None, description="资料 / 现场 / 问询")
    observation: str | None = field("核查情况", None,
                                    description="查阅了什么、到了哪里、问了谁，看到了什么")
    suggestion: str | None = field("整改建议", None)

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"score": value}
        if isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE_WORDS:
            return {"not_applicable": True}
        if isinstance(value, str) and read_number(value) != NOT_A_NUMBER:
            return {"score": value}  # "15", "1,5", "Infinity": the score field reads or refuses
        if isinstance(value, dict):
            s = value.get("score")
            if isinstance(s, str) and s.strip().lower() in NOT_APPLICABLE_WORDS:
                value = {**value, "score": None, "not_applicable": True}
            p = value.get("photos")
            if isinstance(p, (int, str)) and not isinstance(p, bool):
                value = {**value, "photos": _photo_numbers(p)}
        return value


def _photo_numbers(value: int | str) -> Any:
    """``3`` -> ``[3]``; ``"1、3,照片5"`` -> ``[1, 3, 5]``; anything else is left for the
    model to reject with a located message."""
    if isinstance(value, int):
        return [value]
    parts = [p for p in re.split(r"[、,，;；\s]+", value.strip()) if p]
    out = []
    for part in parts:
        m = re.fullmatch(r"(?:照片|photo|p)?\s*(\d+)", part, flags=re.IGNORECASE)
        if not m:
            return value
        out.append(int(m.group(1)))
    return out


class Dealing(StrictModel):
    """A business dealing between the agency and the mine's enterprise (业务往来)."""

    date: Day = field("业务日期")
    content: str = field("业务内容", example="矿山储量年报编制")


class Declaration(StrictModel):
    """The agency's independence declaration (独立性声明, domain.md §3): what the commitment
    letter and the report may claim comes from here."""

    declared: YesNo = field("评估机构是否已出具独立性声明")
    date: Day | None = field("声明日期", None)
    affiliated: YesNo = field("与被评估企业是否有隶属或利益关系", False)
    fees_from_mine: YesNo = field("是否向被评估企业收取费用", False)
    dealings: list[Dealing] = field(
        "与被评估企业的业务往来", default_factory=list, sheet="业务往来",
        description="评估前后各一年内及以往的业务往来均如实填写；评估前后各一年内有业务往来的，"
                    "不能承担该矿山的第三方评估")


class Problem(StrictModel):
    description: str = field("存在问题")
    items: list[str] = field("涉及评价内容编号", default_factory=list)
    suggestion: str = field("整改建议")
    deadline: Day | None = field("整改期限", None)


class CheckedLicence(StrictModel):
    """A licence the assessors checked (过程记录: name, number, issuer, validity)."""

    name: str = field("证照名称", example="采矿许可证")
    number: str = field("证照编号")
    issuer: str = field("发证机关")
    valid_from: Day | None = field("有效期起", None)
    valid_to: Day = field("有效期止")


class Photo(StrictModel):
    file: FilePath = field("照片文件", description="相对于输入文件所在目录的路径（JPEG 或 PNG）")
    caption: str = field("照片说明")


class Assessment(StrictModel):
    report_number: str | None = field("报告编号", None)
    commission: Commission = field("委托情况")
    agency: Agency = field("评估机构")
    independence: Declaration | None = field(
        "独立性声明", None, description="缺少时报告和承诺书不作独立性承诺，并给出警告")
    team: list[TeamMember] = field("评估组成员", default_factory=list, sheet="评估组成员")
    desk_review: DeskReview = field("内业评估")
    site_visit: SiteVisit = field("现场评估")
    prerequisites: dict[str, AssessedPrerequisite] = field(
        "先决条件判定", default_factory=dict, sheet="先决条件判定",
        description="键为先决条件编号，值为 符合/不符合（或 {ruling, evidence}）")
    scores: dict[str, AssessedItem] = field(
        "评估得分", default_factory=dict, sheet="评估得分",
        description="键为评价内容编号（如 \"1.1.1\"），值为得分（或 {score, deduction_reason, …}）")
    licences: list[CheckedLicence] = field(
        "核查的证照", default_factory=list, sheet="核查的证照",
        description="先决条件核查时查验的证照：名称、编号、发证机关、有效期")
    score_sheet: FilePath | None = field(
        "已填写的打分表", None,
        description="greenmine scoresheet 生成并填写后的 XLSX（相对于输入文件）；"
                    "填写后先决条件判定和评估得分从表中读取")
    highlights: list[str] = field("亮点与特色", default_factory=list)
    problems: list[Problem] = field("存在问题与整改建议", default_factory=list,
                                    sheet="问题与整改建议")
    photos: list[Photo] = field("现场照片", default_factory=list, sheet="现场照片")
    report_date: Day = field("报告日期")
    comparison_threshold: Points | None = field(
        "与自评得分对比的差异阈值（分）", None,
        description="评估得分与企业自评得分之差超过该分值的评价内容在报告中列出；缺省为该项分值的 20%")
    # several experts (added later: at the end, so workbooks filled before keep their rows)
    score_sheets: list[FilePath] = field(
        "各专家填写的打分表", default_factory=list,
        description="每位专家一份 greenmine scoresheet 生成的打分表（相对于输入文件）；"
                    "逐项取平均分，差异超过阈值的项给出提示")
    expert_scores: dict[str, dict[str, AssessedItem]] = field(
        "各专家评分", default_factory=dict,
        description="键为专家姓名，值为该专家的逐项评分（同 scores 的写法）；"
                    "填写后每项得分取各专家的平均分，不再填写 scores")
    divergence_threshold: Points | None = field(
        "专家评分差异阈值（分）", None,
        description="同一项各专家评分的最高分与最低分之差超过该分值时提示并在报告附录中记录；"
                    "缺省为该项分值的 20%")

    @field_validator("prerequisites", "scores", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        """YAML reads ``1.1: 5`` keys as numbers; ids are text."""
        if isinstance(value, dict):
            return {str(k).strip(): v for k, v in value.items()}
        return value

    @field_validator("expert_scores", mode="before")
    @classmethod
    def _expert_keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(name).strip(): ({str(k).strip(): v for k, v in items.items()}
                                        if isinstance(items, dict) else items)
                    for name, items in value.items()}
        return value
