"""``copy.deepcopy`` of a python-docx document's object graph, without its general machinery.

Every document of every mine is written on a copy of a prepared template or blank document
(:func:`greenmine_docs.render.tpl.open_template`, :func:`~greenmine_docs.docx.document.
new_document`). The python objects of such a copy are few — some 50 objects, 60 dicts and 600
references: the package, its parts and relationships — but ``copy.deepcopy`` takes two thirds
of the copy's time over them (its reduce protocol, a memo entry kept alive for every object),
more than lxml takes to copy the parts' XML.

:func:`deep_copy` makes the same copy. It copies itself what ``deepcopy`` would copy by the
default protocol — plain instances (their state is their ``__dict__``), dicts and subclasses of
dict that add only attributes, lists, tuples — and leaves everything else to ``copy.deepcopy``
with the same memo: lxml elements (their own ``__deepcopy__``), objects with slots or their own
reduce, state or copy methods, sets … The memo's meaning is deepcopy's: an object found in it
is replaced by what it maps to (the caller's shared strings and parts). ``deepcopy``'s
keep-alive list in the memo is not kept for what is copied here: it only matters to a caller
who reuses a memo after dropping the originals, and the callers here throw theirs away.
"""
from __future__ import annotations

import copy
import types
import weakref
from typing import Any, Callable

_ATOMIC = frozenset({type(None), int, float, bool, complex, str, bytes, type, range,
                     types.FunctionType, types.BuiltinFunctionType, types.CodeType,
                     weakref.ref, property, type(Ellipsis), type(NotImplemented)})
_MISSING = object()


def deep_copy(x: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(x, memo)`` (see the module docstring)."""
    found = memo.get(id(x), _MISSING)
    if found is not _MISSING:
        return found
    cls = type(x)
    if cls in _ATOMIC:
        return x
    return _copier(cls)(x, memo)


def _copy_dict(x: dict[Any, Any], memo: dict[int, Any]) -> dict[Any, Any]:
    y: dict[Any, Any] = {}
    memo[id(x)] = y
    _copy_items(x, y, memo)
    return y


def _copy_items(x: Any, y: Any, memo: dict[int, Any]) -> None:
    """``y[copy of key] = copy of value`` for the items of the mapping ``x`` (the loop of
    :func:`deep_copy` written out: most keys and values are strings)."""
    get = memo.get
    for key, value in x.items():
        found = get(id(key), _MISSING)
        if found is not _MISSING:
            key = found
        elif type(key) not in _ATOMIC:
            key = deep_copy(key, memo)
        found = get(id(value), _MISSING)
        if found is not _MISSING:
            value = found
        elif type(value) not in _ATOMIC:
            value = _copier(type(value))(value, memo)
        y[key] = value


def _copy_list(x: list[Any], memo: dict[int, Any]) -> list[Any]:
    y: list[Any] = []
    memo[id(x)] = y
    y.extend(deep_copy(item, memo) for item in x)
    return y


def _copy_tuple(x: tuple[Any, ...], memo: dict[int, Any]) -> tuple[Any, ...]:
    items = [deep_copy(item, memo) for item in x]
    found = memo.get(id(x), _MISSING)  # a cycle through the tuple copied it meanwhile
    if found is not _MISSING:
        return found
    if all(a is b for a, b in zip(items, x)):
        return x  # nothing in it changed: the tuple itself, not memoised (as deepcopy does)
    y = memo[id(x)] = tuple(items)
    return y


def _copy_instance(x: Any, memo: dict[int, Any]) -> Any:
    cls: Any = type(x)
    y = cls.__new__(cls)
    memo[id(x)] = y
    _copy_items(x.__dict__, y.__dict__, memo)
    if isinstance(x, dict):  # a subclass of dict: its items after its attributes
        _copy_items(x, y, memo)
    return y


_Copier = Callable[[Any, dict[int, Any]], Any]
_COPIERS: dict[type, _Copier] = {dict: _copy_dict, list: _copy_list, tuple: _copy_tuple}


def _copier(cls: type) -> _Copier:
    """How instances of ``cls`` are copied: here when ``deepcopy`` would copy them by the
    default protocol, else by ``deepcopy`` itself (decided once for each class)."""
    how = _COPIERS.get(cls)
    if how is None:
        how = _COPIERS[cls] = _copy_instance if _by_default_protocol(cls) else copy.deepcopy
    return how


def _by_default_protocol(cls: type) -> bool:
    """Whether ``deepcopy`` copies an instance of ``cls`` as ``cls.__new__(cls)`` given a
    copy of its ``__dict__`` (and, for a subclass of dict, of its items): no copy, reduce,
    state methods or metaclass of its own, no slots holding anything, and no other built-in
    base than ``object`` and ``dict``."""
    if type(cls) is not type or cls in copy._deepcopy_dispatch:  # type: ignore[attr-defined]
        return False
    if any(hasattr(cls, name) for name in ("__deepcopy__", "__setstate__", "__copy__")):
        return False
    if (cls.__reduce_ex__ is not object.__reduce_ex__ or cls.__reduce__ is not object.__reduce__
            or getattr(cls, "__getstate__", None) is not getattr(object, "__getstate__", None)
            or cls.__new__ not in (object.__new__, dict.__new__)):
        return False
    for base in cls.__mro__:
        if base in (object, dict):
            continue
        if not base.__flags__ & _HEAPTYPE:  # a built-in base: its instances' layout is its own
            return False
        slots = base.__dict__.get("__slots__", ())
        if [s for s in ((slots,) if isinstance(slots, str) else slots) if s != "__weakref__"]:
            return False  # (a "__dict__" slot too: rare, and deepcopy then knows best)
    return "__dict__" in dir(cls)


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python
