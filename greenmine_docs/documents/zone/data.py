"""What the zone plan and its checks compute from the mines, once per zone run.

Every figure comes from the mines' own input files (loaded and checked by the one pipeline):
nothing about a mine is typed again in ``zone.yaml``. Amounts in different units are converted
to one unit per dimension (mass to 万吨, volume to 万立方米) before they are added; a total is
never made across dimensions.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from ...checks.evidence import condition_results
from ...frozen import frozen, record
from ...load.narrative import narrative_value
from ...render.outline import ZONE_KIND as KIND
from ...render.outline import load_outline
from ...units import convert, parse_unit

if TYPE_CHECKING:
    from ...findings import Location
    from ...model import Submission
    from ...pipeline import ZoneMine, ZoneRun
    from ...render.outline import Outline

LEVELS = ("国家级", "省级", "市级", "未入选")
SCALES = ("大型", "中型", "小型")
METHODS = ("露天开采", "地下开采", "露天-地下联合开采")
_CANON = {"mass": "万吨", "volume": "万立方米"}


@frozen(quick_init=False)
class MineFacts:
    """One usable mine as the zone plan shows it."""

    entry: "ZoneMine"
    sub: "Submission"
    scale_class: str  # 大型/中型/小型, or "未定" when neither declared nor derivable
    conditions: tuple[bool, ...]  # the six selection conditions, in order
    failing: tuple[str, ...]  # Chinese reasons (the eligibility findings' messages)

    @property
    def name(self) -> str:
        return self.sub.mine.name

    @property
    def all_met(self) -> bool:
        return all(self.conditions)


def _scale_class(sub: "Submission") -> str:
    from ...checks.consistency import scale_class_for

    if sub.mine.scale_class is not None:
        return sub.mine.scale_class.value
    lic = sub.mine.licence
    found = scale_class_for(lic.mineral, lic.method, lic.scale.value, lic.scale.unit)
    return found.value if found is not None else "未定"


def _facts(entry: "ZoneMine") -> MineFacts:
    run = entry.run
    assert run is not None and run.model is not None
    codes = {f.code for f in run.report.findings}
    results = condition_results(codes)
    reasons = tuple(document_text(f.message) for f in run.report.findings
                    if any(f.code in failing for _, _, failing in results))
    return MineFacts(entry, run.model, _scale_class(run.model),
                     tuple(holds for _, holds, _ in results), reasons)


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff）])\s+(?=[\d\u4e00-\u9fff])|(?<=[\d\u4e00-\u9fff])\s+"
                     r"(?=[\u4e00-\u9fff（])")


def document_text(message: str) -> str:
    """A finding's message as a document writes it: dates ``2023年9月20日``, no spaces around
    numbers in Chinese text."""
    text = _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", message)
    return _SPACED.sub("", text)


def canonical(value: float, unit_text: str) -> tuple[float, str] | None:
    """``value`` in 万吨 (mass) or 万立方米 (volume), per year when the unit is; None when the
    unit is unknown."""
    unit = parse_unit(unit_text)
    if unit is None or unit.dimension not in _CANON:
        return None
    text = _CANON[unit.dimension] + ("/年" if unit.per_year else "")
    target = parse_unit(text)
    assert target is not None
    return convert(value, unit, target), text


@record
class ZoneData:
    zone_run: "ZoneRun"
    outline: "Outline"
    mines: list[MineFacts]
    broken: list["ZoneMine"]

    @property
    def zone(self) -> Any:
        return self.zone_run.zone

    def narrative(self, key: str) -> tuple[str, "Location"] | None:
        """The Markdown of a section; :class:`InputError` for a ``.md`` file that cannot be used."""
        value = self.zone.narrative.get(key)
        if not isinstance(value, str) or not value.strip():
            return None
        location = self.zone_run.at("narrative", key)
        text, _ = narrative_value(value, self.zone_run.base_dir, location)
        return (text, location) if text.strip() else None

    # -- counts ------------------------------------------------------------------------------
    def count_by(self, key: Any) -> Counter:
        return Counter(key(m) for m in self.mines)

    def by_mineral(self) -> list[tuple[str, int, dict[str, float], dict[str, float]]]:
        """(mineral, mines, remaining reserves by unit, annual production by unit)."""
        out: dict[str, tuple[int, dict[str, float], dict[str, float]]] = {}
        for m in self.mines:
            r = m.sub.reserves
            n, reserves, production = out.get(m.sub.mine.licence.mineral, (0, {}, {}))
            _add(reserves, r.remaining.value, r.remaining.unit)
            _add(production, r.annual_production.value, r.annual_production.unit)
            out[m.sub.mine.licence.mineral] = (n + 1, reserves, production)
        return [(k, n, res, prod) for k, (n, res, prod) in out.items()]

    def totals(self) -> tuple[dict[str, float], dict[str, float]]:
        """Remaining reserves and annual production of every mine, by unit (one per dimension)."""
        reserves: dict[str, float] = {}
        production: dict[str, float] = {}
        for _, _, res, prod in self.by_mineral():
            for unit, v in res.items():
                reserves[unit] = reserves.get(unit, 0.0) + v
            for unit, v in prod.items():
                production[unit] = production.get(unit, 0.0) + v
        return reserves, production

    def large_and_medium(self) -> list[MineFacts]:
        return [m for m in self.mines if m.scale_class in ("大型", "中型")]


def _add(into: dict[str, float], value: float, unit_text: str) -> None:
    found = canonical(value, unit_text)
    if found is None:
        into[unit_text] = into.get(unit_text, 0.0) + value
    else:
        into[found[1]] = into.get(found[1], 0.0) + found[0]


def outline_of(zone_run: "ZoneRun") -> "Outline":
    return load_outline(None, KIND)


def _data(zone_run: "ZoneRun") -> ZoneData:
    usable = [m for m in zone_run.mines if m.usable]
    return ZoneData(zone_run, outline_of(zone_run), [_facts(m) for m in usable],
                    [m for m in zone_run.mines if not m.usable])


def zone_data(zone_run: "ZoneRun") -> ZoneData:
    """The zone plan's data, computed once per zone run."""
    result: ZoneData = zone_run.derived(_data)
    return result
