"""Mappings between two indicator sets (which old items feed which new item) and how a score
given on the old set becomes a draft score on the new one.

A mapping is data (``format: greenmine-indicator-mapping/1``, YAML, or the workbook that
``greenmine indicators map`` writes and people fill in)::

    from: national-2020-reference
    to: national-2024-reference
    categories: {"1": A, "2": B}          # old first-level id -> new (plan tasks follow it)
    items:
      A1-1: ["1.1.1"]                     # new item <- old items
      B1-2: []                            # nothing in the old set: a new judgement is needed

The carry rule (:func:`carry_score`): the old items that apply are pooled —
``new score = Σ old scores ÷ Σ their points × the new item's points``, rounded half up to the
new set's ``score_decimals`` (two decimals when it has none); when every old item was not
applicable the new item is not applicable; an old item left unscored leaves the new one unscored.
The result is a draft: the findings say which items need a new judgement.
"""
from __future__ import annotations

from dataclasses import field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..findings import Finding, Location, make
from ..frozen import frozen
from .model import IndicatorSet

FORMAT_TAG = "greenmine-indicator-mapping/1"
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
_KEYS = {"format", "from", "to", "categories", "items", "note"}


@frozen(quick_init=False)
class SetMapping:
    """``items``: new item id -> the old item ids it is carried from (empty: none)."""

    from_id: str
    to_id: str
    items: dict[str, tuple[str, ...]]
    categories: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def targets_of(self, old_id: str) -> list[str]:
        """The new items an old item feeds, in the new set's order."""
        return [new for new, olds in self.items.items() if old_id in olds]


def builtin_mapping_path(from_id: str, to_id: str) -> Path | None:
    """The mapping shipped for two built-in sets, if there is one."""
    path = MAPPINGS_DIR / f"{from_id}--{to_id}.yaml"
    return path if path.is_file() else None


def round_score(value: Fraction | float, decimals: int | None) -> float:
    """Half up to ``decimals`` (two when the set does not say): how means and carried scores
    are rounded, the way people and Excel's ROUND round."""
    places = Decimal(1).scaleb(-(2 if decimals is None else decimals))
    exact = (Decimal(value.numerator) / Decimal(value.denominator)
             if isinstance(value, Fraction) else Decimal(repr(float(value))))
    return float(exact.quantize(places, rounding=ROUND_HALF_UP))


def mapping_from_data(data: Any, old: IndicatorSet, new: IndicatorSet, *,
                      where: Location) -> tuple[SetMapping | None, list[Finding]]:
    """Check plain mapping data against both sets. Unknown ids are findings (GM-W351) and
    are left out; a mapping made for other sets or broken in shape is GM-E350."""
    findings: list[Finding] = []
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
        return None, [make("GM-E350", "对应表应包含 items（新编号: [原编号, …]）。", location=where)]
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        findings.append(make("GM-E350", "对应表中有未知字段：" + "、".join(unknown) + "。",
                             location=where))
    if data.get("format") not in (None, FORMAT_TAG):
        findings.append(make("GM-E350", f"对应表格式标记“{data.get('format')}”不认识。",
                             location=where))
    for key, iset in (("from", old), ("to", new)):
        if str(data.get(key, iset.id)) != iset.id:
            findings.append(make("GM-E350", f"对应表的 {key} 是“{data.get(key)}”，"
                                 f"本次使用的指标体系是“{iset.id}”。", location=where))
    items: dict[str, tuple[str, ...]] = {}
    for new_id, olds in data["items"].items():
        new_id = str(new_id).strip()
        if new_id not in new.items:
            findings.append(make("GM-W351", f"对应表中的新编号“{new_id}”不在“{new.id}”中，已忽略。",
                                 location=where))
            continue
        listed = [olds] if isinstance(olds, (str, int, float)) else list(olds or [])
        kept = []
        for o in (str(x).strip() for x in listed):
            if o in old.items:
                kept.append(o)
            else:
                findings.append(make("GM-W351", f"{new_id} 对应的原编号“{o}”不在“{old.id}”中，"
                                     "已忽略。", location=where))
        items[new_id] = tuple(kept)
    cats = {str(k).strip(): str(v).strip() for k, v in (data.get("categories") or {}).items()}
    if any(f.severity.value == "error" for f in findings):
        return None, findings
    ordered = {i: items.get(i, ()) for i in new.items}
    return SetMapping(old.id, new.id, ordered, cats, str(where.file or "")), findings


def load_mapping(path: Path, old: IndicatorSet, new: IndicatorSet
                 ) -> tuple[SetMapping | None, list[Finding]]:
    """A mapping file (.yaml, or the .xlsx :func:`.mapping_xlsx.read_mapping_workbook`
    reads) checked against both sets."""
    where = Location(file=str(path))
    if not Path(path).is_file():
        return None, [make("GM-E350", f"对应表文件 {path} 不存在。", location=where)]
    from ..errors import InputError

    try:
        if Path(path).suffix.lower() == ".xlsx":
            from .mapping_xlsx import read_mapping_workbook

            data = read_mapping_workbook(Path(path))
        else:
            from ..load.yaml_input import read_yaml

            data = read_yaml(Path(path)).data
    except InputError as e:
        return None, [make("GM-E350", e.message, location=where, hint=e.hint or None)]
    return mapping_from_data(data, old, new, where=where)


@frozen(quick_init=False)
class Carried:
    """A new item's draft: ``score`` None and not ``not_applicable`` means unscored."""

    score: float | None
    not_applicable: bool
    sources: tuple[str, ...]


def carry_score(new_points: float, sources: list[tuple[str, float, dict]],
                decimals: int | None) -> Carried:
    """``sources``: (old id, old points, old entry as ``{score, not_applicable}``)."""
    ids = tuple(s[0] for s in sources)
    applicable = [s for s in sources if not s[2].get("not_applicable")]
    if sources and not applicable:
        return Carried(None, True, ids)
    if not applicable or any(s[2].get("score") is None for s in applicable):
        return Carried(None, False, ids)
    got = sum((Fraction(repr(float(s[2]["score"]))) for s in applicable), Fraction(0))
    full = sum((Fraction(repr(float(s[1]))) for s in applicable), Fraction(0))
    return Carried(round_score(got / full * Fraction(repr(float(new_points))), decimals),
                   False, ids)
