"""Cheap guards that run before the expensive work on a YAML file.

- :func:`check_flow_depth` scans the text for deeply nested flow collections (``[[[[…``):
  ruamel's scanner slows down quadratically with the nesting (a 10 KB file of 5,000 brackets
  took six seconds before failing), so such a file is refused before it is parsed;
- :func:`check_expanded_size` counts the values a parsed document would have once its aliases
  are expanded, visiting each distinct node once: an alias bomb (a few hundred bytes expanding
  to a billion values) is refused in milliseconds instead of being expanded until the limit.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..limits import MAX_YAML_DEPTH, MAX_YAML_NODES


_SPECIAL = re.compile(r"[\[\]{}'\"#\n\\]")


def check_flow_depth(text: str, source: Path, limit: int | None = None) -> None:
    """Refuse text whose ``[`` / ``{`` nesting (outside quotes and comments) exceeds ``limit``.
    Only the characters that matter are visited, so a large file is scanned quickly."""
    limit = MAX_YAML_DEPTH if limit is None else limit
    if text.count("[") + text.count("{") <= limit:
        return
    depth, quote, line, skip_to = 0, "", 1, 0
    for m in _SPECIAL.finditer(text):
        i = m.start()
        ch = m.group(0)
        if ch == "\n":
            line += 1
        if i < skip_to:
            continue
        prev = text[i - 1] if i else "\n"
        if quote:  # quoted scalars may span lines
            if ch == "\\" and quote == '"':
                skip_to = i + 2
            elif ch == quote:
                if quote == "'" and text.startswith("''", i):
                    skip_to = i + 2
                else:
                    quote = ""
        elif ch == "#" and prev in " \t\n":
            j = text.find("\n", i)
            skip_to = len(text) if j < 0 else j
        elif ch in "'\"" and prev in " \t\n:-,[{":
            quote = ch
        elif ch in "[{" and (depth or prev in " \t\n:-,[{?"):  # a flow collection starts
            depth += 1
            if depth > limit:
                raise InputError(f"YAML 嵌套超过 {limit} 层（第 {line} 行）。",
                                 hint="请检查文件是否损坏；正常的输入文件不会有这么深的括号嵌套。",
                                 location=f"{source}:{line}")
        elif ch in "]}" and depth:
            depth -= 1


def check_expanded_size(root: Any, source: Path, limit: int | None = None) -> None:
    """Refuse a parsed document that holds more than ``limit`` values once aliases are expanded
    (each distinct mapping or list is measured once, then reused)."""
    limit = MAX_YAML_NODES if limit is None else limit
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        if isinstance(node, dict):
            children = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            children = node
        else:
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:  # a recursive alias: infinite when expanded
            raise InputError("YAML 中的锚点引用了自身（展开后无穷大）。",
                             hint="请检查文件中的 & 锚点和 * 别名。", location=str(source))
        active.add(key)
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                raise InputError(
                    f"YAML 展开后的数据超过 {limit} 个值（可能是锚点/别名的恶意嵌套）。",
                    hint="请检查文件中的 & 锚点和 * 别名。", location=str(source))
        active.discard(key)
        sizes[key] = total
        return total

    try:
        size(root)
    except RecursionError as e:
        raise InputError("YAML 嵌套层级过深，无法读取。", hint="请检查文件结构。",
                         location=str(source)) from e
