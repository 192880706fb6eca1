"""The input models' fields as ``model.base.field`` makes them: a list field's default is a new
empty list each time, made by ``new_list`` (not ``list``, whose signature pydantic would parse
from its text while building each model, at every start of the command)."""
from __future__ import annotations

import importlib
import pkgutil

import greenmine_docs.model as model_package
from greenmine_docs.model.base import StrictModel, field, new_list


def _models() -> list[type[StrictModel]]:
    for info in pkgutil.iter_modules(model_package.__path__):
        importlib.import_module(f"{model_package.__name__}.{info.name}")
    found, todo = [], [StrictModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_list_fields_default_to_a_new_list_made_by_new_list() -> None:
    models = _models()
    assert len(models) > 40
    factories = [info.default_factory for m in models for info in m.model_fields.values()
                 if info.default_factory is not None]
    assert factories.count(new_list) >= 25
    assert list not in factories


def test_field_gives_new_list_for_list_and_keeps_other_factories() -> None:
    made = field("清单", default_factory=list)
    assert made.default_factory is new_list and made.title == "清单"
    assert field("表", default_factory=dict).default_factory is dict
    first, second = new_list(), new_list()
    assert first == [] and first is not second


def test_a_model_s_empty_lists_are_its_own() -> None:
    class Holder(StrictModel):
        names: list[str] = field("名称", default_factory=list)

    a, b = Holder(), Holder()
    a.names.append("x")
    assert b.names == [] and Holder.model_json_schema()["properties"]["names"].get(
        "default", "none") == "none"
