"""The one rule for widths of text in generated workbooks (``greenmine_docs.xlsx.write``)."""
from __future__ import annotations

import pytest

from greenmine_docs.xlsx.write import line_count, text_width


def test_wide_characters_are_as_wide_as_the_font_is_high() -> None:
    assert text_width("绿色矿山") == pytest.approx(4 * 1.8)  # 10 pt: the self-check table
    assert text_width("ab 12") == pytest.approx(5.0)
    assert text_width("（达标）") == pytest.approx(4 * 1.8)  # full-width punctuation is wide
    assert text_width("绿色", 11) == pytest.approx(2 * 1.98)
    assert text_width("ab", 10.5) == pytest.approx(2 * 1.05)
    assert text_width(None) == 0 and text_width(12.5) == pytest.approx(4.0)


def test_lines_of_a_wrapped_cell() -> None:
    assert line_count("", 10) == 1 and line_count(None, 10) == 1
    assert line_count("绿" * 5, 10) == 1  # 9 units in 9 usable
    assert line_count("绿" * 6, 10) == 2
    assert line_count("甲\n\n乙", 30) == 3  # every line break starts a line
    assert line_count("x" * 50, 0.5) == 50  # a column narrower than its padding: one unit
