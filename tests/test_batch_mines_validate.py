"""Validating the rows of a mines table on several cores (greenmine_docs.mines_validate) gives
exactly what validating them one after the other gives, and batch --validate-only of a table
gives, row for row, the outcome batch.process gives."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import run_cli
import greenmine_docs.mines_validate as mv
from greenmine_docs.api import check, load
from greenmine_docs.batch import collect_tasks, process, run_batch
from greenmine_docs.excel_input import read_mines_table, write_mines_table
from greenmine_docs.excel_input.mines import MinesReader
from mine_rows import mine_rows

N = 40


def _broken_table(path: Path, merged: bool) -> Path:
    """A mines table with broken rows: stray spaces, numbers and dates as text, a serial date,
    a bad USCC, a placeholder, a missing required value, a bad number, duplicate 编号 (one
    pair close together, one far apart), an expired licence, an unknown unit, a moved column,
    a column not in the template, an orphan penalty and (``merged``) a merged range."""
    write_mines_table(mine_rows(N), path)
    wb = openpyxl.load_workbook(path)
    ws, pen = wb["矿山名录"], wb["行政处罚"]
    col = {c.value: c.column for c in ws[1]}
    edits = {
        5: ("mine.name", "  测试2号灰岩矿 "), 6: ("mine.staff", "１２０"),
        7: ("reserves.remaining.value", "1,200.5"), 8: ("mine.licence.valid_to", "2027年6月1日"),
        9: ("mine.licence.valid_to", 46000), 10: ("enterprise.uscc", "91140000XXXXXXXX1A"),
        11: ("enterprise.name", "某某公司【待补充】"), 12: ("mine.licence.number", None),
        13: ("mine.staff", "很多"), 14: ("mine.licence.valid_to", dt.datetime(2020, 1, 1)),
        15: ("reserves.remaining.unit", "斤"), 16: ("enterprise.contact.phone", "12345"),
    }
    for row, (key, value) in edits.items():
        ws.cell(row, col[key]).value = value
    ws.cell(17, 1).value = ws.cell(18, 1).value  # duplicate 编号
    ws.cell(N + 3, 1).value = ws.cell(6, 1).value  # the last row repeats the third's 编号
    ws.cell(N, 1).value = None  # no 编号: numbered by position, the 36th mine
    for cell in ws[30]:  # an emptied row in the second half: skipped, later positions shift
        cell.value = None
    extra = ws.max_column + 1  # a column of the user's own, filled in both halves
    ws.cell(3, extra).value = "备注（自加）"
    ws.cell(8, extra).value = ws.cell(N, extra).value = "自己加的列"
    if merged:
        city = col["mine.location.city"]
        ws.merge_cells(start_row=20, start_column=city, end_row=22, end_column=city)
    a, b = col["mine.staff"], col["mine.name"]  # swap two columns (keys move along)
    for r in (1, *range(3, ws.max_row + 1)):  # row 2: merged section titles, left as they are
        x, y = ws.cell(r, a), ws.cell(r, b)
        x.value, y.value = y.value, x.value
    pen.cell(pen.max_row, 2).value = 999  # a penalty of no mine
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Its merged range makes the main sheet one only the whole-sheet reader reads."""
    return _broken_table(tmp_path_factory.mktemp("mv") / "名录.xlsx", merged=True)


@pytest.fixture(scope="module")
def split_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Without the merged range: worker processes read it in parts."""
    return _broken_table(tmp_path_factory.mktemp("mv") / "名录.xlsx", merged=False)


def test_reading_in_parts_gives_the_mines_reading_whole_gives(split_table: Path) -> None:
    def dump(rows: list[Any]) -> list[Any]:
        return [(r.data, [f.to_dict() for f in r.findings],
                 sorted((k, str(v)) for k, v in r.positions.items())) for r in rows]

    whole = read_mines_table(split_table)
    codes = {f.code for r in whole for f in r.findings}
    assert {"GM-E151", "GM-E152", "GM-I152"} <= codes
    assert [f.code for f in whole.findings].count("GM-W152") == 1
    for parts in (2, 3, 5):
        with MinesReader(split_table) as reader:
            cuts = reader.cuts(parts)
            assert cuts is not None and len(cuts) == parts
            read = [reader.read_part(cut) for cut in cuts]
            assert all(p.entries for p in read)
            settled = reader.settle([p.summary for p in read])
            mines = [m for k, p in enumerate(read) for m in reader.mines(p, settled, k)]
        assert dump(mines) == dump(whole)
        assert [f.to_dict() for f in settled.findings] == [f.to_dict() for f in whole.findings]
    with MinesReader(split_table) as reader:
        assert reader.sheet == "矿山名录" and reader.size > 0


def _sequential(path: Path) -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    out = []
    for raw in read_mines_table(path):
        loaded = check(load(raw))
        out.append(([f.to_dict() for f in loaded.report.findings], loaded.report.meta))
    return out


@pytest.mark.parametrize("jobs,split", [(1, False), (2, False), (2, True), (3, True)])
def test_parallel_results_equal_the_sequential_path(table: Path, split_table: Path, jobs: int,
                                                    split: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mv, "_CHUNK", (3, 10))  # fork even for 40 rows, several tasks each
    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)  # workers read even a small table
    monkeypatch.setattr(mv, "_SEND", 7)  # and send their results in several batches
    table = split_table if split else table
    want = _sequential(table)
    read: list[int] = []
    got = mv.validate_mines(table, jobs=jobs, on_read=read.append)
    assert read == [N - 1] and [r.row for r in got.rows] == [r for r in range(4, N + 4) if r != 30]
    assert len(got.results) == len(want) == N - 1
    assert [([f.to_dict() for f in r.report.findings], r.report.meta)
            for r in got.results] == want
    assert got.with_errors == sum(1 for f, _ in want if any(x["severity"] == "error" for x in f))
    # located findings: the cell that is wrong, as the sequential path reports it
    wb = openpyxl.load_workbook(table)
    uscc = [f for r in got.results for f in r.report.findings if f.code == "GM-E110"]
    assert len(uscc) == 1 and uscc[0].location.sheet == "矿山名录"
    assert wb["矿山名录"][uscc[0].location.cell].value == "91140000XXXXXXXX1A"
    spaces = [f for f in got.results[1].report.findings if f.code == "GM-I152"]
    assert spaces and wb["矿山名录"][spaces[0].location.cell].value == "  测试2号灰岩矿 "
    assert got.rows[1].name == "测试2号灰岩矿"
    orphan = [f for f in got.results[0].report.findings if f.code == "GM-E152"]
    assert orphan and orphan[0].location.sheet == "行政处罚"
    assert got.results[0].mine == "测试1号灰岩矿" and got.results[0].city


def test_rows_already_read_hook_and_failures(table: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setattr(mv, "_CHUNK", (3, 10))
    rows = read_mines_table(table)
    seen: list[int] = []

    def hook(index: int, loaded: Any, context: Any) -> tuple[Any, bool]:
        if index == 7:
            raise RuntimeError("坏了")
        assert context == f"第{index}行"
        return index * 2, index == 9  # row 9: checks skipped

    got = mv.validate_mines(rows, jobs=2, hook=hook, on_row=lambda i, info: f"第{i}行",
                            on_result=lambda i, r: seen.append(i))
    assert seen == list(range(len(rows))) and got.rows == [mv.RowInfo.of(raw) for raw in rows]
    assert got.results[7].failure == mv.Failure(False, "RuntimeError: 坏了")
    assert [r.extra for r in got.results if r.failure is None] == \
        [i * 2 for i in range(len(rows)) if i != 7]
    assert "as_of" not in got.results[9].report.meta  # loaded, not checked
    assert "as_of" in got.results[2].report.meta


def _outcomes(result: Any) -> list[dict[str, Any]]:
    return [asdict(o) for o in result]


def test_batch_validate_only_of_a_table_equals_process(table: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mv, "_CHUNK", (3, 10))
    out = tmp_path / "out"
    first = run_batch(table, out, jobs=2, validate_only=True)
    tasks = collect_tasks(table, out, validate_only=True, as_of=None, strict=False,
                          zip_bundle=False)
    assert _outcomes(first.outcomes) == _outcomes(process(t) for t in tasks)
    # the orphan penalty is an error of the whole table: every row carries it
    assert {o.status for o in first.outcomes} == {"有错误未生成"}
    assert len({len(o.findings) for o in first.outcomes}) > 1
    # a second run reuses every row, as process() would
    previous = {o.key: {**asdict(o), "reused": False} for o in first.outcomes}
    second = run_batch(table, out, jobs=2, validate_only=True)
    assert all(o.reused for o in second.outcomes)
    assert _outcomes(second.outcomes) == _outcomes(process(t, previous[t.key]) for t in tasks)
    wb = openpyxl.load_workbook(out / "批量处理汇总.xlsx", read_only=True)
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == N - 1 and rows[0][1] == "矿山名录!第4行" and rows[0][2] == "测试1号灰岩矿"
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert any(r[3] == "GM-E110" and "矿山名录!" in r[5] for r in findings)


def test_batch_validate_only_of_a_table_read_by_workers_equals_process(
        split_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    out = tmp_path / "out"
    got = run_batch(split_table, out, jobs=2, validate_only=True)
    tasks = collect_tasks(split_table, out, validate_only=True, as_of=None, strict=False,
                          zip_bundle=False)
    assert _outcomes(got.outcomes) == _outcomes(process(t) for t in tasks)
    again = run_batch(split_table, out, jobs=2, validate_only=True)
    assert all(o.reused for o in again.outcomes)


def test_a_part_the_fast_reader_cannot_read_falls_back_to_reading_here(
        split_table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import greenmine_docs.excel_input.mines as mines

    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(mines, "raw_rows_of", lambda xml: None)  # in the workers, too
    got = mv.validate_mines(split_table, jobs=2)
    assert [([f.to_dict() for f in r.report.findings], r.report.meta)
            for r in got.results] == _sequential(split_table)


def test_results_list_their_findings_as_their_reports_do(
        split_table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers send each row's findings in the order a report lists them; the report
    keeps the order they were found in."""
    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    got = mv.validate_mines(split_table, jobs=2)
    assert [r.listed() for r in got.results] == \
        [[f.to_dict() for f in r.report.sorted()] for r in got.results]
    assert any(r.listed() != [f.to_dict() for f in r.report.findings] for r in got.results)
    assert [(r.errors, r.warnings) for r in got.results] == \
        [(len(r.report.errors), len(r.report.warnings)) for r in got.results]
    assert [[f.to_dict() for f in r.report.findings] for r in got.results] == \
        [fs for fs, _ in _sequential(split_table)]


def test_batch_cli_validate_only_table_with_jobs(table: Path, tmp_path: Path, runner: Any
                                                 ) -> None:
    out = tmp_path / "out"
    res = run_cli(runner, "batch", str(table), "-o", str(out), "--validate-only", "-j", "2")
    assert res.code == 1, res.output
    assert f"共 {N - 1} 个输入" in res.stdout and "有错误未生成" in res.stdout


def test_batch_cli_validate_only_clean_table(tmp_path: Path, runner: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mv, "_CHUNK", (2, 4))
    table = tmp_path / "名录.xlsx"
    write_mines_table(mine_rows(9), table)
    out = tmp_path / "out"
    res = run_cli(runner, "batch", str(table), "-o", str(out), "--validate-only", "-j", "2")
    assert res.code == 0, res.output
    assert "共 9 个输入：校验通过 9 个" in res.stdout
    again = run_cli(runner, "batch", str(table), "-o", str(out), "--validate-only", "-j", "2")
    assert again.code == 0 and "其中 9 个未变化，沿用上次结果" in again.stdout
    wb = openpyxl.load_workbook(out / "批量处理汇总.xlsx", read_only=True)
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == [f"测试{i}号灰岩矿" for i in range(1, 10)]
    assert {r[6] for r in rows} == {"校验通过"} and rows[0][14] == "沿用上次结果（输入未变化）"


def test_a_worker_that_fails_is_reported_here_not_printed(
        split_table: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
        ) -> None:
    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("坏了")

    monkeypatch.setattr(MinesReader, "mines", broken)  # in the workers, after reading
    with pytest.raises(RuntimeError, match="ValueError: 坏了"):
        mv.validate_mines(split_table, jobs=2)
    assert "Traceback" not in capfd.readouterr().err


def test_each_result_arrives_once_before_it_is_taken_in_row_order(
        split_table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``on_arrival`` sees every row's result as it comes (workers check runs of rows at
    once, so not in row order), each before ``on_result`` takes it in row order."""
    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    events: list[tuple[str, int, Any]] = []
    got = mv.validate_mines(split_table, jobs=2,
                            on_arrival=lambda i, r: events.append(("arrived", i, r)),
                            on_result=lambda i, r: events.append(("taken", i, r)))
    arrived = [(i, r) for kind, i, r in events if kind == "arrived"]
    taken = [(i, r) for kind, i, r in events if kind == "taken"]
    n = len(got.results)
    assert n > 10 and sorted(i for i, _ in arrived) == list(range(n))
    assert [i for i, _ in taken] == list(range(n))
    assert all(r is got.results[i] for i, r in arrived + taken)
    position = {(kind, i): k for k, (kind, i, _) in enumerate(events)}
    assert all(position["arrived", i] < position["taken", i] for i in range(n))


def test_a_worker_done_first_checks_the_last_runs_of_one_still_busy(
        split_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker held up (here: on its first row, until the other has checked the rows of
    its last runs) leaves its last runs not yet started to the other, which reads them again;
    the results are those of the sequential path, in row order."""
    import os
    import time

    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    runs = 2 * mv._RUNS
    with MinesReader(split_table) as reader:
        cuts = reader.cuts(runs)
        assert cuts is not None and len(cuts) == runs
        sizes = [len(reader.read_part(cut).entries) for cut in cuts]
    run_of = [k for k, size in enumerate(sizes) for _ in range(size)]
    # the first worker's first run with rows (the header rows may fill a run of their own):
    # its first row waits
    first = next(k for k in range(0, runs, 2) if sizes[k])
    slow = sum(sizes[:first])
    stolen = range(runs - 2, runs - 2 - 2 * mv._SHARED, -2)  # the first worker's last runs
    awaited = [i for i, k in enumerate(run_of) if k in stolen]
    assert awaited
    marks = tmp_path / "checked"
    marks.mkdir()

    def hook(index: int, loaded: Any, context: Any) -> tuple[Any, bool]:
        (marks / str(index)).touch()
        if index == slow:  # (a minute at most: the assertions below then say what happened)
            deadline = time.monotonic() + 60
            while (not all((marks / str(i)).exists() for i in awaited)
                   and time.monotonic() < deadline):
                time.sleep(0.01)
        return os.getpid(), False

    got = mv.validate_mines(split_table, jobs=2, hook=hook)
    assert [([f.to_dict() for f in r.report.findings], r.report.meta)
            for r in got.results] == _sequential(split_table)
    by_run: dict[int, set[int]] = {}
    for index, result in enumerate(got.results):
        by_run.setdefault(run_of[index], set()).add(result.extra)
    held_up, other = by_run[first], by_run[next(k for k in range(1, runs, 2) if sizes[k])]
    assert len(held_up) == len(other) == 1 and held_up != other
    for k, pids in by_run.items():
        assert pids == (other if k % 2 or k in stolen else held_up), k


def test_the_results_leave_the_young_generation_untraversed(
        split_table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made while the collector was off, the results would all sit in its young generation,
    and its first collection afterwards would walk them: they join the old one instead."""
    import gc

    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    got = mv.validate_mines(split_table, jobs=2)
    young = gc.get_objects(generation=0)
    assert gc.isenabled() and len(got.results) > 10
    assert not any(r is x for r in got.results for x in young)
    assert gc.get_count()[0] < 1000


def test_results_not_kept_are_only_handed_over(split_table: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``keep_results=False``: the callbacks get the same results, the validation keeps none
    (a batch keeps only each row's outcome and frees the rest as it goes)."""
    monkeypatch.setattr(mv, "_SPLIT_MIN_BYTES", 0)
    kept = mv.validate_mines(split_table, jobs=2)
    handed: list[tuple[int, Any]] = []
    got = mv.validate_mines(split_table, jobs=2, keep_results=False,
                            on_result=lambda i, r: handed.append((i, r.listed())))
    assert got.results == [] and got.rows == kept.rows
    assert handed == [(i, r.listed()) for i, r in enumerate(kept.results)]


def test_list_sheets_dropped_after_settling_are_read_again_when_asked(split_table: Path) -> None:
    with MinesReader(split_table) as reader:
        first = [(t.key, [e.data for e in r.entries]) for t, r in reader.lists()]
        reader.drop_lists()
        assert reader._lists is None
        again = [(t.key, [e.data for e in r.entries]) for t, r in reader.lists()]
    assert again == first and first and first[0][1]
