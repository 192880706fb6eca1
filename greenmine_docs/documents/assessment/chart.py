"""The report's chart: each first-level indicator's score rate (得分率) against the minimum rate
its indicator set requires, as a native Word chart (see :mod:`greenmine_docs.docx.charts`).

Columns show the score rates on a 0–100 % axis, labelled with the same rounded percentages as
the summary table (评分汇总表); a dashed line marks the minimum rate. Indicators that reach it
are green; when some do not, they are red and the legend says so (得分率（未达到要求）). An
indicator where nothing applies has no column and is labelled 不适用.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...docx.charts import (add_chart, chart_space, data_labels, legend, line, rich_title,
                           series, solid, text_props)
from ...docx.fonts import DEFAULT_FONTS, FontScheme

if TYPE_CHECKING:
    from ...scoring import ScoreResult

PASSED = "4E8A3E"
FAILED = "C0392B"
MINIMUM = "1F3B73"
CAPTION = "各一级指标得分率与最低得分率对比"


def shown_rate(ratio: float | None) -> float | None:
    """The rate as the report prints it (``fmt_ratio``: half-up to 0.1 %), as a fraction, so
    the chart's labels and the summary table never differ in the last digit."""
    from ...scoring import fmt_ratio

    if ratio is None:
        return None
    return float(Decimal(fmt_ratio(ratio).rstrip("%")) / 100)


def minimum_name(result: "ScoreResult") -> str:
    """Legend text of the minimum line: ``最低得分率（75%）`` when all indicators share it."""
    ratios = {c.min_ratio for c in result.categories}
    if len(ratios) == 1:
        return f"最低得分率（{next(iter(ratios)) * 100:g}%）"
    return "最低得分率"


def score_chart_xml(result: "ScoreResult", fonts: FontScheme = DEFAULT_FONTS) -> str:
    """The chart part for ``result``."""
    cats = result.categories
    names = [c.category.name + ("（不适用）" if c.ratio is None else "") for c in cats]
    rates = [shown_rate(c.ratio) for c in cats]
    failed = any(not c.passed for c in cats)
    labels = data_labels("0.0%", 8, fonts)
    bars = [series(0, "得分率（达到要求）" if failed else "得分率", names,
                   [r if c.passed else None for r, c in zip(rates, cats)],
                   sppr=solid(PASSED), labels=labels, fmt="0.0%")]
    if failed:
        bars.append(series(1, "得分率（未达到要求）", names,
                           [None if c.passed else r for r, c in zip(rates, cats)],
                           sppr=solid(FAILED), labels=labels, fmt="0.0%"))
    line_ser = series(len(bars), minimum_name(result), names, [c.min_ratio for c in cats],
                      sppr=line(MINIMUM, 1.5, dash="dash"), kind="line", fmt="0%")
    plot = (
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
        f'<c:varyColors val="0"/>{"".join(bars)}<c:gapWidth val="90"/><c:overlap val="100"/>'
        '<c:axId val="50020001"/><c:axId val="50020002"/></c:barChart>'
        '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
        f'{line_ser}<c:marker val="1"/><c:axId val="50020001"/><c:axId val="50020002"/>'
        '</c:lineChart>'
        '<c:catAx><c:axId val="50020001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{line("808080", 0.75)}{text_props(8, fonts, rot=0)}<c:crossAx val="50020002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50020002"/><c:scaling><c:orientation val="minMax"/>'
        '<c:max val="1"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="l"/>'
        f'<c:majorGridlines>{line("D9D9D9", 0.5)}</c:majorGridlines>'
        f'{rich_title("得分率", 8, fonts, rot=-90)}'
        '<c:numFmt formatCode="0%" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{line("808080", 0.75)}{text_props(8, fonts)}<c:crossAx val="50020001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/><c:majorUnit val="0.2"/>'
        '</c:valAx><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>')
    return chart_space(plot, legend_xml=legend(8, fonts), size=8, fonts=fonts)


LEAST_HEIGHT_SHARE = 2 / 3  # of its height, the least the chart is set at to fit a page


def add_score_chart(writer: Any, result: "ScoreResult", caption: str = CAPTION, *,
                    width_mm: float = 150, height_mm: float = 90) -> Any:
    """The chart with its caption ``图N caption`` appended through ``writer``. Where the page
    is known to have room for it at no less than :data:`LEAST_HEIGHT_SHARE` of ``height_mm``
    but not at all of it, it is set as high as that room: a picture that does not fit goes
    overleaf whole, and left up to 40 % of the page empty under the score summary. What
    follows it then starts the next page (the page is full as far as can be told)."""
    room = writer.picture_room_mm(caption)
    fitted = room is not None and height_mm * LEAST_HEIGHT_SHARE <= room < height_mm
    last = add_chart(writer, score_chart_xml(result, writer.fonts), caption,
                     width_mm=width_mm, height_mm=math.floor(room) if fitted else height_mm)
    if fitted:
        writer.page_filled()
    return last
