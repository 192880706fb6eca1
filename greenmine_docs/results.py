"""The scores of one input as plain data for summaries (the batch summary workbook's 自查得分 /
第三方评估得分 columns): put in ``report.meta["scores"]`` by :func:`greenmine_docs.api.check`.

Both come from the scoring stage (``run.scores``): the one engine, each section scored once."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import Run
    from .scoring import ScoreResult


def _entry(result: ScoreResult) -> dict[str, Any]:
    return {"total": round(float(result.total), 2), "verdict": result.verdict.value}


def scores(run: Run) -> dict[str, dict[str, Any]]:
    """``{"self_check": {"total", "verdict"}, "assessment": {…}}`` for the parts the input has
    and the run could score (an unusable indicator set gives neither; a self-check without any
    item gives no self-check score)."""
    out: dict[str, dict[str, Any]] = {}
    sc = run.submission.self_check
    if sc is not None and sc.items and run.scores.self_check is not None:
        out["self_check"] = _entry(run.scores.self_check)
    if run.scores.assessment is not None:
        out["assessment"] = _entry(run.scores.assessment.result)
    return out
