"""Plan checks before generating: each rule on a variant of the example, located findings."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from greenmine_docs.api import validate

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "shanxi-limestone"


def plan_variant(tmp_path: Path, mutate, name: str = "v") -> Path:
    """A copy of the example whose parsed data went through ``mutate(data, folder)``."""
    folder = tmp_path / name
    shutil.copytree(EXAMPLE_DIR, folder)
    path = folder / "mine.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data, folder)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plan_findings(path: Path):
    return [f for f in validate(path) if f.code[4] == "4"]


def codes(path: Path) -> list[str]:
    return sorted(f.code for f in plan_findings(path))


def test_example_plan_is_clean():
    assert plan_findings(EXAMPLE_DIR / "mine.yaml") == []


def test_required_section_missing_and_unknown_key(tmp_path):
    def mutate(d, _):
        n = d["plan"]["narrative"]
        n["economic_benefit_typo"] = n.pop("economic_benefit")
        del n["purpose"]

    found = plan_findings(plan_variant(tmp_path, mutate))
    assert sorted(f.code for f in found) == ["GM-E401", "GM-E401", "GM-W408"]
    msgs = " ".join(f.message for f in found)
    assert "经济效益" in msgs and "编制目的" in msgs and "economic_benefit_typo" in msgs
    typo = next(f for f in found if f.code == "GM-W408")
    assert typo.location.line and typo.location.path == "plan.narrative.economic_benefit_typo"


def test_investment_total_funding_and_by_year(tmp_path):
    def mutate(d, _):
        d["plan"]["total_investment"] = 1800.0
        d["plan"]["tasks"][4]["by_year"] = {2024: 100.0, 2025: 100.0}

    found = plan_findings(plan_variant(tmp_path, mutate))
    by = {f.code: f for f in found}
    assert set(by) == {"GM-E402", "GM-W410", "GM-E414"}
    assert "1,818.50" in by["GM-E402"].message and "+18.50" in by["GM-E402"].message
    assert by["GM-E402"].location.path == "plan.total_investment"
    assert by["GM-E414"].location.path == "plan.tasks[4].by_year"


def test_tasks_and_milestones_outside_the_period(tmp_path):
    def mutate(d, _):
        d["plan"]["tasks"][0]["start"] = "2023-08"
        d["plan"]["tasks"][1]["end"] = "2024-01"  # before its start 2024-03
        d["plan"]["milestones"][0]["date"] = "2026-03"

    found = plan_findings(plan_variant(tmp_path, mutate))
    assert sorted(f.code for f in found) == ["GM-E403", "GM-E403", "GM-W413"]
    paths = {f.location.path for f in found}
    assert {"plan.tasks[0].start", "plan.tasks[1].end", "plan.milestones[0].date"} == paths


def test_every_first_level_indicator_needs_a_task_or_a_reason(tmp_path):
    def move(d, _):
        for t in d["plan"]["tasks"]:
            if t["category"] == "6":
                t["category"] = "企业管理与企业形象x"

    found = plan_findings(plan_variant(tmp_path, move, "a"))
    assert sorted(f.code for f in found) == ["GM-E404", "GM-W411", "GM-W411"]
    assert "6 企业管理与企业形象" in next(f for f in found if f.code == "GM-E404").message

    def with_reason(d, folder):
        move(d, folder)
        d["plan"]["tasks"] = [t for t in d["plan"]["tasks"] if t["category"] != "企业管理与企业形象x"]
        d["plan"]["total_investment"] = 1753.50
        d["plan"]["funding"][0]["amount"] = 1353.50
        d["plan"]["no_task_reasons"] = {"企业管理与企业形象": "已通过管理体系认证，现状满足要求。"}

    assert codes(plan_variant(tmp_path, with_reason, "b")) == []


def test_targets_in_the_future_and_in_the_period(tmp_path):
    def mutate(d, _):
        d["plan"]["targets"][0]["year"] = 2022
        d["plan"]["targets"][1]["year"] = 2027
        d["plan"]["gaps"][0]["indicator"] = "9.9.9"
        d["plan"]["date"] = "2023-12-01"

    assert codes(plan_variant(tmp_path, mutate)) == ["GM-E405", "GM-W412", "GM-W415", "GM-W416"]


def test_numbers_in_narrative_contradicting_facts(tmp_path):
    def mutate(d, folder):
        n = d["plan"]["narrative"]
        n["licence"] += "\n矿区面积0.95平方千米，设计生产规模为150万吨/年，年产量118万吨。"
        n["environment"] += "\n矿区面积86.25公顷，生产规模120万吨/年。"  # both agree
        md = folder / "plan" / "exploitation.md"
        md.write_text(md.read_text(encoding="utf-8").replace("剩余", "剩余") +
                      "\n\n剩余可采储量约3000万吨。\n", encoding="utf-8")

    found = plan_findings(plan_variant(tmp_path, mutate))
    assert sorted(f.code for f in found) == ["GM-W406"] * 3
    msgs = [f.message for f in found]
    assert any("0.95平方千米" in m and "0.8625" in m for m in msgs)
    assert any("150万吨/年" in m for m in msgs)
    in_file = next(f for f in found if "3000万吨" in f.message)
    assert in_file.location.file.endswith("exploitation.md") and in_file.location.line > 1


def test_narrative_files_that_cannot_be_used(tmp_path):
    def mutate(d, _):
        d["plan"]["narrative"]["basis"] = "plan/missing.md"
        d["plan"]["narrative"]["supervision"] = "../../secret.md"

    found = plan_findings(plan_variant(tmp_path, mutate))
    assert sorted(f.code for f in found) == ["GM-E407", "GM-E407"]
    text = " ".join(f.message for f in found)
    assert "不存在" in text and "目录之外" in text


def test_indicator_set_unavailable_is_a_note_not_a_crash(tmp_path):
    def mutate(d, _):
        d["campaign"]["indicator_set"] = "no-such-set"

    found = plan_findings(plan_variant(tmp_path, mutate))
    assert [f.code for f in found] == ["GM-I409"]
