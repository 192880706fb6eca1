"""``docx.copying.deep_copy`` makes the copy ``copy.deepcopy`` makes: the same graph of new
objects (same types, same state, shared where the original shares, cycles kept), the memo's
objects taken as they are — on the prepared templates and blank documents the generators copy,
and on generated graphs of the kinds it copies itself and of those it leaves to deepcopy."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from greenmine_docs.docx.copying import deep_copy

_ATOMIC = (type(None), int, float, bool, str, bytes)


def _same_graph(a: Any, b: Any, original: Any) -> None:
    """``a`` and ``b`` (two copies of ``original``) are the same graph: walked side by side,
    each object of one stands for exactly one object of the other, of the same type and
    state; an object of the original is in ``a`` where and only where it is in ``b``."""
    pairs: dict[int, int] = {}
    keep: list[Any] = []  # (ids of objects alive for the walk)
    todo = [(a, b, original)]
    while todo:
        x, y, o = todo.pop()
        assert type(x) is type(y), (type(x), type(y))
        if isinstance(x, _ATOMIC) or isinstance(x, type):
            assert x == y or (x != x and y != y)
            continue
        if (x is o) or (y is o):
            assert x is y is o, "shared in one copy only"
            continue
        if id(x) in pairs:
            assert pairs[id(x)] == id(y), "a shared object in one copy, two in the other"
            continue
        pairs[id(x)] = id(y)
        keep.append((x, y))
        if isinstance(x, etree._Element):
            assert etree.tostring(x) == etree.tostring(y)
            continue
        if isinstance(x, (list, tuple)):
            assert len(x) == len(y)
            todo.extend(zip(x, y, o))
            continue
        if isinstance(x, (set, frozenset)):
            assert len(x) == len(y)
            continue
        if isinstance(x, dict):
            assert list(x) == list(y) or len(x) == len(y)
            todo.extend((x[k], y[k], o[k]) for k in x if k in y and k in o)
        state = getattr(x, "__dict__", None)
        if state is not None:
            assert list(state) == list(y.__dict__)
            todo.extend((state[k], y.__dict__[k], o.__dict__[k]) for k in state)
        for slot in getattr(type(x), "__slots__", ()):
            if hasattr(x, slot):
                todo.append((getattr(x, slot), getattr(y, slot), getattr(o, slot)))


def _documents() -> list[tuple[Any, dict[int, Any]]]:
    """The prepared templates with their memos, and the blank documents of new_document."""
    from greenmine_docs.docx import document as docx_document
    from greenmine_docs.docx.document import new_document
    from greenmine_docs.render import tpl

    root = Path(__file__).resolve().parents[1] / "templates"
    out = []
    for path in sorted(root.glob("*/*.docx")):
        stat = path.stat()
        out.append(tpl._prepared_copyable(str(path.resolve()), stat.st_mtime_ns, stat.st_size))
    new_document()
    new_document(landscape=True, page_numbers=True, odd_even=False, shared_styles=True)
    out += list(docx_document._BLANK.values())
    return out


def test_the_documents_copies_are_deepcopys(monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs.docx.document import package_bytes

    # the two packages are written moments apart: a frozen clock gives their zip members the
    # same timestamp, so they compare byte for byte even across a two-second tick
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")

    documents = _documents()
    assert len(documents) >= 6
    for doc, memo in documents:
        ours, theirs = deep_copy(doc, dict(memo)), copy.deepcopy(doc, dict(memo))
        _same_graph(ours, theirs, doc)
        for shared in memo.values():
            if not isinstance(shared, (str, dict, tuple)):  # a shared part: in both, as is
                assert any(p is shared for p in ours.part.package.iter_parts())
        assert ours.part is not doc.part and ours.element is not doc.element
        assert bytes(package_bytes(ours)) == bytes(package_bytes(theirs))


class Plain:
    pass


class Slotted:
    __slots__ = ("a", "b")


class Attributed(dict):  # a dict that carries attributes too (python-docx's Relationships)
    pass


class Reducing:
    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __reduce__(self) -> Any:
        return (Reducing, (self.value,))


def _build(spec: Any, made: list[Any]) -> Any:
    """An object graph from a hypothesis-drawn spec; ``("ref", i)`` reuses an object made
    before (shared references and cycles: a container is listed before it is filled)."""
    if not isinstance(spec, tuple):
        return spec
    kind, items = spec
    if kind == "ref":
        return made[items % len(made)] if made else None
    if kind == "tuple":
        return tuple(_build(item, made) for item in items)
    holder: Any = {"list": list, "dict": dict, "plain": Plain, "attributed": Attributed,
                   "slotted": Slotted, "reducing": Reducing}[kind]()
    made.append(holder)
    values = [_build(item, made) for item in items]
    if kind == "list":
        holder.extend(values)
    elif kind in ("dict", "attributed"):
        holder.update({f"k{i}": v for i, v in enumerate(values)})
        if kind == "attributed":
            holder.note = values[:1]
    elif kind == "plain":
        holder.__dict__.update({f"a{i}": v for i, v in enumerate(values)})
    elif kind == "slotted":
        holder.a = values[0] if values else None
    else:
        holder.value = values
    return holder


_SPEC = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=3), st.binary(max_size=2),
              st.tuples(st.just("ref"), st.integers(0, 20))),
    lambda inner: st.tuples(
        st.sampled_from(["list", "tuple", "dict", "plain", "attributed", "slotted",
                         "reducing"]), st.lists(inner, max_size=4)),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(_SPEC, st.integers(0, 20))
def test_generated_graphs_are_copied_as_deepcopy_copies_them(spec: Any, shared: int) -> None:
    made: list[Any] = []
    root = _build(("list", [spec]), made)
    keep = made[shared % len(made)]  # one object the memo says to take as it is
    memo = {id(keep): keep} if keep is not root else {}
    ours, theirs = deep_copy(root, dict(memo)), copy.deepcopy(root, dict(memo))
    _same_graph(ours, theirs, root)
    assert ours is not root
