"""Quantities stated in free text, with what they are about, so two documents can be compared
(used by :mod:`.crossdoc`).

A statement is a number with a unit (``覆盖率约92%``, ``已复垦8.5公顷``) or an elevation
(``1245平台``), the words just before it (its label), the evaluation items the text belongs to,
the date of the document and a year named in the same sentence. Targets (``提高到100%``) and
bounds (``不足50%``, ``不低于85%``) are not statements of the current state and are skipped.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Callable, Iterator

from ..findings import Location
from ..frozen import frozen

# unit as written -> (canonical unit, factor to it); longest spellings first in the pattern
_UNITS: dict[str, tuple[str, float]] = {
    "%": ("%", 1.0), "％": ("%", 1.0),
    "公顷": ("公顷", 1.0), "hm²": ("公顷", 1.0), "hm2": ("公顷", 1.0),
    "平方千米": ("公顷", 100.0), "平方公里": ("公顷", 100.0), "km²": ("公顷", 100.0),
    "平方米": ("公顷", 1e-4), "亩": ("公顷", 1 / 15),
    "万吨/年": ("吨/年", 1e4), "万吨": ("吨", 1e4), "吨": ("吨", 1.0),
    "万立方米": ("立方米", 1e4), "毫克/立方米": ("毫克/立方米", 1.0),
    "mg/m³": ("毫克/立方米", 1.0), "立方米": ("立方米", 1.0),
    "公里": ("米", 1000.0), "千米": ("米", 1000.0), "米": ("米", 1.0),
}
_UNIT_RX = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# a number not preceded by a digit, a dot, a Latin letter or 〔 (a serial such as 〔2023〕): the
# look-behind comes after the first digit (and looks at it too), so the pattern starts with a
# digit and the engine skips to digits instead of trying the look-behind at every character
# (a third of the time on a mine's texts; the same matches, tests/test_story_checks.py)
_QUANTITY = re.compile(rf"(\d(?<![\d.A-Za-z〔]\d)\d*(?:\.\d+)?)\s*({_UNIT_RX})")
_ELEVATION = re.compile(r"(\d(?<![\d.]\d)\d{2,3})\s*(?:米\s*)?(平台|台阶|水平)")
_ELEVATION_WORD = re.compile("平台|台阶|水平")  # the words _ELEVATION ends with
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年")
_DATE_AFTER = ("年", "月", "日", "号")  # a number followed by these is a date or a serial
_SENTENCE = re.compile(r"[^。；;\n]+")
_DIGIT = re.compile(r"\d")  # what _QUANTITY and _ELEVATION cannot match without


def may_state(text: str) -> bool:
    """Whether ``text`` can state a quantity or an elevation at all: the quantity pattern
    matches somewhere in it, or it has an elevation's word and a digit. :func:`statements`
    finds nothing in the other texts (most of a mine's: about three in four are not even made
    a :class:`Source`): what matches in one of its sentences matches in the whole text, as
    the characters that end a sentence are none the pattern's look-behind refuses."""
    return _QUANTITY.search(text) is not None or (
        _ELEVATION_WORD.search(text) is not None and _DIGIT.search(text) is not None)


# words between a label and its number: dropped (longest first)
_FILLERS = ("约为", "约", "为", "仅为", "仅", "共计", "合计", "累计", "共", "计", "是", "达", "由")
# a number after these is a target or a bound, not the current state
_NOT_CURRENT = ("提高到", "提高至", "提升到", "提升至", "降低到", "降低至", "降至", "降到",
                "增加到", "增至", "达到", "不低于", "不高于", "不少于", "不超过", "不足", "低于",
                "高于", "超过", "小于", "大于", "以内", "≥", "≤", "＞", "＜", ">", "<", "到", "至")
_QUALIFIERS = ("已", "可", "未", "新增", "现有", "累计")


@frozen
class Statement:
    doc: str  # 实施方案 / 自查记录表 / 第三方评估
    where: str  # the part of the document: 差距分析1.2.1, 矿区环境现状 …
    items: frozenset[str]  # evaluation items the text is about (empty: none in particular)
    day: dt.date  # the document's date
    kind: str  # "quantity" or "elevation"
    label: str  # words before the number (elevation: the noun after it)
    value: float  # in the canonical unit
    unit: str  # canonical unit
    written: str  # as the text writes it
    year: int | None  # a year named in the same sentence
    located: Any  # where the text is: a Location, or a function giving it (see ``location``)
    # the words of the clause the number is in, for narrowing ``items`` to the one the clause
    # is about: only found when there are several (nothing to narrow otherwise)
    clause: str = ""

    @property
    def location(self) -> Location:
        return locate(self.located)

    # what same_quantity compares, worked out once a label (it compares every pair, and the
    # same labels recur)
    @property
    def qualifier(self) -> str:
        """已 / 可 / 未 …: a stated amount and a possible one are different quantities."""
        return _label_parts(self.label)[0]

    @property
    def core(self) -> str:
        """The label without its qualifier."""
        return _label_parts(self.label)[1]

    @property
    def joined(self) -> bool:
        """The label names several things joined (和、及 …)."""
        return _label_parts(self.label)[2]

    @property
    def bigrams(self) -> frozenset[str]:
        """The label's two-character words, the common ones aside."""
        return _label_parts(self.label)[3]


@lru_cache(maxsize=4096)
def _label_parts(label: str) -> tuple[str, str, bool, frozenset[str]]:
    """A label's qualifier, its core (the rest), whether the core joins several things, and
    the core's two-character words (see :class:`Statement`)."""
    qualifier = next((q for q in _QUALIFIERS if label.startswith(q)), "")
    core = label[len(qualifier):]
    return qualifier, core, any(j in core for j in _JOINED), frozenset(_bigrams(core))


@frozen
class Source:
    """A piece of text of one document, and what it is about."""

    doc: str
    where: str
    items: frozenset[str]
    day: dt.date
    text: str
    located: "Location | Callable[[], Location]"  # a function: located only when needed


def locate(located: "Location | Callable[[], Location]") -> Location:
    """A source's location, looked up now if it was left for later (most are never needed)."""
    return located() if callable(located) else located


def _label(before: str) -> str | None:
    """The label of a number from the text before it; None when the number is a target or a
    bound."""
    text = before.rstrip()
    if text.endswith(_NOT_CURRENT):
        return None
    while text.endswith(_FILLERS):  # the first filler that leaves a word, again and again
        for word in _FILLERS:
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)].rstrip()
                break
        else:
            break
    return _cjk_tail(text)


def _cjk_tail(text: str) -> str:
    """The last ten of the Chinese characters (U+4E00–U+9FFF) ``text`` (without whitespace at
    its end) ends with: looked for in its last ten characters, not at every character of it
    (and by comparing characters: a pattern of that class costs ~1 ms to compile, at every
    start of the command)."""
    start = len(text)
    stop = max(0, start - 10)
    while start > stop and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    return text[start:]


def statements(src: Source) -> Iterator[Statement]:
    """Every quantity and elevation stated in ``src``."""
    if _DIGIT.search(src.text) is None:
        return  # most texts state no number at all: not even split into sentences
    several = len(src.items) > 1  # the clause is needed to narrow them (see Statement)
    for s in _SENTENCE.findall(src.text):
        if _DIGIT.search(s) is None:
            continue  # every quantity and elevation has a digit
        years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(s)] if "年" in s else []
        for m in _QUANTITY.finditer(s):
            start, end = m.span()
            if s[end:end + 1] in _DATE_AFTER:
                continue
            label = _label(s[:start])
            if not label:
                continue
            number, written_unit = m.groups()
            unit, factor = _UNITS[written_unit]
            year = next((y for pos, y in reversed(years) if pos < start), None) if years else None
            yield Statement(src.doc, src.where, src.items, src.day, "quantity", label,
                            float(number) * factor, unit, f"{label}{number}{written_unit}",
                            year, src.located, _clause(s, start, end) if several else "")
        if _ELEVATION_WORD.search(s) is None:
            continue  # what every elevation ends with
        for m in _ELEVATION.finditer(s):
            yield Statement(src.doc, src.where, src.items, src.day, "elevation", m.group(2),
                            float(m.group(1)), "米", m.group(0), None, src.located,
                            _clause(s, m.start(), m.end()) if several else "")


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause around a number: from the comma before it to the comma after it."""
    before = max(sentence.rfind("，", 0, start), sentence.rfind(",", 0, start),
                 sentence.rfind("、", 0, start), sentence.rfind("：", 0, start))
    after = len(sentence)
    for c in "，,、":
        i = sentence.find(c, end, after)  # only before the nearest found so far
        if i >= 0:
            after = i
    return sentence[before + 1: after]


def same_quantity(a: Statement, b: Statement) -> bool:
    """Whether two statements are about the same quantity: same unit and qualifier; rates
    (…率) end alike; other labels share at least half of the shorter one's two-character
    words (common ones such as 矿区 aside); when both texts are about particular items, an
    item in common."""
    if a.kind != b.kind or a.unit != b.unit:
        return False
    if a.items and b.items and a.items.isdisjoint(b.items):
        return False
    if a.kind == "elevation":
        return bool(a.items & b.items) and _label_parts(a.label)[0] == _label_parts(b.label)[0]
    return _same_label(a.label, b.label)


@lru_cache(maxsize=8192)
def _same_label(a: str, b: str) -> bool:
    """What :func:`same_quantity` asks of two quantities' labels, worked out once a pair of
    labels (it compares every pair of a mine's statements, and the labels recur)."""
    qa, x, joined_a, bx = _label_parts(a)
    qb, y, joined_b, by = _label_parts(b)
    if qa != qb:
        return False
    if joined_a or joined_b:  # “边坡和停用排土场”: a sum is not its parts
        return x == y
    if x.endswith("率") or y.endswith("率"):
        return x[-3:] == y[-3:] and len(x) >= 2 and len(y) >= 2
    shorter = min(len(bx), len(by))
    return shorter > 0 and 2 * len(bx & by) >= shorter


_JOINED = ("和", "及", "与", "、")
# words too common in mine descriptions to tell two quantities apart
_GENERIC = {"矿区", "矿山", "面积", "区域", "企业", "公司", "其中", "合计", "总计", "现有", "目前",
            "全部", "全年", "每年", "年度"}


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} - _GENERIC
