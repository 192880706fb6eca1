"""Figures of a round computed once, for the screen, the summary workbook and the report."""
from __future__ import annotations

from typing import Any

from .round_read import RoundResult


def outcome_rows(result: RoundResult) -> list[dict[str, Any]]:
    return [{"矿山名称": r.mine.name, "名录级别": r.mine.level, "所在市": r.mine.city,
             "核查结论": r.outcome.outcome, "问题数": len(r.record.problems),
             "理由": r.outcome.reason, "记录表": r.record.path.name}
            for r in result.results]
