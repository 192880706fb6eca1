"""Native Word charts: DrawingML ``c:chartSpace`` parts written as XML text, shown inline.

A chart is a part of its own (``/word/charts/chartN.xml``) related to the document part the
Writer writes into, and a ``w:drawing`` whose ``c:chart`` points at it. Word, WPS and
LibreOffice draw it from the cached values (``c:strCache`` / ``c:numCache``); no workbook is
embedded, so "edit data" in Word is not available, but the chart stays sharp at any zoom, is
tiny, and costs a fraction of drawing a picture.

The XML is put together as strings (fast, and the element order of the schema is easy to see
here); every text that comes from the user goes through :func:`esc` and comes out literally.
The pieces: :func:`text_props`, :func:`str_ref`, :func:`num_ref`, :func:`solid`,
:func:`line`, :func:`series`, :func:`data_labels`, :func:`legend`, :func:`chart_space`; and
:func:`add_chart` to put the finished chart into a document with its caption ``图N …``.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from ..xlsx.cells import column_letter
from .fonts import DEFAULT_FONTS, FontScheme
from .text import xml_attr

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_C = CHART_URI
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

EMU_PER_MM = 36000
SHEET = "Sheet1"  # the (absent) workbook the references name, as Word's own charts do

# characters XML 1.0 cannot carry at all (escaping does not help): dropped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def esc(text: Any) -> str:
    """``text`` as XML character data (also safe inside double-quoted attributes)."""
    return xml_attr(_NOT_XML.sub("", str(text)))


def number(v: float) -> str:
    """A cached number: integers without ``.0``, others in the shortest exact form."""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


# -- formatting ------------------------------------------------------------------------------
def text_props(size: float, fonts: FontScheme = DEFAULT_FONTS, *, bold: bool = False,
               colour: str = "000000", rot: int | None = None) -> str:
    """``c:txPr``: size in points, CJK (``a:ea``) and Latin typefaces, colour, rotation."""
    rot_attr = f' rot="{rot * 60000}"' if rot is not None else ""
    return (f'<c:txPr><a:bodyPr{rot_attr}/><a:lstStyle/><a:p><a:pPr>'
            f'<a:defRPr sz="{round(size * 100)}" b="{int(bold)}">'
            f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
            f'<a:latin typeface="{esc(fonts.latin)}"/><a:ea typeface="{esc(fonts.songti)}"/>'
            f'<a:cs typeface="{esc(fonts.latin)}"/></a:defRPr></a:pPr>'
            f'<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def rich_title(text: str, size: float, fonts: FontScheme = DEFAULT_FONTS, *,
               bold: bool = False, rot: int | None = None) -> str:
    """``c:title`` with literal text (chart or axis title)."""
    rot_attr = f' rot="{rot * 60000}" vert="horz"' if rot is not None else ""
    run = (f'<a:rPr lang="zh-CN" sz="{round(size * 100)}" b="{int(bold)}">'
           f'<a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
           f'<a:latin typeface="{esc(fonts.latin)}"/><a:ea typeface="{esc(fonts.songti)}"/>'
           f'</a:rPr>')
    return (f'<c:title><c:tx><c:rich><a:bodyPr{rot_attr}/><a:lstStyle/><a:p><a:pPr>'
            f'<a:defRPr sz="{round(size * 100)}" b="{int(bold)}"/></a:pPr>'
            f'<a:r>{run}<a:t>{esc(text)}</a:t></a:r></a:p></c:rich></c:tx>'
            f'<c:overlay val="0"/></c:title>')


def solid(colour: str | None, *, outline: str | None = None) -> str:
    """``c:spPr`` filled with ``colour`` (``RRGGBB``), or invisible (``None``)."""
    fill = f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>' if colour else "<a:noFill/>"
    ln = (f'<a:ln w="6350"><a:solidFill><a:srgbClr val="{outline}"/></a:solidFill></a:ln>'
          if outline else "<a:ln><a:noFill/></a:ln>")
    return f"<c:spPr>{fill}{ln}</c:spPr>"


def line(colour: str | None, width_pt: float = 0.75, *, dash: str | None = None) -> str:
    """``c:spPr`` of a line (axis, gridline, line series); ``None`` hides it."""
    if colour is None:
        return "<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>"
    dash_xml = f'<a:prstDash val="{dash}"/>' if dash else ""
    return (f'<c:spPr><a:ln w="{round(width_pt * 12700)}" cap="flat"><a:solidFill>'
            f'<a:srgbClr val="{colour}"/></a:solidFill>{dash_xml}<a:round/></a:ln></c:spPr>')


# -- data ------------------------------------------------------------------------------------
def str_ref(ref: str, values: Sequence[str]) -> str:
    """``c:strRef``: a reference into the (absent) sheet and the cached texts."""
    pts = "".join(f'<c:pt idx="{i}"><c:v>{esc(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return (f"<c:strRef><c:f>{esc(ref)}</c:f><c:strCache><c:ptCount val=\"{len(values)}\"/>"
            f"{pts}</c:strCache></c:strRef>")


def num_ref(ref: str, values: Sequence[float | None], fmt: str = "General") -> str:
    """``c:numRef`` with cached numbers; ``None`` is a blank cell (no point)."""
    pts = "".join(f'<c:pt idx="{i}"><c:v>{number(v)}</c:v></c:pt>'
                  for i, v in enumerate(values) if v is not None)
    return (f"<c:numRef><c:f>{esc(ref)}</c:f><c:numCache><c:formatCode>{esc(fmt)}"
            f"</c:formatCode><c:ptCount val=\"{len(values)}\"/>{pts}</c:numCache></c:numRef>")


def series(idx: int, name: str, categories: Sequence[str], values: Sequence[float | None], *,
           sppr: str, kind: str = "bar", labels: str = "", fmt: str = "General") -> str:
    """One ``c:ser`` of a bar (``kind="bar"``) or line (``"line"``) chart. The data sit in
    column A (categories) and column ``idx + 1`` of the sheet, the name in row 1."""
    n = len(categories)
    col = column_letter(idx + 2)
    cat = f"<c:cat>{str_ref(f'{SHEET}!$A$2:$A${n + 1}', categories)}</c:cat>"
    val = f"<c:val>{num_ref(f'{SHEET}!${col}$2:${col}${n + 1}', values, fmt)}</c:val>"
    head = (f'<c:idx val="{idx}"/><c:order val="{idx}"/>'
            f"<c:tx>{str_ref(f'{SHEET}!${col}$1', [name])}</c:tx>{sppr}")
    if kind == "line":
        return (f'<c:ser>{head}<c:marker><c:symbol val="none"/></c:marker>{labels}{cat}{val}'
                f'<c:smooth val="0"/></c:ser>')
    return f'<c:ser>{head}<c:invertIfNegative val="0"/>{labels}{cat}{val}</c:ser>'


def data_labels(fmt: str, size: float, fonts: FontScheme = DEFAULT_FONTS, *,
                pos: str | None = "outEnd") -> str:
    """``c:dLbls`` showing each point's value in number format ``fmt``."""
    pos_xml = f'<c:dLblPos val="{pos}"/>' if pos else ""
    return (f'<c:dLbls><c:numFmt formatCode="{esc(fmt)}" sourceLinked="0"/>'
            f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{text_props(size, fonts)}'
            f'{pos_xml}<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
            f'<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
            f'</c:dLbls>')


def legend(size: float, fonts: FontScheme = DEFAULT_FONTS, *, pos: str = "b",
           hidden: Sequence[int] = ()) -> str:
    """``c:legend``; ``hidden`` are legend entries (series indexes) left out."""
    entries = "".join(f'<c:legendEntry><c:idx val="{i}"/><c:delete val="1"/></c:legendEntry>'
                      for i in hidden)
    return (f'<c:legend><c:legendPos val="{pos}"/>{entries}<c:overlay val="0"/>'
            f'{text_props(size, fonts)}</c:legend>')


def chart_space(plot_area: str, *, legend_xml: str = "", title_xml: str = "",
                size: float = 9, fonts: FontScheme = DEFAULT_FONTS) -> str:
    """The whole chart part: ``plot_area`` is the inside of ``c:plotArea`` (chart groups and
    axes); no border around the chart, default text in ``size`` pt in the document's fonts."""
    title = title_xml or '<c:autoTitleDeleted val="1"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
            '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
            f'<c:chart>{title}<c:plotArea><c:layout/>{plot_area}</c:plotArea>{legend_xml}'
            '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
            '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
            '<a:ln><a:noFill/></a:ln></c:spPr>'
            f'{text_props(size, fonts)}</c:chartSpace>')


# -- into the document -----------------------------------------------------------------------
def _ppr(*, keep_with_next: bool, before_pt: float) -> str:
    """Centred, single-spaced (an exact line height would clip a chart), no first-line indent
    (as ``text.no_indent``)."""
    keep = "<w:keepNext/>" if keep_with_next else ""
    return (f'{keep}<w:spacing w:before="{round(before_pt * 20)}" w:line="240" '
            'w:lineRule="auto"/><w:ind w:firstLine="0" w:firstLineChars="0"/>'
            '<w:jc w:val="center"/>')


def add_chart(writer: Any, chart_xml: str, caption: str | None, *, width_mm: float,
              height_mm: float, legend_items: Sequence[tuple[str, str]] = ()) -> Any:
    """Put the chart part ``chart_xml`` (from :func:`chart_space`) into the document ``writer``
    writes: a centred inline chart ``width_mm`` × ``height_mm`` and, when ``caption`` is given,
    ``图N caption`` under it, numbered with the Writer's figures; ``legend_items``
    (``(colour, name)`` pairs) add a legend line between them (:func:`key_paragraph`). Returns
    the last paragraph written."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    from .figures import add_caption, next_shape_id

    doc_part = writer.doc.part
    package = doc_part.package
    partname = PackURI(package.next_partname("/word/charts/chart%d.xml"))
    part = Part(partname, CHART_CONTENT_TYPE, chart_xml.encode("utf-8"), package)
    rid = doc_part.relate_to(part, CHART_REL_TYPE)

    number = None
    if caption:
        writer.figures += 1
        number = writer.figures
    width = min(width_mm, writer.type_width_mm)
    docpr = next_shape_id(writer.doc.part)
    name = f"图表 {docpr}"
    descr = f"图{number} {caption}" if caption else name
    drawing = (
        f'<w:r><w:drawing xmlns:wp="{NS_WP}" xmlns:a="{NS_A}" xmlns:c="{NS_C}" '
        f'xmlns:r="{NS_R}"><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{round(width * EMU_PER_MM)}" cy="{round(height_mm * EMU_PER_MM)}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{docpr}" name="{esc(name)}" descr="{esc(descr)}"/>'
        f'<wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri="{CHART_URI}">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    before = writer.last_block()
    ppr = _ppr(keep_with_next=bool(caption or legend_items), before_pt=6)
    picture = par = writer.add_paragraph_xml(ppr, drawing)
    if legend_items:
        par = key_paragraph(writer, legend_items, keep_with_next=bool(caption))
    if caption:
        par = add_caption(writer.body, "图", number, caption)
    writer.figure_added(before, picture._p, caption, legend=bool(legend_items))
    return par


def key_paragraph(writer: Any, items: Sequence[tuple[str, str]], *, size: float = 8,
                  keep_with_next: bool = True) -> Any:
    """A legend as a centred line of text under a chart: ``■ name`` per ``(colour, name)``.

    For charts whose legend must leave out helper series (the Gantt chart's invisible start
    series): ``c:legendEntry`` would do that, but which entry its index means in a horizontal
    bar chart differs between applications (LibreOffice counts them backwards), so the
    chart's own legend is switched off and this paragraph takes its place."""
    fonts = writer.fonts
    sz = f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'

    def run(text: str, latin: str, colour: str | None = None) -> str:
        colour_xml = f'<w:color w:val="{colour}"/>' if colour else ""
        return (f'<w:r><w:rPr><w:rFonts w:ascii="{esc(latin)}" w:hAnsi="{esc(latin)}" '
                f'w:eastAsia="{esc(fonts.songti)}" w:cs="{esc(latin)}" w:hint="eastAsia"/>'
                f'{colour_xml}{sz}</w:rPr><w:t xml:space="preserve">{esc(text)}</w:t></w:r>')

    runs = []
    for k, (colour, name) in enumerate(items):
        if k:
            runs.append(run("　", fonts.latin))
        # the square in the CJK font whichever slot an application takes it from
        runs.append(run("■", fonts.songti, colour))
        runs.append(run(f" {name}", fonts.latin))
    return writer.add_paragraph_xml(_ppr(keep_with_next=keep_with_next, before_pt=2),
                                    "".join(runs))


__all__ = ["CHART_CONTENT_TYPE", "CHART_REL_TYPE", "add_chart", "chart_space",
           "data_labels", "esc", "key_paragraph", "legend", "line", "num_ref", "rich_title",
           "series", "solid", "str_ref", "text_props"]
