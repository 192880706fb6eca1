"""``greenmine_docs.frozen``: a class made by ``@frozen`` is the frozen dataclass
``@dataclass(frozen=True)`` makes, whichever ``__init__`` it got and however it was made."""
from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import pickle
from pathlib import Path
from typing import Any, Callable, ClassVar

import pytest

import greenmine_docs
from greenmine_docs.frozen import QUICK, SOURCES, frozen, record

PACKAGE = Path(greenmine_docs.__file__).parent


def _modules_using_frozen() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if any(mark in text for mark in ("\n@frozen\n", "\n@frozen(", "\n@record\n")):
            rel = path.relative_to(PACKAGE.parent).with_suffix("")
            names.append(".".join(rel.parts))
    return names


MODULES = _modules_using_frozen()
for _name in MODULES:
    importlib.import_module(_name)
_PACKAGE_S = sorted({c for c in (*QUICK, *SOURCES) if c.__module__.startswith("greenmine_docs.")},
                    key=lambda c: f"{c.__module__}.{c.__qualname__}")
CLASSES = [c for c in _PACKAGE_S if c.__dataclass_params__.frozen]  # type: ignore[attr-defined]
QUICKLY_MADE = [c for c in _PACKAGE_S if c in SOURCES]


def _twin(cls: type) -> Any:
    """``cls`` made again from what was written, by ``dataclass`` itself (frozen or not)."""
    name, bases, namespace = SOURCES[cls]
    remade = type(name, bases, dict(namespace, __qualname__=cls.__qualname__))
    if cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return dataclasses.dataclass(frozen=True)(remade)
    return dataclasses.dataclass(remade)


def _dataclass_init(cls: type) -> Callable[..., None]:
    """The ``__init__`` ``dataclass(frozen=True)`` writes for ``cls``."""
    return QUICK[cls] if cls in QUICK else _twin(cls).__init__


def test_the_package_s_frozen_classes_got_the_quick_init() -> None:
    made = {f"{c.__module__}.{c.__qualname__}" for c in CLASSES}
    quickly = {f"{c.__module__}.{c.__qualname__}" for c in QUICKLY_MADE}
    for name in ("greenmine_docs.findings.Location", "greenmine_docs.scoring.ItemScore",
                 "greenmine_docs.scoring.ItemResult", "greenmine_docs.scoring.ScoreResult",
                 "greenmine_docs.crossdoc.statements.Statement",
                 "greenmine_docs.crossdoc.statements.Source"):
        assert name in made and name in quickly
    assert len(MODULES) >= 5 and len(QUICKLY_MADE) >= 55
    plain = {f"{c.__module__}.{c.__qualname__}" for c in QUICKLY_MADE if c not in CLASSES}
    assert {"greenmine_docs.findings.Report", "greenmine_docs.api.Result"} <= plain


def _both(cls: type, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """An instance made by the quick ``__init__`` and one made by ``dataclass``'s."""
    quick = cls(*args, **kwargs)
    plain = object.__new__(cls)
    _dataclass_init(cls)(plain, *args, **kwargs)
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
        if f.default_factory is dataclasses.MISSING:
            assert getattr(quick, f.name) is f.default
        else:
            assert getattr(quick, f.name) == f.default_factory()
    full = cls(*values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(full, fields[0].name, None)
    assert getattr(full, fields[0].name) is values[0]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_quick_init_refuses_what_dataclass_s_init_refuses(cls: type) -> None:
    fields = dataclasses.fields(cls)
    messages = []
    for init in (cls.__init__, _dataclass_init(cls)):
        told = []
        for args, kwargs in (((), {"no_such_field": 1}), ([None] * (len(fields) + 1), {}),
                             ([None] * len(fields), {"no_such_field": 1}),
                             ([None], {fields[0].name: None})):
            with pytest.raises(TypeError) as e:
                init(object.__new__(cls), *args, **kwargs)
            told.append(str(e.value))
        messages.append(told)
    assert messages[0] == messages[1]


def _fields(cls: type) -> list[tuple[Any, ...]]:
    return [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare,
             f.metadata, f.kw_only) for f in dataclasses.fields(cls)]


def _outcome(act: Callable[[], Any]) -> Any:
    """What ``act`` returns, or the type and message of what it raises."""
    try:
        return act()
    except Exception as e:  # noqa: BLE001 — the error is the outcome compared
        return type(e), str(e)


def _behaviour(cls: type, made: Callable[[list[Any]], Any]) -> list[Any]:
    """What instances of ``cls`` do: their repr, equality, hash, refusals to change (or
    changes); the values are equal objects that are not the same object, and one unhashable
    (a list)."""
    n = len(_given(cls))
    first, second = made([(i, "x") for i in range(n)]), made([(i, "x") for i in range(n)])
    other = made([(i, "y") for i in range(n)])
    seen: list[Any] = [repr(first), first == second, first != second, first == other,
                       first.__eq__(object()), first == (0, "x"),
                       _outcome(lambda: hash(first) == hash(second)),
                       _outcome(lambda: hash(made([[i] for i in range(n)])))]
    for name in (*[f.name for f in dataclasses.fields(cls)], "not_a_field", "__dict__"):
        seen.append(_outcome(lambda name=name: setattr(first, name, 1)))
        seen.append(_outcome(lambda name=name: delattr(first, name)))
    if n:  # a field that holds the instance itself: its repr says "..."
        looped = made([[] for _ in range(n)])
        getattr(looped, _given(cls)[0]).append(looped)
        seen.append(repr(looped))
    return seen


def _given(cls: type) -> list[str]:
    """The fields ``__init__`` takes."""
    return [f.name for f in dataclasses.fields(cls) if f.init]


def _make(cls: type, values: list[Any]) -> Any:
    return cls(**dict(zip(_given(cls), values)))


@pytest.mark.parametrize("cls", QUICKLY_MADE, ids=lambda c: c.__qualname__)
def test_a_quickly_made_class_is_what_dataclass_makes(cls: type) -> None:
    twin = _twin(cls)
    assert _fields(cls) == _fields(twin)
    assert repr(cls.__dataclass_params__) == repr(twin.__dataclass_params__)  # type: ignore
    assert cls.__match_args__ == twin.__match_args__  # type: ignore[attr-defined]
    assert cls.__doc__ == twin.__doc__
    assert str(inspect.signature(cls)) == str(inspect.signature(twin))
    assert cls.__init__.__annotations__ == twin.__init__.__annotations__
    methods = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
    assert [m in cls.__dict__ for m in methods] == [m in twin.__dict__ for m in methods]
    for name in methods:
        ours, theirs = cls.__dict__.get(name), twin.__dict__.get(name)
        if ours is None or theirs is None:  # a mutable dataclass's __hash__ is None
            assert ours is theirs
            continue
        assert (ours.__name__, ours.__qualname__, ours.__module__) == \
            (theirs.__name__, theirs.__qualname__, theirs.__module__)
    assert _behaviour(cls, lambda v: _make(cls, v)) == _behaviour(twin, lambda v: _make(twin, v))
    values = [(i,) for i in range(len(_given(cls)))]
    s = _make(cls, values)
    assert dataclasses.replace(s) == s and dataclasses.astuple(s) == dataclasses.astuple(
        _make(twin, values))
    assert pickle.loads(pickle.dumps(s)) == s and copy.deepcopy(s) == s


@frozen
class _Sample:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    LIMIT: ClassVar[int] = 3


def test_a_quick_frozen_class_behaves_as_a_frozen_dataclass() -> None:
    assert _Sample in SOURCES and _Sample not in QUICK
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


@record
class _Note:
    """A plain record with a factory, a field out of the repr and one not compared."""
    text: str
    tags: list[str] = dataclasses.field(default_factory=list)
    seen: int = dataclasses.field(default=0, repr=False)
    cache: dict[str, int] = dataclasses.field(default_factory=dict, compare=False)


def test_a_record_behaves_as_a_dataclass() -> None:
    assert _Note in SOURCES
    twin = _twin(_Note)
    for made in (_Note, twin):
        a, b = made("x"), made("x")
        a.cache["k"] = 1
        assert a == b and a.tags is not b.tags and made("x", ["t"]) != a
        assert repr(a) == "_Note(text='x', tags=[], cache={'k': 1})"
        a.seen = 3
        assert a.seen == 3 and a != b  # (compared, though not shown)
        with pytest.raises(TypeError):
            hash(a)
    assert _Note.__hash__ is None and _Note.__doc__ == twin.__doc__
    assert str(inspect.signature(_Note)) == str(inspect.signature(twin))
    assert repr(_Note.__dataclass_params__) == repr(twin.__dataclass_params__)


def test_a_class_without_fields_is_compared_and_hashed_as_dataclass_does() -> None:
    @frozen
    class Nothing:
        """No field."""

    @record
    class Empty:
        """No field."""

    for cls in (Nothing, Empty):
        twin = _twin(cls)
        assert _behaviour(cls, lambda v, c=cls: c()) == _behaviour(twin, lambda v, t=twin: t())


def test_a_field_with_only_a_default_is_made_quickly() -> None:
    @frozen
    class Defaulted:
        """Written as field(default=...)."""
        a: int
        b: tuple[int, ...] = dataclasses.field(default=())

    assert Defaulted in SOURCES
    assert dataclasses.fields(Defaulted)[1].default == () and Defaulted(1) == Defaulted(1, ())
    assert repr(Defaulted(1)) == "test_a_field_with_only_a_default_is_made_quickly.<locals>." \
        "Defaulted(a=1, b=())"


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

    @frozen
    class Shown:
        a: int

        def __repr__(self) -> str:
            return "shown"

    @frozen
    class Derived(_Sample):
        more: int = 1

    assert Shown not in SOURCES  # its own __repr__: made by dataclass alone
    for cls in (Factory, Later, KeywordOnly, Checked, Own, Initial):
        assert cls not in QUICK
    assert Derived in QUICK and Derived("a").more == 1 and Derived("a").count == 0
    assert repr(Shown(1)) == "shown" and Shown(1) == Shown(1) and hash(Shown(1)) == hash(Shown(1))
    assert Factory().items == [] and Factory().items is not Factory().items
    assert Later(1).b == 2
    assert KeywordOnly(a=1).a == 1
    with pytest.raises(ValueError):
        Checked(-1)
    assert Own(2).a == 4
    assert Initial(3, 2).a == 3
