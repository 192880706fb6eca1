"""How much a template may compute: text, loop iterations, time (issue 14).

One :class:`Budget` covers the rendering of one document (all its template parts, see
:func:`rendering`); the sandbox (:mod:`.sandbox`) spends from it:

- text: every string, list or mapping an operator, filter, method or ``~`` produces and every
  piece of output counts its length; the template's own text is allowed on top
  (``GREENMINE_MAX_TEMPLATE_TEXT``). Operations that could make something far larger than their
  operands (``'a' * n``, ``'%999999d' % 1``, ``replace``, ``join``, ``10 ** n``) are checked
  *before* they run, so memory stays bounded by the limit;
- loop iterations, including the longest ``range`` (``GREENMINE_MAX_TEMPLATE_LOOPS``);
- wall-clock time (``GREENMINE_TEMPLATE_SECONDS``), checked at every loop iteration, call,
  operator and piece of output — without loops and recursion (refused) a template does a
  bounded amount of work between two checks.

Each refusal is a :class:`~greenmine_docs.render.policy.TemplateRefusal` with a Chinese message.
"""
from __future__ import annotations

import datetime as dt
import operator
import re
import time
import types
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterable, Iterator

from .policy import Placeable, TemplateRefusal

INT_BITS = 10_000
"""Largest integer a template may compute (about 3,000 digits; Python prints at most 4,300)."""

FORMAT_WIDTH = 100
"""Largest width or precision in a ``%`` format (``'%8.2f'``)."""

ITEM_COST = 8
"""What one list item counts for, in characters: a reference, and often a small text object of
its own (a list made from a text holds one object per character)."""

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
        "//": operator.floordiv, "**": operator.pow, "%": operator.mod}


class Budget:
    """What is left of one document's allowance; see the module docstring."""

    __slots__ = ("deadline", "seconds", "text_left", "text_limit", "loops_left", "loop_limit",
                 "costs")

    def __init__(self) -> None:
        from .. import limits

        self.seconds = limits.TEMPLATE_SECONDS
        self.deadline = time.monotonic() + self.seconds
        self.text_left = self.text_limit = limits.MAX_TEMPLATE_TEXT
        self.loops_left = self.loop_limit = limits.MAX_TEMPLATE_LOOPS
        self.costs: dict[int, tuple[Any, int]] = {}  # id -> (container, expanded cost)

    def allow_text(self, chars: int) -> None:
        """Add a template part's own text to the allowance (it is output at least once)."""
        self.text_left += chars

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateRefusal(f"模板渲染超过 {self.seconds:g} 秒，已停止（可用环境变量 "
                                  "GREENMINE_TEMPLATE_SECONDS 调整）。", "limit")

    def need_text(self, size: int) -> None:
        """Refuse before an operation that would produce ``size`` characters or items."""
        if size > self.text_left:
            raise TemplateRefusal(f"模板计算出的文字过多（合计超过 {self.text_limit:,} 个字符或"
                                  "列表项；可用环境变量 GREENMINE_MAX_TEMPLATE_TEXT 调整）。",
                                  "limit")

    def spend_text(self, size: int) -> None:
        self.need_text(size)
        self.text_left -= size
        self.check_time()

    def loop(self) -> None:
        self.loops_left -= 1
        if self.loops_left < 0:
            raise TemplateRefusal(f"模板中的循环次数过多（合计超过 {self.loop_limit:,} 次；可用"
                                  "环境变量 GREENMINE_MAX_TEMPLATE_LOOPS 调整）。", "limit")
        self.check_time()


_ACTIVE: ContextVar[Budget | None] = ContextVar("greenmine_template_budget", default=None)


@contextmanager
def rendering(new: bool = False) -> Iterator[Budget]:
    """The budget of the rendering under way, or a new one for a rendering that starts here
    (a document's parts share the budget its renderer opened); ``new``: a budget of its own
    in any case (lint's trial render)."""
    active = _ACTIVE.get()
    if active is not None and not new:
        yield active
        return
    budget = Budget()
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def current() -> Budget:
    """The active budget; outside a rendering (Jinja folding constants while compiling), a
    fresh one."""
    return _ACTIVE.get() or Budget()


def size_of(value: Any) -> int:
    """What ``value`` counts for: its characters, or its items times :data:`ITEM_COST`."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple, dict)):
        return len(value) * ITEM_COST
    return 0


def check_items_from(value: Any) -> None:
    """Refuse before a list is made of each character of ``value`` (``|list``, ``split``),
    when that many items would not fit."""
    if isinstance(value, str):
        current().need_text(len(value) * ITEM_COST)


def charge(value: Any) -> Any:
    """Spend ``value``'s size from the active budget (for a list or mapping, also check what
    it expands to, :func:`check_structure`); return it."""
    budget = current()
    budget.spend_text(size_of(value))
    if isinstance(value, _CONTAINERS):
        check_structure(value, budget)
    return value


# -- lists and mappings a template builds ----------------------------------------------------
_CONTAINERS = (list, tuple, dict)


def check_structure(value: Any, budget: Budget | None = None) -> int:
    """The expanded cost of a list, tuple or mapping: its items plus, for each item, its own
    cost — counted as often as it occurs (texts count their characters). Refused above the
    text limit. A template can build lists of lists that share their items (``[a, a]``, then
    ``[b, b]`` …): 40 such steps make 2**40 items, and comparing or hashing two of them takes
    that long inside one Python operation. Every list the template builds is checked (the costs
    are remembered, so each is computed once), so no comparison can take longer than the limit
    allows."""
    budget = budget or current()
    memo = budget.costs
    hit = memo.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, children_done = stack.pop()
        known = memo.get(id(node))
        if known is not None and known[0] is node:
            continue
        items = [x for kv in node.items() for x in kv] if isinstance(node, dict) else node
        if not children_done:
            stack.append((node, True))
            stack.extend((x, False) for x in items if isinstance(x, _CONTAINERS))
            continue
        total = len(items)
        for x in items:
            total += memo[id(x)][1] if isinstance(x, _CONTAINERS) else \
                len(x) if isinstance(x, str) else 1
        if total > budget.text_limit:
            raise TemplateRefusal(f"模板中的列表或字典展开后过大（嵌套或重复使用后超过 "
                                  f"{budget.text_limit:,} 项；可用环境变量 "
                                  "GREENMINE_MAX_TEMPLATE_TEXT 调整）。", "limit")
        memo[id(node)] = (node, total)
    return memo[id(value)][1]


_COMPARISONS = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gteq": operator.ge,
                "lt": operator.lt, "lteq": operator.le,
                "in": lambda a, b: a in b, "notin": lambda a, b: a not in b}


def compare(left: Any, *ops: tuple[str, Any]) -> Any:
    """``left op1 right1 op2 right2 …`` for the sandbox (Python's chained comparison, the
    operands evaluated beforehand): the clock checked and every list or mapping within the
    structure limit before each comparison."""
    budget = current()
    result: Any = True
    for op, right in ops:
        budget.check_time()
        for value in (left, right):
            if isinstance(value, _CONTAINERS):
                check_structure(value, budget)
        result = _COMPARISONS[op](left, right)
        if not result:
            return result
        left = right
    return result


# -- what may become text ------------------------------------------------------------------
TEXT_SCALARS = (str, int, float, bool, type(None), dt.date)


def text_length(value: Any) -> int:
    """Length of ``value`` as text; refuses what must not become text (lists, mappings,
    opaque values, objects)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, TEXT_SCALARS):
        return len(str(value))
    if isinstance(value, Placeable):
        str(value)  # raises its own message
    raise TemplateRefusal(f"模板只能把文字、数字和日期转为文字，不能转换{describe(value)}。")


def describe(value: Any) -> str:
    """A Chinese name for the kind of ``value`` (for messages)."""
    from jinja2.runtime import LoopContext

    for kind, name in ((Placeable, "正文变量"), (bool, "真假值"), (str, "文字"),
                       ((int, float), "数字"), (dt.date, "日期"), (dict, "字典"),
                       ((list, tuple), "列表"), (LoopContext, "循环变量 loop"),
                       ((types.BuiltinMethodType, types.MethodType, types.FunctionType),
                        "方法或函数")):
        if isinstance(value, kind):
            return name
    return f"对象（{type(value).__name__}）"


# -- operators ------------------------------------------------------------------------------
def binop(op: str, left: Any, right: Any) -> Any:
    """``left op right`` for the sandbox, refused before it could exceed a limit."""
    budget = current()
    budget.check_time()
    if op == "*":
        _check_multiply(left, right, budget)
    elif op == "**":
        _check_power(left, right)
    elif op == "%" and isinstance(left, str):
        _check_percent(left, right, budget)
    result = _OPS[op](left, right)
    if isinstance(result, int) and result.bit_length() > INT_BITS:
        raise _too_big_number()
    return charge(result)


def _too_big_number() -> TemplateRefusal:
    return TemplateRefusal(f"模板计算出的数字过大（超过 {INT_BITS} 位二进制）。", "limit")


def _check_multiply(left: Any, right: Any, budget: Budget) -> None:
    sequences = (str, list, tuple)
    if isinstance(left, int) and isinstance(right, sequences):
        left, right = right, left
    if isinstance(left, sequences) and isinstance(right, int):
        budget.need_text(size_of(left) * max(right, 0))
    elif isinstance(left, int) and isinstance(right, int) and \
            left.bit_length() + right.bit_length() > INT_BITS:
        raise _too_big_number()


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and \
            abs(base) > 1 and base.bit_length() * exponent > INT_BITS:
        raise _too_big_number()


# what follows "%" and its mapping key: flags, width, precision, length modifier, conversion
_SPEC = re.compile(r"[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)
_PARENS = re.compile(r"[()]")


def _percent_specs(fmt: str) -> Iterator[tuple[str | None, str | None, str | None, str, str]]:
    """(key, width, precision, conversion, the spec's text) of each ``%`` spec of ``fmt``, as
    Python reads them: a mapping key runs to its matching ``)`` (keys may hold parentheses).
    One pass: a regular expression for the key rescanned the rest of the text from every
    ``%(`` ("%(%(%(…": 18 s for 50,000 characters). An unclosed key ends the scan: Python
    refuses such a format."""
    at = 0
    while (at := fmt.find("%", at)) >= 0:
        pos, key = at + 1, None
        if fmt.startswith("(", pos):
            depth, start = 1, pos + 1
            for paren in _PARENS.finditer(fmt, start):
                depth += 1 if paren.group() == "(" else -1
                if not depth:
                    break
            if depth:
                return
            key, pos = fmt[start:paren.start()], paren.end()
        m = _SPEC.match(fmt, pos)
        if m is None:
            return
        yield key, m.group(1), m.group(2), m.group(3), fmt[at:m.end()]
        at = m.end()


def _check_percent(fmt: str, args: Any, budget: Budget) -> None:
    """``fmt % args``: no ``*`` or width/precision above :data:`FORMAT_WIDTH`; the result's
    largest possible size within the budget."""
    positional = list(args) if isinstance(args, tuple) else [args]
    estimate = len(fmt)
    for key, width, precision, conv, spec in _percent_specs(fmt):
        if conv == "%":
            continue
        for n in (width, precision):
            if n == "*" or (n is not None and int(n) > FORMAT_WIDTH):
                raise TemplateRefusal(f"模板的格式宽度或精度过大（最多 {FORMAT_WIDTH}）："
                                      f"“{spec}”。", "limit")
        if key is not None and isinstance(args, dict):
            value = args.get(key, "")
        else:
            value = positional.pop(0) if positional else ""
        estimate += FORMAT_WIDTH + 10 * text_length(value)
    budget.need_text(estimate)


# -- sized methods and filters --------------------------------------------------------------
def check_replace(text: Any, old: Any, new: Any, count: Any = None) -> None:
    """``text.replace(old, new, count)`` within the budget."""
    for value in (text, old, new):
        text_length(value)  # refuses what is not text
    text, old, new = str(text), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    current().need_text(len(text) + hits * max(len(new) - len(old), 0))


def join_items(separator: Any, items: Iterable[Any]) -> list[Any]:
    """The items of a ``join`` as a list, after checking that the joined text fits."""
    if isinstance(items, str):  # joining the characters of a text: size known beforehand
        current().need_text(len(items) * (1 + text_length(separator)))
    items = list(items)
    size = sum(text_length(x) for x in items)
    size += max(len(items) - 1, 0) * text_length(separator)
    current().need_text(size)
    return items


def iterate(iterable: Any) -> Iterator[Any]:
    """A ``{% for %}`` loop's items, each one counted (and the time checked)."""
    budget = current()
    for item in iterable:
        budget.loop()
        yield item


def bounded_range(*args: Any) -> range:
    """``range`` for templates: at most ``GREENMINE_MAX_TEMPLATE_LOOPS`` numbers."""
    from .. import limits

    rng = range(*args)
    try:
        too_long = len(rng) > limits.MAX_TEMPLATE_LOOPS
    except OverflowError:
        too_long = True
    if too_long:
        raise TemplateRefusal(f"模板中的 range 过大（最多 {limits.MAX_TEMPLATE_LOOPS:,} 个数；可用"
                              "环境变量 GREENMINE_MAX_TEMPLATE_LOOPS 调整）。", "limit")
    return rng
