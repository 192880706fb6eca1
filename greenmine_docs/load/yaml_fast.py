"""The fast path of :func:`greenmine_docs.load.yaml_input.parse`: parse with libyaml (the C
parser PyYAML ships) and build the same plain data and position tables the ruamel.yaml path
builds, about ten times faster (a full mine input: ~190 ms → ~20 ms; the built-in indicator set
and plan outline are YAML too, so a cold ``greenmine validate`` gains most).

Only the parsing is new. Plain scalars are typed by ruamel.yaml's own YAML 1.2 resolver and
constructors (so ``0123``, ``1_000``, ``yes``, ``2029-13-12`` mean exactly what they mean on the
ruamel path), quoted and block scalars are text, positions are the libyaml event marks (the same
line/column ruamel's ``.lc`` gives). Anything less common — anchors and aliases, tags, merge
keys, complex keys, directives, several documents, duplicate keys, a root that is not a mapping,
size or depth beyond the limits, and every syntax error — returns ``None`` and the caller uses
the ruamel path, which gives the messages users see. ``tests/test_perf_yaml_fast.py`` checks that
both paths agree on every YAML file in the repository and on generated documents.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from ..limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from ..rawinput import FieldPath, LinePositions
from .yaml_scalars import plain_scalar, round_trip_yaml

_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
               "tag:yaml.org,2002:timestamp"}


# tabs (ruamel.yaml refuses some that libyaml accepts), line breaks other than CR/LF, explicit
# keys (a line starting with "?"): left to ruamel.yaml
_UNUSUAL = re.compile(r"[\t\x85\u2028\u2029]|^[ -]*\?(?:[ \r\n]|$)", re.MULTILINE)


def _unusual(text: str) -> bool:
    """Whether ``text`` has what :data:`_UNUSUAL` finds: the characters by plain substring
    scans (a tenth of the pattern's time on a mine's input), the pattern only where a "?" is."""
    return any(c in text for c in "\t\x85\u2028\u2029") or (
        "?" in text and _UNUSUAL.search(text) is not None)


def _header_comment(text: str, at: int) -> bool:
    """Whether the header of the block scalar whose ``|`` or ``>`` is at ``at`` (with its
    chomping and indentation indicators) runs into a ``#`` with no space between."""
    i = at + 1
    while i < len(text) and i - at <= 2 and text[i] in "+-123456789":
        i += 1
    return i < len(text) and text[i] == "#"


class _Fallback(Exception):
    """The text uses something the fast path leaves to ruamel.yaml."""


class _Mark:
    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


def _empty_value_mark(text: str, mark: Any, key_column: int) -> Any:
    """Where ruamel.yaml places an empty value (``key:`` and nothing after it) of a block
    mapping. libyaml puts it just after the colon; ruamel.yaml at the next token (the next key,
    the end of the mapping or of the text), except that a comment after the colon keeps it at
    the colon when the next token is a key of the same mapping."""
    i, line, col, n = mark.index, mark.line, mark.column, len(text)
    eol_comment = False
    while i < n:
        ch = text[i]
        if ch == " ":
            i += 1
            col += 1
        elif ch == "\n" or ch == "\r":
            i += 2 if text.startswith("\r\n", i) else 1
            line, col = line + 1, 0
        elif ch == "#":
            eol_comment = eol_comment or line == mark.line
            while i < n and text[i] not in "\r\n":
                i += 1
                col += 1
        else:
            break
    if i >= n:
        return _Mark(line, col)  # the end of the text
    if col > key_column or text[i] in "?:" or text.startswith(("---", "..."), i):
        raise _Fallback
    if eol_comment and col == key_column:  # next token: a key of the same mapping
        return mark
    return _Mark(line, col)


_TYPER: Any = None


def _typer() -> Any:
    """ruamel.yaml's round-trip resolver and constructor (the same configuration as
    :func:`~greenmine_docs.load.yaml_input.parse_ruamel`), made once."""
    global _TYPER
    if _TYPER is None:
        from ruamel.yaml.nodes import ScalarNode

        yaml = round_trip_yaml()
        _TYPER = (yaml.resolver, yaml.constructor, ScalarNode)
    return _TYPER


# First characters that can start a non-text plain scalar in ruamel.yaml's YAML 1.2 resolver
# (numbers, dates, booleans, null, merge and value keys); any other plain scalar is text.
_SPECIAL_FIRST = frozenset("-+0123456789.~nNtTfF<=")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
# ruamel.yaml's YAML 1.2 implicit resolvers for numbers and timestamps, verbatim (a test checks
# they still are): a plain scalar none of them matches is text.
_RUAMEL_FLOAT = re.compile('''^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$''', re.X)
_RUAMEL_INT = re.compile('''^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$''', re.X)
_RUAMEL_TIMESTAMP = re.compile('''^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$''', re.X)
_WORDS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False, "null": None, "Null": None, "NULL": None, "~": None}


def _plain(value: str, mark: Any) -> Any:
    """A plain (unquoted) scalar typed as ruamel.yaml types it, then made a plain value. The
    common shapes (text, decimal integers and numbers, yyyy-mm-dd dates, true/false/null) are
    typed here; everything else (0123, 1_000, 1e3, .inf, 2023-9-1, …) by ruamel.yaml itself."""
    if not value:
        return None
    if value[0] not in _SPECIAL_FIRST or value.count(".") > 1:
        return value  # no number, date, word or key of the resolver has two dots ("1.1.2")
    if value[0] in "nNtTfF~<=":  # a word, or text (name, title, full_time …)
        if value in _WORDS:
            return _WORDS[value]
        if value == "<<" or value == "=":
            raise _Fallback  # merge and value keys
        return value  # only exact words are booleans/null; merge/value keys are exact too
    # a digit, a sign or a dot first. The common shapes first: each is a subset of what
    # ruamel's resolver types as int, float or timestamp
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    m = _DATE.match(value)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return value  # 2029-13-12: text, the model reports it (as the ruamel path does)
    if not (_RUAMEL_INT.match(value) or _RUAMEL_FLOAT.match(value)
            or _RUAMEL_TIMESTAMP.match(value)):
        return value
    resolver, constructor, node_type = _typer()
    tag = resolver.resolve(node_type, value, (True, False))
    if str(tag) not in _PLAIN_TAGS:
        raise _Fallback  # merge keys (<<), value keys (=)
    node = node_type(tag, value, start_mark=mark, end_mark=mark)
    return plain_scalar(constructor.construct_non_recursive_object(node))


# plain scalars typed as a number, a date, a boolean or null, kept by their text: the same few
# hundred recur in every mine (scores, amounts, years, dates, true/false), so each is typed
# once per process. A date is kept as (year, month, day) and made anew each time it is read: a
# date object met twice in the data would be written back by a YAML dumper as an anchor and an
# alias (``&id001`` … ``*id001``); numbers and words are shared (dumpers never alias them).
# Short text that starts like one is kept too (``name``, ``title``, ``full_time``, item ids such
# as ``1.1.2``, months ``2023-10``: keys and ids that recur, about 390 a mine); longer text that
# only starts like a number is not (it is mostly unique), nor a scalar that makes the fast path
# step aside (it raises).
_KEPT_TYPES = frozenset({int, float, bool, type(None)})
_KEPT_TEXT = 12  # characters at most
_TYPED: dict[str, Any] = {}
_TYPED_KEEP = 8192
_UNTYPED = object()  # not in _TYPED


def _keep_typed(typed: dict[str, Any], text: str, value: Any) -> None:
    """Keep ``value``, the typed plain scalar ``text``, in ``typed`` (see :data:`_TYPED`)."""
    if type(value) in _KEPT_TYPES or (type(value) is str and len(text) <= _KEPT_TEXT):
        typed[text] = value
    elif type(value) is dt.date:
        typed[text] = (value.year, value.month, value.day)


def parse(text: str, source: Path
          ) -> tuple[dict[str, Any], LinePositions, LinePositions] | None:
    """``(data, positions, key_positions)`` as :func:`~.yaml_input.parse_ruamel` gives them,
    or ``None`` when the ruamel.yaml path must handle the text."""
    if os.environ.get("GREENMINE_YAML_FAST") == "0":  # escape hatch: always use ruamel.yaml
        return None
    try:
        from yaml import CSafeLoader
    except ImportError:  # PyYAML without libyaml
        return None
    if _unusual(text):
        return None
    try:
        return _build(CSafeLoader(text), text, str(source))
    except _Fallback:
        return None
    except Exception:  # noqa: BLE001 — any libyaml error: ruamel reports it, with its messages
        return None


def _build(loader: Any, text: str, source: str
           ) -> tuple[dict[str, Any], LinePositions, LinePositions]:
    """The data and position tables from libyaml's events. Every value but the root gets one
    entry in ``positions`` (paths are unique: a duplicate key falls back), so the node count
    is taken from it at the end rather than counted per event (the text is at most
    ``MAX_YAML_BYTES``, so the limit only decides which path reports).

    The open collection's state is in local variables (a scalar, most events, reads and sets
    them without indexing a list); the collections around it wait on ``stack``."""
    from yaml import events as ev

    positions: dict[FieldPath, tuple[int, int]] = {}
    key_positions: dict[FieldPath, tuple[int, int]] = {}
    # the open collection (``container`` None: none yet, or the root's end was met): its path,
    # depth, kind, flow style, the key read and not yet given a value (with its position and
    # column), the next index of a list
    container: Any = None
    path: FieldPath = ()
    depth = index = key_column = 0
    is_map = flow = False
    key: Any = None
    key_at: tuple[int, int] | None = None
    stack: list[tuple[Any, ...]] = []  # the collections around it, as those variables
    root: Any = None
    documents = 0
    special, max_depth = _SPECIAL_FIRST, MAX_YAML_DEPTH
    typed = _TYPED
    typed_get, typed_missing = typed.get, _UNTYPED
    get_event, scalar_event = loader.get_event, ev.ScalarEvent
    map_start, seq_start = ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:  # the common event: placed here, without a call
                if event.anchor is not None or event.tag is not None or container is None:
                    raise _Fallback
                style, text_value, mark = event.style, event.value, event.start_mark
                if not style:
                    if text_value and text_value[0] not in special:
                        value = text_value  # plain text (what _plain says first, no call)
                    else:
                        value = typed_get(text_value, typed_missing)
                        if value is typed_missing:
                            value = _plain(text_value, mark)
                            if len(typed) < _TYPED_KEEP:
                                _keep_typed(typed, text_value, value)
                        elif type(value) is tuple:  # a date: a new object each time
                            value = dt.date(*value)
                        if text_value == "" and (flow or is_map):  # libyaml marks it
                            if flow or key_at is None:  # elsewhere than ruamel.yaml
                                raise _Fallback  # in a flow collection, or an empty key
                            mark = _empty_value_mark(text, mark, key_column)
                else:
                    if (style == "|" or style == ">") and _header_comment(text, mark.index):
                        raise _Fallback  # ">#": libyaml reads a comment, ruamel.yaml an error
                    value = str(text_value)
                if is_map:
                    if key_at is None:  # a mapping key
                        key = value if type(value) is str else str(value)
                        if key in container:
                            # a duplicate key (ruamel's error message), or two keys that are
                            # one as text (1 and "1"): both left to ruamel.yaml
                            raise _Fallback
                        key_column = mark.column
                        key_at = (mark.line + 1, key_column + 1)
                        continue
                    if depth >= max_depth:
                        raise _Fallback
                    child = path + (key,)  # (quicker than (*path, key))
                    key_positions[child] = key_at
                    positions[child] = (mark.line + 1, mark.column + 1)
                    container[key] = value
                    key = key_at = None
                else:
                    if depth >= max_depth:
                        raise _Fallback
                    positions[path + (index,)] = (mark.line + 1, mark.column + 1)
                    container.append(value)
                    index += 1
            elif kind is map_start or kind is seq_start:
                if event.anchor is not None or event.tag is not None:
                    raise _Fallback
                new: Any = {} if kind is map_start else []
                if container is None:
                    if kind is not map_start or root is not None:
                        raise _Fallback  # a root that is not a mapping: ruamel says what it is
                    root, child, child_depth = new, (), 0
                else:
                    child_depth = depth + 1
                    if child_depth > max_depth:
                        raise _Fallback
                    if is_map:
                        if key_at is None:
                            raise _Fallback  # a mapping or list used as a key
                        child = path + (key,)
                        positions[child] = key_positions[child] = key_at
                        container[key] = new
                        key = key_at = None
                    else:
                        child = path + (index,)
                        mark = event.start_mark
                        positions[child] = (mark.line + 1, mark.column + 1)
                        container.append(new)
                        index += 1
                    stack.append((container, path, depth, is_map, flow, key, key_at, index,
                                  key_column))
                container, path, depth, is_map = new, child, child_depth, kind is map_start
                flow, key, key_at, index, key_column = bool(event.flow_style), None, None, 0, 0
            elif kind is map_end or kind is seq_end:
                if stack:
                    (container, path, depth, is_map, flow, key, key_at, index,
                     key_column) = stack.pop()
                else:
                    container = None  # the root's end: another collection would be a root
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1 or event.version is not None or event.tags:
                    raise _Fallback
            elif kind is ev.AliasEvent:
                raise _Fallback
            elif event is None or kind is ev.StreamEndEvent:
                break
    finally:
        loader.dispose()
    if root is None or container is not None or len(positions) + 1 > MAX_YAML_NODES:
        raise _Fallback
    return root, LinePositions(source, positions), LinePositions(source, key_positions)
