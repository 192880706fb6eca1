"""The Jinja environment user templates are rendered in: :class:`DocumentSandbox`.

Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` refuses private attributes and
methods that change lists or mappings, but lets a template call any other method of any object
it reaches. Here the policy is the other way round (:mod:`.policy`): attributes and calls only
on plain data, from a list; and what a template computes is bounded (:mod:`.bounds`):

- ``is_safe_attribute`` / ``is_safe_callable``: the methods of :data:`.policy.METHODS` and the
  fields of ``loop``, nothing of any other object; ``str.format`` is not offered at all;
- ``call``: also sizes ``replace`` and ``join`` before they run and counts what calls return;
- every arithmetic operator is intercepted (``call_binop``), which also stops Jinja from folding
  ``'a' * 10**9`` while compiling;
- the compiled code (:class:`BoundedCodeGenerator`) counts loop iterations, sizes ``~``, and
  refuses macros, ``call``, blocks, ``include``/``import``/``extends``, recursive loops and
  ``autoescape`` switches when the template is compiled;
- ``finalize`` lets only text, numbers, dates and opaque values be output; ``concat`` (all
  output and captured blocks) counts its pieces; filters are wrapped to do the same.
"""
from __future__ import annotations

import functools
import types
from typing import Any, Callable, cast

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template
from jinja2.exceptions import TemplateAssertionError
from jinja2.runtime import LoopContext, Undefined, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import bounds
from .policy import (FILTERS, LIST_FILTERS, LOOP_FIELDS, METHODS, REFUSED_STATEMENTS,
                     REMOVED_GLOBALS, TEXT_FILTERS, Placeable, TemplateRefusal)


class StatementRefusal(TemplateAssertionError):
    """A statement document templates may not use, found while compiling (with its line)."""


def attribute_allowed(obj: Any, attr: str) -> bool:
    """May a template read ``obj.attr``? Only listed methods of plain data and loop fields."""
    if attr.startswith("_"):
        return False
    if isinstance(obj, LoopContext):
        return attr in LOOP_FIELDS
    for kinds, names in METHODS:
        if isinstance(obj, kinds):
            return attr in names
    return False


# what a template may look into (attributes, items): plain data, loop, undefined values (which
# raise their own error); never an opaque value or any other object
_INSPECTABLE = (*bounds.TEXT_SCALARS, list, tuple, dict, range, LoopContext, Undefined)


_CONCAT_STEP = 65_536


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with the checks of the module docstring compiled in."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        """The loop runs over ``environment.iterate(…)``, which counts every iteration."""
        if node.recursive:
            raise StatementRefusal("模板中不能使用递归循环（for … recursive）。", node.lineno,
                                   self.name, self.filename)
        counted = nodes.Call(nodes.EnvironmentAttribute("iterate"), [node.iter], [], None, None,
                             lineno=node.iter.lineno)
        super().visit_For(nodes.For(node.target, counted, node.body, node.else_, node.test,
                                    node.recursive, lineno=node.lineno), frame)

    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        """Comparisons through ``environment.compare``: the clock and the size of lists."""
        self.write("environment.compare(")
        self.visit(node.expr, frame)
        for op in node.ops:
            self.write(f", ({op.op!r}, ")
            self.visit(op.expr, frame)
            self.write(")")
        self.write(")")

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        """Slices too through ``environment.getitem`` (Jinja writes ``x[a:b]`` directly), so
        the copy they make is counted."""
        if not isinstance(node.arg, nodes.Slice):
            super().visit_Getitem(node, frame)
            return
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for i, part in enumerate((node.arg.start, node.arg.stop, node.arg.step)):
            self.write(", " if i else "")
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
        self.write("))")

    def _built(self, visit: Callable[..., None], node: nodes.Expr, frame: Frame) -> None:
        """A list, tuple or mapping literal through ``environment.built`` (its structure
        checked); tuples that are assignment targets stay as they are."""
        if getattr(node, "ctx", "load") != "load":
            visit(node, frame)
            return
        self.write("environment.built(")
        visit(node, frame)
        self.write(")")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self._built(super().visit_List, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        self._built(super().visit_Tuple, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self._built(super().visit_Dict, node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """``a ~ b`` through ``environment.join_pieces``, which sizes the result."""
        self.write("environment.join_pieces((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("), context.eval_ctx.autoescape)")


# statements refused when compiling: Jinja node -> keyword of policy.REFUSED_STATEMENTS
_REFUSED_NODES = {"Macro": "macro", "CallBlock": "call", "Block": "block", "Extends": "extends",
                  "Include": "include", "Import": "import", "FromImport": "from",
                  "ScopedEvalContextModifier": "autoescape", "EvalContextModifier": "autoescape"}


def _refusing(keyword: str) -> Callable[..., None]:
    def visit(self: BoundedCodeGenerator, node: nodes.Node, frame: Frame) -> None:
        raise StatementRefusal(f"模板中不能{REFUSED_STATEMENTS[keyword]}。", node.lineno,
                               self.name, self.filename)

    return visit


for _node, _keyword in _REFUSED_NODES.items():
    setattr(BoundedCodeGenerator, f"visit_{_node}", _refusing(_keyword))


class BoundedTemplate(Template):
    """A template whose ``render`` runs within the active budget (or opens one), with its own
    text allowed on top. Streaming (``generate``/``stream``) is not offered."""

    source_chars = 0

    def render(self, *args: Any, **kwargs: Any) -> str:
        with bounds.rendering() as budget:
            budget.allow_text(self.source_chars)
            return super().render(*args, **kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("document templates are rendered with render()")

    stream = generate


def _finalize(value: Any) -> Any:
    """What ``{{ … }}`` may output: text, numbers, dates, None and opaque values."""
    if isinstance(value, (Undefined, Placeable)):
        return value  # an undefined value raises its own error when printed
    bounds.text_length(value)
    return value


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """The sandbox every template is rendered in (see the module docstring)."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "**", "%"})
    code_generator_class = BoundedCodeGenerator
    template_class = BoundedTemplate

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_finalize, **options)
        self.globals.clear()
        self.globals["range"] = bounds.bounded_range
        for name in REMOVED_GLOBALS:  # a clear message rather than "undefined"
            self.globals[name] = self.undefined(
                f"Jinja 的“{name}”在文档模板中不可用。", name=name, exc=TemplateRefusal)
        self.filters = dict(_FILTERS)
        self.tests = dict(_TESTS)

    # -- reaching attributes and calling ------------------------------------------------------
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return attribute_allowed(obj, attr)

    def is_safe_callable(self, obj: Any) -> bool:
        if obj is bounds.bounded_range or obj is bounds.iterate:
            return True
        if isinstance(obj, (types.BuiltinMethodType, types.MethodType)):
            return attribute_allowed(obj.__self__, obj.__name__)
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        if not isinstance(obj, _INSPECTABLE):  # an opaque value, or anything else
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if not isinstance(obj, _INSPECTABLE):
            return self.unsafe_undefined(obj, str(argument))
        if isinstance(argument, slice):  # a slice is a new text or list: counted
            return bounds.charge(super().getitem(obj, argument))
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not allowed (is_safe_attribute), so never wrapped

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        return self.undefined(
            f"模板不能访问{bounds.describe(obj)}的“{attribute}”：只能使用说明文件列出的变量，"
            "以及文字、数字、列表的基本方法。", obj=obj, name=attribute, exc=TemplateRefusal)

    def call(__self, __context: Any, __obj: Any, *args: Any,  # noqa: N805 (Jinja's names)
             **kwargs: Any) -> Any:
        budget = bounds.current()
        budget.check_time()
        if isinstance(__obj, Undefined):
            return __obj(*args, **kwargs)  # raises its own error (an unknown or refused name)
        if not __self.is_safe_callable(__obj):
            raise TemplateRefusal(f"模板不能调用{bounds.describe(__obj)}：只能调用文字、"
                                  "列表等的基本方法和 range。")
        if isinstance(getattr(__obj, "__self__", None), str):
            args = _sized_text_call(__obj, args, kwargs)
        return bounds.charge(__context.call(__obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return bounds.binop(operator, left, right)

    # -- compiled code's helpers --------------------------------------------------------------
    iterate = staticmethod(bounds.iterate)
    compare = staticmethod(bounds.compare)
    built = staticmethod(bounds.charge)

    @staticmethod
    def join_pieces(pieces: tuple[Any, ...], autoescape: bool) -> str:
        """``a ~ b ~ …``: only text-like pieces; the result counted."""
        for piece in pieces:
            bounds.text_length(piece)
        return bounds.charge((markup_join if autoescape else str_join)(pieces))

    def concat(self, pieces: Any) -> str:
        """All output and every captured block (``{% set x %}…``), counted as it comes (in
        steps of at most :data:`_CONCAT_STEP` characters)."""
        budget = bounds.current()
        out = []
        pending = 0
        for piece in pieces:
            out.append(piece)
            pending += len(piece)
            if pending > _CONCAT_STEP:
                budget.spend_text(pending)
                pending = 0
        budget.spend_text(pending)
        return "".join(out)

    # whether compiled code may be kept across processes (:mod:`.template_code`): set only on
    # an environment configured as ``jinja_env.make_env`` makes it
    keeps_code = False

    def compile(self, source: Any, *args: Any, **kwargs: Any) -> Any:
        """Jinja's, or for a template's source alone (as ``from_string`` compiles it) where
        :attr:`keeps_code`, the code kept by an earlier process (:mod:`.template_code`)."""
        if self.keeps_code and type(source) is str and not args and not kwargs:
            from .template_code import compiled

            return compiled(source, bool(self.autoescape),
                            lambda text: super(DocumentSandbox, self).compile(text))
        return super().compile(source, *args, **kwargs)

    def from_string(self, source: Any, *args: Any, **kwargs: Any) -> Any:
        template = super().from_string(source, *args, **kwargs)
        # the source's length, for the output budget (an attribute Jinja's Template does not
        # declare, hence setattr)
        setattr(template, "source_chars", len(source) if isinstance(source, str) else 0)  # noqa: B010
        return template


def _sized_text_call(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
                     ) -> tuple[Any, ...]:
    """Check ``str.replace``/``str.join``/``split`` will fit in the budget before they run."""
    if method.__name__ == "replace" and len(args) >= 2:
        bounds.check_replace(method.__self__, *args[:3])
    elif method.__name__ == "join" and args:
        args = (bounds.join_items(method.__self__, args[0]), *args[1:])
    elif method.__name__ in ("split", "rsplit", "splitlines"):
        bounds.check_items_from(method.__self__)
    return args


# -- filters ----------------------------------------------------------------------------------
def bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a filter) that checks its input can be text (text filters), sizes ``replace``
    and ``join`` beforehand, and counts what it returns."""
    passes = getattr(func, "jinja_pass_arg", None) is not None
    check = _FILTER_CHECKS.get(name)

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        first = 1 if passes else 0
        if name in TEXT_FILTERS and len(args) > first:
            bounds.text_length(args[first])
        elif name in LIST_FILTERS and len(args) > first:
            bounds.check_items_from(args[first])
        if check is not None:
            args = check(args, first, kwargs)
        return bounds.charge(func(*args, **kwargs))

    return bounded


def _check_replace_filter(args: tuple[Any, ...], first: int, kwargs: dict[str, Any]
                          ) -> tuple[Any, ...]:
    values = list(args[first:]) + [kwargs.get(k) for k in ("old", "new", "count") if k in kwargs]
    if len(values) >= 3:
        bounds.check_replace(*values[:4])
    return args


def _check_join_filter(args: tuple[Any, ...], first: int, kwargs: dict[str, Any]
                       ) -> tuple[Any, ...]:
    if kwargs.get("attribute") is not None or len(args) > first + 2:
        raise TemplateRefusal("join 过滤器在文档模板中只接受分隔符参数。")
    separator = args[first + 1] if len(args) > first + 1 else kwargs.get("d", "")
    items = bounds.join_items(separator, args[first])
    return (*args[:first], items, *args[first + 1:])


def _check_sum_filter(args: tuple[Any, ...], first: int, kwargs: dict[str, Any]
                      ) -> tuple[Any, ...]:
    if kwargs.get("attribute") is not None or len(args) > first + 1:
        raise TemplateRefusal("sum 过滤器在文档模板中不接受参数，只能对数字求和。")
    items = list(args[first])
    if not all(isinstance(x, (int, float)) for x in items):
        raise TemplateRefusal("sum 过滤器只能对数字求和。")
    for x in items:
        bounds.binop("+", 0, x)  # each term within the number limit
    return (*args[:first], items)


_FILTER_CHECKS: dict[str, Callable[..., tuple[Any, ...]]] = {
    "replace": _check_replace_filter, "join": _check_join_filter, "sum": _check_sum_filter}


def _jinja_filters() -> dict[str, Callable[..., Any]]:
    """Jinja's filters that :data:`.policy.FILTERS` allows, each bounded (made once: the
    environment's compiled-template cache compares filters by identity)."""
    from jinja2.filters import FILTERS as JINJA

    return {name: bounded_filter(name, JINJA[name]) for name in sorted(FILTERS & set(JINJA))}


_FILTERS = _jinja_filters()


def _timed_test(func: Callable[..., Any]) -> Callable[..., Any]:
    """A Jinja test that checks the clock first (``x is eq(y)`` compares like ``==``; the
    structures it may compare are bounded when they are built)."""
    @functools.wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:
        bounds.current().check_time()
        return func(*args, **kwargs)

    return timed


def _jinja_tests() -> dict[str, Callable[..., Any]]:
    from jinja2.tests import TESTS

    return {name: _timed_test(cast(Callable[..., Any], f)) for name, f in TESTS.items()}


_TESTS = _jinja_tests()
