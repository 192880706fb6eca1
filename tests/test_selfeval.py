"""The self-evaluation report (自评报告): a document plug-in of the one pipeline.

The example's report is opened and its chapters, tables and numbers are compared with counts
made here, independently of the scoring engine, from the example's YAML and the indicator set's
data; the checks are proven on the flawed example and on variants of the example.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import EXAMPLE, EXAMPLES, run_cli
from greenmine_docs import api
from greenmine_docs.errors import InputError
from greenmine_docs.indicators import resolve
from greenmine_docs.indicators.model import MineProfile

FLAWED = EXAMPLES / "flawed-selfeval"
CHAPTERS = ["一、矿山基本情况", "二、绿色矿山建设情况", "三、先决条件符合情况", "四、自评得分",
            "五、存在问题及整改措施", "六、自评结论"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Document:
    out = tmp_path_factory.mktemp("selfeval") / "自评报告.docx"
    result = api.generate("selfeval", EXAMPLE, out)
    assert result.written == [out], result.report.findings
    return Document(str(out))


def _texts(doc: Document) -> list[str]:
    return [p.text.strip() for p in doc.paragraphs if p.text.strip()]


def _merged() -> dict[str, dict]:
    """Each item as the report must score it: the self-evaluation's entry, else the
    self-check's (the documented source rule), counted here without the engine."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    items = {str(k): v for k, v in data["self_check"]["items"].items()}
    for k, v in data["self_evaluation"]["items"].items():  # field by field
        items[str(k)] = {**items.get(str(k), {}), **v}
    return items


def _independent_totals() -> dict[str, tuple[Fraction, Fraction, Fraction]]:
    """category name -> (points, applicable points, score) from the set's data and the YAML."""
    iset = resolve("national-2020-reference")
    profile = MineProfile(industry_standard="DZ/T 0318-2018", method="露天开采")
    merged = _merged()
    out = {}
    for c in iset.categories:
        pts = app = got = Fraction(0)
        for item in c.items:
            pts += Fraction(str(item.points))
            entry = merged.get(item.id, {})
            na = (not item.applies(profile) or entry.get("not_applicable")
                  or entry.get("score") == "不适用")
            if not na:
                app += Fraction(str(item.points))
                got += Fraction(str(entry["score"]))
        out[c.name] = (pts, app, got)
    return out


def test_chapters_follow_the_outline_and_chapter_two_is_the_sets_first_level_indicators(report):
    texts = _texts(report)
    positions = [texts.index(t) for t in CHAPTERS]
    assert positions == sorted(positions)
    two, three = positions[1], positions[2]
    names = [c.name for c in resolve("national-2020-reference").categories]
    headings = [t for t in texts[two:three] if t.startswith("（")]
    assert headings == [f"（{n}）{name}" for n, name in zip("一二三四五六", names)]
    assert texts.index("前言") < positions[0] < positions[-1] < texts.index("附件")
    assert "佐证材料清单" in texts


def _joined(doc: Document, first_header: str) -> list[list]:
    """The rows of every table whose second header cell is ``first_header``, parts split over
    pages (续表) joined again, one list per table ending at its 小计/合计 row."""
    out: list[list] = [[]]
    for t in doc.tables:
        if t.rows[0].cells[1].text != first_header:
            continue
        for row in t.rows[1:]:
            out[-1].append(row)
            if row.cells[0].text in ("小计", "合计"):
                out.append([])
    return [rows for rows in out if rows]


def test_each_score_table_adds_up_to_an_independent_count(report):
    totals = _independent_totals()
    score_tables = _joined(report, "评价内容")
    assert len(score_tables) == 6
    iset = resolve("national-2020-reference")
    for rows, category in zip(score_tables, iset.categories):
        ids = [r.cells[0].text for r in rows[:-1]]
        assert ids == [i.id for i in category.items]
        pts, app, got = totals[category.name]
        last = rows[-1].cells
        assert last[0].text == "小计" and float(last[2].text) == float(pts)
        assert float(last[3].text) == pytest.approx(float(got))
        assert f"适用分值{float(app):g}分" in last[-1].text


def test_summary_table_conversion_and_conclusion_match_the_independent_count(report):
    totals = _independent_totals()
    summary = next(t for t in report.tables if t.rows[0].cells[-1].text == "达到")
    body = summary.rows[1:-1]
    assert [r.cells[1].text for r in body] == list(totals)
    for row, (pts, app, got) in zip(body, totals.values()):
        assert float(row.cells[2].text) == float(pts)
        assert float(row.cells[3].text) == float(pts - app)
        assert float(row.cells[5].text) == pytest.approx(float(got))
        ratio = got / app
        assert row.cells[6].text == f"{float(ratio) * 100:.1f}%"
        assert row.cells[8].text == ("是" if ratio >= Fraction(3, 4) else "否")
    raw = sum(g for _, _, g in totals.values())
    applicable = sum(a for _, a, _ in totals.values())
    converted = raw / applicable * 1000
    text = "\n".join(_texts(report))
    assert f"适用分值{float(applicable):g}分，实际得分{float(raw):.2f}分" in text
    assert f"自评得分为{float(converted):.2f}分" in text
    verdict = "达标" if converted >= 800 and all(g / a >= Fraction(3, 4)
                                                for _, a, g in totals.values()) else "不达标"
    assert f"自评结论：{verdict}。" in text


def test_problems_table_lists_the_self_checks_problems_with_owner_and_deadline(report):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert not data["self_evaluation"].get("problems")  # so they come from the self-check
    with_problem = [(str(k), v) for k, v in data["self_check"]["items"].items()
                    if isinstance(v, dict) and v.get("problem")]
    rows = [r for t in report.tables if t.rows[0].cells[1].text == "存在问题" for r in t.rows[1:]]
    assert len(rows) == len(with_problem) and len(rows) > 10
    for row, (ref, entry) in zip(rows, with_problem):
        assert row.cells[2].text == ref and row.cells[1].text == entry["problem"]
        assert row.cells[5].text == entry["responsible"]
        assert row.cells[4].text == f"{entry['deadline']:%Y.%m.%d}"
    assert f"自评共发现问题{len(with_problem)}项" in "\n".join(_texts(report))


def test_six_conditions_and_prerequisites_state_their_evidence(report):
    conditions = next(t for t in report.tables if t.rows[0].cells[1].text == "遴选条件")
    assert len(conditions.rows) == 7
    assert all(r.cells[2].text == "符合" for r in conditions.rows[1:])
    assert "C1411002011031120107654" in conditions.rows[1].cells[3].text
    assert "吕环文罚〔2021〕17号" in conditions.rows[2].cells[3].text
    pres = next(t for t in report.tables if t.rows[0].cells[1].text == "先决条件")
    assert [r.cells[0].text for r in pres.rows[1:]] == ["P1", "P2", "P3", "P4", "P5"]
    assert "整改到位" in pres.rows[2].cells[3].text  # the enterprise's own note on P2


def test_the_example_builds_the_report_and_layout_is_the_plans(tmp_path):
    result = api.build(EXAMPLE, tmp_path / "out")
    names = {p.name for p in result.written}
    assert "山西青岚建材有限公司青岚山水泥用灰岩矿绿色矿山自评报告.docx" in names
    doc = Document(str(tmp_path / "out" / "山西青岚建材有限公司青岚山水泥用灰岩矿绿色矿山自评报告.docx"))
    section = doc.sections[-1]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert any("二〇二三年九月" in p.text for p in doc.paragraphs)  # the cover's date


def test_data_is_never_run_as_a_template(variant, tmp_path):
    path = variant({"    purpose: 为申报省级绿色矿山": "    purpose: 注{{ 7 * 7 }}{% if 1 %}x{% endif %}为申报省级绿色矿山"})
    out = tmp_path / "se.docx"
    assert api.generate("selfeval", path, out).written
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "注{{ 7 * 7 }}{% if 1 %}x{% endif %}为申报" in text and "49" not in text


def test_flawed_example_gives_exactly_its_written_findings():
    expected = yaml.safe_load((FLAWED / "expected-findings.yaml").read_text(encoding="utf-8"))
    want = sorted((f["code"], f["path"], f["line"]) for f in expected["findings"])
    report = api.validate(FLAWED / "mine.yaml")
    got = sorted((f.code, f.location.path, f.location.line) for f in report.findings)
    assert got == want
    for f in report.findings:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message)


@pytest.mark.parametrize("old,new,code", [
    ('    "1.1.3":\n      method:', '    "1.1.3":\n      score: 11\n      method:', "GM-E901"),
    ("  report_date: 2023-09-14\n", "  report_date: 2023-09-14\n  stated_verdict: 不达标\n",
     "GM-E911"),
    ("  report_date: 2023-09-14", "  report_date: 2023-10-16", "GM-E908"),
    ('    "1.1.3":\n      method:', '    "1.1.3":\n      not_applicable: true\n      method:',
     "GM-E901"),
])
def test_each_check_stops_the_report_with_a_located_finding(variant, tmp_path, old, new, code):
    path = variant({old: new})
    out = tmp_path / "se.docx"
    result = api.generate("selfeval", path, out)
    found = [f for f in result.report.findings if f.code == code]
    assert found and all(f.location.line for f in found), result.report.findings
    assert not out.exists() and result.blocked


def test_a_self_evaluation_error_stops_that_report_only(variant, tmp_path):
    """The plan and the self-check table do not wait for an unfinished 自评报告."""
    path = variant({("  report_date: 2023-09-14"): "  report_date: 2023-10-16"})  # GM-E908
    result = api.build(path, tmp_path / "out")
    assert any(f.code == "GM-E908" for f in result.report.errors)
    assert list(result.blocked) == ["selfeval"]
    names = [p.name for p in result.written]
    assert any("实施方案" in n for n in names) and any("自查记录表" in n for n in names)
    assert not any("自评报告" in n for n in names)


def test_problem_without_owner_or_with_an_early_deadline(variant):
    path = variant({"  report_date: 2023-09-14\n": "  report_date: 2023-09-14\n  problems:\n"
                    "    - {problem: 标牌褪色, items: [\"1.1.4\"], measure: 更换, deadline: 2023-09-01}\n"})
    report = api.validate(path)
    codes = {f.code for f in report.findings}
    assert {"GM-E906", "GM-E907", "GM-W913"} <= codes


def test_command_line_writes_the_report_and_refuses_bad_input(runner, tmp_path):
    out = tmp_path / "自评.docx"
    res = run_cli(runner, "self-eval", EXAMPLE, "-o", out)
    assert res.code == 0 and out.exists(), res.output
    res = run_cli(runner, "self-eval", FLAWED / "mine.yaml", "-o", tmp_path / "x.docx")
    assert res.code == 1 and "GM-E901" in res.stderr and not (tmp_path / "x.docx").exists()
    missing = run_cli(runner, "self-eval", tmp_path / "none.yaml", "-o", tmp_path / "y.docx")
    assert missing.code == 2 and "Traceback" not in missing.output


def test_an_input_without_the_section_says_so(tmp_path):
    src = EXAMPLE.read_text(encoding="utf-8")
    cut = src[:src.index("\n# 自评报告")] + src[src.index("\nplan:\n"):]
    target = tmp_path / "mine.yaml"
    target.write_text(cut, encoding="utf-8")
    for name in ("photos", "plan"):
        (tmp_path / name).symlink_to(EXAMPLE.parent / name)
    result = api.build(target, tmp_path / "out")
    assert result.written and not any("自评报告" in p.name for p in result.written)
    with pytest.raises(InputError) as e:
        api.generate("selfeval", target, tmp_path / "se.docx")
    assert "自评" in str(e.value)


def test_libreoffice_converts_the_report(libreoffice, tmp_path):
    out = tmp_path / "se.docx"
    result = api.generate("selfeval", EXAMPLE, out, pdf=True)
    pdf = out.with_suffix(".pdf")
    assert pdf in result.written and pdf.read_bytes().startswith(b"%PDF")


def _drop_chapter(doc_path: Path, title: str, target: Path) -> None:
    """A hand-edited copy: the chapter heading ``title`` and everything up to the next
    chapter heading removed."""
    doc = Document(str(doc_path))
    body = doc.element.body
    dropping = False
    for el in list(body):
        text = "".join(t.text or "" for t in el.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
        if text.strip() == title:
            dropping = True
        elif dropping and text.strip() in CHAPTERS:
            dropping = False
        if dropping:
            body.remove(el)
    doc.save(str(target))


def test_check_kind_self_eval_reads_a_report_against_its_own_outline(runner, tmp_path):
    out = tmp_path / "自评报告.docx"
    assert api.generate("selfeval", EXAMPLE, out).written
    res = run_cli(runner, "check", out, "--kind", "self-eval")
    assert res.code == 0 and "错误 0 项" in res.stdout, res.output
    as_plan = run_cli(runner, "check", out)  # the plan's outline: its chapters are missing
    assert as_plan.code == 1
    cut = tmp_path / "缺章.docx"
    _drop_chapter(out, "五、存在问题及整改措施", cut)
    res = run_cli(runner, "check", cut, "--kind", "self-eval", "--format", "json")
    assert res.code == 1
    import json

    found = json.loads(res.stdout)["findings"]
    assert any("存在问题及整改措施" in f["message"] and f["severity"] == "error" for f in found)


def test_a_provinces_own_set_changes_chapter_two(runner, tmp_path):
    """Chapter 二 is generated from the set in use: rename the first-level indicators of an
    exported copy and the report's sections follow (``--set`` through the API)."""
    own = tmp_path / "本省指标.yaml"
    assert run_cli(runner, "indicators", "export", "national-2020-reference", "-o", own).code == 0
    text = own.read_text(encoding="utf-8")
    text = text.replace('id: "national-2020-reference"', 'id: "shanxi-own"')
    text = text.replace("    name: 矿区环境\n", "    name: 矿区环境与矿容矿貌\n")
    text = text.replace("    name: 节能减排\n", "    name: 绿色低碳与节能减排\n")
    own.write_text(text, encoding="utf-8")
    out = tmp_path / "se.docx"
    result = api.generate("selfeval", EXAMPLE, out, set_ref=str(own))
    assert result.written, result.report.findings
    texts = _texts(Document(str(out)))
    two, three = texts.index("二、绿色矿山建设情况"), texts.index("三、先决条件符合情况")
    headings = [t for t in texts[two:three] if t.startswith("（")]
    assert headings[0] == "（一）矿区环境与矿容矿貌" and headings[3] == "（四）绿色低碳与节能减排"
    assert "矿区环境与矿容矿貌自评得分表" in "\n".join(texts)
