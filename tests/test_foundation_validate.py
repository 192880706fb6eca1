"""The foundation: validating the example, the flawed examples, eligibility and consistency."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from conftest import EXAMPLE, EXAMPLES, run_cli
from greenmine_docs.api import validate
from greenmine_docs.findings import Severity


def test_example_validates_without_errors_or_warnings():
    report = validate(EXAMPLE)
    assert report.valid
    assert not report.errors and not report.warnings, [str(f) for f in report.findings]


@pytest.mark.parametrize("name", ["flawed-eligibility", "flawed-format"])
def test_flawed_examples_produce_exactly_their_written_findings(name):
    folder = EXAMPLES / name
    expected = yaml.safe_load((folder / "expected-findings.yaml").read_text(encoding="utf-8"))
    want = sorted((f["code"], f["path"], f["line"]) for f in expected["findings"])
    report = validate(folder / "mine.yaml")
    got = sorted((f.code, f.location.path, f.location.line) for f in report.findings)
    assert got == want
    assert not report.valid


def test_every_finding_has_chinese_message_hint_and_location():
    report = validate(EXAMPLES / "flawed-format" / "mine.yaml")
    for f in report.findings:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message), f
        assert f.location.file and f.location.line and f.location.column, f
        if f.severity is not Severity.INFO:
            assert f.hint, f


def test_unknown_key_suggests_closest(variant):
    path = variant({"  legal_representative:": "  legal_represntative:"})
    report = validate(path)
    typo = [f for f in report.findings if f.code == "GM-E102"]
    assert len(typo) == 1 and "legal_representative" in typo[0].hint
    assert (typo[0].location.line, typo[0].location.column) == (21, 3)


def test_json_output_has_stable_keys(runner):
    res = run_cli(runner, "validate", str(EXAMPLES / "flawed-format" / "mine.yaml"),
                  "--format", "json")
    assert res.code == 1
    data = json.loads(res.stdout)
    assert set(data) >= {"valid", "findings"} and data["valid"] is False
    for f in data["findings"]:
        assert set(f) == {"code", "severity", "message", "hint", "location"}
        assert f["severity"] in {"error", "warning", "info"}


def test_text_output_groups_by_severity(runner):
    res = run_cli(runner, "validate", str(EXAMPLES / "flawed-format" / "mine.yaml"))
    assert res.code == 1
    assert res.stdout.index("【错误】") < res.stdout.index("【警告】")
    assert "flawed-format/mine.yaml:19:9" in res.stdout
    assert "结论：未通过" in res.stdout


def test_strict_makes_warnings_fail(runner, variant):
    path = variant({"    phone: 0358-3021166": "    phone: 3021166"})
    assert run_cli(runner, "validate", str(path)).code == 0
    assert run_cli(runner, "validate", str(path), "--strict").code == 1


def test_as_of_changes_the_reference_date(runner):
    # the licence runs to 2029-06-12: valid in 2023, expired in 2030, close to expiry in 2029
    assert run_cli(runner, "validate", str(EXAMPLE), "--as-of", "2030-01-01").code == 1
    late = validate(EXAMPLE, as_of=dt.date(2029, 1, 10))
    assert "GM-W202" in late.codes() and "GM-E201" not in late.codes()
    res = run_cli(runner, "validate", str(EXAMPLE), "--as-of", "2023-13-01")
    assert res.code == 2 and "2023-09-20" in res.output


def test_remaining_years_computed_with_unit_conversion(variant):
    # 2460 万吨 = 24 600 000 吨; 118 万吨/年 written as 1 180 000 吨/年: same 20.8 years
    path = variant({"    value: 118\n    unit: 万吨/年": "    value: 1180000\n    unit: 吨/年"})
    report = validate(path)
    assert "GM-E207" not in report.codes() and "GM-W208" not in report.codes()
    path = variant({"    value: 2460\n    unit: 万吨": "    value: 2460\n    unit: 万立方米"})
    assert "GM-E114" in validate(path).codes()


def test_penalty_older_than_three_years_does_not_count(variant):
    path = variant({"      rectified: true\n      rectified_date: 2021-08-30\n":
                    "      rectified: false\n", "    - date: 2021-05-18": "    - date: 2020-05-18"})
    assert "GM-E203" not in validate(path).codes()
    path = variant({"      rectified: true\n      rectified_date: 2021-08-30\n":
                    "      rectified: false\n"})
    assert "GM-E203" in validate(path).codes()


def test_other_department_penalty_is_only_info(variant):
    path = variant({"      rectified: true\n      rectified_date: 2021-08-30\n":
                    "      rectified: false\n", "      department: 生态环境": "      department: 其他"})
    report = validate(path)
    assert "GM-E203" not in report.codes() and "GM-I204" in report.codes()


def test_rectified_before_penalty_is_an_error(variant):
    path = variant({"      rectified_date: 2021-08-30": "      rectified_date: 2021-01-30"})
    assert "GM-E221" in validate(path).codes()


def test_new_mine_needs_one_year_of_production(variant):
    path = variant({"  status: 生产矿山\n  production_start: 2012-04-01":
                    "  status: 新建矿山\n  production_start: 2022-06-01"})
    assert "GM-E211" not in validate(path).codes()
    path = variant({"  status: 生产矿山\n  production_start: 2012-04-01": "  status: 新建矿山"})
    assert "GM-E212" in validate(path).codes()


def test_scale_class_and_overproduction(variant):
    path = variant({"  scale_class: 大型": "  scale_class: 小型"})
    assert "GM-W225" in validate(path).codes()
    path = variant({"    value: 118\n": "    value: 150\n"})
    assert "GM-W226" in validate(path).codes()


def test_chinese_yes_no_accepted(variant):
    path = variant({"  abnormal_list: false": "  abnormal_list: 否",
                    "  operating_normally: true": "  operating_normally: 是"})
    report = validate(path)
    assert report.valid and not report.warnings


def test_placeholders_and_empty_text(variant):
    path = variant({"  address: 山西省吕梁市文水县凤城镇青岚路18号": "  address: 山西省某某县【待填】",
                    "    email: qinglan_mine@example.com": '    email: ""',
                    "  legal_representative: 韩志远": '  legal_representative: "  "'})
    report = validate(path)
    codes = report.codes()
    assert codes.count("GM-E120") == 1 and "GM-W122" in codes and "GM-E121" in codes
