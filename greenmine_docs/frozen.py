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
import types
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

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


@overload
def frozen(cls: type[_T], /) -> type[_T]: ...


@overload
def frozen(*, quick_init: bool = True) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True)
def frozen(cls: Any = None, /, *, quick_init: bool = True) -> Any:
    """``@dataclass(frozen=True)``, made quickly (see the module's docstring), with the quick
    ``__init__`` where it is the same. ``@frozen(quick_init=False)``: with the ``__init__``
    ``dataclass`` writes, which sets each field through ``object.__setattr__``: slower to
    make an instance, but the instance keeps its attributes the compact way Python keeps
    them for a class whose ``__init__`` sets them, and reading them is quicker (the quick
    ``__init__`` makes the instance's dict a plain one). For classes made often and read
    little (item scores, statements) the quick one pays; for most others it does not."""
    if cls is None:
        return lambda later: _frozen(later, quick_init)
    return _frozen(cls, quick_init)


def _frozen(cls: Any, quick_init: bool) -> Any:
    if _simple(cls):
        return _made_quickly(cls, quick_init=quick_init)
    own_init = "__init__" in cls.__dict__
    made: Any = _with_closures(cls, frozen=True)
    fields = dataclasses.fields(made)
    if not quick_init or own_init or not _quick_is_same(made, fields):
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


def _made_quickly(cls: Any, *, quick_init: bool) -> Any:
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
    init = _quick_init(made, fields) if quick_init else _set_init(made, fields)
    _install(made, init, *_compared(made, names, names, names),
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
    (``hashed``) of the dataclass ``cls``, each compiled when first called: until then a
    stand-in that compiles the method ``dataclass`` writes (the same source), puts it on
    ``cls`` in its place and calls it. Most classes are never compared, hashed or shown in a
    single build; a warm process runs the compiled methods as before."""
    def tuple_of(items: str) -> str:  # as dataclass writes the tuple of no field: ()
        return f"({items},)" if items else "()"

    return (
        _on_first_call(cls, "__repr__", "self", "return self.__class__.__qualname__ + "
                       "f\"(" + ", ".join(f"{n}={{self.{n}!r}}" for n in shown) + ")\""),
        _on_first_call(cls, "__eq__", "self, other",
                       "if other.__class__ is self.__class__:\n"
                       f"  return {tuple_of(','.join(f'self.{n}' for n in compared))}=="
                       f"{tuple_of(','.join(f'other.{n}' for n in compared))}\n"
                       " return NotImplemented"),
        _on_first_call(cls, "__hash__", "self",
                       f"return hash({tuple_of(','.join(f'self.{n}' for n in hashed))})"))


def _on_first_call(cls: Any, name: str, params: str, body: str) -> Callable[..., Any]:
    """A method ``name`` of ``cls`` that compiles ``def name(params): body`` (field names
    only: identifiers) when first called, sets it on ``cls`` in its place and returns its
    answer. ``__repr__`` is guarded against recursion as ``dataclass`` guards it."""
    def compiled() -> Callable[..., Any]:
        namespace: dict[str, Any] = {}
        exec(f"def {name}({params}):\n {body}\n", {}, namespace)  # noqa: S102
        method: Callable[..., Any] = namespace[name]
        if name == "__repr__":
            method = recursive_repr()(method)
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        method.__module__ = cls.__module__
        setattr(cls, name, method)
        return method

    def stand_in(self: Any, *args: Any) -> Any:
        return compiled()(self, *args)

    stand_in.__name__ = name
    return stand_in


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


def _set_init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` ``dataclass(frozen=True)`` writes for plain fields: each field set
    through ``object.__setattr__`` (the class's own refuses)."""
    return _init(cls, fields, "", "__dataclass_builtins_object__.__setattr__(self, {!r}, {})",
                 {"__dataclass_builtins_object__": object})


def _quick_init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """An ``__init__`` with the fields as parameters (defaults as ``dataclass`` gives them),
    storing each into the instance's dict in field order."""
    return _init(cls, fields, "\n    __fields = self.__dict__", "__fields[{!r}] = {}", {})


# (first statement, statement per field, number of fields) -> the code of such an ``__init__``
# with the parameters ``_f0``, ``_f1`` …
_INIT_CODES: dict[tuple[str, str, int], types.CodeType] = {}


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], first: str, each: str,
          names: dict[str, Any]) -> Callable[..., None]:
    """An ``__init__`` with the fields as parameters (defaults as ``dataclass`` gives them):
    the statement ``first``, then ``each`` (formatted with a field's name as text and as a
    name) for each field in order; ``names``: the globals these use. Two classes with as many
    fields differ only in the names: the code is compiled once for each number of fields, with
    placeholders, and each class gets it with its own names put in (the code compiling its
    own source gives, but for the columns a traceback points at; 48 classes of a build need
    16 compilations)."""
    defaults: list[Any] = []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            defaults.append(f.default)
        elif defaults:  # as compiling ``def __init__(self, a=1, b)`` refuses it
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    placeholders = {f"_f{i}": f.name for i, f in enumerate(fields)}
    code = _init_code(first, each, len(fields))
    code = code.replace(
        co_varnames=tuple(placeholders.get(v, v) for v in code.co_varnames),
        co_consts=tuple(placeholders.get(c, c) if isinstance(c, str) else c
                        for c in code.co_consts))
    init = types.FunctionType(code, dict(names), "__init__", tuple(defaults) or None)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    init.__module__ = cls.__module__
    return init


def _init_code(first: str, each: str, count: int) -> types.CodeType:
    """The code of ``def __init__(self, _f0, _f1, …)``: ``first``, then ``each`` for each
    parameter (see :func:`_init`), compiled once a process."""
    key = (first, each, count)
    if key not in _INIT_CODES:
        params = [f"_f{i}" for i in range(count)]
        body = first + ("".join("\n    " + each.format(p, p) for p in params) or "\n    pass")
        namespace: dict[str, Any] = {}
        exec(f"def __init__({', '.join(['self', *params])}) -> None:{body}\n",  # noqa: S102
             {}, namespace)
        _INIT_CODES[key] = namespace["__init__"].__code__
    return _INIT_CODES[key]
