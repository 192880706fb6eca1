"""The schedule chart in the generated plan: a native Word chart whose data are the plan's
tasks, in the order and with the codes of the schedule table."""
from __future__ import annotations

import datetime as dt
import io
import runpy
from pathlib import Path

from docx import Document
from lxml import etree

from greenmine_docs.api import check, load
from greenmine_docs.docx.charts import CHART_REL_TYPE
from greenmine_docs.documents.plan.document import render_plan
from greenmine_docs.docx.gantt import serial

ROOT = Path(__file__).resolve().parent.parent
C = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


def test_plan_chart_holds_the_schedule():
    ctx = check(load(ROOT / "examples" / "shanxi-limestone" / "mine.yaml"))
    doc = Document(io.BytesIO(render_plan(ctx)))
    charts = [r.target_part for r in doc.part.rels.values() if r.reltype == CHART_REL_TYPE]
    assert len(charts) == 1
    root = etree.fromstring(charts[0].blob)
    sers = root.findall(".//c:ser", C)
    cats = [v.text for v in sers[0].iterfind("c:cat//c:pt/c:v", C)]
    starts = [float(v.text) for v in sers[0].iterfind("c:val//c:pt/c:v", C)]
    # the schedule table (建设任务进度安排表) lists the same tasks in the same order
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "编号"
                 and t.rows[0].cells[2].text == "开始时间")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [c.split(" ")[0] for c in cats] == [r[0] for r in rows]
    tasks = ctx.submission.plan.tasks
    by_text = {" ".join(t.content.split()): t for t in tasks}
    for cat, row, start in zip(cats, rows, starts):
        task = by_text[" ".join(row[1].split())]
        assert cat[len(row[0]) + 1:].rstrip("…") in " ".join(task.content.split())
        assert start == max(serial(task.start), serial(ctx.submission.plan.period.start))
        assert row[2] == f"{task.start.year}.{task.start.month:02d}"
    # each task's bar is in exactly one indicator series, with its length in days
    durations: dict[int, float] = {}
    for ser in sers[1:]:
        for pt in ser.iterfind("c:val//c:pt", C):
            i = int(pt.get("idx"))
            assert i not in durations
            durations[i] = float(pt.findtext("c:v", namespaces=C))
    assert sorted(durations) == list(range(len(cats)))
    for i, row in enumerate(rows):
        task = by_text[" ".join(row[1].split())]
        assert durations[i] == (task.end - task.start).days + 1
    names = [s.findtext("c:tx//c:v", namespaces=C) for s in sers[1:]]
    legend = [p.text for p in doc.paragraphs if p.text.startswith("■ ")]
    assert legend == ["　".join(f"■ {n}" for n in names)]
    assert any(p.text == "图1  建设任务进度横道图" for p in doc.paragraphs)
    assert dt.date(1899, 12, 30) + dt.timedelta(days=int(starts[0])) == tasks[0].start


def test_committed_templates_match_their_build_script():
    script = Path(__file__).resolve().parent.parent / "templates" / "build_templates.py"
    main = runpy.run_path(str(script))["main"]
    assert main(["--check"]) == 0, "run: python templates/build_templates.py"
