"""Turning pydantic's validation errors into located, Chinese findings.

The Chinese label of every field on the path is looked up in the model, so a message reads
“矿山信息 › 采矿许可证 › 有效期止：日期格式不正确” and points at the YAML line or Excel cell.
"""
from __future__ import annotations

import types
import typing
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from ..findings import Finding, make
from ..rawinput import RawInput


def _unwrap(annotation: Any) -> Any:
    """The model class inside ``X | None``, ``list[X]``, ``dict[str, X]``, ``Annotated[X, …]``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _unwrap(arg)
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(annotation)
        return _unwrap(args[0]) if args else annotation
    if origin is dict:
        args = typing.get_args(annotation)
        return _unwrap(args[1]) if len(args) == 2 else annotation
    return annotation


def walk_labels(model: type[BaseModel], loc: Iterable[Any]) -> tuple[list[str], type | None]:
    """Chinese labels along ``loc`` and the model class reached (for key suggestions)."""
    labels: list[str] = []
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            labels[-1:] = [f"{labels[-1]}第{part + 1}项"] if labels else [f"第{part + 1}项"]
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                labels.append(str(part))
                current = None
                continue
            labels.append(info.title or str(part))
            current = _unwrap(info.annotation)
        else:
            # dict key or union branch tag: keep user keys, skip pydantic's internal tags
            if current is not None and str(part) not in _PYDANTIC_TAGS:
                labels.append(str(part))
    return labels, current if isinstance(current, type) else None


def field_required(model: type[BaseModel], path: Iterable[Any]) -> bool | None:
    """Whether the field at ``path`` is required (``None`` when the path is not a model field,
    e.g. a list item or a dict value)."""
    current: Any = model
    info = None
    for part in path:
        if isinstance(part, int):
            info = None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return info.is_required() if info is not None else None


_PYDANTIC_TAGS = {"function-after", "function-before", "function-plain", "function-wrap",
                  "lax-or-strict", "json-or-python"}

_TYPE_WORDS = {
    "int": "整数", "float": "数字", "bool": "是/否", "date": "日期（如 2023-09-20）",
    "datetime": "日期时间", "string": "文字", "str": "文字", "list": "列表", "dict": "字段映射",
    "model": "字段映射",
}


def _expected_word(err_type: str) -> str:
    head = err_type.split("_")[0]
    return _TYPE_WORDS.get(head, head)


def findings_from_validation(error: ValidationError, raw: RawInput,
                             model: type[BaseModel]) -> list[Finding]:
    """One finding per pydantic error, located through ``raw``."""
    out: list[Finding] = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _PYDANTIC_TAGS))
        labels, _ = walk_labels(model, loc)
        name = " › ".join(labels) or "输入"
        where = raw.locate(loc)
        etype = err["type"]
        value = err.get("input")
        shown = _short(value)
        if etype.startswith("GM-"):  # a bound of greenmine_docs.model.bounds: the code is the type
            out.append(make(etype, f"{name}：{err['msg']}。", location=where))
        elif etype == "finite_number":
            out.append(make("GM-E106", f"{name} 的值“{shown}”不是有限的数字（无穷大或非数字）。",
                            location=where))
        elif etype == "missing":
            out.append(_missing(model, loc, raw, name, labels[-1] if labels else name))
        elif etype == "extra_forbidden":
            parent_labels, parent_model = walk_labels(model, loc[:-1])
            key = str(loc[-1])
            hint = "请删除该字段，或检查拼写。"
            if parent_model is not None and issubclass(parent_model, BaseModel):
                import difflib  # only for an unknown key (~1 ms to import)

                close = difflib.get_close_matches(key, list(parent_model.model_fields), n=1,
                                                  cutoff=0.6)
                if close:
                    label = parent_model.model_fields[close[0]].title or close[0]
                    hint = f"是否想写“{close[0]}”（{label}）？"
                else:
                    allowed = "、".join(parent_model.model_fields)
                    hint = f"该位置允许的字段：{allowed}。"
            parent = " › ".join(parent_labels) or "顶层"
            out.append(make("GM-E102", f"{parent} 中有未知字段“{key}”。",
                            location=raw.locate_key(loc),
                            hint=hint))
        elif etype == "enum" or etype == "literal_error":
            expected = (err.get("ctx") or {}).get("expected", "")
            out.append(make("GM-E104", f"{name} 的值“{shown}”不在允许的选项中。", location=where,
                            hint="可选值：" + expected.replace("'", "").replace(" or ", ", ")
                            .replace(", ", "、") + "。"))
        elif etype in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
            ctx = err.get("ctx") or {}
            bound = next(iter(ctx.values()), "")
            rel = {"greater_than": "大于", "greater_than_equal": "不小于", "less_than": "小于",
                   "less_than_equal": "不大于"}[etype]
            out.append(make("GM-E105", f"{name} 的值 {shown} 超出范围：应{rel} {bound}。",
                            location=where, hint="请核对数值及其单位。"))
        elif etype.startswith("date") and isinstance(value, str) and _no_date(value):
            out.append(make("GM-E103", f"{name} 的值“{shown}”不是有效的日期："
                            f"{_no_date(value)}。", location=where,
                            hint="请核对年、月、日；日期写成 2023-09-20 的形式。"))
        elif etype.endswith(("_type", "_parsing", "_from_datetime_inexact")) or etype in {
                "date_from_datetime_parsing", "model_attributes_type", "dict_type", "list_type"}:
            word = _expected_word(etype)
            if etype in {"model_type", "model_attributes_type", "dict_type"}:
                word = "一组字段（缩进的“字段: 值”）"
            out.append(make("GM-E103", f"{name} 的值“{shown}”格式不对，应为{word}。",
                            location=where, hint=_type_hint(etype)))
        else:
            out.append(make("GM-E103", f"{name}：{err['msg']}（值“{shown}”）。", location=where,
                            hint="请按说明修改该值。"))
    return out


_LISTED = 12  # required fields named in the hint of a missing section


def _required_fields(section: type[BaseModel], loc: tuple[Any, ...], raw: RawInput,
                     prefix: str = "") -> list[tuple[str, Any]]:
    """(label, location) of every required field inside a section, nested sections too
    (labelled as the workbook labels them: ``生产规模·数值``)."""
    out: list[tuple[str, Any]] = []
    for key, info in section.model_fields.items():
        if not info.is_required():
            continue
        sub = _unwrap(info.annotation)
        label = prefix + (info.title or key)
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            out += _required_fields(sub, (*loc, key), raw, label + "·")
        else:
            out.append((label, raw.locate((*loc, key))))
    return out


def _missing(model: type[BaseModel], loc: tuple[Any, ...], raw: RawInput, name: str,
             label: str) -> Finding:
    """GM-E101. A whole missing section (a blank sheet of the workbook) names the fields to
    fill, with their cells: "请在「工作安排」表填写：C3（省份）、C4（工作年度）…"."""
    where = raw.locate(loc)
    _, section = walk_labels(model, loc)
    fields = (_required_fields(section, loc, raw)
              if isinstance(section, type) and issubclass(section, BaseModel) else [])
    if not fields:
        return make("GM-E101", f"缺少必填项：{name}。", location=where, hint=f"请填写“{label}”。")
    more = "等" if len(fields) > _LISTED else ""
    if where.sheet and all(w.sheet == where.sheet and w.cell for _, w in fields):
        cells = "、".join(f"{w.cell}（{lab}）" for lab, w in fields[:_LISTED])
        return make("GM-E101", f"缺少必填项：{name}（「{where.sheet}」表的必填项都是空的）。",
                    location=where, hint=f"请在「{where.sheet}」表的“填写值”列填写：{cells}{more}。")
    names = "、".join(lab for lab, _ in fields[:_LISTED])
    return make("GM-E101", f"缺少必填项：{name}。", location=where,
                hint=f"请填写“{label}”，其中必填：{names}{more}。")


def _no_date(text: str) -> str | None:
    from ..excel_input.values import impossible_date

    return impossible_date(text)


def _type_hint(etype: str) -> str:
    if etype.startswith("date"):
        return "日期请写成 2023-09-20 的形式。"
    if etype.startswith("bool"):
        return "请填写 是 或 否（YAML 中也可写 true / false）。"
    if etype.startswith(("int", "float")):
        return "请只填写数字，单位写在对应的单位栏。"
    return "请按该字段的说明填写。"


def _short(value: Any, limit: int = 40) -> str:
    if isinstance(value, (dict, list)):
        text = "{…}" if isinstance(value, dict) else "[…]"
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
