"""Every document the bundled examples give, built with a fixed clock, and their SHA-256.

``tests/test_outputs_unchanged.py`` rebuilds them and compares with the list committed in
``tests/data/output_hashes.json``: a refactoring that changes a single byte of any output fails
there, naming the file. When an output changes on purpose, rewrite the list and commit it on its
own, saying which outputs changed and why::

    .venv/bin/python tests/output_docs.py --update

Each command runs in a fresh process (as a user runs it: caches start empty, so the plain and
the cached-skeleton paths are each taken where they are in real use) from a scratch folder
holding a copy of ``examples/``, ``tests/data/mine-list.xlsx`` and two synthetic mines (made by
``benchmarks/synth.py``, so the cached-skeleton path fills more than one mine), so the paths
written into the documents and manifests are the same on every machine. ``GREENMINE_FIXED_CLOCK`` freezes every
date and time the outputs record (:mod:`greenmine_docs.clock`). PDF conversion is left out:
LibreOffice stamps its own times and ids into every PDF.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HASHES = REPO / "tests" / "data" / "output_hashes.json"
MINE_LIST = REPO / "tests" / "data" / "mine-list.xlsx"
CLOCK = "2023-09-20T08:00:00"

E = "in/shanxi-limestone/mine.yaml"
XLSX = "in/shanxi-limestone/mine-converted.xlsx"  # beside the photos and plan files it names
SETS = ("national-2020-reference", "province-demo")
ROUND_DIR = "verification-round"
RND = ["--round", "round/round.yaml"]
RS = [*RND, "--sample", "round/核查名单.xlsx"]

# commands that only read the examples (run in parallel), then those that read their outputs
FIRST: list[list[str]] = [
    ["build", E, "-o", "out/build"],
    ["build", "in/inner-mongolia-coal/mine.yaml", "-o", "out/build-coal"],
    ["plan", E, "-o", "out/plan.docx"],
    ["report", E, "-o", "out/report.docx"],
    ["selfcheck", E, "-o", "out/selfcheck.xlsx"],
    ["selfcheck", E, "-o", "out/selfcheck.docx"],
    ["selfcheck", E, "--blank", "-o", "out/selfcheck-blank.xlsx"],
    ["selfcheck", E, "--blank", "-o", "out/selfcheck-blank.docx"],
    ["selfcheck", "--blank", "--set", "province-demo", "-o", "out/selfcheck-blank-demo.xlsx"],
    ["scoresheet", E, "-o", "out/scoresheet.xlsx"],
    ["excel-template", "-o", "out/excel-template.xlsx"],
    ["excel-template", "--mines-table", "-o", "out/mines-table-template.xlsx"],
    ["convert", E, XLSX],
    *[["indicators", "export", s, "-o", f"out/indicators-{s}.{ext}"]
      for s in SETS for ext in ("xlsx", "yaml")],
    ["sample", "--template", "-o", "out/sample-template.xlsx"],
    ["sample", "in/mine-list.xlsx", "-o", "out/sample.xlsx", "--docx", "out/sample.docx",
     "--seed", "20231001", "--province", "山西省"],
    ["sample", "in/mine-list.xlsx", "-o", "out/sample-priority.xlsx", "--docx",
     "out/sample-priority.docx", "--seed", "7", "--ratio", "30%", "--priority", "all",
     "--title", "2023年吕梁市绿色矿山实地核查名单", "--attachment", "", "--date", "2023-10-08"],
    ["validate", E, "--format", "html", "-o", "out/validate.html"],
    ["validate", "in/flawed-eligibility/mine.yaml", "--format", "json", "-o",
     "out/validate-flawed-eligibility.json"],
    ["validate", "in/flawed-format/mine.yaml", "--format", "html", "-o",
     "out/validate-flawed-format.html"],
    ["batch", "in", "-o", "out/batch", "--jobs", "1", "--zip", "--report", "out/batch.html",
     "--format", "html"],
    ["templates", "export", "out/templates"],
    ["schema", "-o", "out/schema.json"],
    ["init", "out/init"],
    ["verify", "sheets", "round/核查名单.xlsx", *RND, "-o", "out/verify-sheets"],
    ["verify", "close", "round/records", *RS, "-o", "out/verify-close"],
    ["verify", "follow-up", "round/整改台账.xlsx", "--as-of", "2024-02-20", "-o",
     "out/verify-follow-up.xlsx", "--directory", "round/名录.xlsx", "--next-directory",
     "out/verify-next-directory.xlsx"],
    *[["verify", "agencies", "round/records", *RS, "--assessments", "round/评估结果.xlsx", "-o",
       f"out/verify-agencies.{ext}"] for ext in ("docx", "xlsx")],
]
THEN: list[list[str]] = [
    ["batch", "out/mines-table.xlsx", "-o", "out/batch-table", "--jobs", "1"],
    ["build", XLSX, "-o", "out/build-from-xlsx"],
    ["convert", XLSX, "out/converted-back.yaml"],
    ["selfcheck", "--read", "out/selfcheck.xlsx", "-o", "out/selfcheck-read.yaml"],
    ["summarize", "out/selfcheck.xlsx", "out/selfcheck-blank.xlsx", "-o", "out/summary.xlsx"],
]


# synthetic mines: two folders among the inputs, and a mines table of five (itself an output)
SYNTH = ("import sys; sys.path.insert(0, sys.argv[1]); import synth; "
         "synth.write_mine_folders(2, 'in/synth'); "
         "synth.write_mines_workbook(5, 'out/mines-table.xlsx')")


def _python(work: Path, args: list[str]) -> None:
    # without LibreOffice: the tables of contents list their headings without page numbers
    # (page numbers would follow the LibreOffice version and the fonts of the machine)
    env = dict(os.environ, GREENMINE_FIXED_CLOCK=CLOCK, PYTHONHASHSEED="0",
               GREENMINE_SOFFICE="none")
    done = subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True,
                          text=True)
    if done.returncode not in (0, 1):  # 1: findings (the flawed examples), outputs still made
        raise RuntimeError(f"python {' '.join(args)} -> {done.returncode}\n{done.stderr}")


def _run(work: Path, args: list[str]) -> None:
    _python(work, ["-m", "greenmine_docs", *args])


def build_all(work: Path, jobs: int = 2) -> dict[str, str]:
    """Build every document into ``work/out``; returns ``{path under out/: sha256}`` (without
    a batch's ``.greenmine-cache/``: intermediate results, not outputs)."""
    # the verification round is not a mine's input: batch would take its workbooks for mines
    shutil.copytree(REPO / "examples", work / "in", ignore=shutil.ignore_patterns(ROUND_DIR))
    shutil.copytree(REPO / "examples" / ROUND_DIR, work / "round")
    shutil.copy(MINE_LIST, work / "in" / "mine-list.xlsx")
    (work / "out").mkdir()
    _python(work, ["-c", SYNTH, str(REPO / "benchmarks")])
    for stage in (FIRST, THEN):
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(lambda args: _run(work, args), stage))
    out = work / "out"
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file() and ".greenmine-cache" not in p.relative_to(out).parts}


def load_expected() -> dict[str, str]:
    return json.loads(HASHES.read_text(encoding="utf-8"))["files"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true",
                        help=f"rewrite {HASHES.relative_to(REPO)} with the outputs of this tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        got = build_all(Path(tmp))
    if args.update:
        HASHES.write_text(json.dumps({"clock": CLOCK, "files": got}, ensure_ascii=False,
                                     indent=1) + "\n", encoding="utf-8")
        print(f"{len(got)} outputs written to {HASHES.relative_to(REPO)}")
        return 0
    expected = load_expected()
    changed = sorted(k for k in got.keys() | expected.keys() if got.get(k) != expected.get(k))
    for name in changed:
        print(f"changed: {name}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
