"""Frozen dataclasses that are quick to make and quick to build.

``dataclass(frozen=True)`` writes each field in ``__init__`` through ``object.__setattr__``
(its own ``__setattr__`` refuses): a call per field, about 1.3 µs for a dozen fields against
0.25 µs for a plain dataclass. A mine's checks make about a thousand such values (item scores
and results, statements, self-evaluation entries …). :func:`frozen` makes the same class, but
its ``__init__`` puts the fields into the instance's ``__dict__`` by item, which a frozen
class's ``__setattr__`` never sees (about 0.4 µs): the same signature, defaults, order of the
instance's dict, equality, hashing, ``replace`` and pickling, and still frozen afterwards.

Making the class is quick too. ``dataclass`` compiles each method it writes from source
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``: about
0.1 ms each), so a frozen dataclass costs 0.6–0.8 ms to define, and a new ``greenmine``
process defines about fifty of them before it builds anything. For a class with nothing
unusual (see :func:`_simple`) only the ``__init__`` is compiled; the other five methods are
made from closures that do what ``dataclass``'s do, and the class carries the parameters
``dataclass(frozen=True)`` gives (``__dataclass_params__``): about 0.15 ms a class.

:func:`record` makes a plain (mutable) dataclass the same way: ``dataclass`` compiles its
``__init__``, its ``__repr__`` and ``__eq__`` come from closures.

A frozen class this cannot make the same way (``__slots__``, ``__post_init__``, fields with a
default factory, not in ``__init__`` or keyword-only, a data descriptor named like a field, a
dataclass base, its own dunder methods) gets ``dataclass``'s ``__init__``,
``__setattr__`` and ``__delattr__`` (and the quick ``__init__`` where it would be the same),
and the other methods from closures; one with its own ``__repr__``, ``__eq__`` or
``__hash__`` is made by ``dataclass`` alone. ``tests/test_frozen.py`` makes every class made
here a second time with ``dataclass`` and compares the two.
"""
from __future__ import annotations

import dataclasses
import inspect
from operator import attrgetter
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:  # for type checkers, a class made by frozen is a frozen dataclass
    from typing_extensions import dataclass_transform
else:  # at run time the marker does nothing (typing has it only from Python 3.11)
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator

_T = TypeVar("_T")

QUICK: dict[type, Callable[..., None]] = {}
"""Each class given the quick ``__init__`` by ``dataclass`` -> the ``__init__`` ``dataclass``
wrote (for tests)."""

SOURCES: dict[type, tuple[str, tuple[type, ...], dict[str, Any]]] = {}
"""Each class made without ``dataclass``'s methods -> its name, bases and namespace as
written, from which tests make it again with ``dataclass(frozen=True)``."""

# what a class made by :func:`_made_quickly` must not define itself (``dataclass`` would keep
# the class's own, or would act on it)
_OWN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
        "__post_init__", "__slots__", "__getstate__", "__setstate__")


@dataclass_transform(frozen_default=True)
def frozen(cls: type[_T]) -> type[_T]:
    """``@dataclass(frozen=True)`` with the quick ``__init__``, made quickly where it is the
    same (see the module's docstring)."""
    if _simple(cls):
        return _made_quickly(cls)
    own_init = "__init__" in cls.__dict__
    made: Any = _with_closures(cls, frozen=True)
    fields = dataclasses.fields(made)
    if own_init or not _quick_is_same(made, fields):
        return made
    QUICK[made] = made.__init__
    made.__init__ = _quick_init(made, fields)
    return made


@dataclass_transform()
def record(cls: type[_T]) -> type[_T]:
    """``@dataclass`` (mutable, compared by its fields) with its ``__repr__`` and ``__eq__``
    from closures instead of compiled source (see the module's docstring): only its
    ``__init__`` is compiled."""
    made: Any = _with_closures(cls, frozen=False)
    return made


def _simple(cls: type) -> bool:
    """Whether ``cls`` has only plain fields (no ``field(...)`` beyond a default, ``InitVar``
    or ``KW_ONLY``, no data descriptor as a default, none named like the quick
    ``__init__``'s own names), no dataclass among its bases and none of the methods
    ``dataclass`` would keep or act on (:data:`_OWN`)."""
    own = cls.__dict__
    if any(name in own for name in _OWN) or any(
            hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:]):
        return False
    for name, kind in own.get("__annotations__", {}).items():
        value = own.get(name)
        if (name in ("self", "__fields") or isinstance(value, dataclasses.Field)
                and not _only_a_default(value) or hasattr(type(value), "__set__")
                or "InitVar" in str(kind) or "KW_ONLY" in str(kind)):
            return False
    return True


def _only_a_default(spec: dataclasses.Field[Any]) -> bool:
    """Whether ``field(...)`` gave nothing but a default (or nothing at all)."""
    return (spec.default_factory is dataclasses.MISSING and spec.init and spec.repr
            and spec.hash is None and spec.compare and not spec.metadata
            and getattr(spec, "kw_only", dataclasses.MISSING) is dataclasses.MISSING)


_PARAMS: dict[bool, Any] = {}  # frozen -> the parameters dataclass(frozen=...) records


def _params(frozen: bool) -> Any:
    """What ``dataclass(frozen=frozen)`` records as a class's ``__dataclass_params__``."""
    if frozen not in _PARAMS:
        class Probe:
            """A class whose only use is its ``__dataclass_params__``."""
        made = dataclasses.dataclass(frozen=True)(Probe) if frozen else \
            dataclasses.dataclass(Probe)
        _PARAMS[frozen] = made.__dataclass_params__  # type: ignore[attr-defined]
    return _PARAMS[frozen]


def _keep(cls: Any) -> None:
    """Remember ``cls`` as written (its name, bases, namespace) for tests: :data:`SOURCES`."""
    SOURCES[cls] = (cls.__name__, cls.__bases__, {
        k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")})


def _made_quickly(cls: Any) -> Any:
    """``cls`` as ``dataclass(frozen=True)`` makes it, for a :func:`_simple` class: the fields
    found by ``dataclass`` without any of its methods, then the quick ``__init__`` and the
    other five methods from closures (:func:`_compared`, :func:`_refusals`)."""
    _keep(cls)
    had_doc = bool(cls.__dict__.get("__doc__"))
    if not had_doc:  # for now: else dataclass words one from object's signature (slow, wrong)
        cls.__doc__ = "-"
    made = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(made)
    names = [f.name for f in fields]
    made.__dataclass_params__ = _params(True)
    _install(made, _quick_init(made, fields), *_compared(made, names, names, names),
             *_refusals(made, names))
    if not had_doc:  # as dataclass words it: the class's name and its signature
        try:
            signature = str(inspect.signature(made)).replace(" -> None", "")
        except (TypeError, ValueError):
            signature = ""
        made.__doc__ = made.__name__ + signature
    return made


def _with_closures(cls: Any, *, frozen: bool) -> Any:
    """``dataclass(frozen=frozen)`` applied to ``cls``, with ``__repr__``, ``__eq__`` (and a
    frozen class's ``__hash__``) from closures: ``dataclass`` compiles only the ``__init__``
    (and a frozen class's ``__setattr__`` and ``__delattr__``). A class with its own
    ``__repr__``, ``__eq__`` or ``__hash__`` is left to ``dataclass`` entirely."""
    if any(name in cls.__dict__ for name in ("__repr__", "__eq__", "__hash__")):
        return dataclasses.dataclass(frozen=frozen)(cls)
    _keep(cls)
    made = dataclasses.dataclass(frozen=frozen, repr=False, eq=False)(cls)
    fields = dataclasses.fields(made)
    made.__dataclass_params__ = _params(frozen)
    shown = [f.name for f in fields if f.repr]
    compared = [f.name for f in fields if f.compare]
    hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
    methods = _compared(made, shown, compared, hashed)
    _install(made, *(methods if frozen else methods[:2]))
    if not frozen:  # equal by value, so not hashable (as dataclass leaves it)
        made.__hash__ = None  # type: ignore[assignment]
    return made


def _install(cls: Any, *methods: Callable[..., Any]) -> None:
    """Set each of ``methods`` on ``cls`` under its name, named as ``dataclass`` names the
    methods it writes."""
    for method in methods:
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        method.__module__ = cls.__module__
        setattr(cls, method.__name__, method)


def _compared(cls: Any, shown: list[str], compared: list[str], hashed: list[str]
              ) -> tuple[Callable[..., Any], ...]:
    """``__repr__`` (of the fields ``shown``), ``__eq__`` (``compared``) and ``__hash__``
    (``hashed``) of the dataclass ``cls``: what ``dataclass`` writes for them, as closures
    (an ``attrgetter`` makes the tuple ``dataclass`` compares or hashes)."""
    shown_names = tuple(shown)
    compared_values, hashed_values = _values(compared), _values(hashed)

    @recursive_repr()
    def __repr__(self: Any) -> str:
        return self.__class__.__qualname__ + "(" + ", ".join(
            [f"{name}={getattr(self, name)!r}" for name in shown_names]) + ")"

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared_values(self) == compared_values(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed_values(self))

    return __repr__, __eq__, __hash__


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of an object's attributes ``names``."""
    if len(names) > 1:
        return attrgetter(*names)  # the tuple itself
    if names:
        value = attrgetter(names[0])
        return lambda obj: (value(obj),)
    return lambda obj: ()


def _refusals(cls: Any, names: list[str]) -> tuple[Callable[..., Any], ...]:
    """``__setattr__`` and ``__delattr__`` of the frozen dataclass ``cls`` with the fields
    ``names``, as ``dataclass`` writes them."""
    fixed = tuple(names)

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in fixed:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in fixed:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


def _quick_is_same(cls: Any, fields: tuple[dataclasses.Field[Any], ...]) -> bool:
    """Whether the quick ``__init__`` does exactly what ``dataclass``'s does for ``cls``: its
    parameters are the fields in order, with their plain defaults (not a default factory, an
    ``InitVar``, a field left out of ``__init__`` or a keyword-only one), nothing runs after
    them, and each is stored into the instance's dict (no ``__slots__``, no data descriptor)."""
    if not cls.__dictoffset__ or hasattr(cls, "__post_init__"):
        return False
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if [p.name for p in params] != [f.name for f in fields]:
        return False
    for p, f in zip(params, fields):
        default = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        if (p.kind is not p.POSITIONAL_OR_KEYWORD or p.default is not default
                or f.default_factory is not dataclasses.MISSING or f.name in ("self", "__fields")
                or hasattr(type(getattr(cls, f.name, None)), "__set__")):
            return False
    return True


def _quick_init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """An ``__init__`` with the fields as parameters (defaults as ``dataclass`` gives them),
    storing each into the instance's dict in field order."""
    defaults = {f"_default_{f.name}": f.default for f in fields
                if f.default is not dataclasses.MISSING}
    params = ", ".join(f.name + (f"=_default_{f.name}" if f"_default_{f.name}" in defaults
                                 else "") for f in fields)
    body = "".join(f"\n    __fields[{f.name!r}] = {f.name}" for f in fields) or "\n    pass"
    source = f"def __init__(self, {params}) -> None:\n    __fields = self.__dict__{body}\n"
    namespace: dict[str, Any] = {}
    exec(source, dict(defaults), namespace)  # noqa: S102 — generated from field names only
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    init.__module__ = cls.__module__
    return init
