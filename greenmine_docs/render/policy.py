"""What a document template may touch: plain data, a few of its methods, and opaque values.

A Word template may come from a stranger (``--template``), so the values it is given and the
operations it may apply to them are listed here, in one place, for the sandbox
(:mod:`.sandbox`) that enforces them while rendering and for ``greenmine templates lint``
(:mod:`greenmine_docs.render.template_lint`) that reports them beforehand:

- the context holds only plain data (text, numbers, dates, lists, mappings of those) and
  :class:`Placeable` values — a subdocument becomes an inert token that only the renderer
  knows how to insert (:func:`plain_context`);
- attributes and methods: only those in :data:`METHODS` of text, mappings, sequences and dates,
  and the fields of ``loop``; everything else — including anything of any other object — is
  refused;
- filters: :data:`FILTERS` (Jinja's own that cannot blow up, ours for dates and money);
- globals: only ``range``; statements: no macros, ``call``, blocks, ``include``/``import``,
  recursive loops or ``autoescape`` switches (:data:`REFUSED_STATEMENTS`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from jinja2.exceptions import SecurityError

# methods of plain data a template may call (none can change the value or produce text much
# larger than what it is applied to: center/ljust/zfill/expandtabs/format are left out; replace
# and join are size-checked by the sandbox)
STR_METHODS = frozenset({
    "upper", "lower", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip",
    "rstrip", "startswith", "endswith", "find", "rfind", "index", "rindex", "count", "split",
    "rsplit", "splitlines", "partition", "rpartition", "replace", "join", "removeprefix",
    "removesuffix", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace",
    "islower", "isupper", "istitle"})
MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})
SEQUENCE_METHODS = frozenset({"index", "count"})
DATE_FIELDS = frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"})
LOOP_FIELDS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length",
                         "depth", "depth0", "previtem", "nextitem", "cycle", "changed"})

METHODS: tuple[tuple[type | tuple[type, ...], frozenset[str]], ...] = (
    (str, STR_METHODS), (dict, MAPPING_METHODS), ((list, tuple), SEQUENCE_METHODS),
    (dt.date, DATE_FIELDS))
"""(type, names) — the attributes of plain data a template may read (``loop``: LOOP_FIELDS)."""

ATTRIBUTE_NAMES = STR_METHODS | MAPPING_METHODS | SEQUENCE_METHODS | DATE_FIELDS | LOOP_FIELDS
"""Every attribute name a template may use on some value (what lint accepts by name)."""

TEXT_FILTERS = frozenset({"capitalize", "lower", "upper", "title", "trim", "truncate",
                          "replace", "wordcount", "escape", "e", "string"})
LIST_FILTERS = frozenset({"first", "last", "length", "count", "join", "list", "reverse", "sort",
                          "unique", "min", "max", "sum", "select", "reject", "items",
                          "dictsort", "default", "d"})
NUMBER_FILTERS = frozenset({"abs", "round", "int", "float"})
OUR_FILTERS = frozenset({"cn_date", "cn_date_upper", "amount", "number"})
FILTERS = TEXT_FILTERS | LIST_FILTERS | NUMBER_FILTERS | OUR_FILTERS
"""The filters a template may use; Jinja's others (attr, map, format, center, indent, batch,
slice, safe, tojson …) reach attributes by computed names, build unbounded text or raw XML
(striptags: MarkupSafe 2's pattern takes quadratic time on a run of "<")."""

REMOVED_GLOBALS = frozenset({"dict", "lipsum", "cycler", "joiner", "namespace"})
"""Jinja's default global functions that document templates do not get (``range`` stays)."""

REFUSED_STATEMENTS = {
    "macro": "定义宏（macro）", "call": "调用宏（call）", "block": "模板块（block）",
    "extends": "继承其他模板（extends）", "include": "包含其他文件（include）",
    "import": "导入其他文件（import）", "from": "导入其他文件（from … import）",
    "autoescape": "切换转义（autoescape）",
}
"""Statements a document template may not use, with how users call them."""


class TemplateRefusal(SecurityError):
    """Raised while rendering when a template does what this policy does not allow (``kind``
    "access") or goes beyond a limit of :mod:`greenmine_docs.limits` ("limit"); the message is
    Chinese. A Jinja ``SecurityError``, so Jinja passes it through as it is."""

    def __init__(self, message: str, kind: str = "access") -> None:
        super().__init__(message)
        self.kind = kind


SUBDOC_NS = "urn:x-greenmine:subdoc"


def placeholder_xml(key: int) -> str:
    """The element a subdocument's opaque value renders to (the renderer replaces it: see
    :class:`greenmine_docs.render.subdoc.SubdocSplicing`)."""
    return f'<gm:subdoc xmlns:gm="{SUBDOC_NS}" n="{int(key)}"/>'


class Placeable:
    """An opaque value a template can only put somewhere: it has no attributes or methods, it
    cannot be turned into text, joined, compared by content or iterated. In autoescaped output
    it becomes a placeholder element that the renderer replaces (for a subdocument:
    :class:`greenmine_docs.render.subdoc.SubdocSplicing`)."""

    __slots__ = ("_kind", "_key")

    def __init__(self, kind: str, key: int) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_key", key)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Placeable is read-only")

    def __html__(self) -> str:
        key: int = object.__getattribute__(self, "_key")
        return placeholder_xml(key)

    def __str__(self) -> str:
        raise TemplateRefusal("正文变量只能单独成段写成“{{p body }}”，不能当作文字使用"
                              "（不能放在文档属性中、与文字连接或经过过滤器）。")

    __repr__ = object.__repr__


PLAIN_SCALARS = (str, int, float, bool, type(None), dt.date)


def is_plain(value: Any) -> bool:
    """Text, a number, a date, None, or a list/tuple/dict of those (nested)."""
    if isinstance(value, PLAIN_SCALARS):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    return False


def plain_context(context: dict[str, Any],
                  opaque: Callable[[Any], Placeable | None]) -> dict[str, Any]:
    """The context a template is rendered with: every value plain data, or what ``opaque``
    turns it into (a :class:`Placeable`). Any other value is a programming error: nothing with
    methods or side effects may ever reach a template."""
    out: dict[str, Any] = {}
    for name, value in context.items():
        if isinstance(value, Placeable) or is_plain(value):
            out[name] = value
            continue
        token = opaque(value)
        if token is None:
            raise TypeError(f"template context value {name!r} is a {type(value).__name__}: "
                            "only plain data and opaque values may reach a template")
        out[name] = token
    return out
