"""Process records (domain.md §3): how each item was checked, what was found, why points were
deducted and what to do, concretely; checked licences and penalties in full; the report's
问题与建议 chapter built from the records, grouped by first-level indicator."""
from __future__ import annotations

import pytest
from docx import Document

from conftest import EXAMPLE
from greenmine_docs import api
from greenmine_docs.documents.assessment.records import vague_word


@pytest.mark.parametrize("text, word", [
    ("标识标牌偏少", "偏少"), ("绿化较差", "较差"), ("管理不规范", "不规范"), ("降尘措施不到位", "不到位"),
    ("办公区至采场沿线2块安全警示牌褪色", None), ("东侧运矿道路洒水降尘不到位", None),
    ("北部排土场1245平台约0.6公顷未覆土绿化", None), ("", None), ("料场苫盖不规范", None)])
def test_a_reason_is_vague_when_it_names_no_object_place_or_amount(text, word):
    assert vague_word(text) == word


def line_of_text(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def _codes(path, code):
    return [f for f in api.validate(path).findings if f.code == code]


def test_the_example_keeps_concrete_records_and_validates_clean():
    report = api.validate(EXAMPLE)
    assert not [f for f in report.findings if f.severity.value != "info"]


def test_vague_reason_is_a_warning_at_the_reason(variant):
    path = variant({"deduction_reason: 成品料场东侧一处碎石露天堆存，未苫盖":
                    "deduction_reason: 物料堆放不规范"})
    found = _codes(path, "GM-W534")
    assert len(found) == 1 and found[0].message.startswith("1.1.6")
    assert "不规范" in found[0].message
    assert found[0].location.line == line_of_text(path, "物料堆放不规范")


def test_deduction_without_suggestion_is_a_warning(variant):
    path = variant({", suggestion: 按设计将1225平台以上超高台阶分层削坡，台阶高度控制在15米以内": ""})
    found = _codes(path, "GM-W535")
    assert [f.message for f in found] == ["2.1.2 扣3分，但没有整改建议。"]


def test_licence_expired_before_the_visit_and_incomplete_penalty(variant):
    path = variant({"valid_to: 2024-03-07}": "valid_to: 2023-08-31}",
                    "      kind: 罚款\n": ""})
    (expired,) = _codes(path, "GM-W536")
    assert "安全生产许可证" in expired.message and "2023-08-31" in expired.message
    (penalty,) = _codes(path, "GM-W537")
    assert "吕环文罚〔2021〕17号" in penalty.message and "处罚种类" in penalty.message


def test_licence_needs_number_issuer_and_validity(variant):
    path = variant({", issuer: 山西省应急管理厅, valid_from: 2021-03-08, valid_to: 2024-03-07}": "}"})
    errors = [f for f in api.validate(path).findings if f.severity.value == "error"]
    assert errors and all("licences" in str(f.location) for f in errors)
    assert any("发证机关" in f.message for f in errors) and any("有效期止" in f.message
                                                               for f in errors)


def test_check_method_is_one_of_three(variant):
    path = variant({"      check_method: 现场\n      observation: 沿主干道":
                    "      check_method: 电话\n      observation: 沿主干道"})
    errors = [f for f in api.validate(path).findings if f.severity.value == "error"]
    (error,) = errors
    assert error.code == "GM-E104" and error.location.path.endswith("1.1.2.check_method")
    assert "资料" in error.hint and "问询" in error.hint


def test_report_problems_are_grouped_by_first_level_indicator(tmp_path):
    out = tmp_path / "报告.docx"
    assert api.generate("report", EXAMPLE, out).written == [out]
    doc = Document(out)
    paras = [p.text for p in doc.paragraphs]
    def at(title: str, after: int = 0) -> int:  # a chapter heading such as 六、评估结论
        return next(i for i, p in enumerate(paras) if i >= after and p.endswith(title)
                    and len(p) <= len(title) + 2)

    start = at("存在问题及整改建议")
    assert at("评估结论", start) > start  # the conclusions chapter follows the problems
    run = api.check(api.load(EXAMPLE))
    deducted = run.scores.assessment.result.deducted_items
    body = "".join(doc.element.body.itertext())
    assert f"评估组逐项核查，{len(deducted)}项评价内容有扣分。按一级指标列出" in body
    categories = {r.item.category_id for r in deducted}
    names = [c.name for c in run.indicator_set.categories if c.id in categories]
    parts = [t for t in doc.tables
             if [c.text for c in t.rows[0].cells] == ["编号", "评价内容", "扣分", "存在问题", "整改建议"]]
    lines = [[c.text for c in r.cells] for t in parts for r in t.rows[1:]]
    # a row naming each first-level indicator (merged across the table), then its items
    groups = [cells[0] for cells in lines if len(set(cells)) == 1]
    assert [g.split("（")[0] for g in groups] == names
    assert groups[0] == "矿区环境（5项，共扣19分）"
    order = [cells[0] for cells in lines if len(set(cells)) > 1]
    assert order == [r.item.id for r in deducted]
    rows = {cells[0]: cells for cells in lines if len(set(cells)) > 1}
    assert rows["1.1.2"][2:] == ["7", "西侧运矿道路约1.4公里未硬化；K0+300～K0+450段有洒落物",
                                 "按实施方案硬化西侧运矿道路，K0+300～K0+450段增设洒水清扫"]
    assert rows["1.1.6"][4] == "见“主要问题及整改期限”第1项"
    # the checked licences and the penalty, in full
    tables = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["证照名称", "编号", "发证机关", "有效期"] in tables
    pen = next(t for t in doc.tables if t.rows[0].cells[0].text == "决定书文号及处罚机关")
    cells = [c.text for c in pen.rows[1].cells]
    assert "吕环文罚〔2021〕17号" in cells[0] and cells[1] == "罚款" and cells[2] == "2021年5月18日"
    assert "已整改到位（2021年8月30日）" in cells[5]
