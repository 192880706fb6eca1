"""Matching a chapter to the outline by what it means and what it holds, when its title is
in none of the outline's wordings ("绿色矿山重点建设工程" for 建设任务, "建设时序安排" for
实施计划与进度安排, "存在问题及差距" for the gap analysis).

Three kinds of evidence, each 0..1:

- **meaning of the title**: the title's words are mapped to concepts through a small
  thesaurus of plan vocabulary (工程/项目/任务 are one concept, 时序/进度/计划/安排 another…),
  and compared with the concepts of the outline chapter's title, aliases and section titles;
- **content**: how often the chapter's own text (subheadings, paragraphs, tables) uses the
  outline chapter's concepts, compared with the other candidate chapters (a chapter full of
  task tables with investments is the tasks chapter);
- **position**: the chapter stands where the outline chapter would (between the matched
  neighbours).

The thesaurus is data about Chinese plan wording, not about one outline: a province's own
outline gets the same concepts for its titles.
"""
from __future__ import annotations

from dataclasses import dataclass

from .numbering import norm_title

CONCEPTS: dict[str, tuple[str, ...]] = {
    "general": ("总论", "总则", "概述", "前言", "编制依据", "编制目的", "依据"),
    "overview": ("基本情况", "概况", "企业简介", "矿山简介", "采矿权", "地质"),
    "gap": ("差距", "问题", "不足", "短板", "现状分析", "现状评价", "对标"),
    "goal": ("目标", "指标", "愿景"),
    "task": ("任务", "工程", "项目", "建设内容", "重点工作", "主要工作"),
    "schedule": ("进度", "时序", "计划", "安排", "步骤", "节点", "工期", "里程碑"),
    "money": ("投资", "资金", "经费", "费用", "估算", "概算", "筹措", "万元"),
    "benefit": ("效益", "效果", "收益"),
    "safeguard": ("保障", "保证", "组织领导", "领导小组", "监督", "考核"),
    "appendix": ("附表", "附图", "附件"),
}
GENERIC = ("绿色矿山", "建设", "矿山", "实施", "方案", "分析", "主要", "重点")


def concepts(text: str) -> dict[str, int]:
    """Concept -> number of mentions in ``text`` (normalised, generic words ignored)."""
    t = norm_title(text) if len(text) <= 80 else text
    out: dict[str, int] = {}
    for concept, words in CONCEPTS.items():
        n = sum(t.count(w) for w in words)
        if n:
            out[concept] = n
    return out


@dataclass
class Evidence:
    score: float
    title: float
    content: float
    position: float

    def how(self) -> str:
        """The strongest evidence, as shown to the official: 含义, 内容 or 位置."""
        best = max((self.title * 0.5, "含义"), (self.content * 0.3, "内容"),
                   (self.position * 0.2, "位置"))
        return best[1]


def entry_concepts(names: list[str]) -> set[str]:
    out: set[str] = set()
    for n in names:
        out.update(concepts(n))
    return out


def evidence(title: str, body: str, names: list[str], others: list[list[str]],
             in_slot: bool) -> Evidence:
    """How well a chapter titled ``title`` with text ``body`` fits an outline chapter whose
    title/alias/section names are ``names``; ``others`` are the names of the other unmatched
    outline chapters (content is judged against them); ``in_slot`` when the chapter stands
    where the outline chapter belongs."""
    mine = entry_concepts(names)
    t = concepts(title)
    title_score = (sum(1 for c in t if c in mine) / len(t)) if t else 0.0
    counts = concepts(body)
    total = sum(counts.values()) or 1
    share = sum(n for c, n in counts.items() if c in mine) / total
    rival = max((sum(n for c, n in counts.items() if c in entry_concepts(o)) / total
                 for o in others), default=0.0)
    content = share if share > rival else share / 2
    position = 1.0 if in_slot else 0.0
    score = 0.5 * title_score + 0.3 * content + 0.2 * position
    return Evidence(score, title_score, content, position)
