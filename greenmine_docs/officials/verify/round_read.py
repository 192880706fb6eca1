"""``greenmine verify read``: every record of a round read, checked against the sample (mine
not drawn, two records for one mine, drawn mines without a record) and given its outcome."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from ...findings import Location, Report, make
from ...frozen import frozen
from ..mine_list import norm_name
from . import layout as L
from .config import Round, load_round
from .outcome import PENDING, Outcome, decide
from .record_checks import check_record
from .record_read import Record, read_record
from .sample_read import Sample, SampledMine, read_sample


@frozen(quick_init=False)
class MineResult:
    mine: SampledMine
    record: Record
    outcome: Outcome


@dataclass
class RoundResult:
    rnd: Round
    sample: Sample
    report: Report
    results: list[MineResult] = field(default_factory=list)  # in the sample's order
    missing: list[SampledMine] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome.outcome == outcome)


def record_files(paths: list[Path]) -> list[Path]:
    """The .xlsx files named or inside the folders named (Office lock files ``~$`` skipped),
    in name order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(f for f in p.iterdir() if f.suffix.lower() == ".xlsx"
                                and not f.name.startswith(("~$", "."))))
        elif p.is_file():
            found.append(p)
        else:
            raise InputError(f"找不到记录表文件或目录：{p}")
    if not found:
        raise InputError("没有找到记录表（.xlsx）。", hint="指定记录表所在目录或文件。")
    return found


def read_round(paths: list[str | Path], *, round_path: str | Path,
               sample_path: str | Path) -> RoundResult:
    rnd = load_round(round_path)
    sample = read_sample(sample_path)
    report = Report(source=str(sample_path))
    result = RoundResult(rnd=rnd, sample=sample, report=report)
    by_mine: dict[str, Record] = {}
    for path in record_files([Path(p) for p in paths]):
        rec = read_record(path, rnd)
        if rec.usable:
            check_record(rec, rnd, drawn_on=sample.drawn_on)
            _against_sample(rec, sample, by_mine)
        report.extend(rec.findings)
    for mine in sample.mines:
        found = by_mine.get(mine.key)
        if found is None:
            result.missing.append(mine)
            report.add(make("GM-W655", f"核查名单中的“{mine.name}”没有记录表。",
                            location=Location(file=str(sample_path), sheet="核查名单")))
        else:
            result.results.append(MineResult(mine, found, _outcome(found, rnd)))
    return result


def _outcome(rec: Record, rnd: Round) -> Outcome:
    """The rules' outcome; a record with errors has none yet (待定): it must be corrected."""
    if any(f.severity.value == "error" for f in rec.findings):
        return Outcome(PENDING, "记录表有错误，改正后重新读取")
    return decide(rec, rnd)


def _against_sample(rec: Record, sample: Sample, by_mine: dict[str, Record]) -> None:
    cell = rec.facts.get("name@", L.FIELDS["name"][2])
    mine = sample.find(rec.name)
    if mine is None:
        rec.add("GM-E643", f"记录表中的矿山“{rec.name or '（空白）'}”不在核查名单中。", cell)
        return
    first = by_mine.get(norm_name(rec.name))
    if first is not None:
        rec.add("GM-E644", f"“{mine.name}”已有记录表 {first.path.name}，此份重复。", cell)
        return
    by_mine[mine.key] = rec
