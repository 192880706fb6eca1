"""YAML input with line and column for every value: :func:`parse` is the one YAML parser.

Two ways behind it give the same plain Python values and position tables (field path -> line
and column): the fast path (:mod:`.yaml_fast`, libyaml) for the YAML people and we write, and
:func:`parse_ruamel` (ruamel.yaml's round-trip loader) for everything else — anchors, tags,
duplicate keys, syntax errors — with the messages users see. ``tests/test_perf_yaml_fast.py``
holds them equal. Duplicate keys, syntax errors, aliases that expand without bound and very
deep nesting are refused with the line and column.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError
from ..findings import Location, make
from ..limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES
from ..rawinput import FieldPath, RawInput
from .text import decode_text, read_bytes
from .yaml_scalars import plain_scalar, round_trip_yaml


# (data, value positions, key positions); positions are Locations or LinePositions (.raw)
Parsed = tuple[dict[str, Any], Mapping[FieldPath, Any], Mapping[FieldPath, Any]]


def parse(text: str, source: Path, *, kept: bool = True) -> Parsed:
    """``(data, positions, key_positions)`` of a YAML text whose root is a mapping, or
    :class:`InputError` with the line and column: the fast path when it applies, else
    :func:`parse_ruamel`. ``kept``: the fast path's parse is kept in the user's cache folder
    (and read from it: :mod:`.yaml_kept`)."""
    from .yaml_kept import fast_parse

    fast = fast_parse(text, source, kept=kept)  # libyaml; None: the text is left to ruamel
    return fast if fast is not None else parse_ruamel(text, source)


def parse_ruamel(text: str, source: Path) -> Parsed:
    """What :func:`parse` gives, by ruamel.yaml alone (the reference for the fast path)."""
    from ..safety.yamlguard import check_expanded_size, check_flow_depth

    check_flow_depth(text, source)  # before ruamel: its scanner is slow on deep nesting
    root = _nodes(text, source)
    if root is None:
        raise InputError(f"输入文件 {source} 中没有数据（只有注释或空行）。",
                         hint="可用 greenmine init 生成示例项目作为起点。")
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(root, CommentedMap):
        raise InputError(
            f"输入文件 {source} 的顶层应是“字段: 值”的映射，实际是"
            f"{'列表' if isinstance(root, list) else '单个值'}。",
            hint="顶层应包含 campaign、enterprise、mine 等字段，可参考 greenmine init 生成的示例。")
    check_expanded_size(root, source)  # an alias bomb is refused before it is expanded
    plainer = _Plainer(source)
    try:
        data = plainer.convert(root, ())
    except RecursionError as e:
        raise InputError("YAML 嵌套层级过深，无法读取。", hint="请检查文件结构。",
                         location=str(source)) from e
    return data, plainer.positions, plainer.key_positions


def _nodes(text: str, source: Path) -> Any:
    """Parse YAML text (round-trip nodes) or raise :class:`InputError` with line/column."""
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = round_trip_yaml()
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except DuplicateKeyError as e:
        mark = e.problem_mark
        key = re.search(r'duplicate key "(.*?)"', e.problem or "")
        raise InputError(
            f"第 {mark.line + 1} 行第 {mark.column + 1} 列：字段“{key.group(1) if key else '?'}”"
            "重复。"
            "YAML 中同一层级的字段只能出现一次，否则前面的值会被悄悄覆盖。",
            hint="删除或合并重复的字段。", location=f"{source}:{mark.line + 1}:{mark.column + 1}",
        ) from e
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else str(source)
        detail = " ".join(x for x in (e.context, e.problem) if x)
        raise InputError(
            f"YAML 语法错误{f'（第 {mark.line + 1} 行第 {mark.column + 1} 列）' if mark else ''}："
            f"{_clean(detail)}",
            hint="检查该行及上一行的缩进（只能用空格，不能用 Tab）、冒号后的空格、引号和括号是否成对。",
            location=where) from e
    except (YAMLError, ValueError) as e:
        raise InputError(f"YAML 无法解析：{e}", hint="请检查文件格式。",
                         location=str(source)) from e
    except RecursionError as e:
        raise InputError("YAML 嵌套层级过深，无法读取。", hint="请检查文件是否损坏。",
                         location=str(source)) from e


def _clean(text: str | None) -> str:
    return (text or "").replace("\n", " ").strip()


class _Plainer:
    """Turns ruamel nodes into plain values, recording positions and guarding size and depth."""

    def __init__(self, source: Path) -> None:
        self.source = str(source)
        self.positions: dict[FieldPath, Location] = {}
        self.key_positions: dict[FieldPath, Location] = {}
        self.nodes = 0

    def at(self, line: int, col: int) -> Location:
        return Location(file=self.source, line=line + 1, column=col + 1)

    def convert(self, node: Any, path: FieldPath, depth: int = 0) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise InputError(
                f"YAML 展开后的数据超过 {MAX_YAML_NODES} 个值（可能是锚点/别名的恶意嵌套）。",
                hint="请检查文件中的 & 锚点和 * 别名。", location=self.source)
        if depth > MAX_YAML_DEPTH:
            raise InputError(f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层。", hint="请检查文件结构。",
                             location=f"{self.source} [{path[:5]}…]")
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for key in node:
                line, col = node.lc.value(key) if node.lc.data and key in node.lc.data else (
                    node.lc.line, node.lc.col)
                kline, kcol = node.lc.key(key) if node.lc.data and key in node.lc.data else (
                    line, col)
                plain_key = plain_scalar(key)
                if not isinstance(plain_key, str):
                    plain_key = str(plain_key)
                child = (*path, plain_key)
                # value position for scalars, key position for containers (more readable)
                value = node[key]
                is_container = isinstance(value, (CommentedMap, CommentedSeq))
                self.positions[child] = self.at(kline if is_container else line,
                                                kcol if is_container else col)
                self.key_positions[child] = self.at(kline, kcol)
                out[plain_key] = self.convert(value, child, depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for i, value in enumerate(node):
                try:
                    line, col = node.lc.item(i)
                except (KeyError, TypeError, AttributeError):
                    line, col = node.lc.line, node.lc.col
                child = (*path, i)
                self.positions[child] = self.at(line, col)
                items.append(self.convert(value, child, depth + 1))
            return items
        if isinstance(node, (dict, list)):  # plain containers (should not happen in rt mode)
            return node
        return plain_scalar(node)


def read_yaml(path: Path, *, kept: bool = True) -> RawInput:
    """Read a YAML input file into :class:`RawInput` (or raise :class:`InputError`);
    ``kept``: as :func:`parse` takes it."""
    path = Path(path)
    decoded = decode_text(read_bytes(path, limit=MAX_YAML_BYTES,
                                     limit_env="GREENMINE_MAX_YAML_MB"), path)
    findings = []
    if decoded.encoding == "gb18030":
        findings.append(make("GM-I101", "文件不是 UTF-8 编码，已按 GBK/GB18030 读取。",
                             location=Location(file=str(path))))
    data, positions, key_positions = parse(decoded.text, path, kept=kept)
    return RawInput(source=path, kind="yaml", data=data, positions=positions,
                    findings=findings, key_positions=key_positions)
