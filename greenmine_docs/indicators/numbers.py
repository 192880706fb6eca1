"""Points, scores and ratios as the documents print them: ``800``, ``812.46``, ``937.10``,
``81.3%`` — rounded as people (and Excel's TEXT) round, halves away from zero. Used wherever
points are shown: the scoring engine's messages, the tables, ``greenmine indicators show``."""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal


def _half_up(x: float, places: str) -> Decimal:
    """Round as people (and Excel's TEXT) do: halves away from zero."""
    return _rounded(repr(float(x)), places)


def _rounded(number: str, places: str) -> Decimal:
    """:func:`_half_up` of a number written as ``repr`` writes a float."""
    return Decimal(number).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=4096)
def fmt_points(x: float | None) -> str:
    """``800.0`` -> ``800``; ``812.456`` -> ``812.46``; None -> ``—``. Cached: tables print
    the same few point values thousands of times (equal numbers print alike)."""
    if x is None:
        return "—"
    text = f"{_half_up(x, '0.01'):f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.lru_cache(maxsize=4096)
def fmt_score(x: float | None) -> str:
    """A derived score (subtotal, total, converted total, difference) with two decimals:
    ``937.1`` -> ``937.10``; None -> ``—``. Points as written use :func:`fmt_points`.
    Cached as that is (~170 a mine, a few dozen values: a group's subtotal is printed in
    several documents)."""
    if x is None:
        return "—"
    text = f"{_half_up(x, '0.01'):f}"
    return "0.00" if text == "-0.00" else text


def fmt_ratio(x: float | None) -> str:
    """``0.8125`` -> ``81.3%``."""
    return "—" if x is None else _percent(repr(float(x) * 100))


@functools.lru_cache(maxsize=4096)
def _percent(number: str) -> str:
    """:func:`fmt_ratio` of a percentage written as ``repr`` writes it: cached by that text,
    since ``-0.0`` (printed ``-0.0%``) and ``0.0`` are equal keys."""
    return f"{_rounded(number, '0.1'):f}%"


def excel_score_rule(cell: str, points_cell: str, na_word: str, decimals: int | None) -> str:
    """The data-validation formula of a score cell, shared by the self-check table and the
    score sheet: “不适用”, or a number from 0 to the item's points — with at most ``decimals``
    decimals when the set fixes them (``ROUND(x,1)=x``)."""
    number = f"ISNUMBER({cell}),{cell}>=0,{cell}<={points_cell}"
    if decimals is not None:
        number += f",ROUND({cell},{decimals})={cell}"
    return f'OR({cell}="{na_word}",AND({number}))'


def decimals_hint(decimals: int | None) -> str:
    """``，最多保留1位小数`` for prompts; empty when the set does not fix the decimals."""
    if decimals is None:
        return ""
    return "，须为整数" if decimals == 0 else f"，最多保留{decimals}位小数"
