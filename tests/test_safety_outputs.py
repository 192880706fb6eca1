"""Output safety: every command that writes refuses to replace an existing file without
--force and never replaces an input (not even with --force); names made from mine names are
safe on every file system; writes are atomic; nothing writes around greenmine_docs.outputs."""
from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE_DIR, REPO, run_cli
from greenmine_docs.outputs import MAX_NAME_BYTES, safe_filename

OLD = b"OLD CONTENT"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A project folder (copy of the example) and files made from it once."""
    from click.testing import CliRunner

    runner = CliRunner()
    root = tmp_path_factory.mktemp("made")
    project = root / "project"
    shutil.copytree(EXAMPLE_DIR, project)
    mine = project / "mine.yaml"
    out = root / "built"
    assert run_cli(runner, "build", mine, "-o", out).code == 0
    files = {f.name: f for f in out.iterdir()}
    plan = next(f for n, f in files.items() if n.endswith("实施方案.docx"))
    table = next(f for n, f in files.items() if n.endswith("自查记录表.xlsx"))
    indicator_set = root / "set.xlsx"
    assert run_cli(runner, "indicators", "export", "national-2020-reference", "-o",
                   indicator_set).code == 0
    listing = root / "名录.csv"
    listing.write_text("矿山名称,名录级别,所在市\n甲矿,市级,吕梁市\n乙矿,省级,太原市\n",
                       encoding="utf-8")
    src = root / "batch-src"
    shutil.copytree(EXAMPLE_DIR, src)
    return {"mine": mine, "plan": plan, "table": table, "set": indicator_set,
            "list": listing, "src": src}


# (label, arguments with {T} for the target, target kind) — every command that writes a file
WRITERS = [
    ("validate -o", ["validate", "{mine}", "-o", "{T}"], "报告.html"),
    ("build", ["build", "{mine}", "-o", "{D}"], "manifest.json"),
    ("plan", ["plan", "{mine}", "-o", "{T}"], "方案.docx"),
    ("report", ["report", "{mine}", "-o", "{T}"], "报告.docx"),
    ("selfcheck", ["selfcheck", "{mine}", "-o", "{T}"], "自查.xlsx"),
    ("selfcheck --read", ["selfcheck", "--read", "{table}", "-o", "{T}"], "自查.yaml"),
    ("scoresheet", ["scoresheet", "{mine}", "-o", "{T}"], "打分表.xlsx"),
    ("convert", ["convert", "{mine}", "{T}"], "输入.xlsx"),
    ("excel-template", ["excel-template", "-o", "{T}"], "模板.xlsx"),
    ("init", ["init", "{D}"], "mine.yaml"),
    ("schema", ["schema", "-o", "{T}"], "schema.json"),
    ("indicators export", ["indicators", "export", "national-2020-reference", "-o", "{T}"],
     "指标.xlsx"),
    ("indicators import", ["indicators", "import", "{set}", "-o", "{T}"], "指标.yaml"),
    ("templates export", ["templates", "export", "{D}"], "implementation_plan/TEMPLATE.md"),
    ("check -o", ["check", "{plan}", "-o", "{T}"], "检查.txt"),
    ("diff -o", ["diff", "{plan}", "{plan}", "-o", "{T}"], "对照.txt"),
    ("batch", ["batch", "{src}", "-o", "{D}", "--validate-only", "-j", "1"], "别的文件.txt"),
    ("batch --report", ["batch", "{src}", "-o", "{D}", "--validate-only", "-j", "1",
                        "--report", "{T}"], "问题.txt"),
    ("sample", ["sample", "{list}", "-o", "{T}", "--seed", "1"], "名单.xlsx"),
    ("sample --docx", ["sample", "{list}", "-o", "{D}/名单.xlsx", "--docx", "{T}", "--seed",
                       "1"], "名单.docx"),
    ("sample --template", ["sample", "--template", "-o", "{T}"], "名录模板.xlsx"),
    ("summarize", ["summarize", "{table}", "-o", "{T}"], "汇总.xlsx"),
]


def _args(template: list[str], made: dict, target: Path, folder: Path) -> list[str]:
    values = {**{k: str(v) for k, v in made.items()}, "T": str(target), "D": str(folder)}
    return [a.format(**values) for a in template]


@pytest.mark.parametrize("label,template,name", WRITERS, ids=[w[0] for w in WRITERS])
def test_no_overwrite_without_force(made, tmp_path, runner, label, template, name):
    folder = tmp_path / "out"
    target = folder / name
    target.parent.mkdir(parents=True)
    target.write_bytes(OLD)
    args = _args(template, made, target, folder)
    res = run_cli(runner, *args)
    assert res.code == 2, (label, res.output)
    assert "已存在" in res.stderr or "已有其他文件" in res.stderr, (label, res.stderr)
    assert "--force" in res.stderr
    assert target.read_bytes() == OLD
    res = run_cli(runner, *args, "--force")
    assert res.code in (0, 1), (label, res.output)
    if label != "batch":  # batch --force writes beside a foreign file, it does not replace it
        assert target.read_bytes() != OLD, label
    assert not list(folder.rglob(".~gm-*")), "temporary files left behind"


def test_an_input_is_never_overwritten_even_with_force(made, tmp_path, runner):
    mine = tmp_path / "mine.yaml"
    shutil.copy(made["mine"], mine)
    plan = tmp_path / "plan.docx"
    shutil.copy(made["plan"], plan)
    table = tmp_path / "t.xlsx"
    shutil.copy(made["table"], table)
    listing = tmp_path / "l.xlsx"
    shutil.copy(made["table"], listing)
    cases = [
        ["convert", mine, mine], ["validate", mine, "-o", mine],
        ["check", plan, "-o", plan], ["diff", plan, plan, "-o", plan],
        ["summarize", table, "-o", table], ["sample", listing, "-o", listing],
        ["batch", listing, "-o", tmp_path / "b", "--report", listing],
        ["indicators", "export", made["set"], "-o", made["set"]],
        ["check", plan, "--input", mine, "-o", mine],
    ]
    before = {p: p.read_bytes() for p in (mine, plan, table, listing, made["set"])}
    for args in cases:
        res = run_cli(runner, *args, "--force")
        assert res.code == 2, (args, res.output)
        # summarize leaves its own output out of the tables it reads: then none is left
        assert "输入文件相同" in res.stderr or "没有找到任何" in res.stderr, (args, res.output)
    assert {p: p.read_bytes() for p in before} == before


def test_links_to_an_input_are_recognised(made, tmp_path, runner):
    mine = tmp_path / "mine.yaml"
    shutil.copy(made["mine"], mine)
    (tmp_path / "link.yaml").symlink_to(mine)
    os.link(mine, tmp_path / "hard.yaml")
    before = mine.read_bytes()
    for target in ("link.yaml", "hard.yaml"):
        res = run_cli(runner, "validate", mine, "-o", tmp_path / target, "--force")
        assert res.code == 2 and "输入文件相同" in res.stderr
    assert mine.read_bytes() == before


def test_files_the_input_names_are_inputs_too(made, tmp_path, runner):
    """A filled score sheet the input names is not replaced by ``scoresheet -o`` or by
    ``build -o`` into the same folder — not even with --force."""
    project = tmp_path / "p"
    shutil.copytree(made["mine"].parent, project)
    mine = project / "mine.yaml"
    sheet = project / "山西青岚建材有限公司青岚山水泥用灰岩矿第三方评估打分表.xlsx"
    assert run_cli(runner, "scoresheet", mine, "-o", sheet).code == 0
    text = mine.read_text(encoding="utf-8").replace(
        "  report_date: 2023-09-19\n", f"  report_date: 2023-09-19\n  score_sheet: {sheet.name}\n")
    mine.write_text(text, encoding="utf-8")
    before = sheet.read_bytes()
    res = run_cli(runner, "scoresheet", mine, "-o", sheet, "--force")
    assert res.code == 2 and "输入文件相同" in res.stderr, res.output
    res = run_cli(runner, "build", mine, "-o", project, "--force")
    assert res.code in (1, 2) and "Traceback" not in res.output
    assert sheet.read_bytes() == before


def test_batch_refuses_a_foreign_folder_but_reuses_its_own(made, tmp_path, runner):
    out = tmp_path / "out"
    args = ["batch", made["src"], "-o", out, "--validate-only", "-j", "1"]
    assert run_cli(runner, *args).code in (0, 1)
    assert run_cli(runner, *args).code in (0, 1)  # its own folder: rerun is fine
    (tmp_path / "file").write_text("x")
    res = run_cli(runner, "batch", made["src"], "-o", tmp_path / "file")
    assert res.code == 2 and "是文件" in res.stderr


def test_hostile_mine_names_make_safe_paths(made, tmp_path, runner):
    from make_corpus import example_variants

    variants = example_variants(EXAMPLE_DIR, tmp_path / "v")
    for name in ("traversal-name", "reserved-name"):
        out = tmp_path / f"out-{name}"
        res = run_cli(runner, "build", variants[name], "-o", out)
        assert res.code == 0, res.output
        names = [p.name for p in out.iterdir()]
        assert len(names) == 7  # six documents (the 自评报告 among them) and the manifest
        for n in names:
            assert not set('<>:"/\\|?*') & set(n) and ".." not in n
            assert n.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX", "LPT1"}
        assert not (tmp_path / "etc").exists()
    # batch over a mines workbook: a folder and a zip per mine, named from the mine name
    from ruamel.yaml import YAML

    from greenmine_docs.excel_input import write_mines_table

    data = YAML(typ="safe").load((EXAMPLE_DIR / "mine.yaml").read_text(encoding="utf-8"))
    rows = []
    for hostile in ("../../etc/passwd", "CON", "a" * 300):
        row = {k: v for k, v in data.items() if k not in ("assessment", "self_check", "plan")}
        row["mine"] = {**data["mine"], "name": hostile}
        rows.append(row)
    table = tmp_path / "名录.xlsx"
    write_mines_table(rows, table)
    out = tmp_path / "batch"
    res = run_cli(runner, "batch", table, "-o", out, "-j", "1", "--zip")
    assert res.code == 0, res.output
    folders = {p.name for p in out.iterdir() if p.is_dir()}
    assert {"_CON", "_._etc_passwd"} < folders and len(folders) == 3
    for folder in out.iterdir():
        if folder.is_dir():
            assert folder.resolve().parent == out.resolve()
            assert len(folder.name.encode()) <= MAX_NAME_BYTES
            assert len(list(folder.glob("*.zip"))) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
@example(". 0")  # a dot, then a space: both stripped, not only the dot
def test_safe_filename_property(name):
    result = safe_filename(name)
    assert result and result == result.strip() and not result.endswith(".")
    assert not set('<>:"/\\|?*') & set(result) and not any(ord(c) < 32 for c in result)
    assert ".." not in result and result[0] not in "-~"
    assert len(result) <= 80 and len((result + ".docx").encode("utf-8")) <= 255
    stem = result.split(".")[0].strip().upper()
    assert stem not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9", "COM¹", "CONIN$"}


def test_safe_filename_keeps_the_end_of_long_names():
    long = "山" * 200 + "第三方评估报告"
    name = safe_filename(long)
    assert name.endswith("第三方评估报告") and "…" in name
    assert safe_filename("🌲" * 200 + "实施方案").endswith("实施方案")
    assert safe_filename("普通名称") == "普通名称"


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    from greenmine_docs.outputs import write_bytes_atomic

    target = tmp_path / "f.docx"
    target.write_bytes(OLD)
    real = Path.write_bytes

    def broken(self, data):
        real(self, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", broken)
    with pytest.raises(OSError):
        write_bytes_atomic(target, b"NEW" * 1000, force=True)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["f.docx"]


def test_a_failing_document_means_no_file_is_written(made, tmp_path, runner, monkeypatch):
    from greenmine_docs.documents.assessment import document

    def boom(ctx, template=None):
        raise RuntimeError("render failed")

    monkeypatch.setattr(document, "render_report", boom)
    out = tmp_path / "out"
    res = run_cli(runner, "build", made["mine"], "-o", out)
    assert res.code == 2 and "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_new_files_get_normal_permissions(tmp_path):
    from greenmine_docs.outputs import write_bytes_atomic

    mask = os.umask(0o022)
    try:
        path = write_bytes_atomic(tmp_path / "a.xlsx", b"x")
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o600)
        write_bytes_atomic(path, b"y", force=True)  # a replaced file keeps its mode
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(mask)


# -- nothing writes files except through greenmine_docs.outputs -----------------------------

_WRITERS = {"save", "write_bytes", "write_text", "copyfile", "copy", "copy2", "move"}


def _direct_writes(tree: ast.AST) -> list[int]:
    """Lines that write a file other than an in-memory buffer, a temporary path from
    ``atomic_path`` or a scratch folder from ``tempfile`` (``TemporaryDirectory``, ``mkdtemp``)."""
    safe: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                name = getattr(getattr(call, "func", None), "attr", None) or \
                    getattr(getattr(call, "func", None), "id", None)
                if name in ("atomic_path", "TemporaryDirectory") and \
                        isinstance(item.optional_vars, ast.Name):
                    safe.add(item.optional_vars.id)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            fname = getattr(func, "attr", None) or getattr(func, "id", None)
            for t in node.targets:
                if isinstance(t, ast.Name) and fname in ("BytesIO", "StringIO", "mkdtemp"):
                    safe.add(t.id)
    for _ in range(3):  # paths built from a safe one are safe: work = Path(tmp); src = work/…
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and \
                    {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} & safe:
                safe.update(t.id for t in node.targets if isinstance(t, ast.Name))
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr = node.func.attr
        if attr not in _WRITERS:
            continue
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if attr in ("write_bytes", "write_text"):
            names = {n.id for n in ast.walk(node.func.value) if isinstance(n, ast.Name)}
        if names & safe:
            continue
        bad.append(node.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if k.arg == "mode"
                      and isinstance(k.value, ast.Constant)]
            if any(set(str(m)) & set("wax+") for m in modes):
                bad.append(node.lineno)
    return bad


def test_no_file_is_written_around_the_outputs_module():
    offenders = []
    for path in sorted((REPO / "greenmine_docs").rglob("*.py")):
        if path.name == "outputs.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line in _direct_writes(tree):
            offenders.append(f"{path.relative_to(REPO)}:{line}")
    assert offenders == []


# ------------------------------------------------------------------ outputs that are no files

def _special(path: Path, kind: str) -> Path:
    """A FIFO, a socket or a character device (/dev/null's numbers) at ``path``."""
    import socket
    import stat

    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except (PermissionError, AttributeError):
            pytest.skip("making a device needs root")
    return path


def _is_special(path: Path) -> bool:
    import stat

    mode = os.lstat(path).st_mode
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
@pytest.mark.parametrize("label,template,name", WRITERS, ids=[w[0] for w in WRITERS])
def test_special_files_are_never_replaced_even_with_force(made, tmp_path, runner, label,
                                                          template, name):
    """``-o /dev/null --force`` (or a FIFO, or a folder that is one) is refused: replacing
    the node with a regular file would, as root, break the system."""
    folder = tmp_path / "out"
    folder.mkdir()
    writes_file = "{T}" in template
    target = folder / name if writes_file else folder
    if not writes_file:
        folder.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    _special(target, "fifo")
    res = run_cli(runner, *_args(template, made, target, folder), "--force")
    assert res.code == 2, (label, res.output)
    if label == "templates export":  # render/export.py: "已存在且不是目录"
        assert "不是目录" in res.stderr, res.stderr
    else:
        assert "特殊文件" in res.stderr and "--force" in res.stderr, (label, res.stderr)
    assert _is_special(target), label


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
@pytest.mark.parametrize("kind", ["socket", "device", "link"])
def test_sockets_devices_and_links_to_them_are_refused(made, tmp_path, runner, kind):
    target = tmp_path / "报告.json"
    if kind == "link":
        target.symlink_to(_special(tmp_path / "fifo", "fifo"))
    else:
        _special(target, kind)
    res = run_cli(runner, "validate", made["mine"], "--format", "json", "-o", target, "--force")
    assert res.code == 2 and "特殊文件" in res.stderr
    assert _is_special(target.resolve() if kind == "link" else target)


# ------------------------------------------------------------------ leftovers of killed runs

def test_leftovers_are_removed_only_when_stale(tmp_path):
    """Ours (.~gm-), and only when the process that made it has ended (this machine) or it
    is a day old (another machine, an older name): a run writing at the same time keeps
    its temporary files."""
    import subprocess
    import sys
    import time

    from greenmine_docs import outputs

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        host = outputs._HOST
        names = {
            "dead": f".~gm-{dead.pid}-{host}-a1b2c3.docx",
            "live": f".~gm-{live.pid}-{host}-d4e5f6.docx",
            "mine": f".~gm-{os.getpid()}-{host}-g7h8i9.docx",
            "other host": f".~gm-{dead.pid}-00000000-j1k2l3.docx",
            "old name": ".~gm-x7y8z9.docx",
            "old name, old": ".~gm-q1w2e3.docx",
            "not ours": "~$方案.docx",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"partial")
        day_ago = time.time() - 2 * outputs.STALE_SECONDS
        os.utime(tmp_path / names["old name, old"], (day_ago, day_ago))
        removed = {p.name for p in outputs.clean_leftovers(tmp_path)}
        assert removed == {names["dead"], names["old name, old"]}
        assert {p.name for p in tmp_path.iterdir()} == set(names.values()) - removed
        later = time.time() + 2 * outputs.STALE_SECONDS  # a day on: the other host's goes too
        removed = {p.name for p in outputs.clean_leftovers(tmp_path, now=later)}
        assert removed == {names["other host"], names["old name"]}
    finally:
        live.kill()
        live.wait()


def test_the_next_write_into_a_folder_cleans_it(tmp_path):
    from greenmine_docs import outputs

    leftover = tmp_path / f".~gm-999999999-{outputs._HOST}-zzz.docx"  # no such process
    leftover.write_bytes(b"partial")
    outputs.write_bytes_atomic(tmp_path / "a.txt", b"new")
    assert not leftover.exists() and (tmp_path / "a.txt").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_writing_several_files_cleans_each_folder_once(tmp_path, monkeypatch):
    """``write_all_atomic`` tidies each folder it writes into before its first file there
    (not again for every file), and leaves nothing but the files behind."""
    from greenmine_docs import outputs

    (tmp_path / "sub").mkdir()
    leftovers = [folder / f".~gm-999999999-{outputs._HOST}-zzz.docx"
                 for folder in (tmp_path, tmp_path / "sub")]
    for leftover in leftovers:
        leftover.write_bytes(b"partial")
    tidied: list[Path] = []
    clean = outputs.clean_leftovers
    monkeypatch.setattr(outputs, "clean_leftovers",
                        lambda folder, **k: tidied.append(Path(folder)) or clean(folder, **k))
    files = {tmp_path / "a.docx": b"a", tmp_path / "sub" / "b.xlsx": b"b",
             tmp_path / "c.json": b"c", tmp_path / "sub" / "d.zip": b"d"}
    assert outputs.write_all_atomic(files) == list(files)
    assert sorted(tidied) == [tmp_path, tmp_path / "sub"]
    assert not any(leftover.exists() for leftover in leftovers)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.docx", "b.xlsx", "c.json",
                                                            "d.zip", "sub"]
    assert all(path.read_bytes() == data for path, data in files.items())


def test_a_killed_batch_run_continues_without_force(tmp_path):
    """Kill a real ``greenmine batch`` process after two mines: the next run into the same
    folder needs no --force, reuses what the killed run finished (from its journal), builds
    the rest, and removes the killed run's temporary files — not those of a live run."""
    import json
    import subprocess
    import sys
    import time

    import docx

    from greenmine_docs import outputs
    from greenmine_docs.batch import CACHE_FILE, JOURNAL_FILE, run_batch

    src, out = tmp_path / "src", tmp_path / "out"
    for i in range(1, 6):
        shutil.copytree(EXAMPLE_DIR, src / f"m{i}")
    proc = subprocess.Popen([sys.executable, "-m", "greenmine_docs", "batch", str(src), "-o",
                             str(out), "-j", "1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    journal = out / JOURNAL_FILE
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.is_file() and journal.read_text(encoding="utf-8").count("\n") >= 2:
            break
        time.sleep(0.05)
    proc.kill()
    assert proc.wait() == -9, "the run finished before it could be killed"
    finished = [line for line in journal.read_text(encoding="utf-8").splitlines()
                if line.endswith("}")]
    assert len(finished) >= 2 and not (out / CACHE_FILE).exists()
    done_keys = {json.loads(line)["key"] for line in finished}
    # temporary files: one of the killed run, one of a run still writing
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pending = {f"m{i}" for i in range(1, 6)} - {k.split("/")[0] for k in done_keys}
        folder = out / sorted(pending)[0]  # a mine the killed run had not finished
        folder.mkdir(exist_ok=True)
        killed = folder / f".~gm-{proc.pid}-{outputs._HOST}-killed.docx"
        running = folder / f".~gm-{live.pid}-{outputs._HOST}-running.docx"
        for leftover in (killed, running):
            leftover.write_bytes(b"partial")
        result = run_batch(src, out, jobs=1)  # no force
        assert not killed.exists() and running.exists()
    finally:
        live.kill()
        live.wait()
    reused = {o.key for o in result.outcomes if o.reused}
    assert reused == done_keys and len(result.outcomes) == 5
    assert all(o.status == "已生成" for o in result.outcomes)
    assert not journal.exists()
    assert len(json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))) == 5
    for o in result.outcomes:  # every mine's documents are complete and open
        plan = next(f for f in o.files if f.endswith("实施方案.docx"))
        assert len(docx.Document(str(out / plan)).paragraphs) > 50


def test_the_host_name_in_temporary_names_is_socket_s(monkeypatch) -> None:
    """``host_name`` gives what ``socket.gethostname`` gives, from ``os.uname`` where there
    is one and from ``socket`` where there is not."""
    import socket

    from greenmine_docs import outputs

    assert outputs.host_name() == socket.gethostname()
    monkeypatch.delattr(os, "uname", raising=False)
    assert outputs.host_name() == socket.gethostname()
