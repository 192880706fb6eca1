"""The nasty-file corpus through every command that could receive each file: a located finding
or a clean exit 2 with a Chinese message — never a traceback, never an "internal error", never
a file outside the output folder.

Committed files live in tests/nasty/files/ (written by tests/nasty/make_corpus.py; the first
test keeps them in step with the script); big ones and example variants are made here."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE, EXAMPLE_DIR, run_cli
from make_corpus import (big_yaml, corpus, example_variants, many_members, write_corpus,
                         zip_bomb)

FILES = Path(__file__).parent / "nasty" / "files"


def test_committed_corpus_is_what_the_script_writes(tmp_path):
    written = {p.name: p.read_bytes() for p in write_corpus(tmp_path)}
    committed = {p.name: p.read_bytes() for p in FILES.iterdir()}
    assert written == committed, "run: python tests/nasty/make_corpus.py"
    assert sum(len(v) for v in committed.values()) < 100_000  # small files only


def commands_for(path: Path, out: Path) -> list[list]:
    """Every command that could be given ``path`` (by its kind), writing under ``out``."""
    s = path.suffix
    if s in (".yaml", ".xlsx", ".xlsm"):
        cmds = [["validate", path], ["build", path, "-o", out / "build"],
                ["convert", path, out / ("c.yaml" if s != ".yaml" else "c.xlsx")],
                ["plan", path, "-o", out / "p.docx"], ["report", path, "-o", out / "r.docx"],
                ["selfcheck", path, "-o", out / "s.xlsx"],
                ["scoresheet", path, "-o", out / "sc.xlsx"],
                ["check", FILES.parent / "files" / "truncated.docx", "--input", path],
                ["indicators", "show", path], ["check", _plan_docx(out), "--outline", path]]
        if s == ".yaml":
            folder = out / "batch-src"
            folder.mkdir(exist_ok=True)
            shutil.copy(path, folder / path.name)
            cmds.append(["batch", folder, "-o", out / "batch", "-j", "1"])
        else:
            cmds += [["selfcheck", "--read", path], ["scoresheet", EXAMPLE, "--read", path],
                     ["summarize", path, "-o", out / "sum.xlsx"],
                     ["indicators", "import", path, "-o", out / "i.yaml"],
                     ["sample", path, "-o", out / "l.xlsx", "--seed", "1"],
                     ["batch", path, "-o", out / "batch", "-j", "1"]]
        return cmds
    if s in (".docx", ".doc"):
        good = _plan_docx(out)
        return [["check", path], ["check", path, "--input", EXAMPLE], ["diff", path, good],
                ["diff", good, path], ["templates", "lint", path],
                ["plan", EXAMPLE, "-o", out / "p.docx", "--template", path],
                ["report", EXAMPLE, "-o", out / "r.docx", "--template", path]]
    if s == ".csv":
        return [["sample", path, "-o", out / "l.xlsx", "--docx", out / "l.docx", "--seed", "1"]]
    if s == ".png":
        return [["check", path], ["templates", "lint", path], ["validate", path]]
    raise AssertionError(path)


_PLAN: dict[str, Path] = {}


def _plan_docx(out: Path) -> Path:
    """A valid plan document (made once) to pair with hostile ones in ``diff``."""
    if "plan" not in _PLAN:
        from make_corpus import PLAN_PARAS, minimal_docx

        path = out.parent.parent / "plan-ok.docx"
        path.write_bytes(minimal_docx(PLAN_PARAS))
        _PLAN["plan"] = path
    return _PLAN["plan"]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    return [zip_bomb(folder / "zip-bomb.xlsx", megabytes=50),
            zip_bomb(folder / "zip-bomb.docx", member="word/document.xml", megabytes=50),
            many_members(folder / "many-members.xlsx"),
            big_yaml(folder / "ten-megabytes.yaml", megabytes=10)]


def _run_all(runner, path: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    tried = 0
    for args in commands_for(path, out):
        res = run_cli(runner, *args)
        tried += 1
        assert res.code in (0, 1, 2), (args, res.output)
        assert "Traceback" not in res.output and "内部错误" not in res.output, (args, res.output)
        assert "root:x:0" not in res.output and "hahahahaha" not in res.output
        if res.code == 2:
            assert res.stderr.startswith("错误") or "Usage" in res.output, (args, res.output)
    return tried


@pytest.mark.parametrize("name", sorted(corpus()))
def test_committed_file_through_every_command(tmp_path, runner, name):
    path = tmp_path / name
    path.write_bytes((FILES / name).read_bytes())
    assert _run_all(runner, path, tmp_path / "out") >= 1
    escaped = [p for p in tmp_path.parent.iterdir() if p.name in ("etc", "passwd")]
    assert not escaped


def test_big_files_through_every_command(big, tmp_path, runner):
    for path in big:
        _run_all(runner, path, tmp_path / path.stem)


# the variants that stop at validation go through every command; the two that build are
# built (and their names checked) in test_safety_outputs
STOPPING = ["traversal-photo", "traversal-narrative", "traversal-figure", "text-photo",
            "text-figure", "bomb-photo", "bomb-figure", "truncated-photo"]


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    return example_variants(EXAMPLE_DIR, tmp_path_factory.mktemp("variants"))


@pytest.mark.parametrize("name", STOPPING)
def test_example_variant_through_every_command(variants, tmp_path, runner, name):
    path = variants[name]
    _run_all(runner, path, tmp_path / "out")
    res = run_cli(runner, "validate", path)
    assert res.code == 1 and "未通过" in res.stdout
    out = tmp_path / "out"
    # each document's own command and build give the same answer (its blocking policy)
    built = {p.name for p in (out / "build").iterdir()}
    made = {"plan": any(n.endswith("实施方案.docx") for n in built),
            "selfcheck": any(n.endswith("自查记录表.xlsx") for n in built),
            "report": any(n.endswith("评估报告.docx") for n in built),
            "scoresheet": any(n.endswith("打分表.xlsx") for n in built)}
    alone = {"plan": "p.docx", "selfcheck": "s.xlsx", "report": "r.docx", "scoresheet": "sc.xlsx"}
    assert made == {key: (out / file).exists() for key, file in alone.items()}
    assert made["selfcheck"]  # neither a photo nor a plan file belongs to its section
    assert made["scoresheet"]  # a form to fill in: only an unusable indicator set stops it
    # an assessment photo stops the report, not the plan; a plan file stops the plan, not the
    # report: each document stops on its own sections' errors
    assert made["report"] is not name.endswith("photo")
    assert made["plan"] is name.endswith("photo")
