"""``greenmine diff``: two versions of a plan compared chapter by chapter (both files read by the
same streaming reader as ``check``)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixtures.officials.helpers import invoke
from fixtures.officials.plans import chapter_span, content, write_plan
from greenmine_docs.officials.diff import diff_documents, render_diff

TABLE_OLD = [["序号", "项目", "投资（万元）"], ["1", "道路硬化", "120"], ["2", "复绿", "80.5"]]
TABLE_NEW = [["序号", "项目", "投资（万元）"], ["1", "道路硬化", "150"], ["2", "复绿", "80.5"],
             ["3", "洒水降尘", "30"]]


def _versions() -> tuple[list[tuple], list[tuple]]:
    old = content()
    old.insert(old.index(("h", 2, "企业概况")), ("table", TABLE_OLD))
    new = list(old)
    i = new.index(("h", 2, "编制依据"))
    new[i + 1] = ("p", new[i + 1][1].replace("逐项落实", "逐项落实，并按季度检查"))
    t = next(k for k, b in enumerate(new) if b[0] == "table")
    new[t] = ("table", TABLE_NEW)
    i, j = chapter_span(new, "效益分析")
    del new[i:j]  # removed; every later chapter is renumbered
    new[new.index(("h", 1, "投资估算"))] = ("h", 1, "投资估算与资金筹措")
    new += [("h", 1, "附表与附图"), ("h", 2, "附表"), ("p", "附表1 建设任务一览表 <b>&amp;</b>")]
    return old, new


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("diff")
    old, new = _versions()
    return write_plan(d / "初稿.docx", old), write_plan(d / "修改稿.docx", new)


def test_chapters_added_removed_changed(pair) -> None:
    result = diff_documents(*pair)
    by_status = {}
    for c in result.chapters:
        by_status.setdefault(c.status, []).append(c.title)
    assert by_status["removed"] == ["八、效益分析"]
    assert by_status["added"] == ["九、附表与附图"]
    assert by_status["changed"] == ["一、总论", "二、矿山概况", "七、投资估算与资金筹措"]
    # renumbering alone (九、保障措施 -> 八、保障措施) is no change
    assert "八、保障措施" in by_status["unchanged"]
    assert result.counts() == {"added": 1, "removed": 1, "changed": 3, "unchanged": 5}
    general = result.chapters[0]
    assert [op for op, _ in general.lines if op in "+-"] == ["-", "+"]
    assert general.lines[-2][1].endswith("逐项落实，并按季度检查。")
    invest = next(c for c in result.chapters if c.title.endswith("投资估算与资金筹措"))
    assert invest.renamed and invest.old_title == "七、投资估算"


def test_table_changes_ignore_padding(pair) -> None:
    result = diff_documents(*pair)
    overview = result.chapters[1]
    (table,) = overview.tables
    assert table.status == "changed"
    assert table.rows_added == ["1 | 道路硬化 | 150", "3 | 洒水降尘 | 30"]
    assert table.rows_removed == ["1 | 道路硬化 | 120"]
    # the header row is the same in both versions: not reported
    assert ("-", "序号 | 项目 | 投资（万元）") not in overview.lines


def test_text_json_html(pair, tmp_path: Path) -> None:
    code, out, err = invoke(["diff", *pair])
    assert code == 0, err
    assert "新增章 1，删除章 1，修改章 3，未改动章 5" in out
    assert "【删除】八、效益分析" in out and "【新增】九、附表与附图" in out
    assert "  + 附表1 建设任务一览表 <b>&amp;</b>" in out  # literal, never interpreted
    assert "▲ 表格「第 1 个表格」有修改" in out
    code, out, _ = invoke(["diff", *pair, "--format", "json"])
    data = json.loads(out)
    assert data["changed"] is True and data["counts"]["removed"] == 1
    first = data["chapters"][0]
    assert first["title"] == "一、总论" and first["status"] == "changed" and first["added"] == 1
    assert first["lines"][1]["op"] == "-" and first["lines"][1]["text"].startswith("本节说明编制依据")
    html_file = tmp_path / "对照.html"
    code, _, err = invoke(["diff", *pair, "--format", "html", "-o", html_file])
    html = html_file.read_text(encoding="utf-8")
    assert code == 0 and "已写出" in err
    assert "<ins>，并按季度检查</ins>" in html
    assert "<ins>5</ins>" in html and "<del>2</del>" in html  # 120 -> 150, characters marked
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html and "<b>&amp;</b>" not in html
    assert "http" not in html


def test_exit_code_option_and_identical_files(pair, tmp_path: Path) -> None:
    code, _, _ = invoke(["diff", *pair, "--exit-code"])
    assert code == 1
    same = write_plan(tmp_path / "同.docx", _versions()[0])
    code, out, _ = invoke(["diff", pair[0], same, "--exit-code"])
    assert code == 0 and "两个版本内容相同" in out
    assert "未改动章 9" in out


def test_heading_style_switch_is_not_a_change(tmp_path: Path) -> None:
    """The author re-did the headings with Word styles: content unchanged."""
    blocks = content()
    a = write_plan(tmp_path / "bold.docx", blocks, mode="bold")
    b = write_plan(tmp_path / "style.docx", blocks, mode="style")
    c = write_plan(tmp_path / "auto.docx", blocks, mode="auto")
    assert not diff_documents(a, b).changed
    result = diff_documents(a, c)  # auto numbering: numbers are not text any more
    assert not result.changed and len(result.chapters) == 9


def test_unusable_files(tmp_path: Path, pair) -> None:
    doc = tmp_path / "旧.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    code, _, err = invoke(["diff", doc, pair[1]])
    assert code == 2 and "另存为" in err
    code, _, err = invoke(["diff", pair[0], tmp_path / "没有.docx"])
    assert code == 2 and "没有.docx 不存在" in err


def test_render_text_limits_long_chapters(pair) -> None:
    result = diff_documents(*pair)
    text = render_diff(result, "text", max_lines=2)
    assert "另有" in text and "--format html" in text


def _merged_table_doc(path: Path, value: str) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph().add_run("一、投资估算与资金筹措").bold = True
    doc.add_paragraph("表1 分年度投资计划表")
    t = doc.add_table(rows=3, cols=3)
    for i, row in enumerate([["年度", "", "投资（万元）"], ["2024", "一期", value],
                             ["2025", "二期", "90 <合计>"]]):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    t.cell(0, 0).merge(t.cell(0, 1))  # a merged header cell
    doc.add_paragraph("资金由企业自筹。")
    doc.save(str(path))
    return path


def test_merged_cell_tables(tmp_path: Path) -> None:
    a = _merged_table_doc(tmp_path / "a.docx", "120")
    b = _merged_table_doc(tmp_path / "b.docx", "135")
    result = diff_documents(a, b)
    (chapter,) = [c for c in result.chapters if c.status == "changed"]
    (table,) = chapter.tables
    assert table.caption == "表1 分年度投资计划表"
    assert table.rows_removed == ["2024 | 一期 | 120"] and table.rows_added == ["2024 | 一期 | 135"]
    assert ("  ", "2025 | 二期 | 90 <合计>") not in chapter.lines
    assert (" ", "2025 | 二期 | 90 <合计>") in chapter.lines  # entities decoded, text literal
