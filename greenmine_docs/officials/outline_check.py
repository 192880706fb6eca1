"""A checked document's chapters and sections against the writing outline: which chapter
each heading is (by title, alias, similar title, meaning, content or place), what is missing,
out of order or twice, and the heading map the HTML report shows (GM-E611/E612, GM-W613,
GM-I622–I625)."""
from __future__ import annotations


from ..findings import Finding, Location, make
from .numbering import norm_title
from .outline import Outline, OutlineEntry, match, similarity
from .plan_tree import Node, chapters_of, node_location
from .structure import FRONT_MATTER, Structure

HOW = {"title": "标题", "alias": "别称", "fuzzy": "相近标题", "front": "前言作总论"}
"""How a heading was matched, as the HTML report says it (含义/内容/位置 come from .meaning)."""


def split_front(chapters: list[Node]) -> tuple[list[Node], list[Node]]:
    """(front matter, chapters): unnumbered headings before the first numbered chapter — a
    preface (前言), a foreword (编制说明), a 目录 page — are front matter when the chapters
    themselves are numbered; so are those titles anywhere before the first chapter."""
    first_numbered = next((i for i, c in enumerate(chapters)
                           if c.block is not None and c.block.number_kind), None)
    front = []
    for i, c in enumerate(chapters):
        b = c.block
        if b is None or b.number_kind or (first_numbered is None or i >= first_numbered) and \
                norm_title(b.title) not in FRONT_MATTER:
            break
        if first_numbered is None and norm_title(b.title) not in FRONT_MATTER:
            break
        front.append(c)
    return front, chapters[len(front):]


def _body_text(node: Node, limit: int = 20000) -> str:
    """A chapter's subheadings and text, for content evidence (the first ``limit`` chars)."""
    parts, size = [], 0
    for n in [node, *node.descendants()]:
        for b in ([n.block] if n is not node and n.block else []) + n.content:
            parts.append(b.title if b.kind == "heading" else b.text)
            size += len(parts[-1])
            if size > limit:
                return "\n".join(parts)
    return "\n".join(parts)


def _match_by_meaning(chapters: list[Node], outline: Outline,
                      pairs: dict[int, tuple[int, float, str]]) -> None:
    """Pair leftover chapters with leftover outline chapters by meaning, content and place
    (best first); every pair found is reported as info, never a missing chapter."""
    from .meaning import evidence

    matched = {ei for ei, _s, _h in pairs.values()}
    free_e = [ei for ei in range(len(outline.chapters)) if ei not in matched]
    names = {ei: [n for e in (outline.chapters[ei], *outline.chapters[ei].children)
                  for n in e.names] for ei in free_e}
    candidates = []
    for di, node in enumerate(chapters):
        if di in pairs:
            continue
        prev_e = max((pairs[d][0] for d in pairs if d < di), default=-1)
        next_e = min((pairs[d][0] for d in pairs if d > di), default=len(outline.chapters))
        body = _body_text(node)
        for ei in free_e:
            others = [names[o] for o in free_e if o != ei]
            ev = evidence(node.title, body, names[ei], others, prev_e < ei < next_e)
            if ev.title > 0 or ev.content > 0.2:
                candidates.append((-ev.score, di, ei, ev))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    used_d: set[int] = set()
    for _neg, di, ei, ev in candidates:
        if di in used_d or ei in matched:
            continue
        used_d.add(di)
        matched.add(ei)
        pairs[di] = (ei, ev.score, ev.how())


def check_outline(root: Node, outline: Outline, file: str,
                   heading_map: dict[int, tuple[str, str]] | None = None) -> list[Finding]:
    out: list[Finding] = []
    front, chapters = split_front(chapters_of(root, outline))
    pairs = match([c.title for c in chapters], outline.chapters)
    _match_by_meaning(chapters, outline, pairs)
    matched_entries = {ei: di for di, (ei, _s, _h) in pairs.items()}
    # a preface that really is the 总论 (it holds its sections) stands in for it
    for node in front:
        for ei, entry in enumerate(outline.chapters):
            if ei not in matched_entries and node.children and \
                    similarity(node.title, entry)[0] >= 0.85:
                chapters.insert(0, node)
                pairs = {di + 1: v for di, v in pairs.items()}
                pairs[0] = (ei, 1.0, "front")
                matched_entries = {e: d for d, (e, _s, _h) in pairs.items()}
                break
    # chapters the document has but the outline does not / twice
    for di, node in enumerate(chapters):
        if di in pairs:
            ei, score, how = pairs[di]
            if how in ("fuzzy", "含义", "内容", "位置") or (how == "" and score < 1):
                basis = f"相似度 {score:.0%}" if how == "fuzzy" else \
                    f"依据：{how}，把握{'较大' if score >= 0.5 else '不大'}"
                out.append(make("GM-I623", f"「{node.shown}」按提纲中的「{outline.chapters[ei].title}」认定"
                                           f"（{basis}）。", location=node_location(file, node)))
            continue
        dup = [(similarity(node.title, outline.chapters[ei])[0], ei) for ei in matched_entries]
        dup = [d for d in dup if d[0] >= 0.85]
        if dup:
            ei = max(dup)[1]
            first = chapters[matched_entries[ei]]
            out.append(make("GM-W625", f"「{node.shown}」与「{first.shown}」都对应提纲中的"
                                       f"「{outline.chapters[ei].title}」。",
                            location=node_location(file, node)))
        else:
            out.append(make("GM-I624", f"「{node.shown}」不在编写提纲中。", location=node_location(file, node)))
    # missing chapters, named, with where they should go
    for ei, entry in enumerate(outline.chapters):
        if ei in matched_entries:
            continue
        before = next((chapters[matched_entries[j]] for j in range(ei - 1, -1, -1)
                       if j in matched_entries), None)
        where = f"，应位于「{before.shown}」之后" if before else "，应为第一章"
        if entry.required:
            out.append(make("GM-E611", f"缺少第 {ei + 1} 章「{entry.shown()}」{where}。",
                            location=node_location(file, before) if before else Location(file=file)))
        else:
            out.append(make("GM-I622", f"未见可选章「{entry.title}」{where}。",
                            location=node_location(file, before) if before else Location(file=file)))
    # order: chapters not on the longest increasing run of outline positions
    seq = [(di, pairs[di][0]) for di in sorted(pairs)]
    keep = _longest_increasing([ei for _, ei in seq])
    for pos, (di, ei) in enumerate(seq):
        if pos in keep:
            continue
        nxt = next((chapters[d] for d, e in seq if e > ei and pairs.get(d)), None)
        hint_txt = f"提纲中它是第 {ei + 1} 章" + (f"，应在「{nxt.shown}」之前" if nxt else "")
        out.append(make("GM-W613", f"「{chapters[di].shown}」的位置与提纲不一致：{hint_txt}。",
                        location=node_location(file, chapters[di])))
    # sections of every matched chapter
    for di, (ei, _s, _h) in pairs.items():
        out.extend(_check_sections(chapters[di], outline.chapters[ei], file, heading_map))
    if heading_map is not None:
        _map_chapters(heading_map, front, chapters, pairs, outline)
    return out


def _map_chapters(heading_map: dict[int, tuple[str, str]], front: list[Node],
                  chapters: list[Node], pairs: dict[int, tuple[int, float, str]],
                  outline: Outline) -> None:
    """What each front-matter heading and chapter was matched to, and how."""
    for node in front:
        heading_map[id(node.block)] = ("（正文前内容，不作为章）", "")
    for di, node in enumerate(chapters):
        if di in pairs:
            ei, _score, how = pairs[di]
            heading_map[id(node.block)] = (outline.chapters[ei].title, HOW.get(how, how))


def heading_rows(structure: Structure, heading_map: dict[int, tuple[str, str]]) -> list[dict]:
    """One row per heading, in document order: where it is, its level, how it was recognised,
    and what outline chapter or section it was matched to and how."""
    rows = []
    for b in structure.headings:
        matched, how = heading_map.get(id(b), ("", ""))
        where = f"第{b.page}页第{b.line}行" if b.page is not None else f"第{b.index}段"
        rows.append({"heading": b.display, "level": b.level, "where": where,
                     "recognised_by": RECOGNISED.get(b.source, b.source),
                     "matched": matched, "how": how})
    return rows


RECOGNISED = {"style": "标题样式", "manual": "手工编号", "auto": "自动编号",
              "style+manual": "标题样式+手工编号", "style+auto": "标题样式+自动编号",
              "known": "提纲标题（加粗）", "pdf": "字号/加粗", "pdf+manual": "编号"}


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (O(n²), n is small)."""
    n = len(values)
    if not n:
        return set()
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if values[j] < values[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(n), key=lambda k: best[k])
    out = set()
    while i != -1:
        out.add(i)
        i = prev[i]
    return out


def _check_sections(chapter: Node, entry: OutlineEntry, file: str,
                    heading_map: dict[int, tuple[str, str]] | None = None) -> list[Finding]:
    """Sections of one matched chapter. In an optional chapter (附表与附图) every section is
    optional, and one the chapter's text names (a plain list "附表1 …") is there."""
    if not entry.children:
        return []
    out: list[Finding] = []
    direct = chapter.children
    pairs = match([n.title for n in direct], entry.children)
    found = {ei for ei, _s, _h in pairs.values()}
    for di, (ei, score, how) in pairs.items():
        if how == "fuzzy":
            out.append(make("GM-I623", f"「{direct[di].shown}」按提纲中的「{entry.children[ei].title}」认定"
                                       f"（相似度 {score:.0%}）。", location=node_location(file, direct[di])))
        if heading_map is not None:
            heading_map[id(direct[di].block)] = (f"{entry.title} / {entry.children[ei].title}",
                                                 HOW.get(how, how))
    deeper = [n for c in direct for n in c.descendants()]
    text = norm_title(_body_text(chapter)) if not entry.required else ""
    indicator_missing: list[OutlineEntry] = []
    for ei, sec in enumerate(entry.children):
        if ei in found:
            continue
        # a section placed one level deeper still counts (authors nest differently)
        if any(similarity(n.title, sec)[0] >= 0.85 for n in deeper):
            continue
        if not entry.required and any(norm_title(n) in text for n in sec.names):
            continue
        if sec.from_indicators:
            indicator_missing.append(sec)
            continue
        required = sec.required and entry.required
        code = "GM-E612" if required else "GM-I622"
        kind = "节" if required else "可选节"
        out.append(make(code, f"「{chapter.shown}」中缺少{kind}「{sec.shown()}」。",
                        location=node_location(file, chapter)))
    if indicator_missing:
        names = "、".join(f"「{s.title}」" for s in indicator_missing)
        out.append(make("GM-W626", f"「{chapter.shown}」中缺少一级指标{names}对应的节"
                                   f"（按{indicator_missing[0].from_indicators}）。",
                        location=node_location(file, chapter)))
    return out

