"""The self-check section (绿色矿山自查记录表): the enterprise's own ruling on each prerequisite
and its score, situation, problems and rectification for each indicator item.

Items and prerequisites are keyed by the ids of the indicator set named in
``campaign.indicator_set`` (``greenmine indicators show ID`` lists them)::

    self_check:
      check_date: 2023-09-12
      filled_by: 李秀梅
      reviewer: 韩志远
      prerequisites:
        P1: 符合
        P2: {met: 符合, note: 2021年环保处罚已整改到位}
      items:
        "1.1.1": {score: 15, situation: 三区分设，界限清楚。见总平面布置图}
        "1.1.2":
          score: 13
          situation: 主干道已硬化
          problem: 西侧运矿道路有洒落
          measure: 增加洒水清扫频次
          deadline: 2023-10-31
          responsible: 王建军
        "3.2.3": {not_applicable: true, situation: 水泥用灰岩直接破碎入窑，不产生尾矿}

Checks on this section are in :mod:`greenmine_docs.documents.selfcheck.checks`; scoring in
:mod:`greenmine_docs.scoring`.
"""

from typing import Any

from pydantic import field_validator, model_validator

from .base import StrictModel, YesNo, field
from .bounds import Day, Number

NOT_APPLICABLE_WORDS = {"不适用", "不涉及", "n/a", "na", "—", "/"}


class PrerequisiteRuling(StrictModel):
    met: YesNo | None = field("是否符合", None, description="符合 / 不符合；未判定时留空")
    note: str | None = field("情况说明", None)

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        """``P1: 符合`` is short for ``P1: {met: 符合}``."""
        if value is None or isinstance(value, (str, bool)):
            return {"met": value if value not in ("", None) else None}
        return value


class ItemEntry(StrictModel):
    score: Number | None = field("自查得分", None, description="0 至该项分值；不适用的项留空")
    not_applicable: YesNo = field("不适用", False,
                                  description="该项不适用于本矿山时填 true，并在自查情况中说明理由")
    situation: str | None = field("自查情况及佐证材料", None)
    problem: str | None = field("存在问题", None)
    measure: str | None = field("整改措施", None)
    deadline: Day | None = field("整改时限", None)
    responsible: str | None = field("责任人", None)

    @model_validator(mode="before")
    @classmethod
    def _score_words(cls, value: Any) -> Any:
        """``score: 不适用`` means ``not_applicable: true``."""
        if isinstance(value, dict):
            s = value.get("score")
            if isinstance(s, str) and s.strip().lower() in NOT_APPLICABLE_WORDS:
                value = {**value, "score": None, "not_applicable": True}
        return value


class SelfCheck(StrictModel):
    check_date: Day | None = field("自查日期", None, description="必填；缺少时报 GM-E323")
    filled_by: str | None = field("填表人", None, description="必填；缺少时报 GM-E323")
    reviewer: str | None = field("审核人（企业负责人）", None)
    compiler: str | None = field(
        "协助编写单位", None, description="委托其他单位协助自评（自查）时填写该单位；企业自行完成时不填")
    phone: str | None = field("联系电话", None)
    prerequisites: dict[str, PrerequisiteRuling] = field(
        "先决条件自查", default_factory=dict, description="键为先决条件编号，值为 符合/不符合")
    items: dict[str, ItemEntry] = field(
        "评价内容自查", default_factory=dict, description="键为评价内容编号（如 \"1.1.1\"）")
    opinion: str | None = field("企业自查意见", None)

    @field_validator("prerequisites", "items", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k).strip(): v for k, v in value.items()}
        return value
