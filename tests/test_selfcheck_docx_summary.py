"""The DOCX self-check table and the summary of many filled tables."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from conftest import EXAMPLE, run_cli
from greenmine_docs import api
from greenmine_docs.documents.selfcheck.summary import summarize


def generate(source, out, **options):
    return api.generate("selfcheck", source, out, **options)


LINE_1_1_3 = '"1.1.3": {score: 12, situation: 出口设自动洗车台1座，运输车辆全部苫盖。见洗车台照片、车辆管理制度}'
LITERAL = "{{ 7*7 }} <w:t> & 甲"


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    """The example's table, with template-looking text and XML characters in one cell."""
    folder = tmp_path_factory.mktemp("docx")
    shutil.copytree(EXAMPLE.parent, folder / "ex")
    src = folder / "ex" / "mine.yaml"
    text = src.read_text(encoding="utf-8")
    assert LINE_1_1_3 in text
    src.write_text(text.replace(LINE_1_1_3, f'"1.1.3": {{score: 12, situation: "{LITERAL}"}}'),
                   encoding="utf-8")
    out = folder / "自查记录表.docx"
    assert generate(src, out).written == [out]
    return out


def _main_rows(doc) -> list:
    """Rows of the main table, over the parts it is split into (one a page, each with the
    header row again): the first part's header row, then every part's body rows."""
    parts = doc.tables[1:-1]
    return [*parts[0].rows, *(r for t in parts[1:] for r in t.rows[1:])]


def test_docx_layout_and_content(docx_path):
    doc = Document(docx_path)
    sec = doc.sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE and sec.page_width > sec.page_height
    texts = [p.text for p in doc.paragraphs]
    assert "绿色矿山自查记录表" in texts
    assert any("参考" in t for t in texts) and any("以主管部门发布的正式指标为准" in t for t in texts)
    header, *parts, sign = doc.tables
    assert len(parts) > 3  # a part a page
    assert header.cell(0, 1).text == "山西青岚建材有限公司青岚山水泥用灰岩矿"
    assert header.cell(3, 1).text == "2023年9月12日"
    for part in parts:
        assert [c.text for c in part.rows[0].cells][:6] == ["序号", "一级指标", "二级指标",
                                                           "评价内容与要求", "分值", "自查得分"]
        assert part.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    main_rows = _main_rows(doc)
    rows = {r.cells[0].text: r for r in main_rows}
    assert rows["1.1.2"].cells[5].text == "10" and "碎石路面" in rows["1.1.2"].cells[7].text
    assert rows["1.1.8"].cells[5].text == "不适用"
    assert rows["P3"].cells[5].text == "符合"
    body = "\n".join(c.text for r in main_rows for c in r.cells)
    assert "得分率90.9%，达到不低于75%的要求" in body
    assert "912.24" in body and "842.00" in body
    assert "自查结论" in body and "先决条件全部符合" in body
    assert "企业负责人（签字）：韩志远" in sign.cell(0, 0).text
    assert "县级自然资源主管部门审核意见" in sign.cell(0, 1).text


def test_docx_merges_and_east_asian_fonts(docx_path):
    doc = Document(docx_path)
    parts = [t._tbl for t in doc.tables[1:-1]]
    restarts = [tc for body in parts for tc in body.iter(qn("w:tc"))
                if (tc.tcPr is not None and tc.tcPr.find(qn("w:vMerge")) is not None
                    and tc.tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart")]
    # every second-level group, the first-level label over each of them, and the merges
    # started again at the top of a page
    assert 24 + 24 <= len(restarts) <= 24 + 24 + 2 * len(parts)
    runs = [r for body in parts for r in body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    assert runs
    for r in runs[:300]:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), "every run names its East Asian font"


def test_docx_blank(tmp_path):
    out = tmp_path / "blank.docx"
    generate(EXAMPLE, out, blank=True)
    doc = Document(out)
    rows = {r.cells[0].text: r for r in _main_rows(doc)}
    assert rows["1.1.1"].cells[5].text == "" and rows["1.1.8"].cells[5].text == "不适用"
    assert "2023年" not in doc.tables[0].cell(3, 1).text  # no check date yet


def test_docx_literal_text(docx_path):
    rows = {r.cells[0].text: r for r in _main_rows(Document(docx_path))}
    assert rows["1.1.3"].cells[6].text == LITERAL


# ---- summarize --------------------------------------------------------------------------------

def test_summarize_many_tables(tmp_path, variant, runner):
    folder = tmp_path / "tables"
    folder.mkdir()
    generate(EXAMPLE, folder / "a-pass.xlsx")
    fail = variant({"    P3: 符合": "    P3: 不符合",
                    "name: 山西青岚建材有限公司青岚山水泥用灰岩矿":
                        "name: 山西青岚建材有限公司北岭水泥用灰岩矿"})
    from greenmine_docs.api import load
    from greenmine_docs.indicators import resolve
    from greenmine_docs.documents.selfcheck.core import prepare
    from greenmine_docs.documents.selfcheck.xlsx import render_xlsx

    sub = load(fail).submission  # has errors for validate (W318 only), render directly
    (folder / "b-fail.xlsx").write_bytes(render_xlsx(prepare(sub, resolve(sub.campaign.indicator_set))))
    generate(None, folder / "c-blank.xlsx", blank=True)
    (folder / "d-broken.xlsx").write_text("not a workbook", encoding="utf-8")
    Workbook().save(folder / "e-other.xlsx")
    (folder / "~$a-pass.xlsx").write_text("lock file", encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    result = summarize([folder], out)
    assert len(result.rows) == 3 and len(result.broken) == 2
    assert sorted(p.name for p, _ in result.broken) == ["d-broken.xlsx", "e-other.xlsx"]
    assert [f.code for f in result.report.findings] == ["GM-W340", "GM-W340"]
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单", "无法读取"]
    ws = wb["汇总"]
    assert "达标 1" in ws["A1"].value and "不达标 1" in ws["A1"].value and "未完成 1" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "矿山名称", "采矿权人", "统一社会信用代码"]
    assert "矿区环境得分" in header and "最早整改时限" in header
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=3, values_only=False)]
    by_name = {r[1]: dict(zip(header, r)) for r in data}
    passed = by_name["山西青岚建材有限公司青岚山水泥用灰岩矿"]
    assert passed["自查结论"] == "达标" and passed["折算得分"] == pytest.approx(912.24, abs=0.01)
    assert passed["问题数"] == 24 and passed["最早整改时限"].date().isoformat() == "2023-10-15"
    assert passed["矿区环境得分"] == 189
    failed = by_name["山西青岚建材有限公司北岭水泥用灰岩矿"]
    assert failed["自查结论"] == "不达标" and failed["先决条件"] == "不符合：P3"
    blank = next(r for r in by_name.values() if r["自查结论"] == "未完成")
    assert blank["问题数"] == 0 and blank["文件"] == "c-blank.xlsx"
    # sorted by place, then score (highest first)
    scores = [r["折算得分"] for r in by_name.values() if r["所在地"] == "吕梁市文水县"]
    assert scores == sorted(scores, reverse=True)
    problems = wb["问题清单"]
    assert problems.max_row == 2 + 24 + 24
    assert wb["无法读取"]["A3"].value.endswith("d-broken.xlsx")
    # the CLI reports broken files and exits 1
    r = run_cli(runner, "summarize", folder, "-o", tmp_path / "again.xlsx")
    assert r.code == 1 and "无法读取" in r.stderr and "已汇总 3 份" in r.stdout


def test_summarize_nothing(tmp_path, runner):
    (tmp_path / "empty").mkdir()
    r = run_cli(runner, "summarize", tmp_path / "empty", "-o", tmp_path / "s.xlsx")
    assert r.code == 2 and "没有找到" in r.stderr
