"""Frozen dataclasses that are quick to make.

``dataclass(frozen=True)`` writes each field in ``__init__`` through ``object.__setattr__``
(its own ``__setattr__`` refuses): a call per field, about 1.3 µs for a dozen fields against
0.25 µs for a plain dataclass. A mine's checks make about a thousand such values (item scores
and results, statements, self-evaluation entries …). :func:`frozen` makes the same class, but
its ``__init__`` puts the fields into the instance's ``__dict__`` by item, which a frozen
class's ``__setattr__`` never sees (about 0.4 µs): the same signature, defaults, order of the
instance's dict, equality, hashing, ``replace`` and pickling, and still frozen afterwards.

A class this cannot make the same way (``__slots__``, ``__post_init__``, fields with a default
factory, not in ``__init__`` or keyword-only, a data descriptor named like a field) keeps the
``__init__`` that ``dataclass`` wrote. ``tests/test_frozen.py`` makes every class made here
with both ``__init__`` methods and compares the results.
"""
from __future__ import annotations

import dataclasses
import inspect
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:  # for type checkers, a class made by frozen is a frozen dataclass
    from typing_extensions import dataclass_transform
else:  # at run time the marker does nothing (typing has it only from Python 3.11)
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator

_T = TypeVar("_T")

QUICK: dict[type, Callable[..., None]] = {}
"""Each class given the quick ``__init__`` -> the ``__init__`` ``dataclass`` wrote (for tests)."""


@dataclass_transform(frozen_default=True)
def frozen(cls: type[_T]) -> type[_T]:
    """``@dataclass(frozen=True)`` with the quick ``__init__`` where it is the same (see the
    module's docstring)."""
    own_init = "__init__" in cls.__dict__
    made: Any = dataclasses.dataclass(frozen=True)(cls)
    fields = dataclasses.fields(made)
    if own_init or not _quick_is_same(made, fields):
        return made
    QUICK[made] = made.__init__
    made.__init__ = _quick_init(made, fields)
    return made


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
