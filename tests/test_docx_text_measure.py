"""The text measures of :mod:`greenmine_docs.docx.page_cursor` (found by the regex engine) count
what their definitions say, character by character."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from greenmine_docs.docx.page_cursor import _has_long_ascii_run, ems_bounds


def _wide_by_char(text: str) -> int:
    return sum(1 for ch in text if ord(ch) >= 0x2E80)


def _long_run_by_char(text: str) -> bool:
    run = 0
    for ch in text:
        run = run + 1 if ord(ch) < 0x2E80 and not ch.isspace() else 0
        if run >= 6:
            return True
    return False


# Latin, digits, marks, every kind of white space (a no-break, an ideographic space), CJK,
# full-width forms, characters beyond the BMP and lone surrogates, around the U+2E80 border
_PIECES = st.sampled_from(["a", "Z", "1", "-", ".", " ", "\t", "\n", "\u00a0", "\u2028",
                           "\u3000", "\u2e7f", "\u2e80", "中", "，", "ｃ", "\U00020000",
                           "\ud800", "ABCDEF", "12345", "GB/T", "2023年"])
TEXTS = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_measures_count_as_their_definitions(text):
    wide = _wide_by_char(text)
    assert ems_bounds(text) == (wide + 0.25 * (len(text) - wide), wide + 0.65 * (len(text) - wide))
    assert _has_long_ascii_run(text) == _long_run_by_char(text)


def test_examples():
    assert _has_long_ascii_run("编号GB/T 9704") is False  # a space breaks the run
    assert _has_long_ascii_run("标准GB/T9704-2012") is True
    assert _has_long_ascii_run("12345中678") is False
    assert ems_bounds("中文ab") == (2.5, 3.3)
