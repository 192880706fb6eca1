"""Plausible values: the number and date types every model field uses, so an input can only
hold values that the checks, the arithmetic and the documents can handle.

* Numbers (:data:`Number`, :data:`Whole`) are finite, within ±10¹⁵, and not absurdly small
  (``1e-320``); a number typed as text is read by :func:`greenmine_docs.numtext.read_number`,
  so ``1_5``, ``1,5`` and ``inf`` are refused with the reason instead of becoming 15 or ∞.
* Dates (:data:`Day`) lie between :data:`MIN_DAY` and :data:`MAX_DAY`: the checks add and
  subtract years (three years of penalties, a year of production), which must not leave the
  calendar Python can represent, and nothing in a mine's file is older or further away.
* :func:`within` gives a field its own physical range (an elevation, a number of staff).

Errors carry a registered finding code as their type (``GM-E105`` …), which
:mod:`greenmine_docs.load.model_errors` turns into a located finding. Only validators are
added — no ``ge``/``le`` metadata — so the JSON schema and the Excel template stay as they are.
"""

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from ..numtext import LARGEST, SMALLEST, checked, read_number, shorten
from ..pathnames import path_problem
from .base import signed

MIN_DAY = dt.date(1800, 1, 1)
MAX_DAY = dt.date(2100, 12, 31)


def refuse(code: str, reason: str) -> PydanticCustomError:
    """A validation error that becomes finding ``code`` with ``reason`` as its message."""
    return PydanticCustomError(code, "{reason}", {"reason": reason})


@signed
def _number_text(value: Any) -> Any:
    """Text in a number field: read strictly; text that is no number at all is left for
    pydantic to report as a format error."""
    if isinstance(value, str):
        read = read_number(value)
        if read.problem:
            raise refuse(_CODES[read.kind], read.problem)
        if read.value is not None:
            return read.value
    return value


_CODES = {"infinite": "GM-E106", "ambiguous": "GM-E107", "range": "GM-E105"}


@signed
def _magnitude(value: Any) -> Any:
    """``value`` when :func:`~greenmine_docs.numtext.checked` finds no problem with it, else
    its finding. A plain number within bounds (nearly every one of a mine's few hundred)
    passes without the text a message would quote; NaN and infinities fail these
    comparisons and are told by ``checked``."""
    if value.__class__ is int or value.__class__ is float:
        size = abs(value)
        if size == 0 or SMALLEST <= size <= LARGEST:
            return value
    read = checked(value, _shown(value))
    if read.problem:
        raise refuse(_CODES[read.kind], read.problem)
    return value


@signed
def _finite_or_text(value: Any) -> Any:
    """A value that may be a number or words (a target “≥95”): a number must be finite."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _magnitude(value)
    return value


def _shown(value: Any) -> str:
    return shorten(str(value))


def day_problem(day: dt.date) -> str:
    """Why ``day`` is not a date a mine's file can hold (``""`` when it is)."""
    if not MIN_DAY <= day <= MAX_DAY:
        return f"日期 {day.isoformat()} 超出合理范围（{MIN_DAY} 至 {MAX_DAY}）"
    return ""


@signed
def _day(value: dt.date) -> dt.date:
    problem = day_problem(value)
    if problem:
        raise refuse("GM-E108", problem)
    return value


@signed
def _path(value: str) -> str:
    problem = path_problem(value)
    if problem:
        raise refuse("GM-E109", problem)
    return value


def within(low: float, high: float, unit: str = "") -> AfterValidator:
    """A field's own physical range, reported as GM-E105 with the range named."""
    @signed
    def check(value: Any) -> Any:
        if value is not None and not low <= value <= high:
            raise refuse("GM-E105", f"{_shown(value)}{unit} 不在合理范围 {low:g} 至 {high:g}{unit} 内")
        return value
    return AfterValidator(check)


_T = TypeVar("_T")
Checked = Annotated[_T, BeforeValidator(_number_text), AfterValidator(_magnitude)]
"""``Checked[float]``, ``Checked[int]``: a finite, plausible number; text is read strictly.
Limits go on the inner type, ``Checked[Annotated[float, Interval(ge=0)]]``, so they come before
the checks (Python flattens the two into one ``Annotated``): pydantic cannot show limits that
come after a validator in the JSON schema (an optional field's ``ge`` ends up as a stray
``"ge"`` key), and the Excel template reads them there."""
Number = Checked[float]
"""A finite, plausible number; text is read strictly."""
Whole = Checked[int]
"""A plausible whole number; text is read strictly."""


NumberOrText = Annotated[float | str, BeforeValidator(_finite_or_text)]
"""A number (finite, plausible) or words, for values such as a target “≥95”."""
Day = Annotated[dt.date, AfterValidator(_day)]
"""A date between :data:`MIN_DAY` and :data:`MAX_DAY`."""
Year = Annotated[Whole, within(1900, 2100)]
"""A calendar year a plan or a record can name."""
FilePath = Annotated[str, AfterValidator(_path)]
"""The path of a file the input names (relative to the input's folder)."""
