"""Base model and field helpers: every field carries a Chinese label (``title``), used in Excel
headers, messages and documents, and an English identifier (the attribute name, used in YAML).

Excel layout hints live in ``json_schema_extra``: ``sheet`` (a sub-model or list gets its own
sheet with that name) and ``choices`` are read by :mod:`greenmine_docs.excel_layout`.
"""

import inspect
from typing import Annotated, Any, Callable, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_F = TypeVar("_F", bound=Callable[..., Any])


def signed(func: _F) -> _F:
    """``func`` (a validator) with its signature worked out once and kept as ``__signature__``,
    which ``inspect.signature`` gives as it is: pydantic asks for a validator's signature at
    every field that uses it (whether it takes the ``info`` argument), some 130 times in a
    new process, ~3 ms."""
    func.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
    return func


_TRUE = {"是", "有", "符合", "√", "✓", "y", "yes", "true", "t", "1", "on"}
_FALSE = {"否", "无", "不符合", "×", "✗", "n", "no", "false", "f", "0", "off"}


@signed
def _cn_bool(value: Any) -> Any:
    """Accept 是/否 (and √/×, 符合/不符合) wherever a yes/no is asked, in YAML and Excel."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    return value


YesNo = Annotated[bool, BeforeValidator(_cn_bool)]
"""A boolean that also accepts 是/否, √/×, 符合/不符合."""


class StrictModel(BaseModel):
    """All input models: unknown keys are errors (a likely typo), whitespace trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=False,
        populate_by_name=True,
        use_enum_values=False,
        coerce_numbers_to_str=True,
        defer_build=True,  # built at the first validation: only the root model is (-13 M instructions)
        allow_inf_nan=False,  # ∞ and NaN break every sum and comparison after them
    )


def new_list() -> list[Any]:
    """A new empty list: what ``default_factory=list`` gives a field (see :func:`field`)."""
    return []


def field(label: str, default: Any = ..., *, description: str = "", sheet: str | None = None,
          required_hint: str | None = None, example: Any = None, **kwargs: Any) -> Any:
    """A model field with its Chinese label (and optional own Excel sheet). A field whose
    ``default_factory`` is ``list`` gets :func:`new_list` instead, which makes the same empty
    list: pydantic reads each factory's signature when it builds the model, and ``list``'s
    is parsed from its text (about 0.2 ms; some thirty fields, at every start)."""
    if kwargs.get("default_factory") is list:
        kwargs["default_factory"] = new_list
    extra: dict[str, Any] = dict(kwargs.pop("json_schema_extra", None) or {})
    if sheet:
        extra["sheet"] = sheet
    if example is not None:
        extra["examples"] = [example]
    return Field(default, title=label, description=description or label,
                 json_schema_extra=extra or None, **kwargs)


def text_keys(value: Any) -> Any:
    """A mapping keyed by ids with every key as trimmed text (YAML reads ``1.1: 5`` keys as
    numbers); anything else unchanged, for the model to report."""
    if isinstance(value, dict):
        return {str(k).strip(): v for k, v in value.items()}
    return value


def label_of(model: type[BaseModel], name: str) -> str:
    """The Chinese label of a field (the name itself when none)."""
    info = model.model_fields.get(name)
    return (info.title if info and info.title else name)
