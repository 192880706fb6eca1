"""Cell values ⇄ plain data, by the kind of the field.

Reading is forgiving the way people fill in Excel: dates as real dates, Excel serial numbers or
text (2023-09-20, 2023/9/20, 2023年9月20日); numbers stored as text (with full-width digits or
thousands separators); 是/否/true/false/√/× for yes-no; stray spaces. Each such repair returns a
*note* ``(code, message)`` that becomes an info finding at the cell. A value that cannot be
converted is passed through unchanged, so the model reports it once, at the same cell.

Writing turns plain data into what a person would type: 是/否, real dates, ``；``-separated
lists, JSON only for structures that have no other cell form.
"""
from __future__ import annotations

import datetime as dt
import enum
import json
import re
import unicodedata
from typing import Any, Callable

from ..numtext import read_number
from .layout import Leaf

EMPTY = object()  # "no value in this cell"
Note = tuple[str, str]  # (finding code, Chinese message)
Converter = Callable[[Any], tuple[Any, "Note | None"]]

LIST_SEP = "；"
EMPTY_STRING_MARK = '""'  # a cell holding exactly "" stands for an empty string
_SPLIT_PRIMARY = re.compile(r"[；;\n]")
_SPLIT_SECONDARY = re.compile(r"[、，,]")

_TRUE = {"是", "有", "符合", "true", "t", "yes", "y", "on", "1", "√", "✓", "✔", "对"}
_FALSE = {"否", "无", "不符合", "false", "f", "no", "n", "off", "0", "×", "✗", "✘", "x", "错"}

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_EPOCH_1904 = dt.datetime(1904, 1, 1)


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def to_cell(leaf: Leaf, value: Any) -> Any:
    """The cell value for ``value`` of a field of ``leaf.kind`` (``None`` leaves it empty)."""
    if value is None:
        return None
    kind = leaf.kind
    if isinstance(value, enum.Enum):
        value = value.value
    if kind == "bool" and isinstance(value, bool):
        return "是" if value else "否"
    if kind == "list" and isinstance(value, (list, tuple, set)):
        if not value:
            return None
        return LIST_SEP.join(_item_text(v) for v in value)
    if kind == "json" or (kind == "any" and isinstance(value, (dict, list, tuple))):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if kind in ("str", "text") and value == "":
        return EMPTY_STRING_MARK
    if isinstance(value, (dict, list, tuple)):  # data that does not fit the field: keep it
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, dt.datetime) and kind == "date" and value.time() == dt.time():
        return value.date()
    return value


def _item_text(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def _strip(value: str) -> tuple[str, Note | None]:
    text = value.strip()
    if text == value:
        return text, None
    removed = value[: len(value) - len(value.lstrip())] + value[len(value.rstrip()):]
    if removed.strip("\r\n"):
        return text, ("GM-I152", "首尾有多余空格，已去除。")
    return text, None


def read_str(value: Any) -> tuple[Any, Note | None]:
    if type(value) is str:
        text = value.strip()
        if text == value and text:
            return text, None
        if value == EMPTY_STRING_MARK:
            return "", None
        if not text:
            return EMPTY, ("GM-I152", "单元格只有空格，按未填写处理。") if value else None
        return _strip(value)
    if type(value) is int:
        return str(value), None
    if type(value) is float:
        return number_text(value), None
    if type(value) is bool:
        return ("是" if value else "否"), None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat(), None
        return value.isoformat(sep=" "), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    return value, None


def number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def parse_number(text: str) -> float | int | None:
    """The number a cell's text stands for (:func:`greenmine_docs.numtext.read_number`), or
    ``None`` when it is not an acceptable number (the model then reports the text, with the
    reason, at the cell)."""
    return read_number(text).value


def _read_number(value: Any, integer: bool, epoch: dt.datetime) -> tuple[Any, Note | None]:
    t = type(value)
    if t is int:
        return value, None
    if t is float:
        if integer and value.is_integer():
            return int(value), None
        return value, None
    if t is str:
        text, _ = _strip(value)
        if not text:
            return EMPTY, None
        number = parse_number(text)
        if number is None:
            return text, None  # the model reports it as not a number
        if integer and isinstance(number, float) and number.is_integer():
            number = int(number)
        return number, ("GM-I153", f"数字以文本“{value}”形式存储，已按 {_show(number)} 读取。")
    if isinstance(value, dt.datetime):  # a number in a date-formatted cell
        serial = (value - epoch).total_seconds() / 86400
        return (int(serial) if integer or serial.is_integer() else serial), None
    return value, None


def _show(number: float | int) -> str:
    return number_text(number) if isinstance(number, float) else str(number)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
               r"(?:[ T]0{1,2}:0{1,2}(?::0{1,2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date_text(text: str) -> dt.date | None:
    t = unicodedata.normalize("NFKC", text).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(t)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def impossible_date(text: str) -> str | None:
    """Why a text written like a date (``2026/2/30``, ``2023年13月1日``) is no date — "2026年2月
    没有30日（只有28天）" —, or None when it is not written like one or is a real date."""
    import calendar

    t = unicodedata.normalize("NFKC", str(text)).strip()
    m = next((m for m in (p.match(t) for p in _DATE_PATTERNS) if m), None)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return f"没有{month}月（月份应为1～12）"
    last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if not 1 <= day <= last:
        return f"{year}年{month}月没有{day}日（该月只有{last}天）"
    return None


def serial_to_date(serial: float, epoch: dt.datetime = _EXCEL_EPOCH) -> dt.date | None:
    """Excel's day number (1900 system, leap-year bug included via the 1899-12-30 epoch)."""
    if not 1 <= serial < 2958466:
        return None
    return (epoch + dt.timedelta(days=int(serial))).date()


def _read_date(value: Any, epoch: dt.datetime, keep_time: bool) -> tuple[Any, Note | None]:
    if isinstance(value, dt.datetime):
        if keep_time:
            return value, None
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if type(value) in (int, float):
        number = value
        if 19000101 <= number <= 21001231 and float(number).is_integer():
            parsed = parse_date_text(str(int(number)))
            if parsed is not None:
                return parsed, ("GM-I154", f"日期按数字 {int(number)} 填写，已按 {parsed} 读取。")
        parsed = serial_to_date(number, epoch)
        if parsed is not None:
            return parsed, ("GM-I154", f"日期以 Excel 序列号 {_show(number)} 存储，"
                                       f"已按 {parsed} 读取。")
        return value, None
    if isinstance(value, str):
        text, _ = _strip(value)
        if not text:
            return EMPTY, None
        parsed = parse_date_text(text)
        if parsed is None:
            number = parse_number(text)
            if number is not None:
                return _read_date(number, epoch, keep_time)
            return text, None  # the model reports the bad date at this cell
        if parsed.isoformat() == text:
            return parsed, None
        return parsed, ("GM-I154", f"日期以文本“{text}”填写，已按 {parsed} 读取。")
    return value, None


def _norm_choice(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", t).replace("—", "-").replace("－", "-").replace("–", "-").lower()


def _read_enum(value: Any, choices: tuple[str, ...]) -> tuple[Any, Note | None]:
    if isinstance(value, str):
        text, note = _strip(value)
        if not text:
            return EMPTY, None
        if text in choices:
            return text, note
        wanted = _norm_choice(text)
        for choice in choices:
            if _norm_choice(choice) == wanted:
                return choice, note
        return text, note  # the model lists the allowed values
    if type(value) in (int, float):
        text = number_text(float(value))
        return (text if text in choices else value), None
    return value, None


def _read_bool(value: Any) -> tuple[Any, Note | None]:
    if type(value) is bool:
        return value, None
    if type(value) in (int, float) and value in (0, 1):
        return bool(value), None
    if isinstance(value, str):
        text, note = _strip(value)
        if not text:
            return EMPTY, None
        low = unicodedata.normalize("NFKC", text).lower()
        if low in _TRUE:
            return True, note
        if low in _FALSE:
            return False, note
        return text, note
    return value, None


def _read_any(value: Any) -> tuple[Any, Note | None]:
    if isinstance(value, str):
        text, note = _strip(value)
        if not text:
            return EMPTY, None
        if text[0] in "[{":
            try:
                return json.loads(text), note
            except ValueError:
                return text, note
        return text, note
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date(), None
    return value, None


def _read_json(value: Any) -> tuple[Any, Note | None]:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return EMPTY, None
        try:
            return json.loads(text), None
        except ValueError:
            return text, ("GM-E153", "内容应为 JSON 格式（如 [\"甲\", \"乙\"] 或 {\"键\": \"值\"}），"
                                     "无法解析，已按原文读取。")
    return value, None


def _read_list(value: Any, item: Converter) -> tuple[Any, Note | None]:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return EMPTY, None
        note: Note | None = None
        if _SPLIT_PRIMARY.search(text):
            parts = _SPLIT_PRIMARY.split(text)
        elif _SPLIT_SECONDARY.search(text):
            parts = _SPLIT_SECONDARY.split(text)
            note = ("GM-I156", f"按“、”或逗号拆分为 {len([p for p in parts if p.strip()])} 项。")
        else:
            parts = [text]
        out = []
        for part in parts:
            if not part.strip():
                continue
            converted, item_note = item(part)
            if converted is not EMPTY:
                out.append(converted)
            if item_note and item_note[0] not in ("GM-I152", "GM-I153"):  # text by nature
                note = note or item_note
        return (out if out else EMPTY), note
    converted, note = item(value)
    return ([converted] if converted is not EMPTY else EMPTY), note


def converter(kind: str, choices: tuple[str, ...] = (), item_kind: str | None = None,
              epoch: dt.datetime = _EXCEL_EPOCH) -> Converter:
    """A function ``cell value -> (data value or EMPTY, note or None)`` for a field kind."""
    if kind in ("str", "text"):
        return read_str
    if kind == "int":
        return lambda v: _read_number(v, True, epoch)
    if kind == "float":
        return lambda v: _read_number(v, False, epoch)
    if kind == "date":
        return lambda v: _read_date(v, epoch, False)
    if kind == "datetime":
        return lambda v: _read_date(v, epoch, True)
    if kind == "bool":
        return _read_bool
    if kind == "enum":
        return lambda v: _read_enum(v, choices)
    if kind == "list":
        item = converter(item_kind or "str", choices, None, epoch)
        return lambda v: _read_list(v, item)
    if kind == "json":
        return _read_json
    return _read_any


def leaf_converter(leaf: Leaf, date1904: bool = False) -> Converter:
    return converter(leaf.kind, leaf.choices, leaf.item_kind,
                     _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH)
