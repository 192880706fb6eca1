"""The third-party assessment report, tested by opening the DOCX it writes."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.shape import WD_INLINE_SHAPE
from docx.oxml.ns import qn
from docx.shared import Mm

from conftest import EXAMPLE, run_cli
from greenmine_docs.api import check, generate, load
from greenmine_docs.documents.assessment.document import REPORT, SCORESHEET, render_report
from greenmine_docs.documents.assessment.report_data import build_report_data
from greenmine_docs.scoring import Verdict, fmt_points, fmt_ratio, fmt_score


def _ctx(path: Path):
    ctx = check(load(path))
    assert ctx.model is not None
    return ctx


def _doc(data: bytes):
    return Document(io.BytesIO(data))


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


class _Joined:
    """A table and its continuations (续表N parts) as one: their rows, each part's repeated
    header rows after the first part left out."""

    def __init__(self, parts: list) -> None:
        self.parts = parts
        self.rows = [*parts[0].rows, *(r for t in parts[1:] for r in t.rows[1:])]


def _table_after(doc, caption: str) -> _Joined:
    """The table that follows the caption paragraph ``表N caption``, with its continuations."""
    from docx.table import Table

    parts: list = []
    label = None
    for el in doc.element.body.iterchildren():
        text = "".join(t.text or "" for t in el.iter(qn("w:t"))) if el.tag == qn("w:p") else ""
        if el.tag == qn("w:p") and label is None and text.startswith("表") \
                and text.endswith(caption):
            label = "续" + text.split()[0]
        elif el.tag == qn("w:tbl") and label is not None:
            parts.append(Table(el, doc))
        elif el.tag == qn("w:p") and parts and text.strip() and text.strip() != label:
            break
    if not parts:
        raise AssertionError(f"no table captioned {caption}")
    return _Joined(parts)


@pytest.fixture(scope="module")
def example():
    ctx = _ctx(EXAMPLE)
    data = render_report(ctx)
    return ctx, ctx.scores.assessment.result, _doc(data), data


def test_numbers_equal_the_engines(example):
    ctx, r, doc, _ = example
    summary = _table_after(doc, "评分汇总表")
    rows = [[c.text for c in row.cells] for row in summary.rows]
    assert rows[0][:4] == ["一级指标", "分值", "适用分值", "评估得分"]
    for row, c in zip(rows[1:], r.categories):
        assert row == [c.category.name, fmt_points(c.points), fmt_points(c.applicable_points),
                       fmt_score(c.score), fmt_ratio(c.ratio), f"{c.min_ratio * 100:g}%",
                       "是" if c.passed else "否"]
    converted = rows[len(r.categories) + 2]
    assert converted[0] == "折算总得分" and converted[1] == f"{fmt_score(r.total)}分"
    # per first-level table: each item's score as the engine counts it
    for c in r.categories:
        table = _table_after(doc, f"“{c.category.name}”评分表")
        got = {row.cells[0].text: row.cells[3].text for row in table.rows[1:]}
        for g in c.groups:
            assert got[g.group.id] == fmt_score(g.score)
            for x in g.items:
                expected = "不适用" if not x.applicable else fmt_points(x.score)
                assert got[x.item.id] == expected, x.item.id
    text = _all_text(doc)
    assert r.verdict is Verdict.PASS
    assert f"折算总得分{fmt_score(r.total)}分" in text
    for reason in r.reasons:
        assert reason in text


def test_structure_and_layout(example):
    ctx, r, doc, data = example
    text = _all_text(doc)
    a = ctx.submission.assessment
    for needle in ("绿色矿山第三方评估报告", ctx.submission.mine.name, a.agency.name,
                   "评估工作承诺书", "目　　录", "一、评估概况", "（一）评估依据", "二、矿山概况",
                   "三、先决条件评估", "四、评分情况", "五、亮点与特色", "六、存在问题及整改建议",
                   "七、评估结论", "八、与企业自评结果对比", "九、现场照片", "评估组成员及评估机构签字页",
                   ctx.indicator_set.display_title,
                   "DZ/T 0318-2018", a.commission.contract_number, "二〇二三年九月"):
        assert needle in text, needle
    assert "{{" not in text and "{%" not in text
    team = _table_after(doc, "评估组成员表")
    assert [row.cells[1].text for row in team.rows[1:]] == [m.name for m in a.team]
    # every member on the signature page (the table right after the page's title)
    sign = doc.tables[-1]
    assert [row.cells[1].text for row in sign.rows[1:]] == [m.name for m in a.team]
    assert abs(sign.rows[1].height - Mm(12)) < Mm(0.1)  # room to sign (twips rounding)
    # official layout: A4, margins, page numbers only after the cover, header rows repeat
    cover, body = doc.sections[0], doc.sections[-1]
    assert round(body.page_width.mm) == 210 and round(body.top_margin.mm) == 37
    assert not "".join(p.text for p in cover.footer.paragraphs).strip()
    assert "PAGE" in body.footer._element.xml
    score_table = _table_after(doc, "“矿区环境”评分表")
    assert score_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # East Asian fonts on every run of the body (on the run, or from its paragraph style for
    # the cached text of fields such as the table of contents)
    from greenmine_docs.docx.fonts import east_asia_of

    for p in doc.paragraphs:
        style_font = east_asia_of(p.style.element.rPr) or east_asia_of(
            p.style.base_style.element.rPr if p.style.base_style is not None else None)
        for run in p.runs:
            if run.text.strip():
                assert east_asia_of(run._r.rPr) or style_font, run.text
    assert "TOC" in doc.element.body.xml


def test_photos_and_chart_embedded(example):
    ctx, r, doc, data = example
    photos = ctx.submission.assessment.photos
    text = _all_text(doc)
    for i, p in enumerate(photos, start=1):
        assert f"照片{i}  {p.caption}" in text
    assert "图1  各一级指标得分率与最低得分率对比" in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        charts = [n for n in z.namelist() if n.startswith("word/charts/")]
    assert len(media) == len(photos)  # the chart is a native chart, not a picture
    assert charts == ["word/charts/chart1.xml"]
    shapes = doc.inline_shapes
    assert len(shapes) == len(photos) + 1
    assert shapes[0].type == WD_INLINE_SHAPE.CHART
    for shape in shapes:
        assert shape.width <= Mm(156) and shape.height <= Mm(150)


def test_chart_shows_the_score_rates(example):
    """The chart's columns are the summary table's 得分率, its line the minimum rates."""
    from lxml import etree

    from greenmine_docs.docx.charts import CHART_REL_TYPE

    ctx, r, doc, data = example
    part, = [x.target_part for x in doc.part.rels.values() if x.reltype == CHART_REL_TYPE]
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    root = etree.fromstring(part.blob)
    sers = root.findall(".//c:ser", ns)
    names = [c.category.name for c in r.categories]
    assert [v.text for v in sers[0].iterfind("c:cat//c:v", ns)] == names
    rates = {}
    for ser in sers[:-1]:
        for pt in ser.iterfind("c:val//c:pt", ns):
            rates[int(pt.get("idx"))] = float(pt.findtext("c:v", namespaces=ns))
    assert [f"{rates[i] * 100:.1f}%" for i in range(len(names))] == \
        [fmt_ratio(c.ratio) for c in r.categories]
    line = sers[-1]
    assert line.getparent().tag == f"{{{ns['c']}}}lineChart"
    assert [float(v.text) for v in line.iterfind("c:val//c:v", ns)] == \
        [c.min_ratio for c in r.categories]


def test_scores_reference_photos_and_reasons(example):
    ctx, r, doc, _ = example
    table = _table_after(doc, "“矿区环境”评分表")
    notes = {row.cells[0].text: row.cells[4].text for row in table.rows[1:]}
    assert notes["1.1.2"].startswith("扣7分：西侧运矿道路") and "见照片3" in notes["1.1.2"]
    assert "不适用" in notes["1.1.8"]
    assert notes["1.1.1"] == "符合要求"


def test_flipping_a_prerequisite_flips_the_conclusion(variant):
    path = variant({"    P3: {ruling: 符合, evidence: 2023年9月13日查询矿业权人勘查开采信息公示系统，未列入异常名录}":
                    "    P3: {ruling: 不符合, evidence: 2023年9月13日查询，列入异常名录}"})
    doc = _doc(render_report(_ctx(path)))
    text = _all_text(doc)
    assert "评估结论为：不达标" in text.replace("\n", "")
    assert "先决条件P3" in text and "一票否决" in text
    pre = _table_after(doc, "先决条件评估表")
    rulings = {row.cells[0].text: row.cells[2].text for row in pre.rows[1:]}
    assert rulings["P3"] == "不符合" and rulings["P1"] == "符合"


def test_a_category_below_its_minimum_flips_the_conclusion(variant):
    path = variant({
        '    "5.1.1": 8': '    "5.1.1": {score: 0, deduction_reason: 无科研队伍也无合作协议}',
        '    "5.1.2": 7': '    "5.1.2": {score: 0, deduction_reason: 无科技创新规划}',
    })
    ctx = _ctx(path)
    r = ctx.scores.assessment.result
    assert r.total >= r.pass_line and r.verdict is Verdict.FAIL  # total alone would pass
    text = _all_text(_doc(render_report(ctx)))
    assert "评估结论为：不达标" in text.replace("\n", "")
    low = next(c for c in r.categories if not c.passed)
    assert low.category.name == "科技创新与智能矿山"
    reason = next(x for x in r.reasons if "科技创新与智能矿山" in x)
    assert fmt_ratio(low.ratio) in reason and reason in text


def test_comparison_with_the_self_check(example):
    ctx, r, doc, _ = example
    data = build_report_data(ctx)
    text = _all_text(doc)
    if data.self_result is None:
        assert "本报告不作对比" in text
        return
    own = data.self_result
    table = _table_after(doc, "一级指标自评与评估得分对比")
    last = [c.text for c in table.rows[-1].cells]
    assert last[:4] == ["折算总得分", fmt_points(r.total_points), fmt_score(own.total),
                        fmt_score(r.total)]
    diffs = data.differences()
    if diffs:
        listed = _table_after(doc, "自评与评估得分差异较大的评价内容")
        assert [row.cells[0].text for row in listed.rows[1:]] == [d.id for d in diffs]


def test_threshold_decides_what_is_listed(variant):
    text = EXAMPLE.read_text(encoding="utf-8")
    if "\nself_check:" not in text:
        pytest.skip("the example has no self-check section")
    loose = build_report_data(_ctx(variant({"comparison_threshold: 2": "comparison_threshold: 100"})))
    assert loose.differences() == [d for d in loose.differences() if d.diff == "适用性不同"]
    strict = build_report_data(_ctx(variant({"comparison_threshold: 2": "comparison_threshold: 0"})))
    scored = [d for d in strict.differences() if d.diff != "适用性不同"]
    both = [ref for ref, x in strict.result.items.items()
            if x.status.value == "已评分" and strict.self_result.items[ref].status.value == "已评分"
            and x.score != strict.self_result.items[ref].score]
    assert [d.id for d in scored] == both


def test_big_and_tall_photos_and_odd_text(variant):
    """Photos of any pixel size come out the same size; user text comes out literally."""
    from PIL import Image

    odd = "{{ 7*7 }} <b>&amp; {% if x %}"
    path = variant({"{file: photos/01-bench.jpg": "{file: photos/big.jpg",
                    "{file: photos/02-crusher.jpg": "{file: photos/tall.png",
                    "    - 筛分车间全封闭": f"    - \"{odd}\"\n    - 筛分车间全封闭"})
    Image.new("RGB", (4000, 3000), (120, 160, 90)).save(path.parent / "photos" / "big.jpg",
                                                         quality=70)
    Image.new("RGB", (600, 1800), (90, 90, 160)).save(path.parent / "photos" / "tall.png")
    data = render_report(_ctx(path))
    doc = _doc(data)
    shapes = list(doc.inline_shapes)
    big, tall = shapes[1], shapes[2]  # after the chart
    assert big.width <= Mm(74.1) and big.height <= Mm(56.1)
    assert tall.height <= Mm(56.1) and tall.width < Mm(20)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sizes = [z.getinfo(n).file_size for n in z.namelist() if n.startswith("word/media/")]
    assert max(sizes) < 400_000  # the 12-megapixel photo was scaled down, not embedded as is
    assert odd in _all_text(doc)


def test_build_writes_report_and_sheet(tmp_path):
    from greenmine_docs.api import build

    ctx = _ctx(EXAMPLE)
    assert REPORT.supports(ctx) and SCORESHEET.supports(ctx)
    names = sorted(p.name for p in build(EXAMPLE, tmp_path).written)
    assert any(n.endswith("第三方评估报告.docx") for n in names)
    assert any(n.endswith("第三方评估打分表.xlsx") for n in names)


def test_cli_report(runner, tmp_path, variant):
    out = tmp_path / "报告.docx"
    out.write_bytes(b"old")
    res = run_cli(runner, "report", EXAMPLE, "-o", out)
    assert res.code == 2 and "已存在" in res.stderr and out.read_bytes() == b"old"
    bad = variant({"role: 组长": "role: 成员"})
    out2 = tmp_path / "bad.docx"
    res = run_cli(runner, "report", bad, "-o", out2)
    assert res.code == 1 and "GM-E503" in res.output and not out2.exists()
    # an eligibility error does not stop the report: the prerequisite ruling covers it
    ineligible = variant({"  abnormal_list: false": "  abnormal_list: true",
                          "    P3: {ruling: 符合, evidence: 2023年9月13日查询矿业权人勘查开采信息公示系统，未列入异常名录}":
                          "    P3: {ruling: 不符合, evidence: 已列入异常名录}"})
    out3 = tmp_path / "ineligible.docx"
    res = run_cli(runner, "report", ineligible, "-o", out3)
    assert res.code == 0 and "GM-E205" in res.output
    assert "已生成" in res.stdout and "不达标" in res.stdout
    assert "不达标" in _all_text(Document(str(out3)))


def test_report_without_assessment_is_refused(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(EXAMPLE.parent, folder)
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("\n# 第三方评估")
    end = text.index("\nself_check:") if "\nself_check:" in text else len(text)
    (folder / "mine.yaml").write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    from greenmine_docs.errors import InputError

    with pytest.raises(InputError, match="assessment"):
        generate("report", folder / "mine.yaml", tmp_path / "x.docx")


def test_pdf(tmp_path, libreoffice):
    out = tmp_path / "报告.docx"
    outcome = generate("report", EXAMPLE, out, pdf=True)
    pdf = out.with_suffix(".pdf")
    assert outcome.written == [out, pdf]
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000


def test_committed_template_is_current():
    """templates/third_party_report/report.docx is exactly what its build script makes."""
    import importlib.util

    from greenmine_docs.resources import template_path

    script = template_path("third_party_report", "build_template.py")
    spec = importlib.util.spec_from_file_location("build_report_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == template_path("third_party_report", "report.docx").read_bytes()
