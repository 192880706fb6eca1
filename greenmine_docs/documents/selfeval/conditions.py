"""The report's evidence for the six selection conditions and the indicator set's
prerequisites: what the input's eligibility facts say (:mod:`greenmine_docs.checks.evidence`),
and whether each condition holds as the eligibility checks decided it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...checks.evidence import CONDITIONS, condition_results, fact_text

if TYPE_CHECKING:
    from ...indicators.model import Prerequisite
    from ...pipeline import Run
    from .data import SelfEvalData


def condition_rows(run: "Run") -> list[tuple[str, str, str]]:
    """(condition, 符合/不符合, evidence) for each of the six selection conditions."""
    sub = run.submission
    day = sub.self_evaluation.date if sub.self_evaluation is not None else None
    codes = {f.code for f in run.report.findings}
    rows = []
    for (name, holds, _), (_, _, fact) in zip(condition_results(codes), CONDITIONS):
        rows.append((name, "符合" if holds else "不符合", fact_text(sub, fact, day)))
    return rows


def prerequisite_evidence(data: "SelfEvalData", pre: "Prerequisite") -> str:
    """The enterprise's note on a prerequisite, else what the input's facts say about it."""
    entry = data.prerequisites.get(pre.id)
    if entry is not None and entry.evidence:
        return entry.evidence
    if pre.fact:
        return fact_text(data.run.submission, pre.fact, data.se.date)
    return pre.evidence or ""
