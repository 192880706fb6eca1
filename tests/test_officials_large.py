"""Large but allowed Word files: ``check`` and ``diff`` stream the main part (bounded memory,
time linear in its size) and refuse a part larger than ``GREENMINE_MAX_PART_MB``.

Each run is a separate Python process so that its peak memory (``ru_maxrss``) is its own.
Before streaming, ``check`` took 422 MB on the 30 MB part below, and ``diff`` (pandoc) took
gigabytes; both now stay near the interpreter's own size.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.officials.large import large_docx
from fixtures.officials.plans import content, write_plan

REPO = Path(__file__).resolve().parent.parent
PART_MB = 20
PEAK_MB = 160  # python + lxml + the blocks' text; parsing the part into a tree needs 300+
SECONDS = 90  # a few seconds on an idle machine; generous for a shared CI box

_MEASURE = """
import json, resource, sys, time
start = time.perf_counter()
from greenmine_docs.officials.check import check_document
from greenmine_docs.officials.diff import diff_documents
if sys.argv[1] == "check":
    n = len(check_document(sys.argv[2]).findings)
else:
    n = len(diff_documents(sys.argv[2], sys.argv[3]).chapters)
try:  # VmHWM is this program's own peak; ru_maxrss keeps the forking parent's across exec
    with open("/proc/self/status") as fh:
        peak = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "n": n, "peak_mb": peak}))
"""


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    return large_docx(tmp_path_factory.mktemp("large") / "大文件.docx", PART_MB)


def _measure(*args: object) -> dict:
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=SECONDS * 2)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")
def test_check_large_part_bounded(large: Path) -> None:
    result = _measure("check", large)
    assert result["n"] > 0  # it was read: the 一、… headings are not outline chapters
    assert result["peak_mb"] < PEAK_MB, result
    assert result["seconds"] < SECONDS, result


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")
def test_diff_large_part_bounded(large: Path, tmp_path: Path) -> None:
    small = write_plan(tmp_path / "小.docx", content())
    result = _measure("diff", small, large)
    assert result["n"] >= 9 + 9  # nine removed chapters, the large file's added ones
    assert result["peak_mb"] < PEAK_MB, result
    assert result["seconds"] < SECONDS, result


@pytest.mark.parametrize("command", ["check", "diff"])
def test_part_over_the_limit_is_refused(large: Path, tmp_path: Path, command: str) -> None:
    small = write_plan(tmp_path / "小.docx", content())
    args = [large] if command == "check" else [small, large]
    env = {**os.environ, "GREENMINE_MAX_PART_MB": "4"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "greenmine_docs", command, *map(str, args)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "word/document.xml" in proc.stderr and "超过上限 4 MB" in proc.stderr
    assert "GREENMINE_MAX_PART_MB" in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed < 30  # refused before parsing: the interpreter's start-up and little more
