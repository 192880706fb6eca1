"""``greenmine plan`` on the example: the DOCX read back with python-docx has the outline's
headings in order, the input's numbers in its tables, no template or Markdown syntax, East
Asian fonts everywhere; templates can be exported, restyled and used again."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn

from conftest import run_cli
from docx_xml_order import assert_schema_order
from greenmine_docs.docx.fields import field_instructions
from greenmine_docs.documents.plan.outline import load_outline

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "shanxi-limestone"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example (with template-like text added to one narrative) generated once."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("plan") / "ex"
    shutil.copytree(EXAMPLE_DIR, folder)
    path = folder / "mine.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["plan"]["narrative"]["scope"] += "\n文字 {{ 7*7 }} 与 {% if true %}x{% endif %} 保持原样。"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = folder / "方案.docx"
    result = run_cli(CliRunner(), "plan", path, "-o", out)
    assert result.code == 0, result.output
    return data, out


def all_text(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            texts.extend(c.text for c in row.cells)
    return texts


def table_by_caption(doc, caption: str):
    """The table that follows the caption paragraph ending with ``caption``."""
    body = doc.element.body
    found = False
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            found = found or text.endswith(caption)
        elif el.tag == qn("w:tbl") and found:
            return next(t for t in doc.tables if t._tbl is el)
    raise AssertionError(f"no table captioned {caption}")


def test_headings_follow_the_outline(built):
    data, out = built
    doc = Document(out)
    outline = load_outline()
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    numbered = [c.title for c in outline.chapters if c.numbered]
    from greenmine_docs.docx import cn_number

    assert h1 == [f"{cn_number(i)}、{t}" for i, t in enumerate(numbered, 1)] + ["附表与附图"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[:4] == ["（一）编制目的", "（二）编制依据", "（三）适用范围", "（四）方案期限"]
    # the tasks chapter has one section per first-level indicator of the set
    tasks_at = h2.index("（一）矿区环境", h2.index("（二）具体目标"))
    assert h2[tasks_at:tasks_at + 6] == ["（一）矿区环境", "（二）资源开发方式", "（三）资源综合利用",
                                         "（四）节能减排", "（五）科技创新与智能矿山",
                                         "（六）企业管理与企业形象"]
    # the Markdown file's headings sit one level deeper, numbered 1. 2. …
    h3 = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert h3[:4] == ["1.法律法规", "2.政策文件", "3.技术标准与规范", "4.企业技术资料"]


def test_cover_toc_and_page_numbers(built):
    data, out = built
    doc = Document(out)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "山西青岚建材有限公司青岚山水泥用灰岩矿绿色矿山建设实施方案"
    assert "编制单位：山西晋岚地质矿产技术咨询有限公司" in texts
    assert "矿山企业：山西青岚建材有限公司" in texts
    assert "二〇二三年五月" in texts
    cover, toc, body = doc.sections[0], doc.sections[1], doc.sections[2]
    assert all(not p.text.strip() for p in cover.footer.paragraphs)
    assert field_instructions(cover.footer._element) == []
    assert "PAGE" in field_instructions(body.footer._element)
    assert body.footer.paragraphs[0].text.startswith("— ")
    start = body._sectPr.find(qn("w:pgNumType"))
    assert start.get(qn("w:start")) == "1"
    assert toc._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "upperRoman"
    assert any(i.startswith("TOC") for i in field_instructions(doc.element.body))
    assert doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert len(landscape) == 1  # the task list appendix


def test_numbers_from_the_input_are_in_the_tables(built):
    data, out = built
    doc = Document(out)
    plan = data["plan"]
    total = sum(t["investment"] for t in plan["tasks"])
    assert f"{total:.2f}" == "1818.50"
    by_cat = table_by_caption(doc, "分类投资估算表")
    last = [c.text for c in by_cat.rows[-1].cells]
    assert last[0] == "合计" and "1818.50" in last and "15" in last
    rows = {r.cells[1].text: r.cells[3].text for r in by_cat.rows[1:-1]}
    assert rows["资源综合利用"] == "476.00" and rows["矿区环境"] == "272.50"
    by_year = table_by_caption(doc, "分年度投资计划表（万元）")
    header = [c.text for c in by_year.rows[0].cells]
    assert header == ["一级指标", "2023年", "2024年", "2025年", "合计"]
    totals = [c.text for c in by_year.rows[-2].cells]
    assert totals[0] == "合计" and totals[-1] == "1818.50"
    assert abs(sum(float(x) for x in totals[1:-1]) - 1818.50) < 1e-9
    for row in by_year.rows[1:-2]:  # every category row adds up across the years
        cells = [c.text for c in row.cells]
        assert abs(sum(float(x) for x in cells[1:-1]) - float(cells[-1])) < 1e-9
    # explicit by_year of the slope task is used as given
    task_list = table_by_caption(doc, "绿色矿山建设任务一览表")
    slope = next(r for r in task_list.rows if "挂网客土喷播" in r.cells[2].text)
    assert "2024年：120.00" in slope.cells[6].text and "2025年：140.00" in slope.cells[6].text
    funding = table_by_caption(doc, "资金筹措表")
    assert [c.text for c in funding.rows[1].cells][:4] == ["1", "企业自有资金", "1418.50", "78.00"]
    targets = table_by_caption(doc, "绿色矿山建设量化目标表")
    assert [c.text for c in targets.rows[1].cells] == ["1", "矿区可绿化区域绿化覆盖率", "92", "100",
                                                       "%", "2025"]
    gaps = table_by_caption(doc, "矿区环境现状与差距分析表")
    first = [c.text for c in gaps.rows[1].cells]
    assert first[0] == "1.1.2" and first[1].startswith("矿区主干道路面硬化")  # text from the set
    for table in doc.tables:  # header rows repeat on every page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_no_template_or_markdown_syntax_left_and_data_literal(built):
    data, out = built
    doc = Document(out)
    texts = all_text(doc)
    joined = "\n".join(texts)
    assert "文字 {{ 7*7 }} 与 {% if true %}x{% endif %} 保持原样。" in joined  # data stays data
    without_data = joined.replace("{{ 7*7 }}", "").replace("{% if true %}", "").replace(
        "{% endif %}", "")
    assert "{{" not in without_data and "{%" not in without_data and "}}" not in without_data
    for token in ("**", "![", "](", "|--", "`"):
        assert token not in joined, token
    for line in texts:
        assert not re.match(r"^\s*(#{1,6} |> |[-*+] |\d+\. )", line), line
    with zipfile.ZipFile(out) as z:
        for name in ("word/footer1.xml", "docProps/core.xml"):
            if name in z.namelist():
                assert b"{{" not in z.read(name)


def test_east_asian_font_on_every_run(built):
    _, out = built
    doc = Document(out)
    paragraphs = list(doc.paragraphs)
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    checked = 0
    for p in paragraphs:
        for r in p.runs:
            if not r.text.strip():
                continue
            rfonts = r._r.rPr.find(qn("w:rFonts")) if r._r.rPr is not None else None
            assert rfonts is not None and rfonts.get(qn("w:eastAsia")), (p.text, r.text)
            checked += 1
    assert checked > 300


def test_images_and_schema_order(built):
    _, out = built
    doc = Document(out)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert "图1  建设任务进度横道图" in captions and "图2  矿区总平面布置示意图" in captions
    assert len(doc.inline_shapes) == 2
    assert_schema_order(out.read_bytes())


def test_plan_refuses_to_generate_with_errors(tmp_path, runner):
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE_DIR, folder)
    path = folder / "mine.yaml"
    text = path.read_text(encoding="utf-8").replace("total_investment: 1818.50",
                                                    "total_investment: 1000.00")
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "x.docx"
    result = run_cli(runner, "plan", path, "-o", out)
    assert result.code == 1 and "GM-E402" in result.output and not out.exists()


def test_existing_output_needs_force_and_bad_suffix(tmp_path, runner, built):
    _, out = built
    copy = tmp_path / "已有.docx"
    copy.write_bytes(b"old")
    result = run_cli(runner, "plan", EXAMPLE_DIR / "mine.yaml", "-o", copy)
    assert result.code == 2 and "已存在" in result.stderr and copy.read_bytes() == b"old"
    result = run_cli(runner, "plan", EXAMPLE_DIR / "mine.yaml", "-o", tmp_path / "a.pdf")
    assert result.code == 2 and ".docx" in result.stderr


def test_no_plan_section(tmp_path, runner):
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE_DIR, folder)
    path = folder / "mine.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["plan"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_cli(runner, "plan", path, "-o", tmp_path / "p.docx")
    assert result.code == 2 and "plan" in result.stderr and "Traceback" not in result.output


def test_templates_export_restyle_and_use(tmp_path, runner):
    from greenmine_docs.docx.fonts import set_style_font

    result = run_cli(runner, "templates", "export", tmp_path / "tpl")
    assert result.code == 0, result.output
    template = tmp_path / "tpl" / "implementation_plan" / "plan-template.docx"
    assert template.exists() and (tmp_path / "tpl" / "implementation_plan" / "outline.yaml").exists()
    again = run_cli(runner, "templates", "export", tmp_path / "tpl")
    assert again.code == 2 and "已存在" in again.stderr
    # restyle as a user would in Word: body font and the cover text
    doc = Document(template)
    set_style_font(doc.styles["Normal"], "仿宋_GB2312", size=15)
    for p in doc.paragraphs:
        if "编制单位" in p.text:
            for r in p.runs:
                r.text = r.text.replace("编制单位：", "编制单位（盖章）：")
    doc.save(template)
    out = tmp_path / "restyled.docx"
    result = run_cli(runner, "plan", EXAMPLE_DIR / "mine.yaml", "-o", out, "--template", template)
    assert result.code == 0, result.output
    made = Document(out)
    assert any(p.text.startswith("编制单位（盖章）：") for p in made.paragraphs)
    body = next(p for p in made.paragraphs if p.text.startswith("青岚山水泥用灰岩矿是"))
    fonts = {r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in body.runs}
    assert fonts == {"仿宋_GB2312"}  # runs follow the restyled template
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really")
    result = run_cli(runner, "plan", EXAMPLE_DIR / "mine.yaml", "-o", tmp_path / "b.docx",
                     "--template", broken)
    assert result.code == 2 and "模板" in result.stderr


def test_build_registers_the_plan(tmp_path):
    from greenmine_docs.api import build

    result = build(EXAMPLE_DIR / "mine.yaml", tmp_path / "out", only=["plan"])
    assert result.ok, [str(f) for f in result.report.errors]
    docx_files = [p for p in result.written if p.suffix == ".docx"]
    assert len(docx_files) == 1 and "绿色矿山建设实施方案" in docx_files[0].name
    assert Document(io.BytesIO(docx_files[0].read_bytes())).paragraphs[0].text.endswith("实施方案")


def test_pdf_through_libreoffice_with_toc(tmp_path, runner, libreoffice):
    out = tmp_path / "方案.docx"
    result = run_cli(runner, "plan", EXAMPLE_DIR / "mine.yaml", "-o", out, "--pdf")
    assert result.code == 0, result.output
    pdf = out.with_suffix(".pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", "-f", "2", "-l", "3", str(pdf), "-"],
                              capture_output=True, text=True).stdout
        if "目录" in text.replace(" ", "") and "uno" not in result.stderr:
            assert "一、总论" in text  # the TOC was rebuilt before export


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("GREENMINE_SOFFICE", str(tmp_path / "no-soffice"))
    out = tmp_path / "p.docx"
    result = run_cli(runner, "plan", EXAMPLE_DIR / "mine.yaml", "-o", out, "--pdf")
    assert result.code == 2 and "LibreOffice" in result.stderr and "安装" in result.stderr
    assert not out.exists()  # nothing written when a requested output cannot be made
