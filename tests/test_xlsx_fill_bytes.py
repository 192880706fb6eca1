"""The workbook writers give the same package parts, byte for byte, as the implementation before
the record/fill rework of issue 8 (commit ``0277892``: ``SheetRecord`` cells as lists, the
skeleton filled by comparing them one by one). That implementation is read from git and run next
to the current one on the example, variants of it and two synthetic mines; every part of each
package is compared (the creation time in ``docProps/core.xml`` aside).

When the workbooks' layout changes on purpose, this test has done its job: delete it.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, REPO

BEFORE = "0277892"  # the last commit with the previous record/fill implementation
BENCH = REPO / "benchmarks"


def _git_show(path: str) -> str | None:
    if shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "-C", str(REPO), "show", f"{BEFORE}:{path}"],
                          capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def _module(name: str, package: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__package__ = package
    module.__file__ = f"<{BEFORE}:{name}>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def old():
    """The previous modules, importing each other (and the rest of the current package)."""
    sources = {p: _git_show(p) for p in ("greenmine_docs/xlsx_fill.py",
                                         "greenmine_docs/selfcheck/xlsx.py",
                                         "greenmine_docs/assessment/scoresheet.py")}
    if None in sources.values():
        pytest.skip(f"git history with {BEFORE} not available")
    names = ("greenmine_docs._old_xlsx_fill", "greenmine_docs.selfcheck._old_xlsx",
             "greenmine_docs.assessment._old_scoresheet")
    try:
        fill = _module(names[0], "greenmine_docs", sources["greenmine_docs/xlsx_fill.py"])
        def redirect(source: str) -> str:
            return source.replace("from ..xlsx_fill import", "from .._old_xlsx_fill import")

        selfcheck = _module(names[1], "greenmine_docs.selfcheck",
                            redirect(sources["greenmine_docs/selfcheck/xlsx.py"]))
        scoresheet = _module(names[2], "greenmine_docs.assessment",
                             redirect(sources["greenmine_docs/assessment/scoresheet.py"]))
        fill.eager_skeletons(True)
        yield types.SimpleNamespace(fill=fill, selfcheck=selfcheck, scoresheet=scoresheet)
    finally:
        for name in names:
            sys.modules.pop(name, None)


@pytest.fixture(autouse=True)
def eager():
    from greenmine_docs import xlsx_fill

    xlsx_fill.eager_skeletons(True)
    yield
    xlsx_fill.eager_skeletons(False)


_STAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*")


def _parts(package: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return [(info.filename, _STAMP.sub(rb"\1", zf.read(info))
                 if info.filename == "docProps/core.xml" else zf.read(info))
                for info in zf.infolist()]


def _assert_same_parts(before: bytes, after: bytes, what: str) -> None:
    a, b = _parts(before), _parts(after)
    assert [n for n, _ in a] == [n for n, _ in b], what
    for (name, x), (_, y) in zip(a, b):
        assert x == y, f"{what}: {name} differs"


def _mines(tmp_path: Path) -> list[Path]:
    sys.path.insert(0, str(BENCH))
    try:
        import synth
    finally:
        sys.path.remove(str(BENCH))
    return [EXAMPLE, *synth.write_mine_folders(2, tmp_path)]  # (their mine.yaml files)


def test_selfcheck_and_scoresheet_bytes_as_before(old, tmp_path):
    from greenmine_docs.api import load, run_checks
    from greenmine_docs.assessment import scoresheet
    from greenmine_docs.assessment.data import evaluate
    from greenmine_docs.indicators import profile_of
    from greenmine_docs.selfcheck import xlsx
    from greenmine_docs.selfcheck.checks import indicator_set_for
    from greenmine_docs.selfcheck.core import prepare

    xlsx._SKELETONS.clear()
    scoresheet._SKELETONS.clear()
    day = dt.date(2024, 5, 6)
    for path in _mines(tmp_path):  # the example first: its skeleton is made as before
        ctx = run_checks(load(path))
        iset = indicator_set_for(ctx)
        tables = {"filled": prepare(ctx.submission, iset, set_ref="set"),
                  "blank": prepare(ctx.submission, iset, blank=True)}
        for kind, data in tables.items():
            _assert_same_parts(old.selfcheck.render_xlsx_fast(data), xlsx.render_xlsx_fast(data),
                               f"{path.parent.name} self-check ({kind})")
        ev = evaluate(ctx)
        mine = profile_of(ctx.submission)
        for prefill in (ev.scores, None):
            args = (ev.indicator_set, ctx.submission)
            kw = dict(mine=mine, prefill=prefill, today=day)
            _assert_same_parts(old.scoresheet.build_scoresheet_fast(*args, **kw),
                               scoresheet.build_scoresheet_fast(*args, **kw),
                               f"{path.parent.name} score sheet (prefill: {prefill is not None})")
