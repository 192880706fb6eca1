"""The self-evaluation section (自评报告): the enterprise's own evaluation against the indicator
set before it applies — when and by whom, the narrative per chapter and per first-level
indicator, each item's score with how it was checked and the evidence, the problems found and
the rectification plan.

What the input already holds is not asked again: the mine's facts, the six selection conditions
(``eligibility``), the indicator set (``campaign.indicator_set``) come from their own sections.

**Self-check and self-evaluation overlap** on the items' scores and the prerequisites' rulings.
The self-evaluation is the source for its report: an item or prerequisite it gives is used as it
is; one it leaves out is taken from ``self_check`` (score, not-applicable, situation as evidence,
problem as the deduction reason). Where both give a value they must agree (GM-E901)::

    self_evaluation:
      date: 2023-09-18                # 自评日期
      report_date: 2023-09-25         # 报告日期（缺省为自评日期）
      team:
        - {name: 韩志远, position: 总经理, role: 组长}
      narrative:
        preface: 为全面掌握……（Markdown，或 .md 文件路径）
        by_indicator: {"1": 矿区环境方面……, "2": ……}
      items:
        "1.1.2": {score: 10, method: 查阅道路工程资料，现场踏勘, evidence: 道路硬化验收资料,
                  deduction_reason: 西侧运矿道路约1.4公里未硬化}
      problems:
        - {problem: 西侧运矿道路未硬化, items: ["1.1.2"], measure: 硬化并设置边沟,
           deadline: 2024-05-31, responsible: 王建军}
"""

import datetime as dt
from typing import Any, Union

from pydantic import field_validator

from .assessment import Photo
from .base import StrictModel, YesNo, field, text_keys
from .bounds import Day, Number
from .self_check import NOT_APPLICABLE_WORDS, PrerequisiteRuling


class EvaluatedItem(StrictModel):
    score: Number | None = field("自评得分", None, description="0 至该项分值；不适用的项留空")
    not_applicable: YesNo = field("不适用", False, description="不适用时填 true，并写明理由")
    method: str | None = field("核查方式", None, description="查阅的资料、踏勘的场所、询问的人员")
    evidence: str | None = field("佐证材料", None)
    deduction_reason: str | None = field(
        "扣分原因", None, description="得分低于分值时必填：具体到位置和数量；不适用时写理由")

    @field_validator("score", mode="before")
    @classmethod
    def _na_word(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE_WORDS:
            return None
        return value


class EvaluationMember(StrictModel):
    name: str = field("姓名")
    position: str | None = field("职务或职称", None)
    department: str | None = field("部门", None)
    role: str | None = field("自评分工", None)


class RectificationItem(StrictModel):
    problem: str = field("存在问题")
    items: list[str] = field("涉及评价内容编号", default_factory=list)
    measure: str | None = field("整改措施", None)
    deadline: Day | None = field("完成时限", None)
    responsible: str | None = field("责任人", None)


NarrativeValue = Union[str, dict[str, str]]


class SelfEvaluation(StrictModel):
    date: Day = field("自评日期")
    report_date: Day | None = field("报告日期", None, description="缺省为自评日期")
    compiler: str | None = field(
        "协助编写单位", None, description="委托其他单位协助编写时填写；企业自行编写时不填")
    team: list[EvaluationMember] = field("自评工作组", default_factory=list, sheet="自评工作组")
    narrative: dict[str, NarrativeValue] = field(
        "自评报告叙述", default_factory=dict,
        description="键为提纲中节的 key；by_indicator 下键为一级指标编号或名称")
    prerequisites: dict[str, PrerequisiteRuling] = field(
        "先决条件自评", default_factory=dict, description="缺少的条目取自 self_check")
    items: dict[str, EvaluatedItem] = field(
        "评价内容自评", default_factory=dict, sheet="评价内容自评",
        description="键为评价内容编号；缺少的条目取自 self_check")
    problems: list[RectificationItem] = field("存在问题及整改措施", default_factory=list,
                                              sheet="问题及整改措施")
    stated_verdict: str | None = field(
        "企业自评结论", None, description="达标 / 不达标；填写时须与评分结果一致")
    attachments: list[str] = field("附件（佐证材料清单）", default_factory=list)
    photos: list[Photo] = field("照片", default_factory=list, sheet="自评照片")

    _keys_as_text = field_validator("prerequisites", "items", mode="before")(text_keys)

    @property
    def issued(self) -> dt.date:
        """The report's date (the evaluation date when none is given)."""
        return self.report_date or self.date
