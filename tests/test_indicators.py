"""Indicator sets: built-in data, YAML loading with located findings, resolution, dump."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from greenmine_docs.errors import ConfigError
from greenmine_docs.indicators import builtin_ids, load_builtin, load_file, resolve, try_resolve
from greenmine_docs.indicators.build import build_set
from greenmine_docs.indicators.dump import to_data, to_yaml
from greenmine_docs.model.enums import IndustryStandard

GOOD = """\
format: greenmine-indicator-set/1
id: tiny
title: 小型测试指标
official: true
total_points: 30
pass_line: 24
min_ratio: 0.5
prerequisites:
  - {id: P1, text: 证照有效, fact: licences_valid}
categories:
  - id: "A"
    name: 环境
    points: 20
    groups:
      - id: "A1"
        name: 矿容
        points: 20
        items:
          - {id: A1-1, text: 道路硬化, points: 12}
          - {id: A1-2, text: 井下整洁, points: 8, applies_to: {methods: [地下开采]}}
  - id: "B"
    name: 管理
    points: 10
    min_ratio: 0.8
    groups:
      - id: "B1"
        name: 制度
        points: 10
        items:
          - {id: B1-1, text: 制度健全, points: 10}
"""


def write(tmp_path: Path, text: str, name: str = "set.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_reference_set_has_the_published_structure():
    s = load_builtin("national-2020-reference")
    assert s.counts() == {"prerequisites": 5, "categories": 6, "groups": 24, "items": 100}
    assert (s.total_points, s.pass_line, s.min_ratio) == (1000, 800, 0.75)
    assert not s.official and "参考" in s.display_title and s.reference_notice
    names = [(c.name, c.points) for c in s.categories]
    assert names[:2] == [("矿区环境", 220), ("资源开发方式", 220)]
    assert sum(p for _, p in names[2:]) == 560
    assert [c.name for c in s.categories[2:]] == ["资源综合利用", "节能减排", "科技创新与智能矿山",
                                                 "企业管理与企业形象"]
    assert [g.name for g in s.categories[0].groups] == ["矿容矿貌", "矿区绿化"]
    assert len(s.categories[0].items) == 17
    assert [g.name for g in s.categories[1].groups] == ["资源开采", "选矿加工",
                                                       "矿山环境恢复治理与土地复垦", "环境管理与监测"]
    assert len(s.categories[1].items) == 15
    assert [g.name for g in s.categories[2].groups] == ["共伴生资源综合利用", "固废处置与综合利用",
                                                       "废水处置与综合利用"]
    assert all(p.fact for p in s.prerequisites)
    for item in s.iter_items():
        assert item.text and item.method and item.evidence, item.id


@pytest.mark.parametrize("set_id", builtin_ids())
def test_every_builtin_loads_clean_and_round_trips(set_id, tmp_path):
    s = load_builtin(set_id)
    path = Path(__file__).resolve().parents[1] / "greenmine_docs/indicators/sets" / f"{set_id}.yaml"
    again, findings = load_file(path)
    assert findings == [] and again is not None
    rebuilt, findings = build_set(to_data(s), lambda p: None)  # type: ignore[arg-type,return-value]
    assert findings == [] and rebuilt.categories == s.categories
    assert rebuilt.prerequisites == s.prerequisites
    out = write(tmp_path, "", "dump.yaml")
    out.write_text(to_yaml(s), encoding="utf-8")
    loaded, findings = load_file(out)
    assert findings == [] and loaded.categories == s.categories
    if not s.official:
        assert "参考" in out.read_text(encoding="utf-8").splitlines()[1]


def test_province_demo_is_clearly_a_demo():
    s = load_builtin("province-demo")
    assert "演示" in s.title and not s.official and "参考" in s.display_title
    assert s.categories[0].min_ratio == 0.7 and s.categories[1].min_ratio == 0.6


def test_good_file_loads(tmp_path):
    s, findings = load_file(write(tmp_path, GOOD))
    assert findings == []
    assert s.official and s.display_title == "小型测试指标"
    assert s.items["A1-2"].applies_to.methods == ("地下开采",)
    assert s.categories[1].min_ratio == 0.8 and s.categories[0].min_ratio == 0.5


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_duplicate_ids_are_located(tmp_path):
    text = GOOD.replace("{id: B1-1, text: 制度健全", "{id: A1-1, text: 制度健全")
    s, findings = load_file(write(tmp_path, text))
    assert s is None
    dup = [f for f in findings if f.code == "GM-E302"]
    assert len(dup) == 1
    assert dup[0].location.line == _line_of(text, "制度健全")
    assert "A1-1" in dup[0].message and f":{_line_of(text, '道路硬化')}" in dup[0].message


def test_points_that_do_not_add_up_are_located_at_each_level(tmp_path):
    text = GOOD.replace("{id: A1-1, text: 道路硬化, points: 12}", "{id: A1-1, text: 道路硬化, points: 11}")
    s, findings = load_file(write(tmp_path, text))
    assert s is None and codes(findings) == ["GM-E303"]
    f = findings[0]
    assert "矿容" in f.message and "20" in f.message and "19" in f.message
    assert f.location.line == _line_of(text, "points: 20") + 4  # the group's points line
    # a first-level indicator and the total
    text2 = GOOD.replace("total_points: 30", "total_points: 35")
    s, findings = load_file(write(tmp_path, text2, "b.yaml"))
    assert codes(findings) == ["GM-E303"] and findings[0].location.line == _line_of(text2, "total_points")


def test_pass_line_and_ratios(tmp_path):
    text = GOOD.replace("pass_line: 24", "pass_line: 40").replace("min_ratio: 0.8", "min_ratio: 80")
    s, findings = load_file(write(tmp_path, text))
    assert s is None
    by = {f.code: f for f in findings}
    assert by["GM-E304"].location.line == _line_of(text, "pass_line")
    assert by["GM-E305"].location.line == _line_of(text, "min_ratio: 80")
    assert "0.8" in by["GM-E305"].hint


def test_structure_errors(tmp_path):
    text = GOOD.replace("official: true\n", "").replace("{id: B1-1, text: 制度健全, points: 10}",
                                                        "{id: B1-1, txt: 制度健全, points: 十}")
    s, findings = load_file(write(tmp_path, text))
    assert s is None
    messages = " ".join(f.message for f in findings)
    assert "official" in messages and "未知字段“txt”" in messages and "应是数字" in messages
    assert all(f.location.file for f in findings)
    assert any(f.location.line == _line_of(text, "txt:") for f in findings)


def test_float_ids_are_refused(tmp_path):
    text = GOOD.replace('id: "A1"', "id: 1.1")
    _, findings = load_file(write(tmp_path, text))
    f = next(f for f in findings if "小数" in f.message)
    assert f.code == "GM-E301" and f.location.line == _line_of(text, "id: 1.1")


def test_unknown_standard_is_a_warning(tmp_path):
    text = GOOD.replace("applies_to: {methods: [地下开采]}", "applies_to: {standards: [DZ/T 9999]}")
    s, findings = load_file(write(tmp_path, text))
    assert s is not None and codes(findings) == ["GM-W308"]
    assert findings[0].location.line == _line_of(text, "DZ/T 9999")


def test_yaml_syntax_and_duplicate_keys(tmp_path):
    _, findings = load_file(write(tmp_path, "id: x\ntitle: [未闭合\n"))
    assert codes(findings) == ["GM-E300"] and findings[0].location.line
    _, findings = load_file(write(tmp_path, "id: x\nid: y\n", "dup.yaml"))
    assert codes(findings) == ["GM-E300"] and findings[0].location.line == 2


def test_resolve_builtin_path_and_unknown(tmp_path):
    assert resolve("national-2020-reference").id == "national-2020-reference"
    write(tmp_path, GOOD, "mine-set.yaml")
    assert resolve("mine-set.yaml", tmp_path).id == "tiny"
    s, findings = try_resolve("no-such-set", tmp_path)
    assert s is None and codes(findings) == ["GM-E306"]
    s, findings = try_resolve("sets/missing.yaml", tmp_path)
    assert s is None and "不存在" in findings[0].message
    with pytest.raises(ConfigError) as e:
        resolve("no-such-set")
    assert "no-such-set" in str(e.value)
    bad = write(tmp_path, GOOD.replace("pass_line: 24", "pass_line: 99"), "bad.yaml")
    with pytest.raises(ConfigError) as e:
        resolve(str(bad))
    assert "达标线" in str(e.value) and f"{bad}:" in str(e.value)


def test_applicability():
    s = load_builtin("national-2020-reference")
    from greenmine_docs.indicators import MineProfile

    coal_ug = MineProfile(IndustryStandard.COAL.value, "地下开采")
    assert s.items["3.1.5"].applies(coal_ug) and s.items["1.1.8"].applies(coal_ug)
    assert not s.items["1.1.7"].applies(coal_ug)
    assert s.items["1.1.7"].applies(MineProfile(None, None))  # unknown never excludes
    assert s.items["1.1.7"].applies(None)
