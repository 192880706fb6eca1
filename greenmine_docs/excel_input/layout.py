"""The workbook layout, derived from the pydantic model (never written by hand per field).

Walking :class:`greenmine_docs.model.Submission` gives:

* **forms** (key-value sheets): one per top-level section that has a ``sheet`` hint (or any
  nested sub-model with its own ``sheet`` hint); sub-models are flattened into rows labelled
  ``采矿许可证·有效期止``;
* **tables** (list sheets): one per ``list[Model]`` or ``dict[str, X]`` field, one row per entry,
  one column per (flattened) field; lists nested inside list entries become child tables whose
  rows point at their parent row by its 序号;
* **leaves**: one cell each. Lists of scalars share one cell (items separated by ``；``); types
  that cannot be flattened (lists of lists, unions of models, ``Any``) are JSON in one cell.

Every row (forms) and column (tables) carries a hidden machine key (the field path) so that
reading never depends on the Chinese labels; labels are the fallback when a key was deleted.
Because the layout follows the model, sections other areas add are covered automatically.
"""
from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..frozen import frozen
from ..xlsx.cells import sheet_title
from .names import INSTRUCTIONS_SHEET, LISTS_SHEET, META_SHEET, MINES_SHEET

SEP = "·"
KEY_SHEET_LIMIT = 31
RESERVED = (INSTRUCTIONS_SHEET, META_SHEET, LISTS_SHEET)

#: kinds of a single cell
SCALAR_KINDS = ("str", "text", "int", "float", "bool", "date", "datetime", "enum", "any")


@frozen(quick_init=False)
class TypeInfo:
    """What an annotation means for the workbook."""

    kind: str  # a SCALAR_KIND, or "model", "list_model", "list", "dict", "json"
    optional: bool = False
    model: type[BaseModel] | None = None
    item: "TypeInfo | None" = None  # list item / dict value
    choices: tuple[str, ...] = ()
    metadata: tuple[Any, ...] = ()
    nested: bool = False  # ``str | dict[str, str]``: a value, or a mapping of sub-keys to values


def analyse(annotation: Any, metadata: tuple[Any, ...] = ()) -> TypeInfo:
    """Classify a field annotation (``X | None``, ``Annotated``, ``list``, ``dict``...)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return analyse(base, metadata + tuple(extra))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            inner = analyse(args[0], metadata)
            return TypeInfo(inner.kind, optional or inner.optional, inner.model, inner.item,
                            inner.choices, inner.metadata, inner.nested)
        infos = [analyse(a) for a in args]
        scalars = [i for i in infos if i.kind in SCALAR_KINDS]
        maps = [i for i in infos if i.kind == "dict" and i.item is not None
                and i.item.kind in SCALAR_KINDS and not i.item.nested]
        if len(infos) == 2 and len(scalars) == 1 and len(maps) == 1:
            return TypeInfo(scalars[0].kind, optional, choices=scalars[0].choices,
                            metadata=metadata, nested=True)
        kind = "any" if len(scalars) == len(infos) else "json"
        return TypeInfo(kind, optional, metadata=metadata)
    if origin is Literal:
        values = typing.get_args(annotation)
        if all(isinstance(v, str) for v in values):
            return TypeInfo("enum", choices=tuple(values), metadata=metadata)
        return TypeInfo("any", metadata=metadata)
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        if origin is tuple and len(set(args)) > 1:
            return TypeInfo("json", metadata=metadata)
        item = analyse(args[0]) if args else TypeInfo("any")
        if item.kind == "model" and not item.optional:
            return TypeInfo("list_model", model=item.model, item=item, metadata=metadata)
        if item.kind in SCALAR_KINDS and item.kind != "any":
            return TypeInfo("list", item=item, metadata=metadata)
        return TypeInfo("json", metadata=metadata)
    if origin is dict or annotation is dict:
        args = list(typing.get_args(annotation))
        value = analyse(args[1]) if len(args) == 2 else TypeInfo("any")
        key = args[0] if args else str
        if typing.get_origin(key) is typing.Annotated:  # a key with its own checks (a year)
            key = typing.get_args(key)[0]
        key_ok = key in (str, int) or (isinstance(key, type) and issubclass(key, str))
        if key_ok and value.kind in (*SCALAR_KINDS, "model", "list") and not value.optional:
            return TypeInfo("dict", item=value, metadata=metadata)
        return TypeInfo("json", metadata=metadata)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return TypeInfo("model", model=annotation, metadata=metadata)
        if issubclass(annotation, enum.Enum):
            return TypeInfo("enum", choices=tuple(str(m.value) for m in annotation),
                            metadata=metadata)
        if annotation is bool:
            return TypeInfo("bool", metadata=metadata)
        if issubclass(annotation, int):
            return TypeInfo("int", metadata=metadata)
        if issubclass(annotation, (float, Decimal)):
            return TypeInfo("float", metadata=metadata)
        if issubclass(annotation, dt.datetime):
            return TypeInfo("datetime", metadata=metadata)
        if issubclass(annotation, dt.date):
            return TypeInfo("date", metadata=metadata)
        if issubclass(annotation, str):
            return TypeInfo("str", metadata=metadata)
    return TypeInfo("any", metadata=metadata)


@dataclass
class Leaf:
    """One cell: a form row or a table column."""

    path: tuple[str, ...]  # forms: from the root; tables: from the entry ("" for dict values)
    key: str  # hidden machine key written into the workbook
    label: str  # Chinese label (prefixed with its parents' labels)
    kind: str
    required: bool = False  # required, and every parent is required too
    cond_required: bool = False  # required once its (optional) parent is filled in
    choices: tuple[str, ...] = ()
    item_kind: str | None = None  # kind of the items when kind == "list"
    description: str = ""
    example: Any = None
    lower: float | None = None
    upper: float | None = None
    group: str = ""  # top-level section title (mines table header)

    @property
    def dropdown(self) -> tuple[str, ...]:
        if self.kind == "bool":
            return ("是", "否")
        return self.choices


@dataclass
class Form:
    """A key-value sheet: 字段 | 填写值 | 说明/单位 | 必填."""

    sheet: str
    path: tuple[str, ...]
    title: str
    description: str
    leaves: list[Leaf] = field(default_factory=list)
    optional: bool = False  # the whole section may be left out

    @property
    def required(self) -> bool:
        return any(leaf.required for leaf in self.leaves)


@dataclass
class Table:
    """A list sheet: one row per list entry (or dict item), one column per field."""

    sheet: str
    key: str  # "eligibility.penalties[]", "plan.sections{}", "" for the mines table
    rel: tuple[str, ...]  # path of the field from the parent entry (root for top-level tables)
    mode: str  # "list", "dict" or "root"
    title: str
    description: str = ""
    leaves: list[Leaf] = field(default_factory=list)
    children: list["Table"] = field(default_factory=list)
    parent: "Table | None" = None
    optional: bool = True  # the section it belongs to may be left out
    scalar_value: bool = False  # dict[str, scalar]: one value column
    subkey: bool = False  # dict[str, str | dict[str, str]]: a 子键 column as well
    key_label: str = "键（编号）"
    model: type[BaseModel] | None = None  # the entries' model (to normalise short forms)

    @property
    def id_key(self) -> str:
        return f"{self.key}#id"

    @property
    def parent_key(self) -> str:
        return f"{self.key}#parent"

    @property
    def dict_key(self) -> str:
        return f"{self.key}#key"

    @property
    def subkey_key(self) -> str:
        return f"{self.key}#subkey"

    def walk(self) -> typing.Iterator["Table"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Layout:
    forms: list[Form]
    tables: list[Table]  # top-level tables (children reachable through .children)
    meta: list[Leaf]  # top-level scalars without a sheet (schema_version): hidden _meta sheet
    order: list[Form | Table]  # sheets in display order

    def all_tables(self) -> list[Table]:
        return [t for top in self.tables for t in top.walk()]

    def sheets(self) -> list[Form | Table]:
        return [s for item in self.order
                for s in ([item] if isinstance(item, Form) else list(item.walk()))]


class _Namer:
    """Unique, valid Excel sheet names (≤ 31 characters, no []:*?/\\)."""

    def __init__(self) -> None:
        self.used = {name.lower() for name in RESERVED}

    def __call__(self, wanted: str, *fallbacks: str) -> str:
        for candidate in (wanted, *fallbacks):
            name = sheet_title(candidate, KEY_SHEET_LIMIT)
            if name.lower() not in self.used:
                self.used.add(name.lower())
                return name
        base = sheet_title(wanted, KEY_SHEET_LIMIT - 3)
        n = 2
        while f"{base}_{n}".lower() in self.used:
            n += 1
        self.used.add(f"{base}_{n}".lower())
        return f"{base}_{n}"


def _extra(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def _is_long_text(info: FieldInfo) -> bool:
    extra = _extra(info)
    fmt = str(extra.get("format", "")).lower()
    return bool(extra.get("markdown") or extra.get("multiline") or extra.get("long")
                or fmt in {"markdown", "multiline", "textarea"}
                or str(extra.get("widget", "")).lower() == "textarea"
                or "markdown" in (info.description or "").lower())


def _bounds(metadata: typing.Iterable[Any]) -> tuple[float | None, float | None]:
    lower = upper = None
    for m in metadata:
        for attr in ("ge", "gt"):
            if getattr(m, attr, None) is not None:
                lower = float(getattr(m, attr))
        for attr in ("le", "lt"):
            if getattr(m, attr, None) is not None:
                upper = float(getattr(m, attr))
    return lower, upper


_KEY_WORDS = re.compile(r"键为([^，,。；;（(“\"]{1,14})")


def _key_label(info: FieldInfo) -> str:
    """“键（评价内容编号）” from a description such as “键为评价内容编号（如 1.1.1）”."""
    m = _KEY_WORDS.search(info.description or "")
    return f"键（{m.group(1).strip()}）" if m else "键（编号）"


def _title(info: FieldInfo, name: str) -> str:
    return info.title or name


def _join(prefix: str, title: str) -> str:
    """``采矿许可证`` + ``有效期止`` → ``采矿许可证·有效期止``; a title that already starts with
    its parent's (``采矿许可证号``) is not prefixed twice."""
    if not prefix:
        return title
    head, _, last = prefix.rpartition(SEP)
    if title.startswith(last):
        return f"{head}{SEP}{title}" if head else title
    return f"{prefix}{SEP}{title}"


def _leaf(info: FieldInfo, ti: TypeInfo, path: tuple[str, ...], key: str, label: str,
          chain: bool, group: str = "") -> Leaf:
    kind = "any" if ti.nested else ti.kind
    if kind == "str" and _is_long_text(info):
        kind = "text"
    extra = _extra(info)
    choices = ti.choices or tuple(str(c) for c in extra.get("choices", ()) or ())
    lower, upper = _bounds((*info.metadata, *ti.metadata))
    examples = extra.get("examples") or []
    description = info.description if info.description and info.description != info.title else ""
    required = info.is_required()
    return Leaf(path=path, key=key, label=label, kind=kind,
                required=required and chain, cond_required=required and not chain,
                choices=choices, item_kind=ti.item.kind if ti.item is not None else None,
                description=description, example=examples[0] if examples else None,
                lower=lower, upper=upper, group=group)


class _Builder:
    def __init__(self) -> None:
        self.namer = _Namer()
        self.forms: list[Form] = []
        self.tables: list[Table] = []
        self.order: list[Form | Table] = []

    # -- forms -----------------------------------------------------------------------------
    def form(self, model: type[BaseModel], path: tuple[str, ...], sheet: str, title: str,
             description: str, optional: bool) -> Form:
        form = Form(sheet=self.namer(sheet, title), path=path, title=title,
                    description=description, optional=optional)
        self.forms.append(form)
        self.order.append(form)
        self.walk_form(model, path, "", not optional, form, title)
        if not form.leaves:  # a section made only of lists: no key-value sheet
            self.forms.remove(form)
            self.order.remove(form)
            self.namer.used.discard(form.sheet.lower())
        return form

    def walk_form(self, model: type[BaseModel], path: tuple[str, ...], prefix: str,
                  chain: bool, form: Form, section: str) -> None:
        for name, info in model.model_fields.items():
            ti = analyse(info.annotation)
            p = (*path, name)
            title = _title(info, name)
            label = _join(prefix, title)
            sub_chain = chain and info.is_required() and not ti.optional
            if ti.kind == "model" and ti.model is not None:
                own = _extra(info).get("sheet")
                if own:
                    self.form(ti.model, p, own, title, info.description or title,
                              optional=not sub_chain)
                else:
                    self.walk_form(ti.model, p, label, sub_chain, form, section)
            elif ti.kind in ("list_model", "dict"):
                self.top_table(info, ti, p, label, section, optional=not chain)
            else:
                form.leaves.append(_leaf(info, ti, p, ".".join(p), label, chain))

    # -- tables ----------------------------------------------------------------------------
    def top_table(self, info: FieldInfo, ti: TypeInfo, path: tuple[str, ...], label: str,
                  section: str, optional: bool) -> Table:
        table = self.new_table(info, ti, path, ".".join(path), label, section, parent=None)
        table.optional = optional
        self.tables.append(table)
        self.order.append(table)
        return table

    def new_table(self, info: FieldInfo, ti: TypeInfo, rel: tuple[str, ...], base_key: str,
                  label: str, section: str, parent: Table | None) -> Table:
        mode = "list" if ti.kind == "list_model" else "dict"
        key = base_key + ("[]" if mode == "list" else "{}")
        title = _title(info, rel[-1])
        sheet = self.namer(_extra(info).get("sheet") or title, f"{section}{SEP}{title}", label)
        table = Table(sheet=sheet, key=key, rel=rel, mode=mode, title=title,
                      description=(info.description or "") if info.description != title else "",
                      parent=parent, optional=parent.optional if parent else True,
                      key_label=_key_label(info))
        item = ti.item
        if mode == "dict" and item is not None and item.kind != "model":
            table.scalar_value = True
            table.subkey = item.nested
            value_info = FieldInfo(annotation=str, title="内容")
            leaf = _leaf(value_info, TypeInfo(item.kind, choices=item.choices, item=item.item,
                                              metadata=item.metadata),
                         (), f"{key}#value", "内容", chain=True)
            if leaf.kind == "str":
                leaf.kind = "text"  # mapping values are mostly narrative text
            table.leaves.append(leaf)
        elif item is not None and item.model is not None:
            table.model = item.model
            self.walk_table(item.model, (), "", True, table, section)
        return table

    def walk_table(self, model: type[BaseModel], rel: tuple[str, ...], prefix: str,
                   chain: bool, table: Table, section: str, group: str = "") -> None:
        for name, info in model.model_fields.items():
            ti = analyse(info.annotation)
            p = (*rel, name)
            title = _title(info, name)
            label = _join(prefix, title)
            if ti.kind == "model" and ti.model is not None:
                sub_chain = chain and info.is_required() and not ti.optional
                self.walk_table(ti.model, p, label, sub_chain, table, section, group)
            elif ti.kind in ("list_model", "dict"):
                base = f"{table.key}.{'.'.join(p)}" if table.key else ".".join(p)
                child = self.new_table(info, ti, p, base, label, section, parent=table)
                child.optional = table.optional or not chain
                table.children.append(child)
            else:
                key = f"{table.key}.{'.'.join(p)}" if table.key else ".".join(p)
                table.leaves.append(_leaf(info, ti, p, key, label, chain, group))


@lru_cache(maxsize=None)
def input_layout(model: type[BaseModel] | None = None) -> Layout:
    """The layout of the one-mine input workbook."""
    if model is None:
        from ..model import Submission

        model = Submission
    b = _Builder()
    meta: list[Leaf] = []
    for name, info in model.model_fields.items():
        ti = analyse(info.annotation)
        title = _title(info, name)
        own = _extra(info).get("sheet")
        optional = not info.is_required()
        if ti.kind == "model" and ti.model is not None:
            b.form(ti.model, (name,), own or title, title, info.description or title,
                   optional=optional)
        elif ti.kind in ("list_model", "dict"):
            b.top_table(info, ti, (name,), title, title, optional=not info.is_required())
        elif own:
            form = Form(sheet=b.namer(own, title), path=(), title=title, description=title)
            form.leaves.append(_leaf(info, ti, (name,), name, title, True))
            b.forms.append(form)
            b.order.append(form)
        else:
            meta.append(_leaf(info, ti, (name,), name, title, True))
    return Layout(forms=b.forms, tables=b.tables, meta=meta, order=b.order)


@lru_cache(maxsize=None)
def mines_layout(model: type[BaseModel] | None = None) -> Table:
    """The mines table: one mine per row over the foundation sections (every required
    top-level sub-model of the submission); lists inside become child sheets keyed by 编号."""
    if model is None:
        from ..model import Submission

        model = Submission
    b = _Builder()
    b.namer.used.add(MINES_SHEET.lower())
    root = Table(sheet=MINES_SHEET, key="", rel=(), mode="root", title="矿山名录",
                 description="每行一个矿山", optional=False)
    for name, info in model.model_fields.items():
        ti = analyse(info.annotation)
        if ti.kind != "model" or ti.model is None or not info.is_required():
            continue
        title = _title(info, name)
        start = len(root.leaves)
        b.walk_table(ti.model, (name,), "", True, root, title, group=title)
        for leaf in root.leaves[start:]:
            leaf.group = title
    _unique_labels(root.leaves)
    return root


def _unique_labels(leaves: list[Leaf]) -> None:
    """Labels inside one sheet must differ: prefix the section title where two collide."""
    seen: dict[str, int] = {}
    for leaf in leaves:
        seen[leaf.label] = seen.get(leaf.label, 0) + 1
    for leaf in leaves:
        if seen[leaf.label] > 1 and leaf.group:
            leaf.label = f"{leaf.group}{SEP}{leaf.label}"
