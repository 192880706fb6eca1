"""The one Jinja environment every template in greenmine-docs is rendered with.

- :class:`~greenmine_docs.render.sandbox.DocumentSandbox`: a template (which a user may supply
  with ``--template``) reaches only plain data and a few of its methods, cannot call anything
  else, and what it computes is bounded in size, loop iterations and time (issue 14);
- ``autoescape=True``: values are XML-escaped, so ``<``, ``&`` in user data cannot break the
  document XML; objects with ``__html__`` (docxtpl subdocuments, ``Markup``) go in as they are;
- ``StrictUndefined``: a misspelt variable is an error, not silently empty text;
- only a few filters for numbers and Chinese dates are added.

User data is passed as *values* in the context and never becomes template source, so text such
as ``{{ 7*7 }}`` in a narrative comes out literally.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from jinja2 import StrictUndefined

from .sandbox import DocumentSandbox, bounded_filter


def _cn_date(value: Any, day: bool = True) -> str:
    from ..docx.cn import cn_date

    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return cn_date(value, day=day)


def _cn_date_upper(value: Any) -> str:
    from ..docx.cn import cn_date_upper

    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return cn_date_upper(value)


def _amount(value: Any, digits: int = 2) -> str:
    """``1234.5`` -> ``1,234.50`` (money in 万元 with two decimals; at most 10)."""
    if value is None or value == "":
        return ""
    if not isinstance(digits, int) or not 0 <= digits <= 10:
        from .policy import TemplateRefusal

        raise TemplateRefusal("amount 过滤器的小数位数应为 0～10。")
    return f"{float(value):,.{digits}f}"


def _number(value: Any) -> str:
    """Integers without decimals, other numbers without trailing zeros."""
    if value is None or value == "":
        return ""
    f = float(value)
    if f == int(f):
        return f"{int(f):,}"
    return f"{f:,.4f}".rstrip("0").rstrip(".")


_FILTERS = {name: bounded_filter(name, f) for name, f in (
    ("cn_date", _cn_date), ("cn_date_upper", _cn_date_upper), ("amount", _amount),
    ("number", _number))}


def make_env() -> DocumentSandbox:
    """A fresh environment (docxtpl may change attributes of the one it is given)."""
    env = DocumentSandbox(autoescape=True, undefined=StrictUndefined,
                          keep_trailing_newline=True)
    env.filters.update(_FILTERS)
    return env


_DEFAULT_FILTER_COUNT = len(make_env().filters)


@functools.lru_cache(maxsize=32)
def _standard_template(source: str, autoescape: bool) -> Any:
    env = make_env()
    env.autoescape = autoescape
    env.keeps_code = True  # its compiled code is kept across processes (.template_code)
    return env.from_string(source)


def _is_standard(env: Any) -> bool:
    return (type(env) is DocumentSandbox and env.undefined is StrictUndefined
            and env.autoescape in (True, False) and env.keep_trailing_newline
            and len(env.filters) == _DEFAULT_FILTER_COUNT
            and all(env.filters.get(k) is f for k, f in _FILTERS.items()))


def compile_template(env: Any, source: str) -> Any:
    """``env.from_string(source)``, compiled once per process when ``env`` is configured as
    :func:`make_env` makes it (autoescape on or off): every document rendered from a template
    has the same parts to compile, and compiling them is a good part of docxtpl's work."""
    if _is_standard(env):
        return _standard_template(source, env.autoescape)
    return env.from_string(source)


def render_string(source: str, context: dict[str, Any]) -> str:
    """Render a small template string that is part of the package (never user data)."""
    return make_env().from_string(source).render(context)
