"""The headings of a submitted document as a tree (each node: its heading block, the blocks
under it, its sub-headings), its chapters, and where a finding about a node points."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Location
from .outline import Outline, similarity
from .structure import Block, Structure, locate


@dataclass
class Node:
    block: Block | None  # None for the document root
    children: list["Node"] = field(default_factory=list)
    content: list[Block] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.block.title if self.block else ""

    @property
    def shown(self) -> str:
        return self.block.display if self.block else "（文档开头）"

    def has_content(self) -> bool:
        return bool(self.content) or bool(self.block and self.block.inline_body)

    def descendants(self) -> list["Node"]:
        out = []
        for c in self.children:
            out.append(c)
            out.extend(c.descendants())
        return out


def build_tree(structure: Structure) -> Node:
    root = Node(None)
    stack = [root]
    for b in structure.blocks:
        if b.kind == "heading":
            while len(stack) > 1 and stack[-1].block.level >= b.level:  # type: ignore[union-attr]
                stack.pop()
            node = Node(b)
            stack[-1].children.append(node)
            stack.append(node)
        elif b.source != "skip":
            stack[-1].content.append(b)
    return root


def chapters_of(root: Node, outline: Outline) -> list[Node]:
    """Top-level headings; when the only top-level heading is the document's own title (it
    matches no chapter) and has children, its children are the chapters."""
    top = root.children
    if len(top) == 1 and top[0].children:
        best = max((similarity(top[0].title, e)[0] for e in outline.chapters), default=0)
        if best < 0.75:
            return top[0].children
    return top


def node_location(file: str, node: Node | None = None, block: Block | None = None) -> Location:
    b = block or (node.block if node else None)
    heading = node.shown if node is not None and node.block is not None else None
    return locate(file, heading, b)

