"""Native Word charts (``greenmine_docs.docx.charts``): the schedule chart of the plan and the
score chart of the report, checked by saving, reopening with python-docx and reading the chart
part's XML."""
from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from docx import Document
from docx.enum.shape import WD_INLINE_SHAPE
from lxml import etree

from greenmine_docs.documents.assessment.chart import add_score_chart, score_chart_xml, shown_rate
from greenmine_docs.docx import Writer, new_document, to_bytes
from greenmine_docs.xlsx.cells import column_letter
from greenmine_docs.docx.charts import CHART_CONTENT_TYPE, CHART_REL_TYPE, esc
from greenmine_docs.docx.gantt import (COLOURS, Bar, add_gantt, bar_label, date_axis, serial)

C = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
     "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
ODD = "<b>&amp; {{ 7*7 }} {% if x %}\"'"

BARS = [Bar("1-1", "矿区主干道路混凝土硬化及排水沟改造工程", 0, "矿区环境",
            dt.date(2023, 10, 1), dt.date(2024, 5, 31)),
        Bar("1-2", ODD, 0, "矿区环境", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        Bar("2-1", "边坡复绿", 1, f"资源{ODD}", dt.date(2024, 4, 1), dt.date(2025, 10, 31))]
START, END = dt.date(2023, 10, 1), dt.date(2025, 12, 31)


def charts_of(doc) -> list[tuple[str, etree._Element]]:
    """(part name, parsed XML) of every chart related to the main document part."""
    out = []
    for rel in doc.part.rels.values():
        if rel.reltype == CHART_REL_TYPE:
            part = rel.target_part
            assert part.content_type == CHART_CONTENT_TYPE
            out.append((str(part.partname), etree.fromstring(part.blob)))
    return sorted(out, key=lambda x: x[0])


def series_data(root) -> list[tuple[str, list[str], dict[int, float]]]:
    """(name, categories, {index: value}) of each series, in order."""
    out = []
    for ser in root.iterfind(".//c:ser", C):
        name = ser.findtext("c:tx//c:v", namespaces=C)
        cats = [v.text for v in ser.iterfind("c:cat//c:pt/c:v", C)]
        vals = {int(p.get("idx")): float(p.findtext("c:v", namespaces=C))
                for p in ser.iterfind("c:val//c:pt", C)}
        out.append((name, cats, vals))
    return out


def captions(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Caption"]


def reopen(data: bytes):
    doc = Document(io.BytesIO(data))
    again = io.BytesIO()
    doc.save(again)  # python-docx can re-save what it opened; the charts survive
    return Document(io.BytesIO(again.getvalue()))


def test_gantt_chart_part_data_and_caption():
    doc = new_document(cover=False)
    w = Writer(doc)
    w.paragraph("正文")
    add_gantt(w, BARS, START, END, "建设任务进度横道图", width_mm=150)
    doc = reopen(to_bytes(doc))
    (name, root), = charts_of(doc)
    assert name == "/word/charts/chart1.xml"
    data = series_data(root)
    labels = [bar_label(b) for b in BARS]
    assert labels[1] == f"1-2 {ODD[:14]}…"  # user text literally, cut to 14 characters
    offsets, group1, group2 = data
    assert offsets == ("开始日期", labels, {i: serial(b.start) for i, b in enumerate(BARS)})
    assert group1 == ("矿区环境", labels, {0: serial(dt.date(2024, 6, 1)) - serial(BARS[0].start),
                                         1: 91})
    assert group2 == (f"资源{ODD}", labels, {2: serial(dt.date(2025, 11, 1)) - serial(BARS[2].start)})
    assert serial(dt.date(2023, 10, 1)) == 45200  # what Excel and Word count
    # the start series is invisible; bars are coloured per indicator
    fills = [ser.find("c:spPr", C) for ser in root.iterfind(".//c:ser", C)]
    assert fills[0].find("a:noFill", C) is not None
    assert fills[1].find(".//a:srgbClr", C).get("val") == COLOURS[0]
    # tasks top to bottom, dates along the value axis over the plan period
    assert root.find(".//c:catAx/c:scaling/c:orientation", C).get("val") == "maxMin"
    val_ax = root.find(".//c:valAx", C)
    assert float(val_ax.find("c:scaling/c:min", C).get("val")) == serial(START)
    assert float(val_ax.find("c:scaling/c:max", C).get("val")) == serial(END) + 1
    assert "年" in val_ax.find("c:numFmt", C).get("formatCode")
    assert {e.get("typeface") for e in root.iterfind(".//a:ea", C)} == {"宋体"}
    assert root.find(".//c:legend", C) is None  # the legend is the line under the chart
    shapes = doc.inline_shapes
    assert len(shapes) == 1 and shapes[0].type == WD_INLINE_SHAPE.CHART
    assert shapes[0].width == 150 * 36000
    texts = [p.text for p in doc.paragraphs]
    assert texts[-1] == "图1  建设任务进度横道图"
    assert texts[-2] == f"■ 矿区环境　■ 资源{ODD}"


def test_two_charts_in_one_document_numbered_apart(tmp_path):
    doc = new_document(cover=False)
    w = Writer(doc)
    w.figure(_png(), "矿区全景")
    add_gantt(w, BARS, START, END, "进度一")
    add_gantt(w, BARS[:1], START, END, "进度二")
    add_score_chart(w, _result([("矿区环境", 0.9, 0.75, True)]))
    path = tmp_path / "c.docx"
    path.write_bytes(to_bytes(doc))
    doc = reopen(path.read_bytes())
    assert [n for n, _ in charts_of(doc)] == [f"/word/charts/chart{i}.xml" for i in (1, 2, 3)]
    assert captions(doc) == ["图1  矿区全景", "图2  进度一", "图3  进度二",
                             "图4  各一级指标得分率与最低得分率对比"]
    ids = [el.get("id") for el in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(ids) == 4 and len(set(ids)) == 4


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buf, format="PNG")
    return buf.getvalue()


def _result(rows):
    cats = tuple(SimpleNamespace(category=SimpleNamespace(name=n), ratio=r, min_ratio=m,
                                 passed=p) for n, r, m, p in rows)
    return SimpleNamespace(categories=cats)


def test_score_chart_rates_minimum_and_failures():
    result = _result([("矿区环境", 0.8125, 0.75, True), (ODD, 0.5, 0.75, False),
                      ("节能减排", None, 0.75, True)])
    root = etree.fromstring(score_chart_xml(result).encode())
    passed, failed, minimum = series_data(root)
    names = ["矿区环境", ODD, "节能减排（不适用）"]
    assert passed == ("得分率（达到要求）", names, {0: 0.813})  # as the table prints 81.3%
    assert failed == ("得分率（未达到要求）", names, {1: 0.5})
    assert minimum == ("最低得分率（75%）", names, {0: 0.75, 1: 0.75, 2: 0.75})
    assert root.find(".//c:lineChart", C) is not None
    bars = root.find(".//c:barChart", C)
    assert bars.find("c:barDir", C).get("val") == "col"
    colours = [s.find("c:spPr//a:srgbClr", C).get("val") for s in bars.iterfind("c:ser", C)]
    assert colours == ["4E8A3E", "C0392B"]
    assert bars.find(".//c:dLbls/c:numFmt", C).get("formatCode") == "0.0%"
    scaling = root.find(".//c:valAx/c:scaling", C)
    assert (scaling.find("c:min", C).get("val"), scaling.find("c:max", C).get("val")) == ("0", "1")
    # all reached: one green series, no "未达到" in the legend
    ok = etree.fromstring(score_chart_xml(_result([("甲", 1.0, 0.6, True),
                                                    ("乙", 0.7, 0.6, True)])).encode())
    assert [s[0] for s in series_data(ok)] == ["得分率", "最低得分率（60%）"]
    mixed = _result([("甲", 0.9, 0.6, True), ("乙", 0.9, 0.75, True)])
    assert series_data(etree.fromstring(score_chart_xml(mixed).encode()))[-1][0] == "最低得分率"


def test_shown_rate_matches_the_table():
    from greenmine_docs.scoring import fmt_ratio

    for x in (0.8125, 0.80625, 0.99949, 1.0, 0.0, 2 / 3):
        assert f"{shown_rate(x) * 100:.1f}%" == fmt_ratio(x)
    assert shown_rate(None) is None


@pytest.mark.parametrize("start,end", [
    (dt.date(2023, 10, 1), dt.date(2025, 12, 31)), (dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
    (dt.date(2024, 3, 15), dt.date(2025, 2, 28)), (dt.date(2022, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(2023, 12, 1), dt.date(2032, 11, 30)), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
])
def test_date_axis_ticks_name_their_month(start, end):
    axis = date_axis(start, end)
    first = dt.date(start.year, start.month, 1)
    assert axis.min == serial(first) and axis.max == serial(end) + 1
    k = 0
    while axis.min + k * axis.major <= axis.max:
        tick = dt.date(1899, 12, 30) + dt.timedelta(days=int(axis.min + k * axis.major))
        months = k * axis.step
        want = (first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1)
        assert (tick.year, tick.month) == want  # the label (yyyy年m月) names the right month
        assert tick.day <= (3 if axis.step >= 3 else 8)  # and sits at its start
        k += 1
    assert k <= 7


def test_escaping_and_columns():
    assert esc("<a>&\"") == "&lt;a&gt;&amp;&quot;"
    assert esc("a\x07b") == "ab"  # not representable in XML 1.0
    assert [column_letter(i) for i in (1, 2, 26, 27, 28)] == ["A", "B", "Z", "AA", "AB"]


@pytest.mark.parametrize("left_mm, height_mm", [(None, 90), (200, 90), (74, 74), (50, 90)])
def test_the_score_chart_is_set_lower_to_fit_the_room_known_to_be_left(left_mm, height_mm):
    """Where the page is known to have room for the score chart at two thirds of its height
    or more, but not at all of it, the chart takes that room and the next block starts a page
    (a picture that does not fit went overleaf whole and left up to 40 % of a page empty);
    with more room, less, or none known, it keeps its 90 mm."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    from greenmine_docs.docx.writer import FIGURE_DESCENT_PT, FIGURE_SPACE_PT, caption_most_pt

    w = Writer(new_document(cover=False))
    if left_mm is not None:
        w.page_break()
        caption = caption_most_pt("图1  各一级指标得分率与最低得分率对比")
        w.cursor.lo = w.cursor.hi = w._page_pt() - Mm(left_mm).pt - FIGURE_SPACE_PT \
            - FIGURE_DESCENT_PT - caption
    add_score_chart(w, _result([("矿区环境", 0.9, 0.75, True)]))
    extent = next(w.doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"))
    assert round(int(extent.get("cy")) / Mm(1)) == height_mm
    starts_page = w.last_block().find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    assert starts_page is (height_mm < 90)
    if starts_page:  # and the position there is known: the top of the page
        assert (w.cursor.lo, w.cursor.hi) == (0.0, 0.0)
