"""Key facts in a plan's text compared with the structured input (``check --input mine.yaml``).

Compared: mine name, licence number, production scale, mine area and remaining recoverable
reserves. Each is looked for next to its usual label (``采矿许可证号``, ``生产规模``, ``矿区面积``,
``剩余可采储量``…); numbers are compared after unit conversion (km² / 公顷 / m², 万吨 / 万t) with a
tolerance for rounding to the precision the document writes. A value that differs is a warning
naming the paragraph; a fact the document never states is an info finding.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..findings import Finding, Location, make
from .structure import Block, locate

_NUM = r"(\d+(?:[.,]\d+)*(?:\.\d+)?)"

_AREA_UNITS = {"平方千米": 1.0, "平方公里": 1.0, "km2": 1.0, "km²": 1.0, "公顷": 0.01,
               "hm2": 0.01, "hm²": 0.01, "平方米": 1e-6, "m2": 1e-6, "m²": 1e-6, "亩": 1 / 1500}
_MASS_UNITS = {"万吨": "万t", "万t": "万t", "万立方米": "万m3", "万m3": "万m3", "万m³": "万m3",
               "亿吨": "亿t", "千吨": "千t", "万方": "万m3"}
_SCALE_UNITS = {"万吨/年": "万t/a", "万t/a": "万t/a", "万吨/a": "万t/a", "万t/年": "万t/a",
                "万立方米/年": "万m3/a", "万m3/a": "万m3/a", "万m³/a": "万m3/a", "万方/年": "万m3/a",
                "万立方米/a": "万m3/a"}


# Labels searched in document text. Each is linear: one optional separator between two runs
# of spaces, never two adjacent ``\s*`` that could share a long run of spaces.
_LICENCE_LABEL = re.compile(r"(?:采矿许可证号|采矿许可证编号|许可证号|采矿证号|证号)\s*(?:[:：为是]\s*)?"
                            r"[“\"'《]?([A-Za-z0-9]{10,30})")
_NAME_LABEL = re.compile(r"矿山名称\s*(?:[:：为是]\s*)?[“\"]?([^\s,，。；;”\"（(]{4,40})")
_SCALE_LABEL = re.compile(r"(?:生产规模|设计规模|核定规模|开采规模)")
_AREA_LABEL = re.compile(r"矿区(?:范围)?面积")
_RESERVES_LABEL = re.compile(r"剩余(?:可采)?储量")


def label_patterns() -> list[re.Pattern[str]]:
    """The patterns applied to document text (listed for the linear-time test)."""
    return [_LICENCE_LABEL, _NAME_LABEL, _SCALE_LABEL, _AREA_LABEL, _RESERVES_LABEL]


@dataclass
class Mention:
    value: str
    block: Block
    heading: str


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def _units_pattern(units: Iterable[str]) -> str:
    return "(" + "|".join(re.escape(_norm(u)) for u in sorted(units, key=len, reverse=True)) + ")"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _close(doc_text: str, doc_value: float, expected: float) -> bool:
    """Equal within 0.5 %, or equal at the precision the document wrote and within 2 %
    (0.86 matches 0.8625; 0.9 and 1 do not)."""
    if expected == 0:
        return doc_value == 0
    rel = abs(doc_value - expected) / abs(expected)
    if rel <= 0.005:
        return True
    places = _decimals(doc_text)
    return round(expected, places) == round(doc_value, places) and rel <= 0.02


def _find(blocks: list[tuple[Block, str]], pattern: re.Pattern[str]
          ) -> list[tuple[re.Match[str], Block, str]]:
    out = []
    for block, heading, text in statements(blocks):
        for m in pattern.finditer(text):
            out.append((m, block, heading))
    return out


_UNIT_IN_LABEL = re.compile(r"^(.{1,20}?)\s*[（(]\s*([^（）()]{1,12})\s*[）)]\s*$")
_BARE_NUMBER = re.compile(r"^\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*$")


def table_pairs(rows: list[list[str]]) -> list[str]:
    """Label–value statements of a table, as ``label：value``: two-column rows (label |
    value), four- or six-column rows (label | value | label | value), and a header row over
    one row of values. A unit written in the label (``生产规模（万吨/年）`` | ``120``) moves
    after the value, so the statement reads like a sentence."""
    out: list[str] = []

    def pair(label: str, value: str) -> None:
        label, value = label.strip(), value.strip()
        if not label or not value:
            return
        m, num = _UNIT_IN_LABEL.match(label), _BARE_NUMBER.match(value)
        if m and num:
            out.append(f"{m.group(1)}：{num.group(1)}{m.group(2)}")
        else:
            out.append(f"{label}：{value}")

    for row in rows:
        if len(row) in (2, 4, 6):
            for i in range(0, len(row), 2):
                pair(row[i], row[i + 1])
    if len(rows) == 2 and len(rows[0]) == len(rows[1]) and len(rows[0]) not in (2, 4, 6):
        for label, value in zip(rows[0], rows[1]):
            pair(label, value)
    return out


def statements(blocks: list[tuple[Block, str]]) -> list[tuple[Block, str, str]]:
    """(block, heading, normalised text) for every paragraph, and for a table every
    label–value pair and every row: facts are compared wherever they are written."""
    out = []
    for block, heading in blocks:
        if block.kind == "table" and block.rows:
            for text in table_pairs(block.rows):
                out.append((block, heading, _norm(text)))
            for row in block.rows:
                out.append((block, heading, _norm(" ".join(row))))
        else:
            out.append((block, heading, _norm(block.text)))
    return out


def compare_facts(blocks: list[tuple[Block, str]], submission: object, file: str,
                  header_footer: list[str] | None = None) -> list[Finding]:
    """``blocks``: (block, heading it is under) for every paragraph and table of the plan;
    ``header_footer``: the texts of the page headers and footers."""
    mine = submission.mine  # type: ignore[attr-defined]
    lic = mine.licence
    findings: list[Finding] = []

    def loc(block: Block, heading: str) -> Location:
        return locate(file, heading, block)

    def missing(what: str, expected: str) -> None:
        findings.append(make("GM-I621", f"文档中未找到{what}（申报数据为 {expected}）。",
                             location=Location(file=file)))

    # licence number -------------------------------------------------------------------------
    hits = _find(blocks, _LICENCE_LABEL)
    expected = lic.number.strip().upper()
    if not hits and expected not in "".join(_norm(b.text) for b, _ in blocks).upper():
        missing("采矿许可证号", lic.number)
    wrong: set[int] = set()
    for m, block, heading in hits:
        if m.group(1).upper() != expected and id(block) not in wrong:
            wrong.add(id(block))
            findings.append(make("GM-W620", f"采矿许可证号写作“{m.group(1)}”，申报数据为“{lic.number}”。",
                                 location=loc(block, heading)))

    # names: every mention that looks like the mine's or the enterprise's -----------------
    from .names import compare_names

    findings.extend(compare_names(blocks, header_footer or [], submission, file))

    # numbers: every value with a known unit in the sentence after the label counts, so
    # "由60万吨/年扩大到120万吨/年" agrees with 120 -------------------------------------------------
    def numeric(what: str, lab: re.Pattern[str], units: Mapping[str, object], expected: float,
                expected_unit: str, convert) -> None:
        val = re.compile(rf"{_NUM}\s*{_units_pattern(units)}")
        seen = False
        reported: set[int] = set()
        for block, heading, text in statements(blocks):
            for lm in lab.finditer(text):
                sentence = re.split(r"[。；;\n]", text[lm.end():lm.end() + 80], maxsplit=1)[0]
                values = [(m.group(1), m.group(2)) for m in val.finditer(sentence)]
                compared = [(num, unit, convert(unit)) for num, unit in values]
                compared = [c for c in compared if c[2] is not None]
                if not compared:
                    continue
                seen = True
                if any(_close(num, _number(num), expected / factor)
                       for num, _u, factor in compared):
                    continue
                num, unit, _f = compared[0]
                if id(block) in reported:  # a table's pair and its row say the same thing
                    continue
                reported.add(id(block))
                findings.append(make("GM-W620", f"{what}写作“{num}{unit}”，申报数据为 "
                                                f"{expected:g}{expected_unit}。",
                                     location=loc(block, heading)))
        if not seen:
            missing(what, f"{expected:g}{expected_unit}")

    scale_unit = _SCALE_UNITS.get(_norm(lic.scale.unit).replace(" ", ""))
    numeric("生产规模", _SCALE_LABEL, _SCALE_UNITS, lic.scale.value,
            lic.scale.unit, lambda u: 1.0 if _SCALE_UNITS[u] == scale_unit else None)
    numeric("矿区面积", _AREA_LABEL, _AREA_UNITS, lic.area_km2, "平方千米",
            lambda u: _AREA_UNITS[u])
    reserves = getattr(submission, "reserves", None)
    if reserves is not None:
        r_unit = _MASS_UNITS.get(_norm(reserves.remaining.unit).replace(" ", ""))
        numeric("剩余可采储量", _RESERVES_LABEL, _MASS_UNITS, reserves.remaining.value,
                reserves.remaining.unit, lambda u: 1.0 if _MASS_UNITS[u] == r_unit else None)
    from .plan_facts import compare_plan_facts

    findings.extend(compare_plan_facts(blocks, submission, file, statements(blocks)))
    return findings
