"""Environment variables read where they are asked for, hundreds of times a mine.

A few settings are read at the moment they matter rather than once at start-up, so that a test
(or the web desk) can switch them in a running process: ``GREENMINE_CHECK_ISLANDS`` is asked at
every XML island (~390 times a mine), the user's cache folder's variables at every cache look-up.
``os.environ.get`` of a variable that is not set costs ~2–4 µs in CPython 3.11: the mapping's
``__getitem__`` raises ``KeyError`` and ``Mapping.get`` catches it. :func:`get` gives the same
answer with one dictionary look-up, from the encoded copy of the environment that ``os.environ``
keeps and updates itself (``os.environ[...] = ...``, ``del``, ``monkeypatch.setenv``), so
every change made through ``os.environ`` is seen at once. Where ``os.environ`` is not CPython's
``os._Environ`` (replaced by a plain mapping, another Python), it asks ``os.environ.get``.
"""
from __future__ import annotations

import os
from typing import overload

_Environ = type(os.environ)
_KEYS: dict[str, object] = {}  # name -> its key in os.environ's encoded table


@overload
def get(name: str) -> str | None: ...
@overload
def get(name: str, default: str) -> str: ...


def get(name: str, default: str | None = None) -> str | None:
    """``os.environ.get(name, default)``, without the exception a missing variable costs."""
    env = os.environ
    if type(env) is _Environ:
        try:
            data = env._data  # type: ignore[attr-defined]
            key = _KEYS[name]
        except KeyError:  # a name not asked for yet (``encodekey`` refuses what is not text)
            key = _KEYS[name] = env.encodekey(name)
        except AttributeError:  # (an os.environ without its encoded table)
            return env.get(name, default)
        if type(data) is dict:
            value = data.get(key)
            return default if value is None else env.decodevalue(value)
    return env.get(name, default)
