"""Units of reserves and production (domain.md §5): mass or volume, optionally per year.

``parse_unit("万吨/年") -> Unit(dimension="mass", factor=1e4, per_year=True)``; quantities in
units of the same dimension convert through their factor to tonnes or cubic metres.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_AMOUNTS: dict[str, tuple[str, float]] = {
    "吨": ("mass", 1.0), "t": ("mass", 1.0), "千吨": ("mass", 1e3), "kt": ("mass", 1e3),
    "万吨": ("mass", 1e4), "万t": ("mass", 1e4), "亿吨": ("mass", 1e8), "mt": ("mass", 1e6),
    "立方米": ("volume", 1.0), "m³": ("volume", 1.0), "m3": ("volume", 1.0), "方": ("volume", 1.0),
    "万立方米": ("volume", 1e4), "万m³": ("volume", 1e4), "万m3": ("volume", 1e4),
    "万方": ("volume", 1e4), "亿立方米": ("volume", 1e8), "亿m³": ("volume", 1e8),
    "亿m3": ("volume", 1e8),
}
_PER_YEAR = {"年", "a", "y", "yr"}


@dataclass(frozen=True)
class Unit:
    text: str
    dimension: str  # "mass" | "volume"
    factor: float  # to tonnes or cubic metres
    per_year: bool

    @property
    def dimension_label(self) -> str:
        return {"mass": "质量", "volume": "体积"}[self.dimension]


_SPACES = re.compile(r"\s+")
_PARSED: dict[str, Unit | None] = {}  # a handful of distinct unit texts; Unit is immutable


def parse_unit(text: str) -> Unit | None:
    """The unit, or ``None`` when it is not one we know. Remembered per text: every mine's
    checks ask for the same few units several times."""
    try:
        return _PARSED[text]
    except KeyError:
        unit = _parse_unit(text)
        if len(_PARSED) < 1024:
            _PARSED[text] = unit
        return unit
    except TypeError:  # not hashable: not a unit text either
        return _parse_unit(text)


def _parse_unit(text: str) -> Unit | None:
    raw = _SPACES.sub("", text or "").replace("／", "/")
    amount, _, per = raw.partition("/")
    per_year = bool(per)
    if per and per.lower() not in _PER_YEAR:
        return None
    key = amount if amount in _AMOUNTS else amount.lower()
    if key not in _AMOUNTS:
        return None
    dimension, factor = _AMOUNTS[key]
    return Unit(text, dimension, factor, per_year)


def known_units_hint() -> str:
    return "吨、万吨、亿吨、立方米、万立方米、亿立方米（年产量/生产规模加“/年”，如 万吨/年）"


def convert(value: float, src: Unit, dst: Unit) -> float:
    if src.dimension != dst.dimension:
        raise ValueError("different dimensions")
    return value * src.factor / dst.factor
