"""The bundled example on the 2024 reference set: the 2020-scored example carried with the
committed mapping (``indicators/mappings/``), then the judgements the carry asks for made the
way an assessor and the enterprise would make them (the items with no 2020 counterpart and the
plan's tasks and the self-evaluation's account for 生态修复与环境治理). Tests build every document from it."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLE, EXAMPLE_DIR

NEW_SET = "national-2024-reference"
# items the 2020 set has nothing for: the assessors' and the enterprise's new judgements
JUDGED = {
    "B1-2": {"score": 2, "observation": "核对2022年储量年报和采场现状图，开采范围均在采矿许可证范围内"},
    "D4-1": {"score": 2, "observation": "成品经约1.6公里封闭皮带廊道输送至水泥厂"},
    "E3-2": {"score": 1.5, "deduction_reason": "2023年第二季度监测发现破碎站卸料口粉尘浓度偏高，"
                                               "至现场评估时尚无处置记录",
             "suggestion": "对卸料口加设集气罩，处置情况记入监测台账"},
    "E4-1": {"score": 1.5, "deduction_reason": "东采区1225平台剥离表土与废石混合堆放，未单独堆存",
             "suggestion": "在北部排土场设表土专用堆场并苫盖"},
    "E4-2": 3,
}
SELF_JUDGED = {
    "B1-2": {"score": 2, "situation": "开采范围在采矿许可证范围内。见储量年报"},
    "D4-1": {"score": 2, "situation": "成品经封闭皮带廊道输送。见运输方式说明"},
    "E3-2": {"score": 2, "situation": "监测数据按季度存档。见监测台账"},
    "E4-1": {"score": 1.5, "situation": "表土部分单独堆存。见现场照片",
             "problem": "东采区剥离表土与废石混合堆放", "measure": "设表土专用堆场",
             "deadline": "2024-06-30", "responsible": "生产技术部"},
    "E4-2": {"score": 3, "situation": "水土保持设施已验收。见验收资料"},
}
# the self-evaluation's account of the new first-level indicator (the 2020 set had none)
SELF_EVAL_E = ("公司对已到界台阶边坡挂网客土喷播复绿，北部排土场1245平台已覆土绿化；剥离表土在东采区"
               "与废石混合堆放，尚未单独堆存；地下水和边坡按季度监测，数据存档于监测台账。")
TASKS_E = ("对已到界台阶边坡采用挂网客土喷播复绿，北部排土场1245平台覆土绿化；"
           "剥离表土单独堆存并用于复垦；按季度开展地下水和边坡监测，问题处置情况记入台账。")


def write_example_2024(folder: Path) -> Path:
    """A copy of the example project in ``folder`` whose ``mine.yaml`` uses the 2024 set."""
    import datetime as dt

    from ruamel.yaml import YAML

    from greenmine_docs.findings import Location
    from greenmine_docs.indicators import load_builtin
    from greenmine_docs.indicators.carry import carry_input
    from greenmine_docs.indicators.mapping import builtin_mapping_path, load_mapping

    shutil.copytree(EXAMPLE_DIR, folder)
    old, new = load_builtin("national-2020-reference"), load_builtin(NEW_SET)
    mapping, problems = load_mapping(builtin_mapping_path(old.id, new.id), old, new)
    assert mapping is not None and not problems
    yaml = YAML()
    data = yaml.load(EXAMPLE.read_text(encoding="utf-8"))
    carry_input(data, old, new, mapping, where=Location(file=str(EXAMPLE)))
    data["assessment"]["scores"].update(JUDGED)
    for ref, entry in SELF_JUDGED.items():
        entry = dict(entry)
        if "deadline" in entry:
            entry["deadline"] = dt.date.fromisoformat(entry["deadline"])
        data["self_check"]["items"][ref] = entry
    data["plan"]["narrative"]["tasks_by_indicator"]["E"] = TASKS_E
    data["self_evaluation"]["narrative"]["by_indicator"]["E"] = SELF_EVAL_E
    data["plan"]["tasks"].append({"category": "E", "content": "北部排土场1245平台覆土绿化，"
                                  "设表土专用堆场", "start": "2024-03", "end": "2024-06",
                                  "investment": 0, "responsible": "生产技术部"})
    path = folder / "mine.yaml"
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    return path
