"""The benchmark's own parts (benchmarks/): synthetic mines are valid and different from each
other, the workbook holds one mine per row, the memory sampler sees a process tree."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402
import synth  # noqa: E402


def test_synthetic_mines_validate_and_differ(tmp_path: Path) -> None:
    from greenmine_docs.api import check, load
    from greenmine_docs.load.formats import uscc_problem

    paths = synth.write_mine_folders(3, tmp_path)
    seen = set()
    for path in paths:
        assert (path.parent / "photos" / "01-bench.jpg").is_file()
        assert (path.parent / "plan" / "basis.md").is_file()
        loaded = load(path)
        check(loaded)
        assert loaded.report.valid, [f.message for f in loaded.report.errors]
        sub = loaded.submission
        assert uscc_problem(sub.enterprise.uscc) is None
        seen.add((sub.mine.name, sub.enterprise.uscc, sub.mine.licence.number))
        assert sum(t.investment for t in sub.plan.tasks) == pytest.approx(
            sub.plan.total_investment)
    assert len(seen) == 3
    assert synth.place_name(0) == "青岚"
    assert len({synth.place_name(i) for i in range(3000)}) == 3000


def test_mines_workbook_has_one_mine_per_row(tmp_path: Path) -> None:
    from greenmine_docs.api import check, load
    from greenmine_docs.excel_input import read_mines_table

    wb = synth.write_mines_workbook(4, tmp_path / "mines.xlsx")
    mines = read_mines_table(wb)
    assert len(mines) == 4
    names = []
    for raw in mines:
        loaded = load(raw)
        check(loaded)
        assert loaded.report.valid, [f.message for f in loaded.report.errors]
        names.append(loaded.submission.mine.name)
    assert len(set(names)) == 4
    result = run.validate_workbook(wb)
    assert result["mines"] == 4 and result["mines_with_errors"] == 0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_tree_memory_counts_children() -> None:
    child = subprocess.Popen([sys.executable, "-c",
                              "import time; x = bytearray(60_000_000); time.sleep(2)"])
    try:
        import time

        time.sleep(1)
        alone = run._tree_rss_kb(child.pid)
        with_parent = run._tree_rss_kb(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert alone > 50_000  # the child's 60 MB
    assert with_parent > alone  # this process and its child


def test_stages_only_run_prints_every_step() -> None:
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--stages", "--quick",
                          "--json"], capture_output=True, text=True, check=True, timeout=300)
    import json

    stages = json.loads(out.stdout)
    assert set(stages) >= {"load", "checks", "plan_docx", "selfcheck_xlsx", "selfcheck_docx",
                           "report_docx", "scoresheet_xlsx", "total"}
    assert all(v > 0 for v in stages.values())


def test_mines_cpu_prints_each_document(tmp_path: Path) -> None:
    """``benchmarks/mines_cpu.py`` (the per-change before/after figures): run as its own
    process, since it wraps library functions to time them."""
    synth.write_mine_folders(4, tmp_path / "mines")
    done = subprocess.run([sys.executable, str(BENCH / "mines_cpu.py"), str(tmp_path / "mines"),
                           "2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2 mines: ") and lines[0].endswith("ms CPU per mine")
    labels = {line.split()[0] for line in lines[1:]}
    assert {"plan", "selfcheck", "report", "checks", "load", "write"} <= labels
    too_few = subprocess.run([sys.executable, str(BENCH / "mines_cpu.py"),
                              str(tmp_path / "mines"), "3"], capture_output=True, text=True,
                             timeout=300)
    assert too_few.returncode != 0 and "need 5" in too_few.stderr


def test_document_cpu_times_one_document_over_mines_not_seen_before(tmp_path: Path) -> None:
    """``benchmarks/document_cpu.py``: one document's render, rounds of mines each rendered
    once; too few mines, or an unknown document, is said."""
    synth.write_mine_folders(5, tmp_path / "mines")
    done = subprocess.run([sys.executable, str(BENCH / "document_cpu.py"), str(tmp_path / "mines"),
                           "selfcheck", "--format", "docx", "--mines", "1", "--rounds", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r": selfcheck docx \d+\.\d\d ms CPU a mine \(least of 2 rounds of 1 mines\)$",
                     done.stdout.strip())
    for args, said in ((["plan", "--mines", "2"], "need 11"), (["nothing"], "no document")):
        failed = subprocess.run([sys.executable, str(BENCH / "document_cpu.py"),
                                 str(tmp_path / "mines"), *args], capture_output=True, text=True,
                                timeout=300)
        assert failed.returncode != 0 and said in failed.stderr


def test_a_workdir_is_used_again(tmp_path: Path) -> None:
    """Mines written into a folder a run before wrote them into (``run.py --workdir``): the
    example's files linked there are kept."""
    first = synth.write_mine_folders(2, tmp_path / "one")
    again = synth.write_mine_folders(2, tmp_path / "one")
    assert first == again and all(p.is_file() for p in again)
    assert {p.name for p in (again[0].parent / "plan").iterdir()} == {
        p.name for p in (synth.EXAMPLE.parent / "plan").iterdir()}


def test_throughput_is_judged_with_two_jobs_from_100_mines() -> None:
    assert run.verdict("batch_docs_per_s.100.j2", 41.0).endswith("ok")
    assert run.verdict("batch_docs_per_s.1000.j2", 39.0).endswith("MISSED")
    assert run.verdict("batch_docs_per_s.100.j1", 20.0) == ""
    assert "from 100 mines" in run.verdict("batch_docs_per_s.20.j2", 22.0)
    assert run.verdict("validate_10k_s", 3.5).endswith("MISSED")


def test_realistic_mine_has_phone_photos_a_long_narrative_and_40_tasks(tmp_path: Path) -> None:
    from PIL import Image

    import realistic
    from greenmine_docs.api import check, load

    path = realistic.write_realistic_mine(tmp_path / "r", 0, photo_size=(1200, 900))
    loaded = load(path)
    check(loaded)
    assert loaded.report.valid and not loaded.report.warnings, loaded.report.findings
    sub = loaded.submission
    assert len(sub.plan.tasks) == realistic.TASKS == 40
    assert sum(t.investment for t in sub.plan.tasks) == pytest.approx(sub.plan.total_investment)
    jpegs = [p for p in sub.assessment.photos if p.file.startswith("photos/phone-")]
    assert len(jpegs) == 6
    with Image.open(path.parent / jpegs[0].file) as img:
        assert img.size == (1200, 900) and img.getexif()[0x0112] == 6
    assert len((path.parent / "plan" / "exploitation-long.md").read_text(encoding="utf-8")) > 10_000
    assert realistic.PHOTO_SIZE == (4032, 3024)
    before = (path.parent / "photos" / "phone-1.jpg").stat().st_mtime_ns
    assert realistic.write_realistic_mine(tmp_path / "r", 0, photo_size=(1200, 900)) == path
    assert (path.parent / "photos" / "phone-1.jpg").stat().st_mtime_ns == before  # kept
    bare = load(realistic.write_realistic_mine(tmp_path / "n", 0, photos=False))
    check(bare)
    assert bare.report.valid and not bare.submission.assessment.photos


def test_documents_are_counted_on_disk_and_deflate_is_timed(tmp_path: Path) -> None:
    import real_inputs

    from greenmine_docs.api import build
    from conftest import EXAMPLE

    built = build(EXAMPLE, tmp_path / "out" / "m1").written
    (tmp_path / "out" / ".greenmine-cache" / "photos").mkdir(parents=True)
    (tmp_path / "out" / ".greenmine-cache" / "photos" / "x.docx").write_bytes(b"")
    (tmp_path / "out" / "批量处理汇总.xlsx").write_bytes(b"")
    docs = real_inputs.files_on_disk(tmp_path / "out", real_inputs.DOC_SUFFIXES)
    assert sorted(docs) == sorted(p for p in built if p.suffix in real_inputs.DOC_SUFFIXES)
    assert len(docs) >= 5 and all(p.parent.name == "m1" for p in docs)
    assert real_inputs.deflate_cpu(docs, 1, repeats=1) > 0


def test_photo_stages_time_the_preparations_own_steps(tmp_path: Path) -> None:
    import realistic
    import real_inputs

    photo = realistic.phone_photo(tmp_path / "p.jpg", seed=1, size=(2016, 1512))
    stages = real_inputs.photo_stages([photo], repeats=1)
    assert list(stages) == ["read", "decode", "resize", "turn", "encode"]
    assert all(spent > 0 for spent in stages.values())
    assert real_inputs.photo_decode_floor([photo], repeats=1) > 0


def test_real_input_figures_have_their_targets() -> None:
    assert run.verdict("photo_ratio", 1.2).endswith("ok")
    assert run.verdict("photo_ratio_steady", 2.0) == ""  # shown, not judged
    assert run.verdict("pdf_per_doc_ratio", 1.5).endswith("MISSED")
    assert run.verdict("pdf_vs_fresh_soffice", 5.0).endswith("ok")
    assert run.verdict("validate_10k_cli_s", 3.2).endswith("MISSED")
    assert run.verdict("build_cold_cpu_s", 0.4).endswith("ok")
    assert run.verdict("cpu_per_mine_vs_deflate", 5.0).endswith("MISSED")
