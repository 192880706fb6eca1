"""Inputs made to exhaust time or memory (issue 14): each is refused, with a clear Chinese
message, or processed — within a bound on the wall time and the peak memory of a real process
(``bounded_run``). The big inputs are made once per session by tests/nasty/make_exhaustion.py.

Before the limits (same machine, 2 cores): ``validate`` on the 450 MB shared-strings workbook
did not finish in 120 s (1.9 GB); ``plan`` with the 300 × 7,000 table took 45 s and 4.1 GB;
``sample`` on the 1,048,575-row list and ``batch`` on the 1,048,575-row table did not finish in
120 s (0.4 GB and 3.1 GB).
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_DIR, run_cli
from safety_helpers import bounded_run
import make_exhaustion as mk

PART = "（单个部件）"


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """The big hostile inputs, made once (about 10 s)."""
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "strings": mk.big_part_xlsx(folder / "big-strings.xlsx"),
        "body": mk.big_part_docx(folder / "big-body.docx"),
        "list": mk.long_list_xlsx(folder / "long-list.xlsx"),
        "list-csv": mk.long_list_csv(folder / "long-list.csv", 200_000),
        "table": mk.long_mines_table(folder / "long-table.xlsx"),
    }


def quick(runner, *args, seconds: float = 5):
    """``greenmine ARGS`` in this process, refused (exit 1 or 2) within ``seconds``."""
    start = time.perf_counter()
    res = run_cli(runner, *args)
    assert time.perf_counter() - start < seconds, args
    assert res.code in (1, 2), (args, res.output)
    assert "Traceback" not in res.output and "内部错误" not in res.output, (args, res.output)
    return res


# ------------------------------------------------------------------ parts of a package

def test_huge_shared_strings_are_refused_before_any_parser(hostile, tmp_path, runner):
    path = hostile["strings"]
    assert path.stat().st_size < 20 * 1024 * 1024  # under the file limit: the part is the point
    res = bounded_run("validate", path, seconds=10, megabytes=250)
    assert res.code == 2 and "sharedStrings.xml" in res.stderr and "450 MB" in res.stderr
    assert PART in res.stderr and "GREENMINE_MAX_PART_MB" in res.stderr
    for args in (["sample", path, "-o", tmp_path / "s.xlsx"], ["selfcheck", "--read", path],
                 ["indicators", "import", path, "-o", tmp_path / "i.yaml"],
                 ["summarize", path, "-o", tmp_path / "sum.xlsx"],
                 ["scoresheet", EXAMPLE, "--read", path], ["convert", path, tmp_path / "c.yaml"],
                 ["batch", path, "-o", tmp_path / "batch"]):
        assert PART in quick(runner, *args).output, args
    # (summarize lists the unreadable table in its summary: one bad table stops nothing)
    assert not (tmp_path / "s.xlsx").exists() and not (tmp_path / "c.yaml").exists()


def test_huge_word_body_is_refused_before_any_parser(hostile, tmp_path, runner):
    path = hostile["body"]
    res = bounded_run("check", path, seconds=10, megabytes=250)
    assert res.code == 2 and "word/document.xml" in res.stderr and PART in res.stderr
    for args in (["diff", path, path], ["templates", "lint", path],
                 ["plan", EXAMPLE, "-o", tmp_path / "p.docx", "--template", path]):
        assert PART in quick(runner, *args).output, args
    assert not (tmp_path / "p.docx").exists()


def test_only_sheets_read_by_openpyxl_have_a_lower_part_limit(tmp_path, runner):
    """12 MB of shared strings: within the limit of the workbook reader, which reads every
    workbook we are given (a mines table of 10,000 mines has 5 MB); over the limit of openpyxl
    (a second a MB), which reads only a sheet written in a form the reader does not know."""
    path = mk.big_part_xlsx(tmp_path / "twelve.xlsx", megabytes=12)
    for args in (["validate", path], ["selfcheck", "--read", path]):
        res = quick(runner, *args)  # not a self-check table, no input: refused, not for size
        assert PART not in res.output and "GREENMINE_MAX_TABLE_PART_MB" not in res.output
    odd = mk.big_part_xlsx(tmp_path / "odd.xlsx", megabytes=12, odd_cells=True)
    res = quick(runner, "sample", odd, "-o", tmp_path / "s.xlsx")
    assert "sharedStrings.xml" in res.output and "GREENMINE_MAX_TABLE_PART_MB" in res.output
    assert not (tmp_path / "s.xlsx").exists()


# ------------------------------------------------------------------ narrative Markdown

def _with_narrative(tmp_path: Path, text: str, name: str = "basis.md") -> Path:
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE_DIR, folder)
    (folder / "plan" / name).write_text(text, encoding="utf-8")
    return folder / "mine.yaml"


def _e417(report) -> list:
    return [f for f in report.findings if f.code == "GM-E417"]


def test_wide_narrative_table_is_a_located_finding_and_blocks_the_plan(tmp_path):
    from greenmine_docs.api import validate

    path = _with_narrative(tmp_path, mk.wide_table_markdown())  # 300 × 7,000, 4.2 MB
    start = time.perf_counter()
    hits = _e417(validate(path))
    assert time.perf_counter() - start < 10
    assert len(hits) == 1 and "7000 列" in hits[0].message and "63" in hits[0].message
    assert hits[0].location.file.endswith("basis.md") and hits[0].location.line == 3
    out = tmp_path / "plan.docx"
    res = bounded_run("plan", path, "-o", out, seconds=15, megabytes=300)
    assert res.code == 1 and "GM-E417" in res.output and not out.exists()


@pytest.mark.parametrize("kind,line", [("quote", 1), ("list", 9)])
def test_deep_nesting_is_a_located_finding(tmp_path, kind, line):
    """The parser keeps about ten levels and drops the rest without a word: deeper than eight
    is reported, at the line where the ninth level starts."""
    from greenmine_docs.api import validate

    path = _with_narrative(tmp_path, mk.deep_markdown(5000 if kind == "quote" else 2000, kind))
    hits = _e417(validate(path))
    assert len(hits) == 1 and "嵌套超过 8 层" in hits[0].message
    assert hits[0].location.line == line and hits[0].location.file.endswith("basis.md")


def test_the_budget_is_over_the_whole_plan(tmp_path, monkeypatch):
    """Two narratives of 6,000 list items each: each within the limit, together over it —
    reported once, at the narrative that passes it."""
    from greenmine_docs import limits
    from greenmine_docs.api import validate

    assert limits.MAX_MD_BLOCKS == 10_000
    path = _with_narrative(tmp_path, "- 条目\n" * 6000)
    (path.parent / "plan" / "exploitation.md").write_text("- 条目\n" * 6000, encoding="utf-8")
    hits = _e417(validate(path))
    assert len(hits) == 1 and "超过上限 10000" in hits[0].message
    assert "GREENMINE_MAX_MD_BLOCKS" in hits[0].hint
    assert hits[0].location.file.endswith("exploitation.md")
    monkeypatch.setattr(limits, "MAX_MD_BLOCKS", 20_000)
    assert not _e417(validate(path))


def test_markup_and_filled_in_cells_count(tmp_path):
    """Inline markup (each a round of the parser's rules) and the cells the parser fills in
    for short rows (a 60-column header over rows of one letter) count against the budget."""
    from greenmine_docs.api import validate

    path = _with_narrative(tmp_path, "*强*调 " * 30_000)
    hits = _e417(validate(path))
    assert len(hits) == 1 and "格式符号" in hits[0].message
    table = "|" + "|".join("列" for _ in range(60)) + "|\n|" + "|-" * 60 + "|\n" + "x\n" * 200
    path = _with_narrative(tmp_path / "b", table)
    hits = _e417(validate(path))
    assert len(hits) == 1 and "单元格" in hits[0].message  # 60 × 201 cells from 2.8 KB


def test_inline_narrative_is_located_at_its_field(variant):
    from greenmine_docs.api import validate

    table = "|" + "|".join("a" for _ in range(70)) + "|\\n|" + "|".join("-" for _ in range(70))
    path = variant({"basis: plan/basis.md": f'basis: "说明\\n\\n{table}|\\n"'})
    hits = _e417(validate(path))
    assert len(hits) == 1 and "70 列" in hits[0].message and "文字第 3 行" in hits[0].message
    assert hits[0].location.file.endswith("mine.yaml") and hits[0].location.line
    assert hits[0].location.path == "plan.narrative.basis"


def test_renderer_refuses_what_the_checks_report():
    """Rendered without the checks (a library caller), the same limits hold."""
    from greenmine_docs.docx import Writer, new_document
    from greenmine_docs.errors import InputError

    w = Writer(new_document())
    with pytest.raises(InputError, match="7000 列"):
        w.markdown(mk.wide_table_markdown(2, 7000), level=1)
    with pytest.raises(InputError, match="嵌套超过 8 层"):
        Writer(new_document()).markdown(mk.deep_markdown(12), level=1)
    w = Writer(new_document())
    w.markdown("- 条目\n" * 9000, level=1)  # within the budget …
    with pytest.raises(InputError, match="超过上限 10000"):
        w.markdown("- 条目\n" * 2000, level=1)  # … which is the document's, not the text's


def test_a_large_narrative_within_the_limits_is_written(tmp_path):
    """9,000 list items nested up to eight levels (8,000 lists): written in seconds (each
    new list no longer rescans the numbering part), every item in the document."""
    import docx

    text = "".join("  " * (n % 8) + f"- 第{n}项\n" for n in range(9000))
    path = _with_narrative(tmp_path, text)
    out = tmp_path / "plan.docx"
    res = bounded_run("plan", path, "-o", out, seconds=30, megabytes=400)
    assert res.code == 0, res.output
    texts = {p.text for p in docx.Document(str(out)).paragraphs}
    assert {"第0项", "第4567项", "第8999项"} <= texts


def test_scan_counts_tables_inside_quotes_and_lists():
    from greenmine_docs.safety.markdown_limits import scan

    assert scan("表：x\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n").blocks == 1 + 2 * 3
    assert scan("> | a | b |\n> |:-|-:|\n> | 1 | 2 |\n").blocks == 4
    assert scan("- 项\n\n  | a | b | c |\n  |-|-|-|\n  | 1 |\n").blocks == 1 + 3 * 2
    assert scan("标题\n---\n").blocks == 2  # a heading, no table
    assert scan("|a|" + "b|" * 70 + "\n|-|\n").wide == (1, 71)
    assert scan("").blocks == 0 and scan("**粗**").marks == 4


def test_scan_keeps_shapes_under_the_column_limit_in_force(monkeypatch):
    from greenmine_docs import limits
    from greenmine_docs.safety.markdown_limits import measure, scan

    text = "|a|" + "b|" * 9 + "\n|-|\n\n正文 *强调*\n"
    assert scan(text) == measure(text) and scan(text).wide is None
    monkeypatch.setattr(limits, "MD_MAX_COLUMNS", 5)  # a shape kept before: not reused
    assert scan(text) == measure(text) and scan(text).wide == (1, 10)


# ------------------------------------------------------------------ lists and tables of mines

def test_a_list_of_a_million_mines_is_refused_at_once(hostile, tmp_path):
    res = bounded_run("sample", hostile["list"], "-o", tmp_path / "s.xlsx",
                      seconds=10, megabytes=250)
    assert res.code == 2 and PART in res.stderr and not (tmp_path / "s.xlsx").exists()
    res = bounded_run("sample", hostile["list-csv"], "-o", tmp_path / "s.xlsx",
                      seconds=10, megabytes=300)
    assert res.code == 2 and "超过上限 50000 行" in res.stderr
    assert "GREENMINE_MAX_ROWS" in res.stderr


@pytest.mark.parametrize("dimension", [True, False])
def test_list_rows_over_the_limit(tmp_path, runner, monkeypatch, dimension):
    """A sheet is refused before a row is read, by the count of its rows (whether it states
    its size or not). Below the limit the list is drawn as usual."""
    import openpyxl

    from greenmine_docs import limits

    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    path = mk.long_list_xlsx(tmp_path / "名录.xlsx", 2000, dimension=dimension)
    res = quick(runner, "sample", path, "-o", tmp_path / "s.xlsx")
    assert res.code == 2 and "超过上限 1000 行" in res.stderr
    assert "名录" in res.stderr and "有 2001 行" in res.stderr
    small = mk.long_list_xlsx(tmp_path / "小名录.xlsx", 900, dimension=dimension)
    res = run_cli(runner, "sample", small, "-o", tmp_path / "s.xlsx", "--seed", "1")
    assert res.code == 0, res.output
    drawn = openpyxl.load_workbook(tmp_path / "s.xlsx").worksheets[0]
    assert any(str(c.value).startswith("矿山") for row in drawn.iter_rows() for c in row)


def test_a_mines_table_of_a_million_rows_is_refused_at_once(hostile, tmp_path):
    for extra in ([], ["--validate-only"]):
        out = tmp_path / f"out{len(extra)}"
        res = bounded_run("batch", hostile["table"], "-o", out, *extra, seconds=10,
                          megabytes=300)
        assert res.code == 2 and PART in res.stderr and not out.exists()


def test_mines_table_rows_over_the_limit(tmp_path, runner, monkeypatch):
    from greenmine_docs import limits

    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    path = mk.long_mines_table(tmp_path / "矿山名录表.xlsx", 2000)
    for extra in ([], ["--validate-only"]):
        res = quick(runner, "batch", path, "-o", tmp_path / f"out{len(extra)}", *extra)
        assert res.code == 2 and "矿山名录表" in res.stderr and "超过上限 1000 行" in res.stderr


def test_parse_keeps_tokens_of_short_texts_only() -> None:
    """The checks and the renderer share one parse of a narrative text (same tokens as a fresh
    parse); a text over the kept length is parsed anew each time (memory stays bounded)."""
    from greenmine_docs.safety import markdown_limits as ml

    text = "一、概述\n\n- 甲 **乙**\n- ![图](a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    fresh = ml._parser().parse(text)
    first = ml.parse(text)
    assert ml.parse(text) is first
    assert [(t.type, t.content, t.attrs) for t in first] == \
        [(t.type, t.content, t.attrs) for t in fresh]
    long = "段落文字。\n\n" * (ml._KEPT_CHARS // 6)
    assert len(long) > ml._KEPT_CHARS
    assert ml.parse(long) is not ml.parse(long)


@pytest.mark.parametrize("rows, prefix, words, refused", [
    (1000, "", 0, False), (1001, "", 0, True), (1001, "x:", 0, True), (600, "x:", 0, True),
    (400, "", 5000, False), (1001, "", 5000, True)])
def test_a_sheets_rows_are_counted_as_row_elements(monkeypatch, rows, prefix, words, refused):
    """One count of "row" settles a sheet well within the limit; otherwise its ``<row>``
    (and ``<x:row>``, counted with its end tag) elements are counted, exactly as before.
    Texts saying "row" never refuse a sheet within the limit."""
    from greenmine_docs import limits
    from greenmine_docs.errors import InputError
    from greenmine_docs.xlsx.read import check_sheet_rows

    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    cells = "<c><is><t>row arrow</t></is></c>" * (words // rows + 1) if words else ""
    data = ("<sheetData>" + f'<{prefix}row r="1">{cells}</{prefix}row>' * rows
            + "</sheetData>").encode()
    expected = rows * (2 if prefix else 1)
    if refused:
        with pytest.raises(InputError, match=f"有 {expected} 行"):
            check_sheet_rows(data, "x.xlsx（表）")
    else:
        check_sheet_rows(data, "x.xlsx（表）")
