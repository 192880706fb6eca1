"""``greenmine init --zone DIR``: a complete fictional demonstration zone — ``zone.yaml`` and six
mine input files made from variations of the bundled example mine (other minerals, methods,
scales, counties and directory levels; three of them failing a selection condition, as real
zones have), so the zone plan has something to count. Every name and number is fictional."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

ZONE_NOTE = "示例：虚构的示范区（申报单位、矿山、企业、证号均为虚构，仅供演示）"

# (file stem, changes) — each mine is the example mine with these fields replaced
_MINES: list[tuple[str, dict[str, Any]]] = [
    ("01-qinglan", {}),
    ("02-fengcheng", {
        "enterprise": ("文水县凤城石料有限公司", "91141127MA0KX2B3", "郝建平"),
        "mine": ("文水县凤城石料有限公司凤城建筑石料用灰岩矿", "建筑石料用灰岩", "露天开采",
                 (8, "万立方米/年"), "文水县", "未入选", "DZ/T 0316-2018"),
        "reserves": ((96, "万立方米"), (7.5, "万立方米/年")),
        "scale_class": "中型",
    }),
    ("03-xishe", {
        "enterprise": ("山西交城西社煤业有限公司", "91141122MA0KX3C4", "任志刚"),
        "mine": ("山西交城西社煤业有限公司西社煤矿", "煤", "地下开采", (90, "万吨/年"),
                 "交城县", "省级", "DZ/T 0315-2018"),
        "reserves": ((2150, "万吨"), (88, "万吨/年")),
        "listed_year": 2022,
    }),
    ("04-lingdi", {
        "enterprise": ("交城县岭底白云岩开发有限公司", "91141122MA0KX4D5", "冯瑞"),
        "mine": ("交城县岭底白云岩开发有限公司岭底冶金用白云岩矿", "冶金用白云岩", "露天开采",
                 (30, "万吨/年"), "交城县", "未入选", "DZ/T 0319-2018"),
        "reserves": ((420, "万吨"), (28, "万吨/年")),
        "scale_class": "小型",
        "abnormal_list": True,
    }),
    ("05-maxi", {
        "enterprise": ("文水县马西矿业有限公司", "91141127MA0KX5E6", "贾志勇"),
        "mine": ("文水县马西矿业有限公司马西铁矿", "铁矿", "地下开采", (60, "万吨/年"),
                 "文水县", "未入选", "DZ/T 0319-2018"),
        "reserves": ((780, "万吨"), (58, "万吨/年")),
        "scale_class": "中型",
        "penalty": {"date": dt.date(2022, 11, 8), "department": "应急管理",
                    "authority": "文水县应急管理局", "decision_number": "文应急罚〔2022〕31号",
                    "reason": "井下通风设施不符合规程要求", "rectified": False},
    }),
    ("06-shiziling", {
        "enterprise": ("交城县狮子岭硅业有限公司", "91141122MA0KX6F7", "牛海军"),
        "mine": ("交城县狮子岭硅业有限公司狮子岭玻璃用石英岩矿", "玻璃用石英岩", "露天开采",
                 (10, "万吨/年"), "交城县", "未入选", "DZ/T 0312-2018"),
        "reserves": ((25, "万吨"), (10, "万吨/年")),
        "scale_class": "小型",
    }),
]
_FOUNDATION = ("schema_version", "campaign", "enterprise", "mine", "reserves", "eligibility")


def _uscc(first16: str) -> str:
    """A well-formed 统一社会信用代码 from 16 characters (one digit added, then the check)."""
    from ...load.formats import uscc_check_char

    first17 = first16 + "0"
    return first17 + uscc_check_char(first17)


def _licence_number(i: int) -> str:
    return f"C14110020110311201{i:05d}"


def mine_data(base: dict[str, Any], i: int, changes: dict[str, Any]) -> dict[str, Any]:
    """The example mine's foundation sections with one variation's changes."""
    d = {k: copy.deepcopy(base[k]) for k in _FOUNDATION if k in base}
    if not changes:
        return d
    e, m, lic = d["enterprise"], d["mine"], d["mine"]["licence"]
    e["name"], uscc, e["legal_representative"] = changes["enterprise"]
    e["uscc"] = _uscc(uscc)
    e["address"] = f"山西省吕梁市{changes['mine'][4]}{e['name'][-6:-4]}路{i * 7 + 3}号"
    name, mineral, method, (scale, unit), county, level, standard = changes["mine"]
    m["name"], lic["mineral"], lic["method"], lic["holder"] = name, mineral, method, e["name"]
    lic["scale"] = {"value": scale, "unit": unit}
    lic["number"] = _licence_number(i)
    lic["area_km2"] = round(0.35 + 0.17 * i, 4)
    m["location"]["county"] = county
    m["location"]["longitude"] = round(111.95 + 0.07 * i, 4)
    m["location"]["latitude"] = round(37.45 + 0.05 * i, 4)
    m["directory_level"], m["industry_standard"] = level, standard
    m["listed_year"] = changes.get("listed_year")
    if m["listed_year"] is None:
        m.pop("listed_year")
    m["scale_class"] = changes.get("scale_class") or _scale_class(mineral, method, scale, unit)
    m["staff"] = 40 + 23 * i
    (rv, ru), (av, au) = changes["reserves"]
    r = d["reserves"]
    r["remaining"], r["annual_production"] = {"value": rv, "unit": ru}, {"value": av, "unit": au}
    r["report_title"] = f"《{name}{r['report_year']}年度矿山储量年度报告》"
    r["declared_years"] = round(rv / av, 1)
    el = d["eligibility"]
    el["abnormal_list"] = bool(changes.get("abnormal_list"))
    el["penalties"] = [changes["penalty"]] if "penalty" in changes else []
    el["protected_area"]["checked_by"] = f"{county}自然资源局"
    return d


def _scale_class(mineral: str, method: str, value: float, unit: str) -> str:
    from ...checks.consistency import scale_class_for
    from ...model import MiningMethod

    found = scale_class_for(mineral, MiningMethod(method), value, unit)
    return found.value if found is not None else "小型"


def zone_yaml(mine_files: list[str]) -> str:
    """The example zone file (its narrative, targets and projects), naming ``mine_files``."""
    from ...resources import template_path

    text = template_path("zone_plan", "example-zone.yaml").read_text(encoding="utf-8")
    listed = "\n".join(f"  - {f}" for f in mine_files)
    return text.replace("  - MINES\n", listed + "\n")


def write_example_zone(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write ``zone.yaml`` and ``mines/*.yaml`` into ``directory`` (refused before writing
    anything when it holds files and ``force`` is not given)."""
    from ...errors import OutputError
    from ...excel_input.yamlio import dump_yaml
    from ...outputs import write_text_atomic
    from ...resources import example_path

    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()) and not force:
        raise OutputError(f"目录 {directory} 已存在且不为空，未写入。",
                          hint="换一个新目录，或加 --force 覆盖其中的同名文件。")
    from ...load.yaml_input import read_yaml

    base = read_yaml(example_path("shanxi-limestone", "mine.yaml")).data
    written: list[Path] = []
    files = []
    for i, (stem, changes) in enumerate(_MINES, start=1):
        target = directory / "mines" / f"{stem}.yaml"
        text = dump_yaml(mine_data(base, i, changes), schema_ref="../greenmine-input.schema.json",
                         note=ZONE_NOTE)
        write_text_atomic(target, text, force=force)
        written.append(target)
        files.append(f"mines/{stem}.yaml")
    zone = directory / "zone.yaml"
    write_text_atomic(zone, zone_yaml(files), force=force)
    written.append(zone)
    from ...project import SCHEMA_FILE, schema_json

    schema = directory / SCHEMA_FILE
    write_text_atomic(schema, schema_json(), force=force)
    written.append(schema)
    return written
