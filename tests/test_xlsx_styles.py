"""``xlsx.styles``: style parts described without openpyxl make the openpyxl objects they
describe, and say what they are (the remembered workbook's digest reads their ``repr``)."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl.cell.cell import TIME_FORMATS
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Border, Font, PatternFill, Side

from greenmine_docs.xlsx import book
from greenmine_docs.xlsx.styles import Part, made


def test_a_part_makes_the_object_it_describes_once() -> None:
    thin = Part("Side", style="thin", color="000000")
    border = Part("Border", left=thin, right=thin)
    side = Side(style="thin", color="000000")
    assert border.made() == Border(left=side, right=side)
    assert border.made() is border.made() and border.made().left is thin.made()
    assert Part("PatternFill", "solid", fgColor="D9E2F3").made() == PatternFill(
        "solid", fgColor="D9E2F3")
    assert Part("InlineFont", rFont="宋体", sz=8).made() == InlineFont(rFont="宋体", sz=8)
    font = Font(bold=True)
    assert made(font) is font and made(None) is None


def test_a_part_says_every_argument_in_its_repr() -> None:
    a = Part("Font", name="宋体", size=10, bold=True)
    assert repr(a) == "Font(bold=True, name='宋体', size=10)"
    assert repr(a) == repr(Part("Font", bold=True, size=10, name="宋体"))  # (any order)
    assert repr(a) != repr(Part("Font", name="宋体", size=10))
    inner = Part("Border", left=Part("Side", style="thin"))
    assert repr(inner) == "Border(left=Side(style='thin'))"
    assert repr(Part("PatternFill", "solid")) == "PatternFill('solid')"


def test_only_style_classes_are_described() -> None:
    with pytest.raises(ValueError):
        Part("Workbook")


def test_a_date_gets_the_format_openpyxl_gives_it() -> None:
    assert book.TIME_FORMATS == TIME_FORMATS
    kinds = (dt.datetime, dt.date, dt.time, dt.timedelta)
    for kind in kinds:
        for current in (None, "General", "0.00", "yyyy-mm-dd", 'yyyy"年"m"月"d"日"'):
            expected = current if current and current != "General" and \
                current != "0.00" else TIME_FORMATS[kind]
            assert book._time_format_of(kind, current) == expected
