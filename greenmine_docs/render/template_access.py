"""What ``greenmine templates lint`` says about the expressions of one tag, before anything runs.

The rules are the sandbox's (:mod:`greenmine_docs.render.policy`), applied to the parsed tag:

- names beginning with ``_`` (``__class__``) — GM-E705, "internal";
- attributes and methods other than the documented ones: the methods of text, lists and
  mappings in the policy, the fields of ``loop``; anything at all of the body variable —
  GM-E705;
- Jinja's global functions templates do not get (``cycler``, ``joiner``, ``namespace``,
  ``lipsum``, ``dict``) and calling ``loop`` or ``body`` — GM-E705;
- filters that are not offered (``attr``, ``map``, ``format`` …) or unknown, unknown tests —
  GM-E706;
- recursive loops — GM-E712.

Attributes are judged by name: a tag does not say what type a value has, and every documented
variable is text (or the body).
"""
from __future__ import annotations

from typing import Any, Iterator

from .policy import ATTRIBUTE_NAMES, LOOP_FIELDS, REMOVED_GLOBALS

BODY = "body"


def problems(tree: Any, tag_text: str, local: set[str], filters: Any, tests: Any
             ) -> Iterator[tuple[str, str]]:
    """(code, message) for every problem of the parsed tag ``tree`` (its text ``tag_text``;
    ``local``: names the template itself assigns)."""
    from jinja2 import nodes

    yield from _private(tree, tag_text, nodes)
    if uses_body(tree, local) and not is_bare_body(tree):
        yield "GM-E705", (f"标签“{tag_text}”把正文变量用在了表达式中：正文变量只能单独成段写成"
                          "“{{p body }}”，不能访问它的属性、不能当作文字使用。")
    for node in tree.find_all(nodes.Getattr):
        message = _attribute(node.node, node.attr, local, nodes)
        if message:
            yield "GM-E705", f"标签“{tag_text}”{message}"
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in REMOVED_GLOBALS and node.name not in local:
            yield "GM-E705", (f"标签“{tag_text}”使用了“{node.name}”：Jinja 的这个函数在文档"
                              "模板中不可用。")
    for node in tree.find_all(nodes.Call):
        if _is_name(node.node, "loop", set(), nodes):
            yield "GM-E705", f"标签“{tag_text}”调用了“loop”：它不能被调用。"
    yield from _filters_and_tests(tree, tag_text, filters, tests, nodes)
    for node in tree.find_all(nodes.For):
        if node.recursive:
            yield "GM-E712", f"标签“{tag_text}”是递归循环（for … recursive）：文档模板中不能使用。"


def uses_body(tree: Any, local: set[str]) -> bool:
    """Does the parsed tag read the body variable (not a local of that name)?"""
    from jinja2 import nodes

    return any(_is_name(n, BODY, local, nodes) and n.ctx == "load"
               for n in tree.find_all(nodes.Name))


def is_bare_body(tree: Any) -> bool:
    """Is the parsed tag exactly ``{{ body }}`` (the only way the body may be used)?"""
    from jinja2 import nodes

    return (len(tree.body) == 1 and isinstance(tree.body[0], nodes.Output)
            and len(tree.body[0].nodes) == 1 and isinstance(tree.body[0].nodes[0], nodes.Name)
            and tree.body[0].nodes[0].name == BODY)


def _private(tree: Any, tag_text: str, nodes: Any) -> Iterator[tuple[str, str]]:
    private = [name for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name))
               if (name := _accessed_name(node, nodes)).startswith("_")]
    if private:
        first = min(private, key=lambda n: (tag_text.find(n), n))
        yield "GM-E705", (f"标签“{tag_text}”试图访问内部属性“{first}”，这是不安全的操作；模板在"
                          "沙箱中渲染，只能引用提供的数据。")


def _attribute(obj: Any, attr: str, local: set[str], nodes: Any) -> str:
    """Why ``obj.attr`` is not allowed ("" when it is)."""
    if attr.startswith("_"):
        return ""  # reported as internal
    if _is_name(obj, BODY, local, nodes):
        return ""  # reported as a use of the body in an expression
    if isinstance(obj, nodes.Name) and obj.name == "loop":
        allowed = LOOP_FIELDS
    else:
        allowed = ATTRIBUTE_NAMES
    if attr in allowed:
        return ""
    return (f"使用了“.{attr}”：文档模板的变量是文字（或正文），只能使用说明文件列出的方法"
            "（如 upper、replace、split）和 loop 的字段。")


def _filters_and_tests(tree: Any, tag_text: str, filters: Any, tests: Any, nodes: Any
                       ) -> Iterator[tuple[str, str]]:
    from jinja2.filters import FILTERS as JINJA_FILTERS

    for node in tree.find_all(nodes.Filter):
        if node.name in filters:
            continue
        if node.name in JINJA_FILTERS:
            yield "GM-E706", f"标签“{tag_text}”使用了过滤器“{node.name}”，它在文档模板中不可用。"
        else:
            yield "GM-E706", f"标签“{tag_text}”使用了不存在的过滤器“{node.name}”。"
    for node in tree.find_all(nodes.Test):
        if node.name not in tests:
            yield "GM-E706", f"标签“{tag_text}”使用了不存在的测试“{node.name}”。"


def _is_name(node: Any, name: str, local: set[str], nodes: Any) -> bool:
    return isinstance(node, nodes.Name) and node.name == name and name not in local


def _accessed_name(node: Any, nodes: Any) -> str:
    """The attribute, item or variable name a Jinja node reads ("" for computed items)."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Name):
        return node.name
    arg = node.arg
    return arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else ""
