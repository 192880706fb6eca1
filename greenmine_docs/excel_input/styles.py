"""Shared look of the workbooks: fonts, fills, header cells, dropdowns, column widths, print
setup. Kept in one place so the input workbook and the mines table look alike."""
from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ..xlsx.write import line_count
from .layout import Leaf

FONT_NAME = "宋体"
FONT = Font(name=FONT_NAME, size=11)
FONT_BOLD = Font(name=FONT_NAME, size=11, bold=True)
FONT_TITLE = Font(name="黑体", size=14, bold=True)
FONT_NOTE = Font(name=FONT_NAME, size=10, color="595959")
FONT_KEY = Font(name="Consolas", size=8, color="808080")
FONT_REQUIRED = Font(name=FONT_NAME, size=11, bold=True, color="C00000")

FILL_HEADER = PatternFill("solid", fgColor="D9E1F2")
FILL_REQUIRED = PatternFill("solid", fgColor="FFF2CC")
FILL_COND = PatternFill("solid", fgColor="FDF8EA")
FILL_GROUP = PatternFill("solid", fgColor="B4C6E7")

_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_CENTER = Alignment(horizontal="center", vertical="top")

REQUIRED_MARK = "＊"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

KIND_WIDTH = {"date": 13, "datetime": 17, "bool": 8, "int": 10, "float": 12, "enum": 16,
              "text": 48, "list": 30, "json": 36, "any": 18, "str": 22}

KIND_HINT = {
    "date": "日期，如 2023-09-20",
    "datetime": "日期时间，如 2023-09-20 14:30",
    "bool": "从下拉列表选 是 或 否",
    "int": "整数",
    "float": "数字（不带单位）",
    "enum": "从下拉列表选择",
    "text": "长文本，可换行（Alt+Enter）；支持 Markdown",
    "list": "多项用全角分号“；”分隔",
    "json": "JSON 格式",
}


def number_format(leaf: Leaf) -> str:
    if leaf.kind == "date":
        return DATE_FORMAT
    if leaf.kind == "datetime":
        return DATETIME_FORMAT
    if leaf.kind in ("str", "text", "list", "enum", "json"):
        return "@"  # typed digits (phone numbers, codes) stay text
    if leaf.kind == "int":
        return "0"
    return "General"


def label_text(leaf: Leaf) -> str:
    return (REQUIRED_MARK if leaf.required else "") + leaf.label


def required_text(leaf: Leaf) -> str:
    if leaf.required:
        return "必填"
    if leaf.cond_required:
        return "本部分填写时必填"
    return "选填"


def value_fill(leaf: Leaf) -> PatternFill | None:
    if leaf.required:
        return FILL_REQUIRED
    if leaf.cond_required:
        return FILL_COND
    return None


def describe(leaf: Leaf) -> str:
    """The 说明/单位 text: what to write, the range, an example."""
    parts = []
    if leaf.description:
        parts.append(leaf.description)
    hint = KIND_HINT.get(leaf.kind)
    if leaf.kind == "list" and leaf.item_kind == "date":
        hint = "多个日期用“；”分隔，如 2023-06-16；2023-07-05"
    if hint:
        parts.append(hint)
    if leaf.lower is not None or leaf.upper is not None:
        low = _num(leaf.lower) if leaf.lower is not None else ""
        high = _num(leaf.upper) if leaf.upper is not None else ""
        parts.append(f"范围 {low}–{high}" if low and high else
                     (f"不小于 {low}" if low else f"不大于 {high}"))
    if leaf.example is not None and leaf.kind not in ("bool", "enum"):
        parts.append(f"例：{leaf.example}")
    return "；".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def dropdown(leaf: Leaf, ranges: str, list_ref: str | None = None) -> DataValidation | None:
    """A list validation for an enumerated or yes/no field; free-text ``choices`` hints allow
    other values (warning only)."""
    values = leaf.dropdown
    if not values:
        return None
    strict = leaf.kind in ("enum", "bool") and leaf.kind != "list"
    if list_ref is None:
        formula = '"' + ",".join(values) + '"'
    else:
        formula = list_ref
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        showErrorMessage=True, showDropDown=False,
                        errorStyle="stop" if strict else "warning",
                        errorTitle="请从列表中选择", error="请从下拉列表中选择一个值。",
                        promptTitle=_short(leaf.label), prompt=_short(describe(leaf), 250),
                        showInputMessage=True)
    dv.add(ranges)
    return dv


def needs_list_sheet(values: tuple[str, ...]) -> bool:
    """Inline list formulas are limited to 255 characters and cannot hold commas."""
    return len(",".join(values)) > 250 or any("," in v or '"' in v for v in values)


def number_rule(leaf: Leaf, ranges: str) -> DataValidation | None:
    """A warning (not a block) when a typed number or date is out of range."""
    if leaf.kind == "date":
        dv = DataValidation(type="date", operator="between", formula1="1", formula2="73051",
                            allow_blank=True, errorStyle="warning", showErrorMessage=True,
                            errorTitle="日期格式", error="请填写日期，如 2023-09-20。",
                            promptTitle=_short(leaf.label), prompt=_short(describe(leaf), 250),
                            showInputMessage=True)
    elif leaf.kind in ("int", "float"):
        low = leaf.lower if leaf.lower is not None else -1e15
        high = leaf.upper if leaf.upper is not None else 1e15
        dv = DataValidation(type="whole" if leaf.kind == "int" else "decimal",
                            operator="between", formula1=_num(low), formula2=_num(high),
                            allow_blank=True, errorStyle="warning", showErrorMessage=True,
                            errorTitle="数值", error=_short(f"请填写{KIND_HINT[leaf.kind]}"
                                                          f"{'；' + describe(leaf)}", 250),
                            promptTitle=_short(leaf.label), prompt=_short(describe(leaf), 250),
                            showInputMessage=True)
    else:
        text = describe(leaf)
        if not text:
            return None
        dv = DataValidation(allow_blank=True, showErrorMessage=False, showInputMessage=True,
                            promptTitle=_short(leaf.label), prompt=_short(text, 250))
    dv.add(ranges)
    return dv


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_cell(cell: Any, text: str, *, fill: PatternFill = FILL_HEADER,
                font: Font = FONT_BOLD) -> None:
    cell.value = text
    cell.font = font
    cell.fill = fill
    cell.alignment = CENTER
    cell.border = BORDER


def a4_landscape(ws: Any, title_rows: str | None = None, *, fit_width: bool = True,
                 title_cols: str | None = None) -> None:
    """A4 landscape; narrow tables fit the page width, wide ones (the mines table) print
    across pages with their header rows and first column repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
    if title_cols:
        ws.print_title_cols = title_cols
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows


def row_height(texts: list[tuple[str, float]], base: float = 15.0) -> float | None:
    """Height for wrapped cells ``(text, column width)``; ``None`` when one line fits."""
    lines = max((line_count(text, width, 11) for text, width in texts), default=1)
    if lines <= 1:
        return None
    return min(409.0, base * lines + 2)


class Styler:
    """Named cell styles, registered once per workbook. Setting ``font``, ``fill``... cell by
    cell makes openpyxl hash style objects every time (most of the writing time); a named
    style is looked up by name."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.names: set[str] = set()

    def __call__(self, cell: Any, name: str, *, font: Font = FONT, fill: PatternFill | None = None,
                 border: Border | None = None, alignment: Alignment | None = None,
                 number_format: str = "General") -> Any:
        full = f"greenmine {name}"
        if full not in self.names:
            from openpyxl.styles import NamedStyle

            style = NamedStyle(name=full, font=font, border=border or Border(),
                               alignment=alignment or Alignment(), number_format=number_format)
            if fill is not None:
                style.fill = fill
            self.wb.add_named_style(style)
            self.names.add(full)
        cell.style = full
        return cell


def styler(wb: Any) -> Styler:
    """The workbook's :class:`Styler` (one per workbook)."""
    found = getattr(wb, "_greenmine_styler", None)
    if found is None:
        found = Styler(wb)
        wb._greenmine_styler = found
    return found


def value_style(leaf: Leaf, *, form: bool = True) -> tuple[str, dict[str, Any]]:
    """Name and attributes of the style of a value cell of ``leaf``: in a key-value sheet
    left-aligned and centred vertically (with the required fill); in a list sheet aligned
    to the top like the wrapped text beside it."""
    wrap = leaf.kind in ("text", "list", "json", "str", "any", "enum")
    if form:
        mark = "必填" if leaf.required else "条件" if leaf.cond_required else "选填"
        name = f"逐项值 {leaf.kind} {mark}"
        align = Alignment(horizontal="left", vertical="center", wrap_text=wrap)
        fill = value_fill(leaf)
    else:
        name = f"列表值 {leaf.kind}"
        align = Alignment(vertical="top", wrap_text=wrap)
        fill = None
    return name, {"font": FONT, "fill": fill, "border": BORDER, "alignment": align,
                  "number_format": number_format(leaf)}
