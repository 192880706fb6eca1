"""``greenmine check``: a submitted plan (any Word file) against the writing outline.

Findings (codes in :mod:`greenmine_docs.codes.officials`): missing chapters/sections
(GM-E611/E612, optional ones GM-I622), chapters out of order (GM-W613), empty sections
(GM-W614), numbers that skip or repeat (GM-W615), levels that jump (GM-W616), placeholders
(GM-E617), highlighted text (GM-W618), no recognisable headings (GM-E619), key facts that
disagree with the input (GM-W620/I621), titles matched only by similarity (GM-I623), chapters
outside the outline (GM-I624), chapters twice (GM-W625). Every finding names the heading (and
the paragraph number, counting non-empty paragraphs) it is about.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Location, Report, make
from .numbering import KIND_LABEL, label_of, norm_title
from .structure import FRONT_MATTER, Block, Structure, locate
from .outline import Outline, OutlineEntry, expand, load_outline, match, similarity
from .placeholders import placeholders_in

DEFAULT_INDICATOR_SET = "national-2020-reference"
log = logging.getLogger(__name__)


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


def _loc(file: str, node: Node | None = None, block: Block | None = None) -> Location:
    b = block or (node.block if node else None)
    heading = node.shown if node is not None and node.block is not None else None
    return locate(file, heading, b)


# ------------------------------------------------------------------ outline

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


def _check_outline(root: Node, outline: Outline, file: str,
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
                                           f"（{basis}）。", location=_loc(file, node)))
            continue
        dup = [(similarity(node.title, outline.chapters[ei])[0], ei) for ei in matched_entries]
        dup = [d for d in dup if d[0] >= 0.85]
        if dup:
            ei = max(dup)[1]
            first = chapters[matched_entries[ei]]
            out.append(make("GM-W625", f"「{node.shown}」与「{first.shown}」都对应提纲中的"
                                       f"「{outline.chapters[ei].title}」。",
                            location=_loc(file, node)))
        else:
            out.append(make("GM-I624", f"「{node.shown}」不在编写提纲中。", location=_loc(file, node)))
    # missing chapters, named, with where they should go
    for ei, entry in enumerate(outline.chapters):
        if ei in matched_entries:
            continue
        before = next((chapters[matched_entries[j]] for j in range(ei - 1, -1, -1)
                       if j in matched_entries), None)
        where = f"，应位于「{before.shown}」之后" if before else "，应为第一章"
        if entry.required:
            out.append(make("GM-E611", f"缺少第 {ei + 1} 章「{entry.shown()}」{where}。",
                            location=_loc(file, before) if before else Location(file=file)))
        else:
            out.append(make("GM-I622", f"未见可选章「{entry.title}」{where}。",
                            location=_loc(file, before) if before else Location(file=file)))
    # order: chapters not on the longest increasing run of outline positions
    seq = [(di, pairs[di][0]) for di in sorted(pairs)]
    keep = _longest_increasing([ei for _, ei in seq])
    for pos, (di, ei) in enumerate(seq):
        if pos in keep:
            continue
        nxt = next((chapters[d] for d, e in seq if e > ei and pairs.get(d)), None)
        hint_txt = f"提纲中它是第 {ei + 1} 章" + (f"，应在「{nxt.shown}」之前" if nxt else "")
        out.append(make("GM-W613", f"「{chapters[di].shown}」的位置与提纲不一致：{hint_txt}。",
                        location=_loc(file, chapters[di])))
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
                                       f"（相似度 {score:.0%}）。", location=_loc(file, direct[di])))
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
                        location=_loc(file, chapter)))
    if indicator_missing:
        names = "、".join(f"「{s.title}」" for s in indicator_missing)
        out.append(make("GM-W626", f"「{chapter.shown}」中缺少一级指标{names}对应的节"
                                   f"（按{indicator_missing[0].from_indicators}）。",
                        location=_loc(file, chapter)))
    return out


# ------------------------------------------------------------------ structure

def _check_empty(root: Node, file: str) -> list[Finding]:
    out = []
    for node in root.descendants():
        if not node.children and not node.has_content():
            out.append(make("GM-W614", f"「{node.shown}」下没有正文。", location=_loc(file, node)))
    return out


def _expected_prefix(parent: Node) -> tuple[int, ...] | None:
    b = parent.block
    if b is None or not b.numbers:
        return None
    return b.numbers if b.number_kind and b.number_kind.startswith("decimal") else b.numbers[-1:]


def _check_numbering(root: Node, file: str) -> list[Finding]:
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
                                    location=_loc(file, node)))
                if n == prev:
                    out.append(make("GM-W615", f"编号重复：「{b.display}」与上一个同级标题编号相同。",
                                    location=_loc(file, node)))
                elif n != prev + 1:
                    missing_lbl = "、".join(label_of(kind, b.numbers[:-1] + (k,))
                                           for k in range(prev + 1, min(n, prev + 4)))
                    what = f"缺少「{missing_lbl}」" if n > prev else "编号倒退"
                    after = f"「{nodes[nodes.index(node) - 1].shown}」之后" if prev else "同级第一个标题"
                    out.append(make("GM-W615", f"编号跳号：{after}是「{b.display}」，{what}。",
                                    location=_loc(file, node)))
                prev = n
    return out


def _check_levels(structure: Structure, file: str) -> list[Finding]:
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

def _headings_for(structure: Structure) -> list[tuple[Block, str]]:
    """Every block with the display text of the heading it is under."""
    out, current = [], ""
    for b in structure.blocks:
        if b.kind == "heading":
            current = b.display
        out.append((b, current))
    return out


def _check_placeholders(structure: Structure, file: str) -> list[Finding]:
    out = []
    for b, heading in _headings_for(structure):
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
    return out + _check_header_footer(structure, file)


def _check_revisions(structure: Structure, file: str) -> list[Finding]:
    """Tracked changes (one warning per paragraph or table that has some) and comments (one
    per comment), each where it is; deleted text is not read as content anywhere."""
    out = []
    for b, heading in _headings_for(structure):
        where = locate(file, b.display if b.kind == "heading" else heading, b)
        if b.revisions:
            shown = "；".join(b.revisions[:3]) + ("……" if len(b.revisions) > 3 else "")
            out.append(make("GM-W630", f"有未处理的修订（{len(b.revisions)} 处）：{shown}",
                            location=where))
        for cid in b.comments:
            text = structure.comment_texts.get(cid, "")
            out.append(make("GM-W631", f"批注：“{_cut(text, 60)}”", location=where))
    return out


def _check_header_footer(structure: Structure, file: str) -> list[Finding]:
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


# ------------------------------------------------------------------ entry point

def check_document(path: str | Path, *, outline: Outline | None = None,
                   outline_path: str | Path | None = None,
                   input_path: str | Path | None = None, kind: str = "plan") -> Report:
    """Check one document (a plan, or another ``kind`` with an outline: ``self-eval``,
    ``zone-plan``); raises :class:`InputError` only when it (or the input, the outline) cannot
    be used at all."""
    return _check_one(Path(path), _prepare(outline or load_outline(outline_path, kind),
                                           input_path))


@dataclass
class _Basis:
    """What every document of one run is checked against: the outline expanded for the
    indicator set, and the mine's input when given (loaded once for all documents)."""

    outline: Outline
    submission: object | None


def _prepare(outline: Outline, input_path: str | Path | None) -> _Basis:
    submission = _submission(input_path) if input_path is not None else None
    return _Basis(expand(outline, _indicator_set(submission, input_path)), submission)


def _check_one(path: Path, basis: _Basis) -> Report:
    outline, submission = basis.outline, basis.submission
    report = Report(source=str(path))
    from .documents import read_document

    structure = read_document(path, known_titles=outline.known_titles())
    file = str(path)
    report.meta["outline"] = outline.source
    report.meta["headings"] = len(structure.headings)
    report.meta["origin"] = structure.origin
    if structure.origin == "ocr":
        report.add(make("GM-I632", "该 PDF 没有文字层（扫描件），文字由 OCR 识别：个别字可能识别有误，"
                                   "位置按页和行给出。", location=Location(file=file)))
    heading_map: dict[int, tuple[str, str]] = {}
    root = build_tree(structure)
    if not split_front(chapters_of(root, outline))[1]:
        report.add(make("GM-E619", "文档中没有可识别的章节标题（未使用标题样式，也没有“第一章”“一、”"
                                   "等编号的标题行）。", location=Location(file=file)))
    else:
        report.extend(_check_outline(root, outline, file, heading_map))
        report.extend(_check_levels(structure, file))
        report.extend(_check_numbering(root, file))
        report.extend(_check_empty(root, file))
    report.meta["heading_map"] = heading_rows(structure, heading_map)
    report.extend(_check_placeholders(structure, file))
    report.extend(_check_revisions(structure, file))
    if submission is not None:
        from .facts import compare_facts

        blocks = [(b, h) for b, h in _headings_for(structure)
                  if b.kind in ("para", "table", "heading")]
        report.extend(compare_facts(blocks, submission, file, structure.header_footer_text))
    report.findings.sort(key=lambda f: (f.location.paragraph or 0, f.location.page or 0,
                                        f.location.line or 0))
    return report


def _submission(input_path: str | Path):
    from ..errors import InputError
    from ..load import load_model, read_input

    model, report = load_model(read_input(Path(input_path)))
    if model is None:
        first = next(iter(report.errors), None)
        raise InputError(f"申报数据 {Path(input_path).name} 有错误，无法用于核对关键信息"
                         + (f"：{first.location} {first.message}" if first else "。"),
                         hint=f"先运行 greenmine validate {input_path} 修正后再核对。")
    return model


def _indicator_set(submission, input_path: str | Path | None):
    """The mine's own indicator set (``campaign.indicator_set``), else the reference set."""
    from ..indicators import load_builtin, resolve

    if submission is not None and input_path is not None:
        return resolve(submission.campaign.indicator_set, Path(input_path).resolve().parent)
    return load_builtin(DEFAULT_INDICATOR_SET)


def check_documents(paths: list[Path], *, outline_path: str | Path | None = None,
                    input_path: str | Path | None = None, kind: str = "plan") -> list[Report]:
    """Several documents of one ``kind`` against one outline and input (each loaded once).
    One document alone that cannot be read raises :class:`InputError` (exit 2); among
    several, it gets a report of its own with GM-E627 and the others are still checked."""
    basis = _prepare(load_outline(outline_path, kind), input_path)
    if len(paths) == 1:
        return [_check_one(Path(paths[0]), basis)]
    return [_check_or_report(Path(p), basis) for p in paths]


def _check_or_report(path: Path, basis: _Basis) -> Report:
    from ..errors import GreenmineError

    try:
        return _check_one(path, basis)
    except GreenmineError as e:
        message, hint = e.message, e.hint or None
    except Exception as e:  # noqa: BLE001 - one odd file must not stop the other submissions
        log.exception("checking %s failed", path)
        message = f"检查时出现内部错误（{type(e).__name__}: {e}）"
        hint = "其他文件已照常检查；请将该文件反馈给维护者。"
    report = Report(source=str(path))
    report.add(make("GM-E627", f"无法检查该文件：{message}", location=Location(file=str(path)),
                    hint=hint))
    return report


def heading_map_html(report: Report) -> str:
    """The headings of one checked plan as a table for the HTML report: level, how each was
    recognised (style, numbering, automatic numbering, outline title, type size) and which
    outline chapter or section it was matched to and how (title, alias, similar title,
    meaning, content, place), so an official can see why a chapter counts or is missing."""
    from html import escape

    rows = report.meta.get("heading_map") or []
    if not rows:
        return ""
    origin = {"pdf": "（PDF 文字层）", "ocr": "（PDF 扫描件，OCR 识别）"}.get(
        report.meta.get("origin", ""), "")
    body = "".join(
        f"<tr><td>{escape(r['heading'])}</td><td>{escape(r['where'])}</td>"
        f"<td class=\"n\">{r['level']}</td>"
        f"<td>{escape(r['recognised_by'])}</td><td>{escape(r['matched'] or '—')}</td>"
        f"<td>{escape(r['how'])}</td></tr>" for r in rows)
    return (f'<details class="hm"><summary>标题识别与提纲对应{origin}（{len(rows)} 个）</summary>'
            '<table class="files"><thead><tr><th>标题</th><th>位置</th><th>级</th><th>识别依据</th>'
            f"<th>对应提纲</th><th>对应方式</th></tr></thead><tbody>{body}</tbody></table>"
            "</details>")
