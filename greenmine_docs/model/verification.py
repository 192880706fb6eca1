"""The verification round's data (实地核查): the campaign's rules and the round's facts.

The rules (conditions to confirm, focus items, how an outcome follows from a record, the
rectification deadline, the vague phrases reviewers reject, the agency thresholds) are data:
``templates/verification/rules.yaml`` holds our own documented defaults and a round file
(``round.yaml``) overrides any key of them as a whole.
"""

from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import model_validator

from .base import StrictModel, field
from .bounds import Checked, Day, Year

AtLeastOne = Checked[Annotated[int, Interval(ge=1)]]
Gap = Checked[Annotated[float, Interval(ge=0)]]  # points on the indicator set's scale
Days = Checked[Annotated[int, Interval(ge=1, le=730)]]

Outcome = Literal["合格", "限期整改", "不合格"]
OUTCOMES: tuple[str, ...] = ("合格", "限期整改", "不合格")


class Condition(StrictModel):
    id: str = field("编号")
    text: str = field("遴选条件")


class OutcomeRule(StrictModel):
    """One rule: when its test holds, the outcome is ``outcome`` for ``reason``."""

    outcome: Literal["限期整改", "不合格"] = field("核查结论")
    reason: str = field("理由")
    failed_conditions_at_least: AtLeastOne | None = field("不符合的遴选条件不少于", None)
    problems_at_least: AtLeastOne | None = field("存在问题的评价内容不少于", None)
    items: list[str] = field("只计这些评价内容", default_factory=list)

    @model_validator(mode="after")
    def _one_test(self) -> "OutcomeRule":
        tests = [self.failed_conditions_at_least, self.problems_at_least]
        if sum(t is not None for t in tests) != 1:
            raise ValueError("每条规则须且只须写一个条件：failed_conditions_at_least 或 "
                             "problems_at_least")
        return self


class AgencyThresholds(StrictModel):
    mean_gap_at_least: Gap = field("平均分差不低于", 80)
    largest_gap_at_least: Gap = field("最大分差不低于", 150)
    contradicted_at_least: AtLeastOne = field("结论被推翻不少于", 1)
    full_but_deficient_at_least: AtLeastOne = field("满分但核查有问题不少于", 5)


class VerificationRules(StrictModel):
    format: str = field("格式", "greenmine-verification-rules/1")
    indicator_set: str = field("评价指标体系")
    conditions: list[Condition] = field("遴选条件", min_length=1, max_length=30)
    focus_items: list[str] = field("重点核查评价内容", default_factory=list)
    check_methods: list[str] = field("核查方式", min_length=1)
    outcome_rules: list[OutcomeRule] = field("核查结论规则")
    deadline_days: Days = field("整改期限（天）")
    vague_phrases: list[str] = field("笼统用语", default_factory=list)
    place_words: list[str] = field("位置用语", default_factory=list)
    agency: AgencyThresholds = field("评估机构监督阈值", default_factory=AgencyThresholds)


class RoundInfo(StrictModel):
    """Facts of one round that the documents print."""

    province: str = field("省份", min_length=1, max_length=20)
    year: Year = field("工作年度")
    issuer: str = field("省级核查单位（发文单位）", min_length=1, max_length=60)
    city_bureaus: dict[str, str] = field("各市核查单位", default_factory=dict)
    basis: str = field("核查依据", "", max_length=400)
    checks_due: Day | None = field("实地核查完成时限", None)
    notice_date: Day | None = field("整改通知书印发日期", None)
    report_to: str = field("整改报告报送要求", "", max_length=400)
    contact: str = field("联系人及电话", "", max_length=100)


class RoundFile(StrictModel):
    """``round.yaml``: the round's facts and the rules it changes (whole keys)."""

    format: str = field("格式", "greenmine-verification-round/1")
    round: RoundInfo = field("核查轮次")
    rules: dict = field("规则（改写缺省值）", default_factory=dict)
