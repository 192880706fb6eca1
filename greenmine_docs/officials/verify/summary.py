"""Figures of a round computed once, for the screen, the summary workbook and the report —
the command line and the web desk both show a round through these."""
from __future__ import annotations

from typing import Any

from .round_read import RoundResult

OUTCOMES = ("合格", "限期整改", "不合格")


def outcome_rows(result: RoundResult) -> list[dict[str, Any]]:
    return [{"矿山名称": r.mine.name, "名录级别": r.mine.level, "所在市": r.mine.city,
             "核查结论": r.outcome.outcome, "问题数": len(r.record.problems),
             "理由": r.outcome.reason, "记录表": r.record.path.name}
            for r in result.results]


def counts_text(result: RoundResult) -> str:
    """One line of the round's figures: records read, each outcome, mines without a record."""
    return (f"记录表 {len(result.results)} 份："
            + "，".join(f"{k} {result.count(k)} 座" for k in OUTCOMES)
            + (f"；未收到 {len(result.missing)} 座" if result.missing else ""))
