"""The files an input names, and the files commands are given: only regular files are read
(a FIFO would block the reader for ever, a device never end), and the files an input names
stay inside its folder — or a folder of GREENMINE_ALLOWED_DIRS (greenmine_docs/safety/inputs.py).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE, EXAMPLE_DIR, run_cli

NOT_REGULAR = "不是普通文件"
OUTSIDE = "指向输入文件所在目录之外"


@contextlib.contextmanager
def unblocked(fifos: list[Path], after: float = 10) -> Iterator[None]:
    """Should a reader block on one of ``fifos`` (the bug these tests are about), open it
    for writing after ``after`` seconds: the reader then gets an end of file, and the test
    fails on its time bound instead of hanging the suite."""
    done = threading.Event()

    def release() -> None:
        if done.wait(after):
            return
        for fifo in fifos:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        done.set()


def run_quick(runner, *args, codes=(1, 2), seconds: float = 5):
    start = time.perf_counter()
    res = run_cli(runner, *args)
    assert time.perf_counter() - start < seconds, args
    assert res.code in codes, (args, res.output)
    assert "Traceback" not in res.output and "内部错误" not in res.output, (args, res.output)
    return res


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE_DIR, folder)
    return folder


_ADDRESS = "  address: 山西省吕梁市文水县凤城镇青岚路18号"  # the example enterprise's line


def _edit(project: Path, old: str, new: str) -> Path:
    path = project / "mine.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _fifo(path: Path) -> Path:
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


# ------------------------------------------------------------------ only regular files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_files_the_input_names_that_are_fifos_are_findings(project, runner):
    """The narrative, a figure in it, a photo, the indicator set, the score sheet and the
    outline, each a FIFO: every one a located finding, found in seconds."""
    fifos = [_fifo(project / "plan" / "basis.md"), _fifo(project / "plan" / "site-layout.png"),
             _fifo(project / "photos" / "01-bench.jpg"), _fifo(project / "set.yaml"),
             _fifo(project / "打分表.xlsx"), _fifo(project / "outline.yaml")]
    mine = _edit(project, "plan:\n  compiler:", "plan:\n  outline: outline.yaml\n  compiler:")
    with unblocked(fifos):
        res = run_quick(runner, "validate", mine, "--format", "json")
        assert '"GM-E407"' in res.stdout and NOT_REGULAR in res.stdout  # outline first
        _edit(project, "  outline: outline.yaml\n", "")
        res = run_quick(runner, "validate", mine, "--format", "json")
        for code in ("GM-E407", "GM-E541"):  # narrative and photo
            assert f'"{code}"' in res.stdout, code
        assert res.stdout.count(NOT_REGULAR) >= 2
        _edit(project, "basis: plan/basis.md", "basis: |\n      ![图](plan/site-layout.png)")
        res = run_quick(runner, "validate", mine, "--format", "json")
        assert "site-layout.png" in res.stdout and NOT_REGULAR in res.stdout  # the figure
        indicator = next(line for line in mine.read_text(encoding="utf-8").splitlines()
                         if "indicator_set:" in line)
        _edit(project, indicator, "  indicator_set: set.yaml")
        res = run_quick(runner, "validate", mine, "--format", "json")
        assert '"GM-E306"' in res.stdout and NOT_REGULAR in res.stdout
        _edit(project, "  indicator_set: set.yaml", indicator)
        text = mine.read_text(encoding="utf-8")
        start, end = text.index("  prerequisites:\n    P1:"), text.index("  highlights:")
        mine.write_text(text[:start] + "  score_sheet: 打分表.xlsx\n" + text[end:],
                        encoding="utf-8")
        res = run_quick(runner, "validate", mine, "--format", "json")
        assert '"GM-E550"' in res.stdout and NOT_REGULAR in res.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_files_commands_are_given_that_are_fifos_are_refused(tmp_path, runner):
    """Every command, given a FIFO where it expects a file: exit 2 in seconds, a message."""
    fifos = {s: _fifo(tmp_path / f"fifo{s}") for s in (".yaml", ".xlsx", ".docx", ".csv")}
    out = tmp_path / "out"
    commands = [
        ["validate", fifos[".yaml"]], ["validate", fifos[".xlsx"]],
        ["convert", fifos[".yaml"], out / "c.xlsx"],
        ["sample", fifos[".csv"], "-o", out / "s.xlsx"],
        ["sample", fifos[".xlsx"], "-o", out / "s.xlsx"], ["selfcheck", "--read", fifos[".xlsx"]],
        ["scoresheet", EXAMPLE, "--read", fifos[".xlsx"]], ["check", fifos[".docx"]],
        ["diff", fifos[".docx"], fifos[".docx"]], ["templates", "lint", fifos[".docx"]],
        ["plan", EXAMPLE, "-o", out / "p.docx", "--template", fifos[".docx"]],
        ["indicators", "import", fifos[".xlsx"], "-o", out / "i.yaml"],
        ["indicators", "show", fifos[".yaml"]], ["batch", fifos[".xlsx"], "-o", out / "b"],
        ["summarize", fifos[".xlsx"], "-o", out / "sum.xlsx"],
    ]
    with unblocked(list(fifos.values())):
        for args in commands:
            res = run_quick(runner, *args)
            assert NOT_REGULAR in res.output, (args, res.output)
    assert not (out / "p.docx").exists() and not (out / "s.xlsx").exists()


def test_read_regular_checks_the_open_file(tmp_path):
    """The check is made on the opened descriptor too: no window between a check and the
    open in which a FIFO could be put in the file's place."""
    from greenmine_docs.errors import InputError
    from greenmine_docs.safety.inputs import file_problem, read_regular

    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, what="文件", limit=100, limit_env="X") == b"x" * 100
    with pytest.raises(InputError, match="超过上限"):
        read_regular(path, what="文件", limit=99, limit_env="GREENMINE_X")
    assert file_problem(tmp_path) == "是文件夹，不是文件"
    assert file_problem(tmp_path / "none") == "不存在"
    if hasattr(os, "mkfifo"):
        with unblocked([_fifo(tmp_path / "f.md")]):
            with pytest.raises(InputError, match=NOT_REGULAR):
                read_regular(tmp_path / "f.md", what="文件", limit=100, limit_env="X")
    if Path("/dev/zero").exists():  # a device: endless zeros, never read
        with pytest.raises(InputError, match=NOT_REGULAR):
            read_regular("/dev/zero", what="文件", limit=100, limit_env="X")


# ------------------------------------------------------------------ confinement

@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder next to the project, with an indicator set and a score sheet in it."""
    from greenmine_docs.indicators.load import SETS_DIR

    folder = tmp_path / "shared"
    folder.mkdir()
    builtin = sorted(SETS_DIR.glob("*.yaml"))[0]
    shutil.copy(builtin, folder / "set.yaml")
    return folder


def _set_line(mine: Path) -> str:
    return next(line for line in mine.read_text(encoding="utf-8").splitlines()
                if "indicator_set:" in line)


def _codes(report) -> list[str]:
    return [f.code for f in report.errors]


@pytest.mark.parametrize("how", ["relative", "absolute", "symlink"])
def test_indicator_set_outside_the_input_folder_is_refused(project, outside, monkeypatch, how):
    from greenmine_docs.api import validate

    monkeypatch.delenv("GREENMINE_ALLOWED_DIRS", raising=False)
    mine = project / "mine.yaml"
    ref = {"relative": "../shared/set.yaml", "absolute": str(outside / "set.yaml"),
           "symlink": "link.yaml"}[how]
    if how == "symlink":
        (project / "link.yaml").symlink_to(outside / "set.yaml")
    _edit(project, _set_line(mine), f"  indicator_set: {ref}")
    report = validate(mine)
    hits = [f for f in report.errors if f.code == "GM-E306"]
    assert hits and OUTSIDE in hits[0].message and "GREENMINE_ALLOWED_DIRS" in hits[0].hint
    assert hits[0].location.path == "campaign.indicator_set" and hits[0].location.line
    # a shared folder named in the environment variable is allowed
    monkeypatch.setenv("GREENMINE_ALLOWED_DIRS", os.pathsep.join(["/nonexistent", str(outside)]))
    assert "GM-E306" not in _codes(validate(mine))


def test_score_sheet_outside_the_input_folder_is_refused(project, outside, runner, monkeypatch):
    from greenmine_docs.api import validate

    monkeypatch.delenv("GREENMINE_ALLOWED_DIRS", raising=False)
    sheet = outside / "打分表.xlsx"
    assert run_cli(runner, "scoresheet", EXAMPLE, "-o", sheet).code == 0
    mine = project / "mine.yaml"
    text = mine.read_text(encoding="utf-8")
    start, end = text.index("  prerequisites:\n    P1:"), text.index("  highlights:")
    mine.write_text(text[:start] + "  score_sheet: ../shared/打分表.xlsx\n" + text[end:],
                    encoding="utf-8")
    report = validate(mine)
    hits = [f for f in report.errors if f.code == "GM-E550"]
    assert len(hits) == 1 and OUTSIDE in hits[0].message
    assert hits[0].location.path == "assessment.score_sheet"
    res = run_cli(runner, "report", mine, "-o", project / "r.docx")
    assert res.code == 1 and not (project / "r.docx").exists()
    monkeypatch.setenv("GREENMINE_ALLOWED_DIRS", str(outside))
    assert not any(OUTSIDE in f.message for f in validate(mine).findings)


def test_one_confinement_rule_for_every_file(project, outside, monkeypatch):
    """Narratives, figures and photos follow the same rule and the same variable."""
    from greenmine_docs.api import validate

    monkeypatch.delenv("GREENMINE_ALLOWED_DIRS", raising=False)
    shutil.copy(project / "plan" / "basis.md", outside / "basis.md")
    shutil.copy(project / "photos" / "01-bench.jpg", outside / "01-bench.jpg")
    mine = _edit(project, "basis: plan/basis.md", "basis: ../shared/basis.md")
    _edit(project, "{file: photos/01-bench.jpg,", "{file: ../shared/01-bench.jpg,")
    report = validate(mine)
    assert {"GM-E407", "GM-E546"} <= set(_codes(report))
    assert all(OUTSIDE in f.message for f in report.errors if f.code in ("GM-E407", "GM-E546"))
    monkeypatch.setenv("GREENMINE_ALLOWED_DIRS", str(outside))
    assert not {"GM-E407", "GM-E546"} & set(_codes(validate(mine)))


def _inside_by_path_resolve(base, relative):
    """The rule as ``Path.resolve`` states it (what ``inside`` did before it resolved text)."""
    try:
        folder = Path(base).resolve()
        path = (folder / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return path if path.is_relative_to(folder) else None


@pytest.mark.parametrize("looked", [False, True])
def test_inside_resolves_as_path_resolve_does(tmp_path, monkeypatch, looked):
    """Links in and out, loops, ``..``, absolute and empty names, a NUL: the same answers
    (also within one look, each asked twice: the second answer from memory)."""
    from greenmine_docs.safety.inputs import inside, one_look

    monkeypatch.delenv("GREENMINE_ALLOWED_DIRS", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "f.txt").write_text("x")
    os.symlink(tmp_path / "loop1", tmp_path / "loop2")
    os.symlink(tmp_path / "loop2", tmp_path / "loop1")
    os.symlink("/etc/hostname", tmp_path / "out")
    os.symlink(tmp_path / "f.txt", tmp_path / "in")
    os.symlink(tmp_path / "sub", tmp_path / "subdir-link")
    names = ["f.txt", "sub/../f.txt", "../x", "/etc/hostname", "loop1", "loop1/x", "out", "in",
             "", ".", "missing/x", "a\0b", Path("sub"), "sub/./", "//f.txt", "subdir-link/..",
             str(tmp_path / "f.txt"), "../sub2/g.txt", "../sub", "../sub/", "../sub2"]
    (tmp_path / "sub2").mkdir()  # a folder whose name starts with another's: not under it
    (tmp_path / "sub2" / "g.txt").write_text("x")
    with one_look() if looked else contextlib.nullcontext():
        for _ in range(1 + looked):
            for base in (tmp_path, str(tmp_path), f"{tmp_path}/sub/..", tmp_path / "subdir-link",
                         "", tmp_path / "sub", "/"):
                for name in names:
                    assert inside(base, name) == _inside_by_path_resolve(base, name), (base, name)
    assert inside(tmp_path, "in") == tmp_path / "f.txt"
    assert inside(tmp_path, "out") is None and inside(tmp_path, "loop1") is None


def test_one_look_asks_the_file_system_once_and_forgets_afterwards(tmp_path, monkeypatch):
    """Within ``one_look`` a path is resolved and a file's status read once (a batch's mine
    asks about each photo three times); after it, the file system is asked again."""
    from greenmine_docs.safety import inputs

    (tmp_path / "photos").mkdir()
    photo = tmp_path / "photos" / "a.jpg"
    photo.write_bytes(b"x")
    calls = {"stat": 0, "lstat": 0}
    real_stat, real_lstat = os.stat, os.lstat

    def counted(name, f):
        def call(*a, **k):
            calls[name] += 1
            return f(*a, **k)
        return call

    monkeypatch.setattr(os, "stat", counted("stat", real_stat))
    monkeypatch.setattr(os, "lstat", counted("lstat", real_lstat))

    def ask() -> tuple[object, ...]:
        found = inputs.inside(tmp_path, "photos/a.jpg")
        assert found is not None
        return (found, inputs.file_problem(found), inputs.input_stat(found).st_size,
                inputs.file_problem(tmp_path / "photos" / "missing.jpg"),
                inputs.real_path(photo))

    plain = ask()
    asked = dict(calls)
    assert asked["lstat"] > 2 and asked["stat"] > 2
    with inputs.one_look():
        calls.update(stat=0, lstat=0)
        assert ask() == plain
        first = dict(calls)
        for _ in range(3):
            assert ask() == plain
        assert calls["lstat"] == first["lstat"]  # no path resolved again
        assert calls["stat"] == first["stat"] + 3  # only the missing file, each time
    photo.unlink()
    assert inputs.file_problem(photo) == "不存在"  # forgotten after the look
    assert inputs.inside(tmp_path, "photos/a.jpg") == plain[0]  # (resolves as a name still)



def test_inside_looks_only_at_the_names_under_the_resolved_folder(tmp_path, monkeypatch):
    """Once the input's folder is resolved, a name under it costs an ``lstat`` per component
    of the name, not one per component of the whole path (``realpath``'s ~8 for a photo);
    a symbolic link among them is left to ``realpath`` (the same answer as before)."""
    from greenmine_docs.safety import inputs

    deep = tmp_path / "a" / "b" / "c"
    (deep / "photos").mkdir(parents=True)
    (deep / "photos" / "x.jpg").write_bytes(b"x")
    os.symlink(deep / "photos", deep / "linked")
    looked: list[str] = []
    real_lstat = os.lstat

    def counted(path, *a, **k):
        looked.append(os.fspath(path))
        return real_lstat(path, *a, **k)

    monkeypatch.setattr(os, "lstat", counted)
    with inputs.one_look():
        assert inputs.inside(deep, "photos") == deep / "photos"  # the folder resolved
        looked.clear()
        assert inputs.inside(deep, "photos/./x.jpg") == deep / "photos" / "x.jpg"
        assert looked == [str(deep / "photos"), str(deep / "photos" / "x.jpg")]
        assert inputs.inside(deep, "linked/x.jpg") == deep / "photos" / "x.jpg"
        assert inputs.inside(deep, "linked/../photos/x.jpg") == deep / "photos" / "x.jpg"


# ------------------------------------------------------------------ batch fingerprints

def test_referenced_files_are_the_path_fields_only(project, tmp_path):
    """What ``batch`` fingerprints and the writers protect: the files of the input's path
    fields and the figures of its Markdown — not a file some free text happens to name, not
    a file outside the input's folder."""
    from greenmine_docs.load.yaml_input import read_yaml
    from greenmine_docs.safety.inputs import referenced_files

    (tmp_path / "elsewhere.yaml").write_text("x: 1\n", encoding="utf-8")
    mine = project / "mine.yaml"
    _edit(project, _ADDRESS,
          f"  address: {tmp_path / 'elsewhere.yaml'}")
    _edit(project, "{file: photos/01-bench.jpg,", "{file: ../elsewhere.yaml,")
    raw = read_yaml(mine)
    found = {p.relative_to(project.resolve()).as_posix()
             for p in referenced_files(raw.data, project)}
    photos = {f"photos/{p.name}" for p in (project / "photos").iterdir()} - {"photos/01-bench.jpg"}
    assert found == {"plan/basis.md", "plan/exploitation.md", "plan/site-layout.png", *photos}


def test_fingerprint_reads_only_those_files_in_chunks(project, tmp_path):
    """A 4 GB sparse file named by a free text (before: read whole, 4.1 GB of memory) is not
    read at all; one named by a path field but bigger than any reader takes counts by size
    and time stamp; a change to a referenced file changes the fingerprint."""
    from greenmine_docs.batch import MineTask, fingerprint
    from greenmine_docs.load.yaml_input import read_yaml

    import make_exhaustion as mk

    big = mk.sparse_file(tmp_path / "sparse.png")
    inside_big = mk.sparse_file(project / "photos" / "huge.jpg")
    mine = _edit(project, _ADDRESS, f"  address: {big}")
    _edit(project, "{file: photos/01-bench.jpg,", "{file: photos/huge.jpg,")
    task = MineTask(key="mine.yaml", out_dir=tmp_path / "out", path=mine)
    start = time.perf_counter()
    first = fingerprint(task, read_yaml(mine))
    assert time.perf_counter() - start < 2
    assert fingerprint(task, read_yaml(mine)) == first
    (project / "plan" / "site-layout.png").write_bytes(b"changed")  # a figure of basis.md
    assert fingerprint(task, read_yaml(mine)) != first
    second = fingerprint(task, read_yaml(mine))
    big.write_bytes(b"not referenced: no change")
    assert fingerprint(task, read_yaml(mine)) == second
    os.truncate(inside_big, 5 * 1024 ** 3)  # too big to read: its size still counts
    assert fingerprint(task, read_yaml(mine)) != second


def test_batch_with_a_sparse_file_is_bounded(project, tmp_path):
    from safety_helpers import bounded_run

    import make_exhaustion as mk

    big = mk.sparse_file(tmp_path / "sparse.png")
    _edit(project, _ADDRESS, f"  address: {big}")
    res = bounded_run("batch", project.parent, "-o", tmp_path / "out", "--validate-only",
                      "-j", "1", seconds=20, megabytes=250)
    assert res.code in (0, 1), res.output
