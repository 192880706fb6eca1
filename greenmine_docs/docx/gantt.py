"""The schedule as a Gantt-style chart (进度横道图), a native Word chart (see
:mod:`greenmine_docs.docx.charts`).

A horizontal stacked bar chart: an invisible first series carries each task's start date (as a
spreadsheet date serial, so the value axis reads as dates), the visible series its duration in
days. There is one visible series per first-level indicator, holding only that indicator's
tasks, so bars are coloured by indicator; a legend line under the chart names the indicators
(the chart's own legend would list the invisible series too). Tasks run from top
to bottom in the order of the schedule table, labelled with the same codes (1-1, 1-2 …) and a
short text; the dates (年月) run along the top, with a light gridline each month.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..frozen import frozen
from .charts import add_chart, chart_space, esc, line, series, solid, text_props
from .fonts import DEFAULT_FONTS, FontScheme

COLOURS = ("2E7D32", "1565C0", "EF6C00", "6A1B9A", "00838F", "AD1457", "5D4037", "455A64")
DATE_FORMAT = 'yyyy"年"m"月"'
_EPOCH = dt.date(1899, 12, 30)  # spreadsheet date serial 0 (1900 date system)
_MAX_TICKS = 7


@frozen(quick_init=False)
class Bar:
    code: str  # "1-2"
    label: str  # short task text
    group: int  # index of the first-level indicator (colour)
    group_name: str
    start: dt.date
    end: dt.date  # last day of the task (inclusive)


def serial(d: dt.date) -> int:
    """Spreadsheet date serial of ``d`` (what the chart's value axis counts)."""
    return (d - _EPOCH).days


def bar_label(bar: Bar, chars: int = 14) -> str:
    """``1-2 工业场地绿化提升…``: the code and the task text, cut to ``chars`` characters."""
    text = bar.label if len(bar.label) <= chars else bar.label[:chars] + "…"
    return f"{bar.code} {text}".strip()


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


@frozen(quick_init=False)
class DateAxis:
    min: int  # serial of the first day of the start month
    max: int  # serial of the day after the period ends
    major: float  # days between labelled ticks
    minor: float  # days between light gridlines
    step: int  # months between labelled ticks


def date_axis(start: dt.date, end: dt.date, max_ticks: int = _MAX_TICKS) -> DateAxis:
    """Ticks every 1, 2, 3, 6 or 12 months (at most ``max_ticks`` labels). A value axis has one
    fixed tick spacing while months differ in length, so the spacing is the smallest one that
    puts every tick on or just after the first day of its month (a day or two late at most for
    steps of three months and more): each label names the right month."""
    first = dt.date(start.year, start.month, 1)
    lo, hi = serial(first), serial(end) + 1
    months = (end.year - first.year) * 12 + end.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months // s + 1 <= max_ticks), 12)
    while months // step + 1 > max_ticks:
        step += 12
    need = []
    k = 1
    while True:
        tick = _add_months(first, k * step)
        if serial(tick) > hi:
            break
        need.append((serial(tick) - lo) / k)
        k += 1
    major = (max(need) if need else step * 365.25 / 12) + 0.01
    minor = major / step if step <= 6 else major / 4
    return DateAxis(lo, hi, major, minor, step)


def gantt_xml(bars: list[Bar], start: dt.date, end: dt.date, *,
              fonts: FontScheme = DEFAULT_FONTS, label_chars: int = 14) -> str:
    """The chart part for ``bars`` over the plan period ``start``..``end``."""
    axis = date_axis(start, end)
    cats = [bar_label(b, label_chars) for b in bars]
    offsets = [max(serial(b.start), axis.min) for b in bars]
    out = [series(0, "开始日期", cats, offsets, sppr=solid(None), fmt="yyyy/m/d")]
    groups: dict[int, str] = {}
    for b in bars:
        groups.setdefault(b.group, b.group_name)
    for n, (g, name) in enumerate(sorted(groups.items()), start=1):  # one series per group
        days = [max(serial(b.end) + 1 - off, 0) if b.group == g else None
                for b, off in zip(bars, offsets)]
        out.append(series(n, name, cats, days, sppr=solid(COLOURS[g % len(COLOURS)])))
    grid = '<c:majorGridlines>{}</c:majorGridlines>'.format(line("A6A6A6", 0.5))
    minor = ('<c:minorGridlines>{}</c:minorGridlines>'.format(line("E3E3E3", 0.5))
             if axis.minor < axis.major else "")
    plot = (
        '<c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/><c:varyColors val="0"/>'
        f'{"".join(out)}<c:gapWidth val="45"/><c:overlap val="100"/>'
        '<c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
        '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'{line("808080", 0.75)}{text_props(8, fonts)}<c:crossAx val="50010002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="l"/>'
        '<c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{axis.max}"/><c:min val="{axis.min}"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="t"/>{grid}{minor}'
        f'<c:numFmt formatCode="{esc(DATE_FORMAT)}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{line("808080", 0.75)}{text_props(8, fonts)}<c:crossAx val="50010001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/>'
        f'<c:majorUnit val="{axis.major:.4f}"/><c:minorUnit val="{axis.minor:.4f}"/></c:valAx>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>')
    return chart_space(plot, size=8, fonts=fonts)  # legend: a line under the chart


def chart_height_mm(n: int) -> float:
    """Rows of 4.5–7 mm plus the date axis; never taller than 180 mm."""
    row = min(7.0, max(4.5, 160 / max(n, 1)))
    return min(18 + row * max(n, 1), 180.0)


def legend_items(bars: list[Bar]) -> list[tuple[str, str]]:
    """``(colour, indicator name)`` of each group, in indicator order."""
    groups: dict[int, str] = {}
    for b in bars:
        groups.setdefault(b.group, b.group_name)
    return [(COLOURS[g % len(COLOURS)], name) for g, name in sorted(groups.items())]


def add_gantt(writer: Any, bars: list[Bar], start: dt.date, end: dt.date, caption: str, *,
              width_mm: float = 156) -> Any:
    """The chart, its legend line and its caption ``图N caption``, appended through
    ``writer``."""
    xml = gantt_xml(bars, start, end, fonts=writer.fonts)
    return add_chart(writer, xml, caption, width_mm=width_mm,
                     height_mm=chart_height_mm(len(bars)), legend_items=legend_items(bars))
