"""Checks of the assessment section: team, agency, dates, rulings, scores, photos, problems.

Each test writes a variant of the bundled example (conftest ``variant``) and asserts the finding
codes and where they point (YAML line of the offending value)."""
from __future__ import annotations

from pathlib import Path

import pytest

from greenmine_docs.api import validate

from conftest import EXAMPLE, run_cli


def codes(report, prefix: str = "GM-") -> list[str]:
    return [f.code for f in report.findings if f.code.startswith(prefix)]


def only(report, code: str):
    found = [f for f in report.findings if f.code == code]
    assert found, f"{code} not in {report.codes()}"
    return found


def line_of(path: Path, text: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return i
    raise AssertionError(f"{text!r} not in {path}")


def test_example_assessment_is_clean_and_passes():
    report = validate(EXAMPLE)
    assert not [c for c in codes(report) if c[4] == "5" and c[3] in "EW"], report.codes()
    info = only(report, "GM-I563")[0]
    assert "905.74" in info.message and "达标" in info.message


def test_five_people_with_one_senior_is_a_finding(variant):
    path = variant({
        "{name: 王丽娟, title: 高级工程师, title_level: 高级": "{name: 王丽娟, title: 工程师, title_level: 中级",
        "{name: 陈志强, title: 高级工程师, title_level: 高级": "{name: 陈志强, title: 工程师, title_level: 中级",
        "{name: 张国栋, title: 高级工程师, title_level: 高级": "{name: 张国栋, title: 工程师, title_level: 中级",
        "    - {name: 马文涛, title: 工程师, title_level: 中级, speciality: 测量, role: 成员, full_time: 是, "
        "independence_declared: 是}\n": "",
    })
    report = validate(path)
    assert "GM-E500" not in report.codes()  # five people is enough
    f = only(report, "GM-E502")[0]
    assert "1 人" in f.message and "郭振华" in f.message
    assert f.location.line == line_of(path, "  team:") + 1 or f.location.path == "assessment.team"
    assert not report.valid


def test_team_rules(variant):
    path = variant({
        "{name: 刘晓燕, title: 工程师, title_level: 中级": "{name: 刘晓燕, title: 助理工程师, title_level: 初级",
        "speciality: 采矿, role: 组长, full_time: 是": "speciality: 采矿, role: 组长, full_time: 否",
        "speciality: 选矿, role: 成员, full_time: 否, independence_declared: 是":
            "speciality: 安全, role: 成员, full_time: 否, independence_declared: 否",
    })
    report = validate(path)
    e501 = only(report, "GM-E501")[0]
    assert "刘晓燕" in e501.message and e501.location.line == line_of(path, "name: 刘晓燕")
    assert only(report, "GM-E504")[0].location.line == line_of(path, "name: 郭振华")
    assert only(report, "GM-E506")[0].location.line == line_of(path, "name: 张国栋")
    w505 = only(report, "GM-W505")
    assert [f for f in w505 if "选矿" in f.message] and len(w505) == 1


def test_small_team_and_no_leader(variant):
    text = EXAMPLE.read_text(encoding="utf-8")
    members = [ln for ln in text.splitlines() if ln.startswith("    - {name: ") and "title_level" in ln]
    repl = {m + "\n": "" for m in members[3:]}
    repl["role: 组长"] = "role: 成员"
    report = validate(variant(repl))
    assert "GM-E500" in report.codes()
    assert "GM-E503" in report.codes()


def test_two_leaders(variant):
    report = validate(variant({"speciality: 地质, role: 成员": "speciality: 地质, role: 组长"}))
    f = only(report, "GM-E503")[0]
    assert "2 名组长" in f.message


def test_dates_in_order(variant):
    path = variant({"    start: 2023-09-14\n    end: 2023-09-15":
                    "    start: 2023-09-16\n    end: 2023-09-15",
                    "  report_date: 2023-09-19": "  report_date: 2023-09-12"})
    report = validate(path)
    e510 = only(report, "GM-E510")
    lines = {f.location.line for f in e510}
    # desk review 09-13 ≤ start 09-16 holds; the end is before the start, the report before
    # the end: each finding points at the later date of its pair
    assert lines == {line_of(path, "    end: 2023-09-15"), line_of(path, "  report_date: 2023-09-12")}
    assert all("早于" in f.message for f in e510)


def test_agency_uscc_and_independence(variant):
    report = validate(variant({"uscc: 91140100MA0LJ67K2Y": "uscc: 91140100MA0LJ67K2A"}))
    assert "校验位" in only(report, "GM-E507")[0].message
    report = validate(variant({"uscc: 91140100MA0LJ67K2Y": "uscc: 91141100MA0K7QL3XJ"}))
    assert only(report, "GM-E508")


def test_scores_problems_are_located(variant):
    path = variant({
        '    "1.1.1": 15\n': "",  # unscored
        '    "1.1.5": 12': '    "1.1.5": 13',  # above the item's 12 points
        '    "1.2.2": 12': '    "1.2.2": 10',  # deduction without reason
        '    "1.2.3": 14': '    "1.2.3": 14\n    "9.9.9": 3',  # not in the set
        "remark: 水泥用灰岩破碎后直供水泥厂，不进行选矿，不产生尾矿": "evidence: 无",  # NA without reason
    })
    report = validate(path)
    assert "1.1.1" in only(report, "GM-E522")[0].message
    e524 = only(report, "GM-E524")[0]
    assert e524.location.line == line_of(path, '"1.1.5": 13')
    assert only(report, "GM-E525")[0].location.line == line_of(path, '"1.2.2": 10')
    assert only(report, "GM-E523")[0].location.line == line_of(path, '"9.9.9": 3')
    assert only(report, "GM-W527")[0].location.line == line_of(path, '"3.2.3"')


def test_prerequisite_rules(variant):
    path = variant({
        "    P5: {ruling: 符合, evidence: 文水县自然资源局2023年7月5日叠图核查，矿区不涉及自然保护地}\n": "",
        "    P3: {ruling: 符合, evidence: 2023年9月13日查询矿业权人勘查开采信息公示系统，未列入异常名录}":
            "    P3: 不符合\n    P9: 符合",
    })
    report = validate(path)
    assert "P5" in only(report, "GM-E520")[0].message
    assert only(report, "GM-E521")[0].location.line == line_of(path, "P9: 符合")
    w528 = only(report, "GM-W528")[0]
    assert w528.location.line == line_of(path, "P3: 不符合")
    assert "异常名录" in only(report, "GM-W529")[0].message  # the input says: not on the list


def test_photos_checked_by_content(variant, tmp_path):
    from PIL import Image

    path = variant({"{file: photos/06-green-belt.jpg": "{file: photos/missing.jpg",
                    "{file: photos/02-crusher.jpg": "{file: photos/fake.jpg",
                    "{file: photos/03-truck-wash.jpg": "{file: photos/tiny.jpg",
                    "{file: photos/01-bench.jpg": "{file: photos/really-png.jpg"})
    photos = path.parent / "photos"
    (photos / "fake.jpg").write_text("这不是图片", encoding="utf-8")
    Image.new("RGB", (120, 90), "white").save(photos / "tiny.jpg", format="JPEG")
    Image.open(photos / "07-sign-board.png").save(photos / "really-png.jpg", format="PNG")
    report = validate(path)
    assert only(report, "GM-E540")[0].location.line == line_of(path, "photos/missing.jpg")
    e541 = only(report, "GM-E541")
    assert len(e541) == 1 and e541[0].location.line == line_of(path, "photos/fake.jpg")
    assert "120×90" in only(report, "GM-W543")[0].message
    # a PNG saved under a .jpg name is a readable image: no finding for it
    assert not [f for f in report.findings if "really-png" in f.message]


def test_photo_outside_the_input_folder(variant, tmp_path):
    from PIL import Image

    Image.new("RGB", (800, 600)).save(tmp_path / "secret.png")
    path = variant({"{file: photos/01-bench.jpg": "{file: ../secret.png",
                    "{file: photos/02-crusher.jpg": f"{{file: {tmp_path / 'secret.png'}"})
    found = only(validate(path), "GM-E546")
    assert len(found) == 2 and found[0].location.line == line_of(path, "../secret.png")


def test_huge_photo_is_refused(variant):
    from PIL import Image

    path = variant({"{file: photos/01-bench.jpg": "{file: photos/huge.png"})
    Image.new("1", (8000, 6000)).save(path.parent / "photos" / "huge.png")
    f = only(validate(path), "GM-E542")[0]
    assert "8000×6000" in f.message


def test_photo_numbers_must_exist(variant):
    path = variant({"photos: [7]}": "photos: [7, 12]}"})
    f = only(validate(path), "GM-E544")[0]
    assert "12" in f.message and f.location.line == line_of(path, "photos: [7, 12]")


def test_problem_deadline_and_items(variant):
    path = variant({"      deadline: 2024-05-31\n    - description: 北部": "      deadline: 2023-09-01\n    - description: 北部",
                    'items: ["1.1.2", "1.1.4", "1.1.6"]': 'items: ["1.1.2", "8.8", "1.1.6"]'})
    report = validate(path)
    assert only(report, "GM-W560")[0].location.line == line_of(path, "deadline: 2023-09-01")
    assert "8.8" in only(report, "GM-W561")[0].message


def test_inline_scores_and_sheet_both_given(variant):
    path = variant({"  report_date: 2023-09-19": "  report_date: 2023-09-19\n  score_sheet: 打分表.xlsx"})
    report = validate(path)
    assert only(report, "GM-E530")
    e550 = only(report, "GM-E550")[0]  # the sheet does not exist: located at the input field
    assert e550.location.line == line_of(path, "score_sheet: 打分表.xlsx")


def test_short_forms_and_text_photo_numbers(tmp_path):
    from greenmine_docs.model.assessment import AssessedItem, AssessedPrerequisite

    assert AssessedItem.model_validate("不适用").not_applicable
    assert AssessedItem.model_validate(12).score == 12
    assert AssessedItem.model_validate({"score": 3, "photos": "照片1、3"}).photos == [1, 3]
    assert AssessedPrerequisite.model_validate("不符合").ruling.value == "不符合"
    assert AssessedPrerequisite.model_validate(True).ruling.value == "符合"


def test_cli_validate_exit_code(runner, variant):
    path = variant({"role: 组长": "role: 成员"})
    res = run_cli(runner, "validate", path)
    assert res.code == 1 and "GM-E503" in res.output


@pytest.mark.parametrize("value", ["{{ 7*7 }}", "<b>&amp;</b>"])
def test_odd_text_is_just_text(variant, value):
    report = validate(variant({"    - 筛分车间全封闭": f"    - \"{value}\"\n    - 筛分车间全封闭"}))
    assert report.valid
