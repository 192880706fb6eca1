"""``greenmine_docs.frozen``: a class made by ``@frozen`` is the frozen dataclass
``@dataclass(frozen=True)`` makes, whichever ``__init__`` it got."""
from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
from pathlib import Path
from typing import Any, ClassVar

import pytest

import greenmine_docs
from greenmine_docs.frozen import QUICK, frozen

PACKAGE = Path(greenmine_docs.__file__).parent


def _modules_using_frozen() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "\n@frozen\n" in path.read_text(encoding="utf-8"):
            rel = path.relative_to(PACKAGE.parent).with_suffix("")
            names.append(".".join(rel.parts))
    return names


MODULES = _modules_using_frozen()
for _name in MODULES:
    importlib.import_module(_name)
CLASSES = sorted(QUICK, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_the_package_s_frozen_classes_got_the_quick_init() -> None:
    made = {f"{c.__module__}.{c.__qualname__}" for c in CLASSES}
    for name in ("greenmine_docs.findings.Location", "greenmine_docs.scoring.ItemScore",
                 "greenmine_docs.scoring.ItemResult", "greenmine_docs.scoring.ScoreResult",
                 "greenmine_docs.crossdoc.statements.Statement",
                 "greenmine_docs.crossdoc.statements.Source"):
        assert name in made
    assert len(MODULES) >= 5


def _both(cls: type, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """An instance made by the quick ``__init__`` and one made by ``dataclass``'s."""
    quick = cls(*args, **kwargs)
    plain = object.__new__(cls)
    QUICK[cls](plain, *args, **kwargs)
    return quick, plain


def _same(quick: Any, plain: Any) -> None:
    assert type(quick) is type(plain)
    assert list(quick.__dict__.items()) == list(plain.__dict__.items())  # values and order
    assert quick == plain
    assert repr(quick) == repr(plain)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_quick_init_makes_what_dataclass_s_init_makes(cls: type) -> None:
    fields = dataclasses.fields(cls)
    values = [object() for _ in fields]  # one distinct value a field: a swap would show
    _same(*_both(cls, *values))
    _same(*_both(cls, **{f.name: v for f, v in zip(fields, values)}))
    required = [f for f in fields if f.default is dataclasses.MISSING]
    quick, plain = _both(cls, *values[:len(required)])  # the defaults
    _same(quick, plain)
    assert hash(quick) == hash(plain)
    for f in fields[len(required):]:
        assert getattr(quick, f.name) is f.default
    full = cls(*values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(full, fields[0].name, None)
    assert getattr(full, fields[0].name) is values[0]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_quick_init_refuses_what_dataclass_s_init_refuses(cls: type) -> None:
    fields = dataclasses.fields(cls)
    messages = []
    for init in (cls.__init__, QUICK[cls]):
        told = []
        for args, kwargs in (((), {"no_such_field": 1}), ([None] * (len(fields) + 1), {}),
                             ([None] * len(fields), {"no_such_field": 1}),
                             ([None], {fields[0].name: None})):
            with pytest.raises(TypeError) as e:
                init(object.__new__(cls), *args, **kwargs)
            told.append(str(e.value))
        messages.append(told)
    assert messages[0] == messages[1]


@frozen
class _Sample:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    LIMIT: ClassVar[int] = 3


def test_a_quick_frozen_class_behaves_as_a_frozen_dataclass() -> None:
    assert _Sample in QUICK
    s = _Sample("a", tags=("x",))
    assert s == _Sample("a", 0, ("x",)) and hash(s) == hash(_Sample("a", 0, ("x",)))
    assert dataclasses.replace(s, count=2) == _Sample("a", 2, ("x",))
    assert pickle.loads(pickle.dumps(s)) == s and copy.deepcopy(s) == s
    assert dataclasses.asdict(s) == {"name": "a", "count": 0, "tags": ("x",)}
    assert _Sample.LIMIT == 3 and "LIMIT" not in s.__dict__
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.count = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del s.name  # type: ignore[misc]


def test_classes_the_quick_init_cannot_copy_keep_dataclass_s() -> None:
    @frozen
    class Factory:
        items: list[int] = dataclasses.field(default_factory=list)

    @frozen
    class Later:
        a: int
        b: int = dataclasses.field(init=False, default=2)

    @frozen
    class KeywordOnly:
        a: int = dataclasses.field(kw_only=True)

    @frozen
    class Checked:
        a: int

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError("negative")

    @frozen
    class Own:
        a: int

        def __init__(self, a: int) -> None:
            object.__setattr__(self, "a", a * 2)

    @frozen
    class Initial:
        a: int
        scale: dataclasses.InitVar[int] = 1

    for cls in (Factory, Later, KeywordOnly, Checked, Own, Initial):
        assert cls not in QUICK
    assert Factory().items == [] and Factory().items is not Factory().items
    assert Later(1).b == 2
    assert KeywordOnly(a=1).a == 1
    with pytest.raises(ValueError):
        Checked(-1)
    assert Own(2).a == 4
    assert Initial(3, 2).a == 3
