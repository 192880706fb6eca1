"""Checks on the raw input that need no valid model, so they run even when the schema fails:
value formats (USCC, licence number, phone, e-mail, units) and placeholders left in text."""
from __future__ import annotations

import re
from typing import Any, Iterator

from ..findings import Finding, make
from ..rawinput import FieldPath, RawInput, all_texts
from ..units import RATE, STOCK, dimension_problem, known_units_hint, parse_unit
from .formats import licence_number_ok, phone_ok, uscc_problem

# 【[^【】]*】, not 【[^】]*】: on a text of "【【【…" every attempt stops at the next 【
_PLACEHOLDER = re.compile(r"X{3,}|x{3,}|×{2,}|某某|待补充|待定|TODO|TBD|【[^【】]*】")
# text every match of _PLACEHOLDER contains: when none of them occurs, there is no match. The
# regular expression tries its nine branches at every character (~30 µs for one mine's text);
# these substring tests take a tenth of that.
_PLACEHOLDER_NEEDLES = ("XXX", "xxx", "××", "某某", "待补充", "待定", "TODO", "TBD", "【")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# unit fields, the field's label and the kind of quantity it holds
_UNIT_FIELDS = ((("mine", "licence", "scale", "unit"), "生产规模", RATE),
                (("reserves", "remaining", "unit"), "剩余可采储量", STOCK),
                (("reserves", "annual_production", "unit"), "年开采量", RATE))


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def _strings(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every string in ``data`` with its path, depth first in document order (iteratively:
    nested generators made this the slowest part of validating a large mines table)."""
    if isinstance(data, str):
        yield path, data
        return
    if not isinstance(data, (dict, list)):
        return
    stack = [(path, iter(data.items()) if isinstance(data, dict) else enumerate(data))]
    while stack:
        base, items = stack[-1]
        for k, v in items:
            if isinstance(v, str):
                yield (*base, k), v
            elif isinstance(v, dict):
                stack.append(((*base, k), iter(v.items())))
                break
            elif isinstance(v, list):
                stack.append(((*base, k), enumerate(v)))
                break
        else:
            stack.pop()


def may_have_placeholder(text: str) -> bool:
    """False when ``text`` certainly holds no placeholder (a quick test before the search)."""
    for needle in _PLACEHOLDER_NEEDLES:
        if needle in text:
            return True
    return False


def check_formats(raw: RawInput) -> Iterator[Finding]:
    uscc = _get(raw.data, ("enterprise", "uscc"))
    if isinstance(uscc, str) and uscc.strip():
        problem = uscc_problem(uscc.strip())
        if problem:
            yield make("GM-E110", f"统一社会信用代码“{uscc}”无效：{problem}。",
                       location=raw.locate(("enterprise", "uscc")))
    path: FieldPath  # field paths of any length, here and in the unit loop below
    for path in (("mine", "licence", "number"),):
        number = _get(raw.data, path)
        number = str(number) if isinstance(number, int) and not isinstance(number, bool) else number
        if isinstance(number, str) and number.strip() and not licence_number_ok(number.strip()):
            yield make("GM-W111", f"采矿许可证号“{number}”不是“C + 22 位数字”的形式。",
                       location=raw.locate(path))
    phone_path = ("enterprise", "contact", "phone")
    phone = _get(raw.data, phone_path)
    if isinstance(phone, (str, int)) and str(phone).strip() and not phone_ok(str(phone)):
        yield make("GM-W112", f"联系电话“{phone}”格式异常。", location=raw.locate(phone_path))
    email_path = ("enterprise", "contact", "email")
    email = _get(raw.data, email_path)
    if isinstance(email, str) and email.strip() and not _EMAIL.match(email.strip()):
        yield make("GM-W115", f"电子邮箱“{email}”格式异常。", location=raw.locate(email_path))
    for path, label, kind in _UNIT_FIELDS:
        unit = _get(raw.data, path)
        if not (isinstance(unit, str) and unit.strip()):
            continue
        parsed = parse_unit(unit)
        if parsed is None:
            yield make("GM-E113", f"无法识别的单位“{unit}”。", location=raw.locate(path),
                       hint=f"可用单位：{known_units_hint()}。")
            continue
        problem = dimension_problem(parsed, kind)
        if problem:
            yield make("GM-E116", f"{label}的单位不对：{problem}。", location=raw.locate(path))


def check_placeholders(raw: RawInput, texts: list[str] | None = None) -> Iterator[Finding]:
    """Placeholders (XXX, ××, 某某, 待补充, TODO, 【…】) and empty strings in any text; an empty
    string is an error where the model requires the field, a warning where it is optional.
    ``texts``: every string of ``raw.data`` (:func:`all_texts`) when the caller has them."""
    if texts is None:
        texts = all_texts(raw.data)
    # one scan of all text first: a match inside one string is a match in the joined text
    joined = "\n".join(texts)
    if not (may_have_placeholder(joined) and _PLACEHOLDER.search(joined)) and \
            all(map(str.strip, texts)):  # no text empty or only spaces
        return
    yield from _placeholders(raw)


def _placeholders(raw: RawInput) -> Iterator[Finding]:
    from .model_errors import field_required
    from ..model import Submission

    for path, text in _strings(raw.data):
        found = _PLACEHOLDER.search(text)
        if found:
            snippet = text[max(0, found.start() - 8): found.end() + 8].replace("\n", " ")
            yield make("GM-E120", f"文字中留有占位符“{found.group(0)}”：…{snippet}…",
                       location=raw.locate(path))
        elif not text.strip():
            if field_required(Submission, path) is False:
                yield make("GM-W122", "该选填项是空字符串。", location=raw.locate(path))
            else:
                yield make("GM-E121", "该项内容为空。", location=raw.locate(path))
