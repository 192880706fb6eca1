"""The writing outline (编写提纲) a plan is checked against, and title matching.

One source of truth: the outline is read by the plan work's loader
(:func:`greenmine_docs.documents.plan.outline.load_outline`, format in ``docs/outline.md``) — the built-in
``templates/implementation_plan/outline.yaml`` or a province's own file (``--outline FILE``) —
and only what the check needs is kept: each chapter's and section's title, accepted
alternative titles (``aliases``) and whether it is required. A section marked
``repeat: first_level_indicators`` stands for one section per first-level indicator of the
indicator set the mine uses; :func:`expand` turns it into those sections.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .numbering import norm_title

FUZZY_THRESHOLD = 0.6


@dataclass
class OutlineEntry:
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    key: str = ""
    children: list["OutlineEntry"] = field(default_factory=list)
    repeat: str | None = None  # "first_level_indicators": expanded per indicator set
    numbered: bool = True  # chapters only: False for 附表与附图 (written without a number)
    from_indicators: str = ""  # set title, for sections made by expand()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)

    def shown(self) -> str:
        return self.title + (f"（或：{'、'.join(self.aliases)}）" if self.aliases else "")


@dataclass
class Outline:
    chapters: list[OutlineEntry]
    source: str
    title: str = ""

    def known_titles(self) -> dict[str, str]:
        """Titles an unnumbered bold line may have and still be a heading (附表, 前言):
        normalised chapter titles and aliases -> "", and the section titles of unnumbered
        chapters -> their chapter's normalised names joined by ``|`` (附表 under 附表与附图)."""
        out: dict[str, str] = {}
        for ch in self.chapters:
            names = "|".join(norm_title(n) for n in ch.names)
            for n in ch.names:
                out.setdefault(norm_title(n), "")
            if not ch.numbered:  # 附表 is both an alias of 附表与附图 and its first section
                for sec in ch.children:
                    for n in sec.names:
                        out[norm_title(n)] = names
        return out


KIND_TITLES = {"plan": "实施方案", "self-eval": "自评报告", "zone-plan": "示范区建设方案"}
"""The documents ``greenmine check --kind`` checks, each against its own outline."""


def load_outline(path: str | Path | None = None, kind: str = "plan") -> Outline:
    """The built-in outline of a document ``kind`` (a key of :data:`KIND_TITLES`), or
    ``path``; errors are the outline loader's :class:`ConfigError`."""
    from ..render.outline import KINDS
    from ..render.outline import load_outline as outline_load

    plan_outline = outline_load(path, KINDS[kind])
    chapters = []
    for ch in plan_outline.chapters:
        sections = [OutlineEntry(title=s.title or "", aliases=tuple(s.aliases),
                                 required=s.required, key=s.key, repeat=s.repeat)
                    for s in ch.sections]
        chapters.append(OutlineEntry(title=ch.title, aliases=tuple(ch.aliases),
                                     required=ch.required, key=ch.key, children=sections,
                                     numbered=ch.numbered))
    return Outline(chapters, plan_outline.source or str(path or ""), plan_outline.title)


def expand(outline: Outline, indicator_set: Any | None) -> Outline:
    """Replace repeated sections by one section per first-level indicator of
    ``indicator_set`` (an :class:`~greenmine_docs.indicators.IndicatorSet`); without a set
    they are dropped (nothing to check them against)."""
    chapters = []
    for ch in outline.chapters:
        kids: list[OutlineEntry] = []
        for sec in ch.children:
            if sec.repeat is None:
                kids.append(sec)
            elif indicator_set is not None:
                kids.extend(OutlineEntry(title=cat.name, required=sec.required,
                                         key=f"{sec.key}:{cat.id}",
                                         from_indicators=indicator_set.display_title)
                            for cat in indicator_set.categories)
        chapters.append(replace(ch, children=kids))
    return replace(outline, chapters=chapters)


# ------------------------------------------------------------------ title similarity

def similarity(doc_title: str, entry: OutlineEntry) -> tuple[float, str]:
    """(score 0..1, how): 1.0 exact title or alias; 0.9 one contains the other; else the
    character sequence ratio of the closest name."""
    t = norm_title(doc_title)
    if not t:
        return 0.0, ""
    best, how = 0.0, ""
    for i, name in enumerate(entry.names):
        n = norm_title(name)
        if not n:
            continue
        if t == n:
            return 1.0, "title" if i == 0 else "alias"
        if len(n) >= 2 and len(t) >= 2 and (n in t or t in n):
            # "投资估算与资金筹措" vs "投资估算"; long document titles that contain the name
            short, long_ = sorted((n, t), key=len)
            score = 0.9 if len(short) / len(long_) >= 0.4 else 0.75
        else:
            score = difflib.SequenceMatcher(None, t, n, autojunk=False).ratio()
        if score > best:
            best, how = score, "fuzzy"
    return best, how


def match(doc_titles: list[str], entries: list[OutlineEntry],
          threshold: float = FUZZY_THRESHOLD) -> dict[int, tuple[int, float, str]]:
    """Pair document headings with outline entries: doc index -> (entry index, score, how).
    Best pairs first (greedy on score, ties by position), each side used once."""
    pairs = []
    for di, t in enumerate(doc_titles):
        for ei, e in enumerate(entries):
            score, how = similarity(t, e)
            if score >= threshold:
                pairs.append((-score, abs(di - ei), di, ei, how))
    pairs.sort()
    used_d: set[int] = set()
    used_e: set[int] = set()
    out: dict[int, tuple[int, float, str]] = {}
    for neg, _dist, di, ei, how in pairs:
        if di in used_d or ei in used_e:
            continue
        used_d.add(di)
        used_e.add(ei)
        out[di] = (ei, -neg, how)
    return out
