"""Writing input data as YAML the way a person would: keys in model order, the
``yaml-language-server`` schema comment first, dates unquoted, multi-line text as ``|`` blocks,
short lists of names inline, a blank line between sections."""
from __future__ import annotations

import datetime as dt
import enum
import io
import typing
from typing import Any

from pydantic import BaseModel

from .layout import analyse

SCHEMA_COMMENT = "# yaml-language-server: $schema={ref}"


def default_schema_ref() -> str:
    from ..project import SCHEMA_FILE

    return f"./{SCHEMA_FILE}"


def order_like_model(data: Any, model: Any) -> Any:
    """A copy of ``data`` whose mappings list keys in the model's field order (unknown keys
    last, in their original order). ``model`` is a model class, ``_DictOf`` or ``None``."""
    if isinstance(model, _DictOf):
        if isinstance(data, dict):
            return {k: order_like_model(v, model.model) for k, v in data.items()}
        return data
    if isinstance(model, type) and issubclass(model, BaseModel):
        if isinstance(data, list):
            return [order_like_model(v, model) for v in data]
        if isinstance(data, dict):
            out: dict[str, Any] = {}
            for name, info in model.model_fields.items():
                if name in data:
                    out[name] = order_like_model(data[name], _sub_model(info.annotation))
            for k, v in data.items():
                if k not in out:
                    out[k] = v
            return out
    return data


class _DictOf:
    """Marker: a ``dict[str, Model]`` field, whose values are ordered by the model."""

    def __init__(self, model: Any) -> None:
        self.model = model


def _sub_model(annotation: Any) -> Any:
    ti = analyse(annotation)
    if ti.kind in ("model", "list_model"):
        return ti.model
    if ti.kind == "dict" and ti.item is not None and ti.item.kind == "model":
        return _DictOf(ti.item.model)
    return None


def _to_yaml(data: Any, top: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(data, dict):
        cm = CommentedMap()
        for i, (k, v) in enumerate(data.items()):
            cm[str(k)] = _to_yaml(v)
            if top and i > 0 and isinstance(v, (dict, list)):
                cm.yaml_set_comment_before_after_key(str(k), before="\n")
        return cm
    if isinstance(data, (list, tuple)):
        seq = CommentedSeq(_to_yaml(v) for v in data)
        if data and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                        for v in data) and sum(len(str(v)) + 2 for v in data) <= 60 \
                and not any("\n" in str(v) for v in data):
            seq.fa.set_flow_style()
        return seq
    if isinstance(data, enum.Enum):
        return data.value
    if isinstance(data, str) and "\n" in data.strip("\n"):
        return LiteralScalarString(data if data.endswith("\n") else data + "\n")
    if isinstance(data, dt.datetime) and data.time() == dt.time():
        return data.date()
    return data


def dump_yaml(data: Any, *, schema_ref: str | None = None, note: str | None = None,
              model: type[BaseModel] | None = None) -> str:
    """YAML text for input ``data`` (plain dict or ``Submission``)."""
    from ruamel.yaml import YAML

    if model is None:
        from ..model import Submission

        model = Submission
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="python", exclude_none=True)
    ordered = order_like_model(data, model)
    yaml = YAML(typ="rt")
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(_to_yaml(ordered, top=True), buf)
    head = [SCHEMA_COMMENT.format(ref=schema_ref or default_schema_ref())]
    if note:
        head.extend(f"# {line}" for line in note.splitlines())
    return "\n".join(head) + "\n" + buf.getvalue()


def write_yaml(data: Any, path: Any, *, force: bool = False, schema_ref: str | None = None,
               note: str | None = None, inputs: typing.Iterable[Any] = ()) -> None:
    from pathlib import Path

    from ..outputs import write_text_atomic

    write_text_atomic(Path(path), dump_yaml(data, schema_ref=schema_ref, note=note),
                      force=force, inputs=[Path(p) for p in inputs])
