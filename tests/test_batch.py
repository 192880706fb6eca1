"""greenmine batch: many inputs, broken ones reported, summary workbook, reuse on re-run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE, EXAMPLE_DIR, EXAMPLES, run_cli
from greenmine_docs.batch import collect_tasks, run_batch


def _corpus(root: Path, n: int) -> Path:
    """``n`` copies of the example (different mine names) plus five broken inputs."""
    src = root / "src"
    src.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(n):
        folder = src / f"m{i:03d}"
        shutil.copytree(EXAMPLE_DIR, folder)
        (folder / "mine.yaml").write_text(
            text.replace("青岚山水泥用灰岩矿", f"青岚山{i}号水泥用灰岩矿"), encoding="utf-8")
    (src / "broken-syntax.yaml").write_text("campaign:\n  year: [2023\n", encoding="utf-8")
    (src / "broken-binary.yaml").write_bytes(b"\x00\x01\x02")
    (src / "broken-empty.yaml").write_bytes(b"")
    shutil.copy(EXAMPLES / "flawed-eligibility" / "mine.yaml", src / "flawed-eligibility.yaml")
    shutil.copy(EXAMPLES / "flawed-format" / "mine.yaml", src / "flawed-format.yaml")
    return src


def test_batch_over_200_inputs_reports_the_broken_ones(tmp_path, runner):
    src = _corpus(tmp_path, 200)
    out = tmp_path / "out"
    res = run_cli(runner, "batch", str(src), "-o", str(out), "--validate-only", "-j", "2")
    assert res.code == 1, res.output
    assert "共 205 个输入" in res.stdout
    wb = load_workbook(out / "批量处理汇总.xlsx", read_only=True)
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 205
    status = {r[1]: r[6] for r in rows}
    assert status["broken-syntax.yaml"] == "无法读取"
    assert status["broken-binary.yaml"] == "无法读取"
    assert status["broken-empty.yaml"] == "无法读取"
    assert status["flawed-eligibility.yaml"] == "有错误未生成"
    assert sum(1 for v in status.values() if v == "校验通过") == 200
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    codes = {(r[1], r[3]) for r in findings}
    assert ("flawed-eligibility.yaml", "GM-E201") in codes
    assert ("broken-syntax.yaml", "GM-E690") in codes


def test_batch_builds_documents_zips_and_reuses_unchanged(tmp_path):
    src = _corpus(tmp_path, 3)
    out = tmp_path / "out"
    first = run_batch(src, out, jobs=2, zip_bundles=True)
    from greenmine_docs.xlsx import fill

    # what the workers were set up with does not stay in this process (a program that builds
    # documents itself after a batch gets a layout's first workbook from openpyxl again)
    assert fill._EAGER is False
    built = [o for o in first.outcomes if o.status == "已生成"]
    assert len(built) == 3 and not any(o.reused for o in first.outcomes)
    for o in built:
        folder = out / o.key.split("/")[0]
        assert (folder / "manifest.json").exists()
        assert any(f.endswith(".zip") for f in o.files)
    # the example's 7 photos, prepared once for the three mines showing them
    assert len(list((out / ".greenmine-cache" / "photos").iterdir())) == 7
    second = run_batch(src, out, jobs=1, zip_bundles=True)
    assert all(o.reused for o in second.outcomes if o.status == "已生成")
    # a changed input is processed again
    mine = src / "m001" / "mine.yaml"
    mine.write_text(mine.read_text(encoding="utf-8").replace("staff: 186", "staff: 190"),
                    encoding="utf-8")
    third = run_batch(src, out, jobs=1, zip_bundles=True)
    changed = [o for o in third.outcomes if o.key.startswith("m001")]
    assert changed and not changed[0].reused


def test_batch_html_report(tmp_path, runner):
    src = _corpus(tmp_path, 2)
    out = tmp_path / "out"
    html = tmp_path / "r.html"
    res = run_cli(runner, "batch", str(src), "-o", str(out), "--validate-only",
                  "--format", "html", "--report", str(html))
    assert res.code == 1
    page = html.read_text(encoding="utf-8")
    assert "broken-syntax.yaml" in page and "GM-E201" in page and "<script>" in page
    assert "http://" not in page and "https://" not in page


def test_summary_gives_both_scores_and_conclusions(tmp_path):
    """The summary's score columns hold the engine's converted totals of the self-check and
    of the third-party assessment, each with its conclusion (not left empty)."""
    from greenmine_docs.api import check, load

    src = tmp_path / "src"
    for name in ("shanxi-limestone", "inner-mongolia-coal"):
        shutil.copytree(EXAMPLES / name, src / name)
    shutil.copy(EXAMPLES / "flawed-format" / "mine.yaml", src / "flawed-format.yaml")
    out = tmp_path / "out"
    result = run_batch(src, out, jobs=1, validate_only=True)
    ws = load_workbook(out / "批量处理汇总.xlsx")["汇总"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("输入")]: dict(zip(header, r))
            for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(result.outcomes) == 3
    for name in ("shanxi-limestone", "inner-mongolia-coal"):
        scores = check(load(EXAMPLES / name / "mine.yaml")).scores
        own, assessed = scores.self_check, scores.assessment
        assert own is not None and assessed is not None
        row = rows[f"{name}/mine.yaml"]
        assert row["自查得分"] == round(own.total, 2)
        assert row["自查结论"] == own.verdict.value == "达标"
        assert row["第三方评估得分"] == round(assessed.result.total, 2)
        assert row["评估结论"] == assessed.result.verdict.value == "达标"
    assert rows["shanxi-limestone/mine.yaml"]["第三方评估得分"] == 905.74
    flawed = rows["flawed-format.yaml"]
    assert flawed["自查得分"] is None and flawed["第三方评估得分"] is None


def test_batch_skips_a_verification_round_folder_with_an_info_line(tmp_path, runner):
    """The round's records, sample and ledger are workbooks but not mines: the folder holding
    the round's file (format greenmine-verification-round) is skipped as a whole, and said so."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE_DIR, src / "mine-a")
    rnd = src / "round"
    (rnd / "records").mkdir(parents=True)
    shutil.copy(EXAMPLES / "verification-round" / "round.yaml", rnd / "round.yaml")
    for name in ("核查名单.xlsx", "整改台账.xlsx"):
        shutil.copy(EXAMPLES / "verification-round" / name, rnd / name)
    record = sorted((EXAMPLES / "verification-round" / "records").glob("*.xlsx"))[0]
    shutil.copy(record, rnd / "records" / record.name)
    out = tmp_path / "out"
    res = run_cli(runner, "batch", str(src), "-o", str(out), "--validate-only")
    assert res.code == 0, res.output
    assert "共 1 个输入" in res.stdout
    assert f"跳过 {rnd}（实地核查轮次的文件夹" in res.stderr
    rows = list(load_workbook(out / "批量处理汇总.xlsx")["汇总"].iter_rows(min_row=2,
                                                                          values_only=True))
    assert [r[1] for r in rows if r[1]] == [str(Path("mine-a") / "mine.yaml")]
    # the bundled examples: the round is skipped, every mine example is still taken
    tasks = collect_tasks(EXAMPLES, tmp_path / "o2", skipped=(skipped := []))
    assert skipped == [EXAMPLES / "verification-round"]
    assert not [t for t in tasks if "verification-round" in t.key]
    assert {t.key.split("/")[0] for t in tasks} >= {"shanxi-limestone", "inner-mongolia-coal"}
    alone = run_cli(runner, "batch", str(rnd), "-o", str(tmp_path / "o3"), "--validate-only")
    assert alone.code == 2 and "是实地核查轮次的文件夹" in alone.output


def test_the_cache_text_is_json_dumps_of_the_entries(tmp_path):
    """The cache file is made an entry at a time: its text is what json.dumps gives for the
    whole mapping, a key that comes again keeping its place and taking the later entry."""
    import json
    from datetime import date

    from greenmine_docs.batch import MineOutcome, _cache_entry, _CacheEntries

    outcomes = [MineOutcome(key="a/“引号”\\x.yaml", status="已生成", mine="矿\n山", errors=1,
                            findings=[{"code": "GM-E101", "severity": "error", "message": "<&>",
                                       "hint": "", "location": {"file": "a", "line": 3}}],
                            fingerprint="f1", files=["a/x.docx"], self_score=91.5),
                MineOutcome(key="b", status="无法读取", fingerprint=""),  # no fingerprint: left out
                MineOutcome(key="c", status="已生成", fingerprint="f3", message=str(date(2024, 1, 2))),
                MineOutcome(key="a/“引号”\\x.yaml", status="有错误未生成", fingerprint="f4")]
    entries = _CacheEntries()
    for o in outcomes:
        entries.add(o)
    expected = json.dumps({o.key: _cache_entry(o) for o in outcomes if o.fingerprint},
                          ensure_ascii=False, default=str)
    assert entries.text() == expected and entries.data() == expected.encode("utf-8")
    assert _CacheEntries().text() == json.dumps({})
    early = _CacheEntries()  # entries encoded ahead, as results arrive
    for o in outcomes:
        early.add(o, early.encode(o) if o.fingerprint else None)
    assert early.data() == entries.data()
    # an entry is every field of the outcome, in the order of the fields, not reused
    from dataclasses import asdict
    reused = MineOutcome(key="d", status="已生成", fingerprint="f5", reused=True)
    assert _cache_entry(reused) == {**asdict(reused), "reused": False}
    assert list(_cache_entry(reused)) == list(asdict(reused))


def test_a_cache_file_that_cannot_be_written_fails_the_run_after_the_summary(
        tmp_path, monkeypatch):
    """The cache file is written while the summary is made: its failure still ends the run
    with its own error, once the summary is written."""
    import greenmine_docs.batch as batch
    from greenmine_docs.errors import OutputError

    def refused(path, entries):
        raise OutputError(f"无法写入输出文件 {path}：磁盘空间不足。")

    monkeypatch.setattr(batch, "_write_cache", refused)
    src = tmp_path / "in"
    shutil.copytree(EXAMPLE_DIR, src / "one")
    with pytest.raises(OutputError, match="磁盘空间不足"):
        batch.run_batch(src, tmp_path / "out", jobs=1, validate_only=True)
    assert (tmp_path / "out" / "批量处理汇总.xlsx").is_file()
    assert not (tmp_path / "out" / batch.CACHE_FILE).exists()


def test_a_summary_that_cannot_be_written_is_the_error_reported_when_the_cache_fails_too(
        tmp_path, monkeypatch):
    """Both writes fail (a full disk, say): the run ends with the summary's error, which
    the user needs, not the cache's, and only after the cache's write has ended."""
    import greenmine_docs.batch as batch
    from greenmine_docs.errors import OutputError

    ended = []

    def cache_refused(path, entries):
        ended.append(path.name)
        raise OSError("缓存写不进去")

    def summary_refused(result, path, rows=None):
        raise OutputError(f"无法写入输出文件 {path}：文件被占用。")

    monkeypatch.setattr(batch, "_write_cache", cache_refused)
    monkeypatch.setattr(batch, "write_summary", summary_refused)
    src = tmp_path / "in"
    shutil.copytree(EXAMPLE_DIR, src / "one")
    with pytest.raises(OutputError, match="文件被占用"):
        batch.run_batch(src, tmp_path / "out", jobs=1, validate_only=True)
    assert ended == [batch.CACHE_FILE]


def test_the_summary_shows_a_location_as_the_finding_does():
    from greenmine_docs.findings import Location, location_text

    for fields in ({}, {"file": "a.yaml", "line": 3, "column": 7, "path": "mine.name"},
                   {"file": "b.xlsx", "sheet": "矿山名录", "cell": "F12"}, {"sheet": "表"},
                   {"file": "c.pdf", "page": 2, "line": 5}, {"part": "第一章", "paragraph": 4},
                   {"file": "d.yaml", "line": 0}, {"sheet": "表", "cell": "A1", "path": "x"}):
        assert location_text(fields) == str(Location(**fields))



def _collections_while_building(tmp_path: Path, enabled: bool, monkeypatch) -> list[str]:
    """The collector's runs (generation; ``build`` where ``api.build`` started and ended)
    while ``batch.process`` builds the example, the collector switched on or off before; its
    state is as it was afterwards."""
    import gc

    from greenmine_docs import api
    from greenmine_docs.batch import process

    task = collect_tasks(EXAMPLE_DIR, tmp_path / "out", as_of=None, strict=False,
                         zip_bundle=False, validate_only=False)[0]
    (tmp_path / "out").mkdir(parents=True)
    seen: list[str] = []
    build = api.build

    def marked(*a, **k):
        seen.append("build")
        try:
            return build(*a, **k)
        finally:
            seen.append("build")

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(str(info["generation"]))

    monkeypatch.setattr(api, "build", marked)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    gc.callbacks.append(note)
    try:
        outcome = process(task)
        assert gc.isenabled() is enabled
    finally:
        gc.callbacks.remove(note)
        (gc.enable if was else gc.disable)()
    assert outcome.status == "已生成", outcome
    return seen


def test_a_mine_runs_no_collection_but_one_of_the_young_afterwards(tmp_path, monkeypatch):
    seen = _collections_while_building(tmp_path / "on", True, monkeypatch)
    start = seen.index("build")
    assert seen[start:start + 3] == ["build", "build", "0"]
    # a switched-off collector stays off and collects nothing
    assert _collections_while_building(tmp_path / "off", False, monkeypatch) == ["build"] * 2


def test_a_mines_run_is_freed_without_the_collector(tmp_path, monkeypatch):
    """What a mine loaded, scored and checked (its model, findings, scores and the documents'
    data) is freed by reference counting once ``batch.process`` is done with it: no reference
    cycle keeps it for the collector to walk (measured: 6,600 of the ~7,900 objects the
    collection at a mine's end walked were the run's)."""
    import gc
    import weakref

    from greenmine_docs import api
    from greenmine_docs.batch import process

    task = collect_tasks(EXAMPLE_DIR, tmp_path / "out", as_of=None, strict=False,
                         zip_bundle=False, validate_only=False)[0]
    (tmp_path / "out").mkdir(parents=True)
    runs: list[weakref.ref] = []
    build = api.build

    def kept(run, *a, **k):
        runs.append(weakref.ref(run))
        return build(run, *a, **k)

    monkeypatch.setattr(api, "build", kept)
    was = gc.isenabled()
    gc.disable()
    try:
        assert process(task).status == "已生成"
        assert len(runs) == 1 and runs[0]() is None
    finally:
        (gc.enable if was else gc.disable)()


def test_cleaning_an_input_makes_no_reference_cycle():
    """``sanitize_raw`` rebuilds the data without a recursive closure, which would keep the
    input until the collector runs."""
    import gc
    import weakref

    from greenmine_docs.rawinput import RawInput
    from greenmine_docs.sanitize import sanitize_raw

    was = gc.isenabled()
    gc.disable()
    try:
        raw = RawInput(source=Path("m.yaml"), kind="yaml", data={"a": ["x\x01y", {"b": "ok"}]})
        findings = list(sanitize_raw(raw))
        assert raw.data == {"a": ["xy", {"b": "ok"}]} and len(findings) == 1
        ref = weakref.ref(raw)
        del raw
        assert ref() is None
    finally:
        (gc.enable if was else gc.disable)()


def test_a_fingerprint_changes_with_every_option_and_only_with_them(tmp_path):
    """The options' part of a fingerprint is made once a run (``_options_text``): each
    option still counts, an equal task gives the same fingerprint, and ``1`` is not ``True``
    (they are written differently)."""
    import datetime as dt

    from greenmine_docs import api
    from greenmine_docs.batch import MineTask, fingerprint

    raw = api.load(EXAMPLE).raw
    base = dict(key="k", out_dir=tmp_path, path=EXAMPLE)
    changes = [{}, {"as_of": dt.date(2024, 1, 2)}, {"strict": True}, {"strict": 1},
               {"zip_bundle": True}, {"validate_only": True}, {"pdf": True},
               {"toc_pages": True}, {"pdf": True, "toc_pages": True}]
    prints = [fingerprint(MineTask(**base, **change), raw) for change in changes]
    assert len(set(prints)) == len(changes)
    assert [fingerprint(MineTask(**base, **change), raw) for change in changes] == prints
