"""Chinese type sizes (字号) and East Asian font handling.

python-docx's ``font.name`` writes only ``w:ascii``/``w:hAnsi``; Word then shows Chinese text in
whatever East Asian font the style chain happens to give. Every helper here writes ``w:eastAsia``
as well and removes the ``*Theme`` attributes (which would override the explicit names).
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ..frozen import frozen

# 字号 -> points
SIZES: dict[str, float] = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
    "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9, "六号": 7.5,
}


@frozen(quick_init=False)
class FontScheme:
    """Font names used by the official layout. Defaults are fonts every Chinese Windows has;
    the title font is 方正小标宋简体, declared in the font table with 宋体 as Word's
    substitute (``title_fallback``) on machines that lack it."""

    fangsong: str = "仿宋"
    heiti: str = "黑体"
    kaiti: str = "楷体"
    songti: str = "宋体"
    title: str = "方正小标宋简体"
    title_fallback: str = "宋体"
    latin: str = "Times New Roman"


DEFAULT_FONTS = FontScheme()

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_rfonts(rpr, east_asia: str, latin: str | None = None) -> None:
    """Write ``w:rFonts`` on a ``w:rPr`` element: eastAsia plus ascii/hAnsi (latin, or the
    East Asian font when none), dropping theme attributes that would win over the names."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        style_ref = rpr.find(qn("w:rStyle"))  # schema: rStyle first, then rFonts
        if style_ref is not None:
            style_ref.addnext(rfonts)
        else:
            rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in rfonts.attrib:
            del rfonts.attrib[key]
    latin = latin or east_asia
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def set_run_font(run, east_asia: str, *, latin: str | None = None, size: float | None = None,
                 bold: bool | None = None, italic: bool | None = None) -> None:
    """Font of one run (python-docx ``Run``), East Asian name included."""
    rpr = run._r.get_or_add_rPr()
    set_rfonts(rpr, east_asia, latin)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic


def set_style_font(style, east_asia: str, *, latin: str | None = None,
                   size: float | None = None, bold: bool | None = None,
                   italic: bool | None = None, color: str | None = "000000") -> None:
    """Font of a paragraph/character style, East Asian name included; colour reset to black
    (python-docx's default heading styles are blue)."""
    rpr = style.element.get_or_add_rPr()
    set_rfonts(rpr, east_asia, latin)
    font = style.font
    if size is not None:
        font.size = Pt(size)
        # East Asian size is w:szCs for complex scripts only; w:sz covers CJK text.
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        from docx.shared import RGBColor

        font.color.rgb = RGBColor.from_string(color)


def east_asia_of(rpr) -> str | None:
    """The ``w:eastAsia`` font name of an ``w:rPr`` (or ``None``)."""
    if rpr is None:
        return None
    rfonts = rpr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))
