"""Moving between indicator sets: the mapping template (indicators map), carrying a scored input
to a new set as a draft (indicators carry) with every item that needs a new judgement listed,
and the committed mapping between the two national reference sets."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLE, run_cli
from greenmine_docs.indicators import load_builtin
from greenmine_docs.indicators.mapping import builtin_mapping_path, load_mapping
from greenmine_docs.indicators.mapping_xlsx import read_mapping_workbook

OLD, NEW = "national-2020-reference", "national-2024-reference"


@pytest.fixture(scope="module")
def committed():
    old, new = load_builtin(OLD), load_builtin(NEW)
    mapping, findings = load_mapping(builtin_mapping_path(OLD, NEW), old, new)
    assert mapping is not None and findings == []
    return old, new, mapping


def test_the_committed_mapping_covers_every_new_item(committed):
    old, new, mapping = committed
    assert list(mapping.items) == list(new.items)
    unmapped = [i for i, olds in mapping.items.items() if not olds]
    assert unmapped == ["B1-2", "D4-1", "E3-2", "E4-1", "E4-2"]
    assert set(mapping.categories) == {c.id for c in old.categories}


def test_map_writes_a_template_prefilled_for_known_sets(runner, tmp_path, committed):
    old, new, mapping = committed
    out = tmp_path / "对应表.xlsx"
    res = run_cli(runner, "indicators", "map", OLD, NEW, "-o", str(out))
    assert res.code == 0, res.output
    wb = openpyxl.load_workbook(out)
    ws = wb["对应关系"]
    assert [c.value for c in ws[1]] == ["编号", "一级指标", "评价内容", "分值", "原编号", "原评价内容（参考）"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert list(rows) == list(new.items)
    assert rows["A1-2"][4].value == "1.1.5、1.1.11" and rows["B1-2"][4].value is None
    assert rows["A1-2"][5].value.startswith("1.1.5 生产、办公、生活区建筑物整洁完好")
    assert wb["_greenmine"].sheet_state == "hidden"
    assert wb["原指标"].max_row == 101
    data = read_mapping_workbook(out)
    assert data["from"] == OLD and data["to"] == NEW
    assert {k: tuple(v) for k, v in data["items"].items()} == mapping.items
    assert data["categories"] == mapping.categories


def _carry(runner, tmp_path, mapping: Path) -> tuple[object, dict]:
    folder = tmp_path / "ex"
    import shutil

    shutil.copytree(EXAMPLE.parent, folder)
    out = folder / "mine-2024.yaml"
    res = run_cli(runner, "indicators", "carry", str(folder / "mine.yaml"), "--mapping",
                  str(mapping), "-o", str(out))
    assert res.code == 0, res.output
    return res, YAML(typ="safe").load(out.read_text(encoding="utf-8")) | {"_text": out.read_text(
        encoding="utf-8")}


def test_carry_scores_the_draft_and_lists_every_item_needing_a_judgement(runner, tmp_path,
                                                                        committed):
    old, new, mapping = committed
    res, data = _carry(runner, tmp_path, builtin_mapping_path(OLD, NEW))
    assert data["campaign"]["indicator_set"] == NEW
    scores = data["assessment"]["scores"]
    # 1.1.2 scored 8 of 15 -> 8/15 of A2-1's 2 points = 1.07 -> one decimal, the 2024 rule
    assert scores["A2-1"]["score"] == 1.1
    assert scores["A2-1"]["deduction_reason"].startswith("西侧运矿道路约1.4公里未硬化")
    assert scores["A2-1"]["suggestion"].startswith("按实施方案硬化西侧运矿道路")
    # several old items: pooled (1.2.1 16/20, 1.2.3 14/14, 1.2.6 10/10 -> 40/44 of 2 = 1.8)
    assert scores["A3-1"]["score"] == 1.8
    # 3.2.3 not applicable (declared), 3.2.4 not applicable (coal only), 3.2.6 8 of 8
    assert scores["C2-2"]["score"] == 2
    assert "1.1.7" in mapping.items["B2-3"] and scores["B2-3"]["score"] == 2
    for ref in ("B1-2", "D4-1", "E3-2", "E4-1", "E4-2"):
        assert ref not in scores and ref not in data["self_check"]["items"]
    w352 = [line for line in res.output.splitlines() if "须重新判定" in line]
    for section in ("第三方评估", "企业自查"):
        listed = {line.split("：", 1)[1].split("“")[0] for line in w352 if section in line}
        assert listed == {"B1-2", "D4-1", "E3-2", "E4-1", "E4-2"}, section
    assert "GM-I353" in res.output and "1.1.8、2.4.1" in res.output
    # problems, plan targets and gaps follow the mapping; the input's comments stay
    problems = data["assessment"]["problems"]
    assert problems[0]["items"] == ["A2-1", "A2-3", "A2-2"]
    assert {g["indicator"] for g in data["plan"]["gaps"]} <= set(new.items)
    assert {t["category"] for t in data["plan"]["tasks"]} <= {c.id for c in new.categories}
    assert "# 第三方评估（评估机构、人员、合同号均为虚构）" in data["_text"]
    assert data["_text"].startswith("# 由 绿色矿山评价指标（2020年版结构·参考） 按对应表转换为")


def test_carry_takes_the_self_evaluation_to_the_new_ids(runner, tmp_path, committed):
    old, new, mapping = committed
    before = YAML().load(EXAMPLE.read_text(encoding="utf-8"))["self_evaluation"]
    res, data = _carry(runner, tmp_path, builtin_mapping_path(OLD, NEW))
    after = data["self_evaluation"]
    # the per-indicator account is keyed by the new first-level ids; 生态修复与环境治理 (E) has
    # no 2020 counterpart, so the draft asks for it
    assert set(after["narrative"]["by_indicator"]) == {mapping.categories[k] for k in
                                                       before["narrative"]["by_indicator"]}
    assert "E" not in after["narrative"]["by_indicator"]
    assert "自评报告中没有一级指标 E" in res.output
    # only the items the self-evaluation itself scored are carried (the rest come from
    # self_check), each under a new id that one of them feeds
    fed = {n for n, olds in mapping.items.items() if set(olds) & set(before["items"])}
    assert fed and set(after["items"]) == fed and set(after["items"]) <= set(new.items)
    for problem in after.get("problems") or []:
        assert set(problem.get("items") or []) <= set(new.items)


def test_carry_with_a_filled_workbook_uses_what_was_filled(runner, tmp_path):
    template = tmp_path / "对应表.xlsx"
    assert run_cli(runner, "indicators", "map", OLD, NEW, "-o", str(template)).code == 0
    wb = openpyxl.load_workbook(template)
    ws = wb["对应关系"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "B1-2")
    row[4].value = "2.1.1"  # the assessor decides: 越界开采 follows 按方案开采
    wb.save(template)
    res, data = _carry(runner, tmp_path, template)
    assert data["assessment"]["scores"]["B1-2"]["score"] == 2
    assert "B1-2“" not in res.output.split("企业自查")[0]


def test_a_mapping_for_other_sets_is_refused(runner, tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("format: greenmine-indicator-mapping/1\nfrom: province-demo\n"
                   f"to: {NEW}\nitems: {{A1-1: [\"1.1.1\"], X9: []}}\n", encoding="utf-8")
    folder = tmp_path / "ex"
    import shutil

    shutil.copytree(EXAMPLE.parent, folder)
    out = folder / "new.yaml"
    res = run_cli(runner, "indicators", "carry", str(folder / "mine.yaml"), "--mapping", str(bad),
                  "-o", str(out))
    assert res.code == 1 and "GM-E350" in res.output and "province-demo" in res.output
    assert "GM-W351" in res.output and "X9" in res.output
    assert not out.exists()


def test_carry_takes_yaml_only_and_never_overwrites(runner, tmp_path):
    res = run_cli(runner, "indicators", "carry", str(tmp_path / "mine.xlsx"), "--mapping",
                  str(builtin_mapping_path(OLD, NEW)), "-o", str(tmp_path / "x.yaml"))
    assert res.code == 2 and "greenmine convert" in res.output
    res = run_cli(runner, "indicators", "carry", str(EXAMPLE), "--mapping",
                  str(builtin_mapping_path(OLD, NEW)), "-o", str(EXAMPLE))
    assert res.code == 2
