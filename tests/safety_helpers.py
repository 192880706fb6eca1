"""Helpers of the safety tests: hostile text, example variants, reading every text of a file,
commands run with a bound on their time and memory."""
from __future__ import annotations

import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from conftest import EXAMPLE_DIR, REPO

sys.path.insert(0, str(REPO / "tests" / "nasty"))

# Template syntax, a sandbox escape, XML specials and emoji: must come out exactly as typed.
NASTY = "甲{{ 7*7 }}乙{% for x in y %}丙{{ ''.__class__ }}丁<b>&amp;\"'⛏️🌲"
# The same visible text written as Markdown (narratives are Markdown: __ would be bold there)
NASTY_MD = "甲{{ 7*7 }}乙{% for x in y %}丙{{ ''.\\_\\_class\\_\\_ }}丁<b>&amp;amp;\"'⛏️🌲"
EXECUTED = ("甲49乙", "<class ")  # what the text would show had it been run as a template
FORMULA = '=HYPERLINK("http://example.invalid","点击")'


def edit_example(folder: Path, change: Callable[[Any], None]) -> Path:
    """Copy the example project to ``folder``, apply ``change`` to its YAML (a ruamel round-trip
    document, so comments and layout stay) and return the new mine.yaml."""
    from ruamel.yaml import YAML

    shutil.copytree(EXAMPLE_DIR, folder)
    yaml = YAML()
    yaml.preserve_quotes = True
    path = folder / "mine.yaml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh)
    change(data)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


def nasty_everywhere(data: Any) -> None:
    """Put :data:`NASTY` into many text fields of every section (and a formula-looking text
    into a few), keeping the input valid."""
    def add(node: Any, key: Any, text: str = NASTY) -> None:
        node[key] = f"{node[key]}{text}"

    add(data["enterprise"], "name")
    add(data["mine"], "name")
    data["enterprise"]["address"] = FORMULA
    a = data["assessment"]
    for node, key in ((a["agency"], "name"), (a["commission"], "body"), (a["highlights"], 0),
                      (a["problems"][0], "description"), (a["problems"][0], "suggestion"),
                      (a["photos"][0], "caption"), (a["team"][0], "name"),
                      (a["scores"]["1.1.2"], "deduction_reason")):
        add(node, key)
    s = data["self_check"]
    for node, key in ((s["items"]["1.1.2"], "problem"), (s["items"]["1.1.1"], "situation"),
                      (s, "opinion"), (s["items"]["1.1.2"], "measure")):
        add(node, key)
    s["items"]["1.1.2"]["responsible"] = FORMULA
    p = data["plan"]
    for node, key in ((p, "compiler"), (p["tasks"][0], "content"), (p["gaps"][0], "gap"),
                      (p["targets"][0], "name"), (p["funding"][0], "note"),
                      (p["milestones"][0], "content")):
        add(node, key)
    add(p["narrative"], "purpose", "\n\n" + NASTY_MD + "\n")


def xml_texts(path: Path) -> dict[str, str]:
    """Every XML part of a DOCX/XLSX package as its visible text (tags removed, entities
    decoded): headers, footers, footnotes and document properties included."""
    import html

    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                xml = zf.read(name).decode("utf-8")
                out[name] = html.unescape(re.sub(r"<[^>]+>", "", xml))
    return out


def docx_paragraphs(path: Path) -> Iterator[str]:
    """The text of every paragraph (body and table cells, nested tables too) via python-docx."""
    import docx

    doc = docx.Document(str(path))

    def walk(container: Any) -> Iterator[str]:
        for par in container.paragraphs:
            yield par.text
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def xlsx_cells(path: Path) -> Iterator[Any]:
    """Every non-empty cell of every sheet (openpyxl cells, formulas as written)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield cell


def assert_not_executed(texts: Any) -> None:
    for text in texts:
        for bad in EXECUTED:
            assert bad not in text, f"template syntax was executed: …{text[:200]}"


# ------------------------------------------------------------------ bounded runs

# the peak is this process's own (VmHWM: its address space's high-water mark): ru_maxrss would
# also count the test process it was forked from, which Linux carries over an exec
_MEASURED = (
    "import atexit, resource, sys\n"
    "def peak():\n"
    "    try:\n"
    "        with open('/proc/self/status') as fh:\n"
    "            return next(int(l.split()[1]) for l in fh if l.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "atexit.register(lambda: sys.stderr.write(f'\\nPEAK_KB={peak()}\\n'))\n"
    "sys.argv = ['greenmine', *sys.argv[1:]]\n"
    "from greenmine_docs.cli import main\n"
    "main()\n")


@dataclass
class Measured:
    code: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def bounded_run(*args: Any, seconds: float, megabytes: float, env: dict[str, str] | None = None
                ) -> Measured:
    """``greenmine ARGS`` in a fresh process: its wall time and peak memory (max RSS), asserted
    below ``seconds`` and ``megabytes``. A command that hangs is killed at twice the bound
    (the test fails, it does not hang). Generous bounds on purpose: the machine is shared;
    what they catch is a limit that does not work (minutes, gigabytes)."""
    import os
    import subprocess
    import time

    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", _MEASURED, *map(str, args)],
                              capture_output=True, text=True, timeout=seconds * 2,
                              env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"greenmine {args} did not finish in {seconds * 2} s") from e
    elapsed = time.perf_counter() - start
    peak = re.search(r"PEAK_KB=(\d+)", proc.stderr)
    peak_mb = int(peak.group(1)) / 1024 if peak else float("nan")
    result = Measured(proc.returncode, elapsed, peak_mb, proc.stdout,
                      re.sub(r"\nPEAK_KB=\d+\n", "", proc.stderr))
    assert elapsed < seconds, (args, elapsed, result.output[-2000:])
    assert peak_mb < megabytes, (args, peak_mb, result.output[-2000:])
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    return result
