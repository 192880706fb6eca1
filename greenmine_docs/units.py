"""Units of reserves, production and areas (domain.md §5): each unit has a dimension — mass,
volume or area — and may be per year.

``parse_unit("万吨/年") -> Unit(dimension="mass", factor=1e4, per_year=True)``; quantities in
units of the same dimension convert through their factor to tonnes, cubic metres or square
metres. A field expects one kind (:data:`STOCK` for reserves, :data:`RATE` for production and
capacity); :func:`dimension_problem` says in Chinese why a unit does not fit a field.
"""
from __future__ import annotations

import re

from .frozen import frozen

_AMOUNTS: dict[str, tuple[str, float]] = {
    "吨": ("mass", 1.0), "t": ("mass", 1.0), "千吨": ("mass", 1e3), "kt": ("mass", 1e3),
    "万吨": ("mass", 1e4), "万t": ("mass", 1e4), "亿吨": ("mass", 1e8), "mt": ("mass", 1e6),
    "立方米": ("volume", 1.0), "m³": ("volume", 1.0), "m3": ("volume", 1.0), "方": ("volume", 1.0),
    "万立方米": ("volume", 1e4), "万m³": ("volume", 1e4), "万m3": ("volume", 1e4),
    "万方": ("volume", 1e4), "亿立方米": ("volume", 1e8), "亿m³": ("volume", 1e8),
    "亿m3": ("volume", 1e8),
    "平方米": ("area", 1.0), "m²": ("area", 1.0), "m2": ("area", 1.0),
    "亩": ("area", 10000 / 15), "公顷": ("area", 1e4), "hm²": ("area", 1e4), "hm2": ("area", 1e4),
    "平方千米": ("area", 1e6), "平方公里": ("area", 1e6), "km²": ("area", 1e6), "km2": ("area", 1e6),
}
_PER_YEAR = {"年", "a", "y", "yr"}


@frozen(quick_init=False)
class Unit:
    text: str
    dimension: str  # "mass" | "volume" | "area"
    factor: float  # to tonnes, cubic metres or square metres
    per_year: bool

    @property
    def dimension_label(self) -> str:
        """``质量``, ``体积``, ``面积``; per year ``质量/年`` …"""
        label = {"mass": "质量", "volume": "体积", "area": "面积"}[self.dimension]
        return label + ("/年" if self.per_year else "")


STOCK = "stock"  # an amount: mass or volume (reserves)
RATE = "rate"  # an amount per year: mass or volume per year (production, capacity)
_EXPECTED = {STOCK: ("质量或体积", "万吨、万立方米"), RATE: ("质量或体积每年", "万吨/年、万立方米/年")}


def dimension_problem(unit: Unit, kind: str) -> str | None:
    """Why ``unit`` does not fit a field expecting ``kind`` (:data:`STOCK` or :data:`RATE`),
    in Chinese; None when it fits."""
    wanted, examples = _EXPECTED[kind]
    fits = unit.dimension in ("mass", "volume") and unit.per_year == (kind == RATE)
    if fits:
        return None
    return (f"“{unit.text}”是{unit.dimension_label}单位，这里应为{wanted}单位（如 {examples}）")


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


def fmt_number(x: float | int) -> str:
    """A measured value as written, with its own precision and no exponent: ``0.8625`` stays
    ``0.8625`` (a licence's area), ``120.0`` -> ``120``, ``1e6`` -> ``1000000``."""
    from decimal import Decimal

    if float(x).is_integer():
        return str(int(x))
    text = format(Decimal(repr(float(x))).normalize(), "f")
    return text


def per_year_amount(value: float, unit: str) -> str:
    """An annual amount after the words 年开采量/年产量: ``118`` ``万吨/年`` -> ``118万吨``
    (the year is already in the words)."""
    return fmt_number(value) + re.sub(r"(?<!\s)\s*[/／](年|a|y|yr)$", "", unit.strip())


def known_units_hint() -> str:
    return "吨、万吨、亿吨、立方米、万立方米、亿立方米（年产量/生产规模加“/年”，如 万吨/年）"


def convert(value: float, src: Unit, dst: Unit) -> float:
    if src.dimension != dst.dimension:
        raise ValueError("different dimensions")
    return value * src.factor / dst.factor


def years_of(remaining_value: float, remaining_unit: str, annual_value: float,
             annual_unit: str) -> float | None:
    """Remaining recoverable reserves ÷ annual production, in the same unit (domain.md §5);
    None when a unit is unknown, the dimensions differ, or nothing is produced."""
    stock, rate = parse_unit(remaining_unit), parse_unit(annual_unit)
    if stock is None or rate is None or stock.dimension != rate.dimension or annual_value <= 0:
        return None
    return remaining_value / convert(annual_value, rate, stock)
