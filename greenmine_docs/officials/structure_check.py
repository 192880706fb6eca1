"""A checked document's form: empty sections, numbers that skip or repeat, levels that jump,
placeholders and highlighted text, comments and tracked changes, placeholder headers and
footers (GM-W614–W618, GM-E617, GM-W631)."""
from __future__ import annotations

import re
from collections import Counter

from ..findings import Finding, Location, make
from .numbering import KIND_LABEL, label_of
from .placeholders import placeholders_in
from .plan_tree import Node, node_location
from .structure import Block, Structure, locate


def check_empty(root: Node, file: str) -> list[Finding]:
    out = []
    for node in root.descendants():
        if not node.children and not node.has_content():
            out.append(make("GM-W614", f"「{node.shown}」下没有正文。", location=node_location(file, node)))
    return out


def _expected_prefix(parent: Node) -> tuple[int, ...] | None:
    b = parent.block
    if b is None or not b.numbers:
        return None
    return b.numbers if b.number_kind and b.number_kind.startswith("decimal") else b.numbers[-1:]


def check_numbering(root: Node, file: str) -> list[Finding]:
    """Among the siblings of one parent, typed numbers of one kind run 1, 2, 3… (automatic
    numbers are counted by Word and cannot skip)."""
    out = []
    for parent in [root, *root.descendants()]:
        by_kind: dict[str, list[Node]] = {}
        for c in parent.children:
            b = c.block
            if b is not None and b.number_kind and "manual" in b.source:
                by_kind.setdefault(b.number_kind, []).append(c)
        for kind, nodes in by_kind.items():
            prev = 0
            prefix = _expected_prefix(parent) if kind.startswith("decimal") else None
            for node in nodes:
                b = node.block
                assert b is not None
                n = b.numbers[-1]
                depth = len(b.numbers) - 1
                if prefix is not None and depth and b.numbers[:-1] != prefix[-depth:]:
                    out.append(make("GM-W615", f"「{b.display}」的编号与所属上级「{parent.shown}」不符。",
                                    location=node_location(file, node)))
                if n == prev:
                    out.append(make("GM-W615", f"编号重复：「{b.display}」与上一个同级标题编号相同。",
                                    location=node_location(file, node)))
                elif n != prev + 1:
                    missing_lbl = "、".join(label_of(kind, b.numbers[:-1] + (k,))
                                           for k in range(prev + 1, min(n, prev + 4)))
                    what = f"缺少「{missing_lbl}」" if n > prev else "编号倒退"
                    after = f"「{nodes[nodes.index(node) - 1].shown}」之后" if prev else "同级第一个标题"
                    out.append(make("GM-W615", f"编号跳号：{after}是「{b.display}」，{what}。",
                                    location=node_location(file, node)))
                prev = n
    return out


def check_levels(structure: Structure, file: str) -> list[Finding]:
    """A heading more than one level below the heading before it skips a level."""
    out = []
    kinds_at: dict[int, Counter[str]] = {}
    for h in structure.headings:
        if h.number_kind in KIND_LABEL:
            kinds_at.setdefault(h.level, Counter())[h.number_kind] += 1
    prev: Block | None = None
    for h in structure.headings:
        limit = (prev.level if prev else 0) + 1
        if h.level > limit:
            after = f"直接跟在「{prev.display}」之后" if prev else "是文档的第一个标题"
            missing = [f"“{KIND_LABEL[kinds_at[lv].most_common(1)[0][0]]}”" if lv in kinds_at
                       else f"第 {lv} 级" for lv in range(limit, h.level)]
            out.append(make("GM-W616", f"「{h.display}」{after}，跳过了{'、'.join(missing)}标题。",
                            location=locate(file, h.display, h)))
        prev = h
    return out


# ------------------------------------------------------------------ placeholders

def headings_for(structure: Structure) -> list[tuple[Block, str]]:
    """Every block with the display text of the heading it is under."""
    out, current = [], ""
    for b in structure.blocks:
        if b.kind == "heading":
            current = b.display
        out.append((b, current))
    return out


def check_placeholders(structure: Structure, file: str) -> list[Finding]:
    out = []
    for b, heading in headings_for(structure):
        texts = placeholders_in(b.text)
        where = locate(file, b.display if b.kind == "heading" else heading, b)
        if texts:
            shown = "、".join(dict.fromkeys(texts))
            what = "表格" if b.kind == "table" else ("标题" if b.kind == "heading" else "段落")
            out.append(make("GM-E617", f"{what}中有占位文字“{shown}”：{_excerpt(b.text, texts[0])}",
                            location=where))
        if b.highlighted:
            shown = "、".join(dict.fromkeys(t.strip() for t in b.highlighted))
            out.append(make("GM-W618", f"高亮文字：“{_cut(shown, 40)}”", location=where))
    return out + check_header_footer(structure, file)


def check_revisions(structure: Structure, file: str) -> list[Finding]:
    """Tracked changes (one warning per paragraph or table that has some) and comments (one
    per comment), each where it is; deleted text is not read as content anywhere."""
    out = []
    for b, heading in headings_for(structure):
        where = locate(file, b.display if b.kind == "heading" else heading, b)
        if b.revisions:
            shown = "；".join(b.revisions[:3]) + ("……" if len(b.revisions) > 3 else "")
            out.append(make("GM-W630", f"有未处理的修订（{len(b.revisions)} 处）：{shown}",
                            location=where))
        for cid in b.comments:
            text = structure.comment_texts.get(cid, "")
            out.append(make("GM-W631", f"批注：“{_cut(text, 60)}”", location=where))
    return out


def check_header_footer(structure: Structure, file: str) -> list[Finding]:
    out = []
    for text in structure.header_footer_text:
        texts = placeholders_in(text)
        if texts:
            out.append(make("GM-E617", f"页眉或页脚中有占位文字“{'、'.join(dict.fromkeys(texts))}”。",
                            location=Location(file=file, part="页眉/页脚")))
    return out


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _excerpt(text: str, hit: str, width: int = 18) -> str:
    flat = re.sub(r"\s+", " ", text)
    i = flat.find(hit)
    start, end = max(0, i - width), min(len(flat), i + len(hit) + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")

