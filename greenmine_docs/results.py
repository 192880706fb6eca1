"""The scores the checks of one input worked out, as plain data for summaries (the batch
summary workbook's 自查得分 / 第三方评估得分 columns): put in ``report.meta["scores"]``.

Both come from the one scoring engine, through the results the checks already computed (the
self-check scored once per input, the assessment evaluated once per check context)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checks.context import CheckContext
    from .scoring import ScoreResult


def _entry(result: "ScoreResult") -> dict[str, Any]:
    return {"total": round(float(result.total), 2), "verdict": result.verdict.value}


def scores(ctx: "CheckContext") -> dict[str, dict[str, Any]]:
    """``{"self_check": {"total", "verdict"}, "assessment": {…}}`` for the parts the input has
    and can score (an unusable indicator set gives neither)."""
    from .selfcheck.checks import indicator_set_for

    out: dict[str, dict[str, Any]] = {}
    s = ctx.submission
    iset = indicator_set_for(ctx)
    if iset is None:
        return out
    if s.self_check is not None and s.self_check.items:
        from .indicators import profile_of
        from .selfcheck.core import score_self_check

        out["self_check"] = _entry(score_self_check(s.self_check, iset, profile_of(s)))
    if s.assessment is not None:
        from .assessment.data import evaluate

        ev = evaluate(ctx)
        if ev.result is not None:
            out["assessment"] = _entry(ev.result)
    return out
