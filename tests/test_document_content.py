"""What the documents say (issue 16): citations from data, exact standard titles, claims of
independence only where the input supports them, units with a dimension, official numbering,
numbers as an official writes them, self-check prerequisites from the input, an incomplete
self-check that says only that."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import EXAMPLE, run_cli
from docx_lists import item_formats
from greenmine_docs.api import check, load, validate


def _ctx(path: Path):
    return check(load(path))


def _report(path: Path) -> Document:
    from greenmine_docs.documents.assessment.document import render_report

    return Document(io.BytesIO(render_report(_ctx(path))))


def _text(doc: Document) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _codes(path: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in validate(path).findings:
        out.setdefault(f.code, []).append(f)
    return out


# -- citations ------------------------------------------------------------------------------
def test_the_report_cites_only_data() -> None:
    doc = _report(EXAMPLE)
    text = _text(doc)
    basis = [i for i, p in enumerate(doc.paragraphs) if p.text == "（一）评估依据"][0]
    items = [p.text for p in doc.paragraphs[basis + 1: basis + 5]]
    assert items == [
        "《山西省自然资源厅关于开展省级绿色矿山遴选及实地核查工作的通知》（晋自然资函〔2023〕738号）；",
        "绿色矿山评价指标（2020年版结构·参考）（以下简称“评价指标”）；",
        "《水泥灰岩绿色矿山建设规范》（DZ/T 0318-2018）；",
        "委托合同（LLGH-LSKS-2023-017）及企业提交的自评报告和佐证材料。"]
    assert "注：评分采用的指标为参考指标，以主管部门发布的正式指标为准。" in text
    for invented in ("工作要求", "主管部门2023年度", "行业绿色矿山建设规范》（DZ/T 0318"):
        assert invented not in text
    # the plan cites the standard the same way
    from greenmine_docs.documents.plan.document import render_plan

    plan = _text(Document(io.BytesIO(render_plan(_ctx(EXAMPLE)))))
    assert "《水泥灰岩绿色矿山建设规范》（DZ/T 0318-2018）" in plan


def test_titles_come_from_the_list_never_from_the_sector() -> None:
    from greenmine_docs.citations import builtin
    from greenmine_docs.model import IndustryStandard

    assert "title" not in vars(IndustryStandard) and "sector" not in vars(IndustryStandard)
    by_code = {c.number: c.title for c in builtin()}
    assert by_code["DZ/T 0317-2018"] == "陆上石油天然气开采业绿色矿山建设规范"
    assert by_code["DZ/T 0318-2018"] == "水泥灰岩绿色矿山建设规范"
    assert all(code.value in by_code for code in IndustryStandard)


def test_a_users_list_a_local_standard_and_the_notice_by_number(variant, tmp_path) -> None:
    path = variant({"  notice_title: 山西省自然资源厅关于开展省级绿色矿山遴选及实地核查工作的通知\n": "",
                    "  indicator_set: national-2020-reference\n":
                        "  indicator_set: national-2020-reference\n  citations: 引用.yaml\n",
                    "  industry_standard: DZ/T 0318-2018\n":
                        "  industry_standard: DZ/T 0318-2018\n  local_standards: [DB14/T 2978—2024]\n"})
    (path.parent / "引用.yaml").write_text(
        "format: greenmine-citations/1\ndocuments:\n"
        "  - {title: 吕梁市绿色矿山建设工作方案, number: 吕自然资发〔2023〕12号}\n", encoding="utf-8")
    assert validate(path).valid
    text = _text(_report(path))
    # the notice's title is found by its number in the built-in list; the local standard too
    assert "《山西省自然资源厅关于开展省级绿色矿山遴选及实地核查工作的通知》（晋自然资函〔2023〕738号）" in text
    assert "《绿色矿山建设规范 建筑石料用灰岩矿》（DB14/T 2978—2024）；" in text


def test_unusable_lists_and_unknown_local_standards_are_errors(variant) -> None:
    path = variant({"  indicator_set: national-2020-reference\n":
                    "  indicator_set: national-2020-reference\n  citations: 引用.yaml\n",
                    "  industry_standard: DZ/T 0318-2018\n":
                        "  industry_standard: DZ/T 0318-2018\n  local_standards: [DB99/T 1—2099]\n"})
    (path.parent / "引用.yaml").write_text(
        "format: greenmine-citations/1\ndocuments:\n  - {title: 《带书名号》, numbr: 1}\n",
        encoding="utf-8")
    codes = _codes(path)
    bad_list, = codes["GM-E238"]
    assert "书名号" in bad_list.message and "numbr" in bad_list.message
    unknown, = codes["GM-E239"]
    assert "DB99/T 1—2099" in unknown.message and unknown.location.path.startswith(
        "mine.local_standards")


# -- independence -----------------------------------------------------------------------------
_DECLARED = ("  independence:\n    declared: 是\n    date: 2023-09-05\n    affiliated: 否\n"
             "    fees_from_mine: 否\n    dealings: []\n")
_INDEPENDENT = "与被评估矿山及其采矿权人无隶属关系和利益关系"
_NO_FEES = "不向被评估企业收取任何费用"


def _letter(path: Path) -> str:
    doc = _report(path)
    start = next(i for i, p in enumerate(doc.paragraphs) if p.text == "评估工作承诺书")
    end = next(i for i, p in enumerate(doc.paragraphs) if p.text.startswith("评估机构（盖章）"))
    return "\n".join(p.text for p in doc.paragraphs[start:end])


def test_the_example_claims_what_it_declares() -> None:
    letter = _letter(EXAMPLE)
    assert _INDEPENDENT in letter and _NO_FEES in letter
    assert [line[:2] for line in letter.split("\n")[2:]] == ["一、", "二、", "三、", "四、", "五、"]


def test_the_agency_wrote_the_plan(variant) -> None:
    path = variant({"  compiler: 山西晋岚地质矿产技术咨询有限公司": "  compiler: 山西晋实绿矿技术咨询有限公司"})
    f, = _codes(path)["GM-E515"]
    assert f.location.path == "plan.compiler"
    letter = _letter(path)  # the report of such an input claims no independence
    assert _INDEPENDENT not in letter and _NO_FEES in letter
    assert [line[:2] for line in letter.split("\n")[2:]] == ["一、", "二、", "三、", "四、"]


def test_the_agency_helped_with_the_self_check(variant) -> None:
    path = variant({"  reviewer: 韩志远\n": "  reviewer: 韩志远\n  compiler: 山西晋实绿矿技术咨询有限公司\n"})
    f, = _codes(path)["GM-E516"]
    assert f.location.path == "self_check.compiler"


@pytest.mark.parametrize("day, error", [("2022-10-08", True), ("2024-09-18", True),
                                        ("2022-09-01", False), ("2024-10-01", False)])
def test_business_within_a_year_before_or_after(variant, day: str, error: bool) -> None:
    path = variant({"    dealings: []\n": f"    dealings:\n      - {{date: {day}, content: 储量年报编制}}\n"})
    found = _codes(path).get("GM-E517", [])
    assert bool(found) is error
    if error:
        assert "储量年报编制" in found[0].message and \
            found[0].location.path.startswith("assessment.independence.dealings")


def test_without_a_declaration_nothing_is_claimed(variant) -> None:
    path = variant({_DECLARED: ""})
    w, = _codes(path)["GM-W518"]
    assert "独立性声明" in w.message
    letter = _letter(path)
    assert _INDEPENDENT not in letter and _NO_FEES not in letter
    text = _text(_report(path))
    assert "评估机构未向被评估企业收取任何费用" not in text


def test_fees_from_the_mine(variant) -> None:
    path = variant({"    fees_from_mine: 否\n": "    fees_from_mine: 是\n"})
    f, = _codes(path)["GM-E519"]
    assert "收取费用" in f.message


# -- units carry a dimension ------------------------------------------------------------------
@pytest.mark.parametrize("old, new, label", [
    ("  remaining:\n    value: 2460\n    unit: 万吨\n", "  remaining:\n    value: 2460\n    unit: 万吨/年\n",
     "剩余可采储量"),
    ("  annual_production:\n    value: 118\n    unit: 万吨/年\n",
     "  annual_production:\n    value: 118\n    unit: 万吨\n", "年开采量"),
    ("      value: 120\n      unit: 万吨/年\n", "      value: 120\n      unit: 万吨\n", "生产规模"),
    ("  remaining:\n    value: 2460\n    unit: 万吨\n", "  remaining:\n    value: 2460\n    unit: 公顷\n",
     "剩余可采储量"),
])
def test_a_unit_of_the_wrong_dimension_is_an_error(variant, old: str, new: str,
                                                   label: str) -> None:
    path = variant({old: new})
    f, = _codes(path)["GM-E116"]
    assert label in f.message and f.severity.value == "error"
    assert f.location.path.endswith(".unit")


def test_the_workbook_hint_for_reserves_is_a_stock() -> None:
    from greenmine_docs.excel_input.layout import input_layout

    leaves = {leaf.label: leaf for form in input_layout().forms for leaf in form.leaves}
    stock = next(v for k, v in leaves.items() if "剩余可采储量" in k and "单位" in k)
    rate = next(v for k, v in leaves.items() if "年开采量" in k and "单位" in k)
    assert stock.example == "万吨" and rate.example == "万吨/年"


# -- numbering and numbers ----------------------------------------------------------------------
def test_plan_lists_continue_the_heading_numbers() -> None:
    from greenmine_docs.documents.plan.document import render_plan

    doc = Document(io.BytesIO(render_plan(_ctx(EXAMPLE))))
    formats = dict((text, fmt) for text, _, fmt in item_formats(doc))
    assert formats["《中华人民共和国矿产资源法》；"] == "（%1）"  # under “1.法律法规”
    assert formats["剥离废石利用途径单一，仅少量用于矿区道路铺垫；"] == "（%1）"  # a “- ” list
    # no author numbers left in the text, no bullets
    assert not any(t.startswith(("1.", "- ", "●")) for t in formats)


def test_numbers_as_an_official_writes_them() -> None:
    text = _text(_report(EXAMPLE))
    assert "0.8625平方千米" in text and "0.86 " not in text
    assert "评估组由6人组成" in text and "120万吨/年" in text
    assert "折算总得分905.74分" in text


def test_self_check_scores_show_two_decimals(tmp_path) -> None:
    res = run_cli_selfcheck(tmp_path)
    ws = load_workbook(res)["自查记录表"]
    formats = {ws.cell(row=r, column=6).number_format for r in range(1, ws.max_row + 1)
               if isinstance(ws.cell(row=r, column=6).value, str)
               and ws.cell(row=r, column=6).value.startswith("=")}
    assert formats == {"0.00"}


def run_cli_selfcheck(tmp_path: Path) -> Path:
    from greenmine_docs.api import generate

    out = tmp_path / "自查.xlsx"
    generate("selfcheck", EXAMPLE, out)
    return out


# -- self-check prerequisites and an incomplete self-check -----------------------------------
def test_prerequisites_are_filled_from_the_input(tmp_path) -> None:
    ws = load_workbook(run_cli_selfcheck(tmp_path))["自查记录表"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    situation = {p: ws.cell(row=rows[p], column=7).value for p in ("P1", "P2", "P3", "P4", "P5")}
    assert "C1411002011031120107654" in situation["P1"] and "2029年6月12日" in situation["P1"]
    assert situation["P2"].startswith("2021年5月环保处罚")  # the enterprise's own note wins
    assert "未被列入" in situation["P3"]
    assert "2460万吨" in situation["P4"] and "可采约20.8年" in situation["P4"]
    assert "文水县自然资源局" in situation["P5"] and "叠图核查" in situation["P5"] and \
        "2023年7月5日" in situation["P5"]


def test_an_incomplete_self_check_says_only_that(variant, tmp_path) -> None:
    from greenmine_docs.api import generate

    # the self-check alone: with a self_evaluation section the unscored item is also that
    # report's error (GM-E902), which stops every document whose policy is "any error"
    text = EXAMPLE.read_text(encoding="utf-8")
    section = text[text.index("\n# 自评报告"):text.index("\nplan:\n")]
    path = variant({'    "1.1.1": {score: 15, situation:': '    "1.1.1": {situation:',
                    section: ""})
    out = tmp_path / "自查.docx"
    generate("selfcheck", path, out)
    doc = Document(str(out))
    row = next(r for table in doc.tables[1:] for r in table.rows  # the table is paged
               if r.cells[0].text == "自查结论")
    cells = [c.text for c in row.cells]
    assert "未完成" in cells
    explanation = cells[-1]
    assert explanation.startswith("评分尚未完成，暂不能得出结论。") and "1.1.1" in explanation
    assert "达标线" not in explanation and "得分" not in explanation.replace("未评分", "")


# -- the sample list, the starting project ------------------------------------------------------
def test_sample_title_year_from_the_campaign(tmp_path) -> None:
    from fixtures.officials.helpers import synthetic_list, write_list
    from greenmine_docs.officials.sample_run import run_sample

    src = write_list(tmp_path / "名录.xlsx", synthetic_list())
    for kw, title in (({"year": 2023}, "2023年绿色矿山实地核查名单"),
                      ({"date": dt.date(2024, 9, 1)}, "2024年绿色矿山实地核查名单"),
                      ({}, "绿色矿山实地核查名单")):
        out = tmp_path / f"样本{len(kw)}{title[:4]}.xlsx"
        run_sample(src, out, seed=5, **kw)
        assert load_workbook(out)["核查名单"]["A1"].value == title


def test_init_offers_the_coal_example(runner, tmp_path) -> None:
    res = run_cli(runner, "init", str(tmp_path / "煤矿"), "--example", "inner-mongolia-coal")
    assert res.code == 0, res.output
    report = validate(tmp_path / "煤矿" / "mine.yaml")
    assert report.valid and not report.warnings
    assert (tmp_path / "煤矿" / "citations.yaml").exists()
    assert load(tmp_path / "煤矿" / "mine.yaml").submission.mine.licence.method.value == "地下开采"


def test_an_official_set_is_cited_with_its_title_and_number(variant) -> None:
    """A province's own indicator table (official) is cited as 《title》（number）, and the
    reference-set note disappears."""
    import yaml

    from greenmine_docs.indicators import resolve
    from greenmine_docs.indicators.dump import to_data

    data = to_data(resolve("national-2020-reference"))
    data.update(id="demo-official", title="示例省绿色矿山建设评价指标", official=True,
                document_number="示自然资发〔2024〕1号")
    path = variant({"  indicator_set: national-2020-reference":
                    "  indicator_set: 示例省指标.yaml"})
    (path.parent / "示例省指标.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                             encoding="utf-8")
    assert validate(path).valid
    text = _text(_report(path))
    assert "《示例省绿色矿山建设评价指标》（示自然资发〔2024〕1号）（以下简称“评价指标”）；" in text
    assert "参考指标" not in text
