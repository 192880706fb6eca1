"""Numbers typed as text, read one strict way wherever a person types them: Excel cells of the
input workbook, score sheets and self-check tables, and text values of number fields in YAML.

Python's ``float()`` and ``int()`` (and pydantic, which follows them) read ``1_5`` as 15 and
``inf``, ``nan``, ``Infinity`` and ``1e309`` as numbers that break every sum after them; a
comma is read by nobody as a decimal point, so ``1,5`` (a European 1.5) used to become 15.
Here a number is: an optional sign, digits, an optional decimal part, an optional exponent and
an optional ``%``; full-width characters count as their ASCII forms (NFKC); commas are
thousands separators only in groups of three (``1,500``, ``12,345.6``). Anything that looks like
a number but is not one of these is *refused with a reason*, never guessed.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from .frozen import frozen

LARGEST = 1e15  # Excel keeps 15 significant digits; no quantity here comes near this
SMALLEST = 1e-9  # a non-zero magnitude below this is a typing accident or a denormal

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")  # digits split one way
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_WORDS = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_SPACES = re.compile(r"(?<=\d) +(?=\d)")
_NUMBERISH = re.compile(r"[+-]?[.,_]*\d[\d.,_]*(?:[eE][+-]?\d+)?")  # from its first digit


@frozen(quick_init=False)
class NumberText:
    """What a text says as a number: ``value`` when it is one, else ``problem`` (Chinese, why it
    is refused) when it looks like a number but is not an acceptable one."""

    value: int | float | None = None
    problem: str = ""
    kind: str = ""  # with a problem: "infinite", "ambiguous" or "range"


NOT_A_NUMBER = NumberText()


def read_number(text: str, *, percent: bool = True) -> NumberText:
    """``"1,200"`` → 1200, ``"１２０"`` → 120, ``"20%"`` → 0.2, ``"2.5e3"`` → 2500.0;
    ``"1,5"``, ``"1_5"``, ``"inf"``, ``"1e309"`` → a problem; ``"约120"`` → neither."""
    quoted = shorten(text.strip())
    t = _SPACES.sub(",", unicodedata.normalize("NFKC", text).strip())  # 1 500: grouped too
    is_percent = percent and t.endswith("%")
    if is_percent:
        t = t[:-1]
    if _WORDS.fullmatch(t):
        return NumberText(problem=f"“{quoted}”不是有限的数字（无穷大或非数字）",
                          kind="infinite")
    if "_" in t and _NUMBERISH.fullmatch(t):
        return NumberText(problem=f"“{quoted}”中有下划线，无法确定是哪个数"
                                  "（请只写数字，如 15 或 1.5）", kind="ambiguous")
    if "," in t:
        if not _GROUPED.fullmatch(t):
            if _NUMBERISH.fullmatch(t):
                return NumberText(problem=f"“{quoted}”中的分隔符有歧义：逗号（或空格）只能"
                                          "作千位分隔符，其后恰为三位数字（如 1,500）；小数请用"
                                          "小数点（如 1.5）", kind="ambiguous")
            return NOT_A_NUMBER
        t = t.replace(",", "")
    if not _PLAIN.fullmatch(t):
        return NOT_A_NUMBER
    number: int | float = float(t) if any(c in t for c in ".eE") else int(t)
    if is_percent:
        number = number / 100
    if number == 0 and re.search(r"[1-9]", t.split("e")[0].split("E")[0]):
        number = SMALLEST / 10  # 1e-400 underflows to 0.0: report it, do not read 0
    return checked(number, quoted)


def number_of(value: Any, *, percent: bool = False) -> NumberText:
    """A cell's value as a number: a number is checked (:func:`checked`), text is read
    (:func:`read_number`); anything else, a yes/no included, is not a number."""
    if isinstance(value, bool):
        return NOT_A_NUMBER
    if isinstance(value, (int, float)):
        return checked(value, shorten(str(value)))
    if isinstance(value, str):
        return read_number(value, percent=percent)
    return NOT_A_NUMBER


def checked(number: int | float, shown: str) -> NumberText:
    """``number`` when it can stand for a quantity: finite, within ±:data:`LARGEST`, and
    zero or at least :data:`SMALLEST` in magnitude; else the problem (``shown`` quotes it)."""
    if isinstance(number, float) and not math.isfinite(number):
        return NumberText(problem=f"“{shown}”不是有限的数字（无穷大或非数字，或超出可表示的范围）",
                          kind="infinite")
    size = abs(number)
    if size > LARGEST:
        return NumberText(problem=f"“{shown}”超出合理范围（绝对值不超过 10^15）", kind="range")
    if 0 < size < SMALLEST:
        return NumberText(problem=f"“{shown}”过小（非零数值的绝对值应不小于 10^-9），多为输入错误",
                          kind="range")
    return NumberText(number)


def shorten(text: str, limit: int = 24) -> str:
    """``text`` cut in the middle to about ``limit`` characters, for a message."""
    return text if len(text) <= limit else f"{text[:limit - 8]}…{text[-6:]}"
