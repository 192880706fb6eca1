"""Synthetic mines for the benchmark, made from the bundled example.

Every mine is the example ``examples/shanxi-limestone/mine.yaml`` with its own names, codes and
numbers: the place name 青岚 (in the enterprise, the mine, the village, the report titles) is
replaced by another two-character name, the USCC, licence number, report and contract numbers,
coordinates and staff differ, the self-check and assessment scores move by a point here and
there (so every score chart, table and total differs), and one plan task's investment (with the
totals and funding that must match it) changes. Each mine gets its own folder with ``mine.yaml``
and hard links (copies where links are impossible) of the example's ``plan/`` and ``photos/``
files, which the input refers to by relative path.

Nothing here is random: mine ``i`` is always the same, so runs are comparable.
"""
from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shanxi-limestone" / "mine.yaml"
ASSET_DIRS = ("plan", "photos")
FOUNDATION = ("schema_version", "campaign", "enterprise", "mine", "reserves", "eligibility")

_FIRST = "青白金银红石龙凤鹤松柏云山水泉溪河湖海峰岭岗川原林苍翠丹玉宝瑞祥福寿康宁安平泰"
_SECOND = "岚峪源岩坪沟川台岭湾峰庄屯寨洼岗坡塬梁峁崖堡关口门桥营集镇村铺店坊园场"


def place_name(i: int) -> str:
    """A distinct place name for mine ``i``: two characters (1,365 of them), then numbered."""
    a, b = _FIRST[i % len(_FIRST)], _SECOND[(i // len(_FIRST)) % len(_SECOND)]
    n = i // (len(_FIRST) * len(_SECOND))
    return f"{a}{b}" if n == 0 else f"{a}{b}{n + 1}"


def example_data() -> dict[str, Any]:
    """The example as the plain data the model sees (read by the project's own loader)."""
    from greenmine_docs.api import load

    loaded = load(EXAMPLE)
    if loaded.model is None or not loaded.report.valid:
        raise SystemExit(f"the example {EXAMPLE} does not validate: cannot make mines from it")
    return loaded.raw.data


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    return value


def _uscc(prefix: str, i: int) -> str:
    from greenmine_docs.load.formats import uscc_check_char

    first17 = prefix[:10] + f"{i:07d}"
    return first17 + uscc_check_char(first17)


def _nudge(score: Any, points_hint: int, i: int) -> Any:
    """Lower a score by 0 or 1 point (depending on the mine and the item), never below 0."""
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        return score
    down = (i + points_hint) % 3 == 0
    return max(0, score - 1) if down else score


def mine_data(base: dict[str, Any], i: int) -> dict[str, Any]:
    """Mine number ``i`` (0-based) made from the example's data ``base``."""
    name = place_name(i)
    d = _replace(copy.deepcopy(base), "青岚", name)
    d["enterprise"]["uscc"] = _uscc(base["enterprise"]["uscc"], i)
    lic = d["mine"]["licence"]
    lic["number"] = lic["number"][:18] + f"{i:05d}"
    loc = d["mine"]["location"]
    loc["longitude"] = round(loc["longitude"] + (i % 97) * 0.0013, 4)
    loc["latitude"] = round(loc["latitude"] - (i % 89) * 0.0011, 4)
    d["mine"]["staff"] = 120 + i % 90
    a = d.get("assessment")
    if a:
        a["report_number"] = f"晋实绿评〔2023〕第{1000 + i}号"
        a["commission"]["contract_number"] = f"LLGH-BENCH-2023-{i:05d}"
        # only items that already lose points (and say why) lose one more: a deduction
        # needs a written reason, which the example gives for exactly these
        for n, entry in enumerate(a.get("scores", {}).values()):
            if isinstance(entry, dict) and entry.get("deduction_reason"):
                entry["score"] = _nudge(entry.get("score"), n, i)
    sc = d.get("self_check")
    if sc:
        for n, entry in enumerate(sc.get("items", {}).values()):
            if isinstance(entry, dict) and entry.get("problem") and "score" in entry:
                entry["score"] = _nudge(entry["score"], n + 1, i)
    plan = d.get("plan")
    if plan and plan.get("tasks"):
        delta = round((i % 40) * 1.5, 2)
        task = max(plan["tasks"], key=lambda t: t.get("investment") or 0)
        task["investment"] = round(task["investment"] + delta, 2)
        if plan.get("total_investment") is not None:
            plan["total_investment"] = round(plan["total_investment"] + delta, 2)
        if plan.get("funding"):
            plan["funding"][0]["amount"] = round(plan["funding"][0]["amount"] + delta, 2)
    return d


def foundation(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a mine the mines table (one row per mine) holds."""
    return {k: data[k] for k in FOUNDATION if k in data}


def iter_mines(n: int) -> Iterator[dict[str, Any]]:
    base = example_data()
    for i in range(n):
        yield mine_data(base, i)


def _dump(data: dict[str, Any]) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096)


def _link_tree(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file():
            target = dst / f.name
            if target.exists() and os.path.samefile(f, target):
                continue  # linked by a run before in the same --workdir
            try:
                os.link(f, target)
            except OSError:
                shutil.copy2(f, target)


def write_mine_folders(n: int, dest: Path) -> list[Path]:
    """``dest/m00001/mine.yaml`` … with the example's plan/ and photos/ beside each."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i, data in enumerate(iter_mines(n)):
        folder = dest / f"m{i + 1:05d}"
        folder.mkdir(exist_ok=True)
        for sub in ASSET_DIRS:
            if (EXAMPLE.parent / sub).is_dir():
                _link_tree(EXAMPLE.parent / sub, folder / sub)
        path = folder / "mine.yaml"
        path.write_text(_dump(data), encoding="utf-8")
        out.append(path)
    return out


def write_mines_workbook(n: int, path: Path) -> Path:
    """A mines table (one mine per row) with ``n`` synthetic mines' foundation data."""
    from greenmine_docs.excel_input import write_mines_table

    write_mines_table((foundation(d) for d in iter_mines(n)), Path(path), force=True)
    return Path(path)
