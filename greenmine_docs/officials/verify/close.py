"""``greenmine verify close``: read the round, and only when every drawn mine has a record
without errors, render the notices, the summary, the removal list, the work report and the
rectification ledger, then write them all."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ...clock import today
from ...outputs import safe_filename
from .close_docx import render_notice, render_removal
from .close_facts import CloseFacts, facts_for
from .close_report import render as render_report
from .close_xlsx import render_ledger, render_summary
from .files import write_all
from .round_read import RoundResult, read_round

NOTICE_DIR = "限期整改通知书"
SUMMARY = "实地核查结果汇总表.xlsx"
REMOVAL = "拟移出绿色矿山名录名单.docx"
REPORT = "实地核查工作总结.docx"
LEDGER = "整改台账.xlsx"


@dataclass
class CloseOutcome:
    result: RoundResult
    facts: CloseFacts | None = None
    written: list[Path] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.facts is None


def run_close(records: list[str | Path], out_dir: str | Path, *, round_path: str | Path,
              sample_path: str | Path, issued: dt.date | None = None,
              force: bool = False) -> CloseOutcome:
    result = read_round(records, round_path=round_path, sample_path=sample_path)
    outcome = CloseOutcome(result)
    if result.report.errors or result.missing:
        return outcome  # nothing written: the findings say what to correct
    facts = facts_for(result, issued or result.rnd.info.notice_date or today())
    outcome.facts = facts
    out = Path(out_dir)
    files = {out / SUMMARY: render_summary(facts), out / REMOVAL: render_removal(facts),
             out / REPORT: render_report(facts), out / LEDGER: render_ledger(facts)}
    for r in facts.with_outcome("限期整改"):
        files[out / NOTICE_DIR / f"{safe_filename(r.mine.name + '-限期整改通知书')}.docx"] = \
            render_notice(facts, r)
    inputs = [Path(round_path), Path(sample_path), *(Path(p) for p in records)]
    outcome.written = write_all(files, force=force, inputs=inputs)
    return outcome
