"""``greenmine diff``: what changed between two versions of a plan, chapter by chapter.

Both files are read by :mod:`.docx_structure`, the same reader ``check`` uses (streamed, so a
large upload costs little memory; pandoc was used before and took gigabytes on a 100 MB
``document.xml``). The chapters are the top-level headings it recognises (heading styles,
typed numbers or Word automatic numbering); chapters are paired by title (exactly, then by
similarity for renamed ones), and each pair is compared line by line: paragraphs as text,
tables row by row as ``a | b | c`` (cell texts only, so a wider column changes nothing),
tracked insertions as accepted, deletions as gone.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path

from .documents import check_file, read_document
from .numbering import norm_title, parse_number
from .structure import Block, Structure

FRONT = "（正文前）"


@dataclass
class TableChange:
    caption: str
    status: str  # "added" | "removed" | "changed"
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)


@dataclass
class ChapterDiff:
    title: str  # the new title (old one for removed chapters)
    status: str  # "added" | "removed" | "changed" | "unchanged"
    old_title: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" "|"-"|"+"|"@", text)
    added: int = 0
    removed: int = 0
    tables: list[TableChange] = field(default_factory=list)

    @property
    def renamed(self) -> bool:
        return bool(self.old_title) and norm_title(self.old_title) != norm_title(self.title)


@dataclass
class DiffResult:
    old: str
    new: str
    chapters: list[ChapterDiff]

    @property
    def changed(self) -> bool:
        return any(c.status != "unchanged" for c in self.chapters)

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
        for c in self.chapters:
            out[c.status] += 1
        return out

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "changed": self.changed, "counts": self.counts(),
                "chapters": [{**asdict(c), "renamed": c.renamed,
                              "lines": [{"op": op, "text": t} for op, t in c.lines]}
                             for c in self.chapters]}


# ------------------------------------------------------------------ chapters and lines

def chapter_heads(structure: Structure) -> list[Block]:
    """Top-level headings; a single top heading with children is the document's own title."""
    heads = structure.headings
    if not heads:
        return []
    top = [h for h in heads if h.level == 1]
    if len(top) == 1 and len(heads) > 1:
        second = [h for h in heads if h.level == 2]
        if len(second) >= 2:
            top = second
    return top


def block_lines(block: Block) -> list[str]:
    """What a reader sees of one block, line by line: a heading with its number (typed or
    automatic), a paragraph's lines, a table's rows as ``a | b | c``, an image as [图片]."""
    if block.kind == "heading":
        return [block.display]
    if block.kind == "table":
        return [" | ".join(cells) for cells in block.rows if any(cells)]
    if block.kind == "figure":
        return ["[图片]"]
    return [line.strip() for line in block.text.split("\n") if line.strip()]


def split_chapters(structure: Structure) -> list[tuple[str, list[str]]]:
    """[(chapter heading as shown, lines)], in order; text before the first chapter is
    :data:`FRONT`."""
    starts = {id(h) for h in chapter_heads(structure)}
    chapters: list[tuple[str, list[str]]] = [(FRONT, [])]
    for block in structure.blocks:
        if id(block) in starts:
            chapters.append((block.display, []))
        chapters[-1][1].extend(block_lines(block))
    if not chapters[0][1]:
        chapters.pop(0)
    return chapters


# ------------------------------------------------------------------ comparing

def _pair(old: list[tuple[str, list[str]]], new: list[tuple[str, list[str]]]
          ) -> list[tuple[int | None, int | None]]:
    """Pairs of (old index, new index): same title first, then similar titles in order."""
    used_old: set[int] = set()
    pair_of_new: dict[int, int] = {}
    for ni, (nt, _) in enumerate(new):
        for oi, (ot, _) in enumerate(old):
            if oi not in used_old and norm_title(ot) == norm_title(nt):
                pair_of_new[ni] = oi
                used_old.add(oi)
                break
    for ni, (nt, _) in enumerate(new):
        if ni in pair_of_new:
            continue
        best, best_oi = 0.0, None
        for oi, (ot, _) in enumerate(old):
            if oi in used_old:
                continue
            r = difflib.SequenceMatcher(None, norm_title(ot), norm_title(nt)).ratio()
            if r > best:
                best, best_oi = r, oi
        if best_oi is not None and best >= 0.6:
            pair_of_new[ni] = best_oi
            used_old.add(best_oi)
    out: list[tuple[int | None, int | None]] = []
    old_done = -1
    for ni in range(len(new)):
        paired = pair_of_new.get(ni)
        if paired is not None:
            for k in range(old_done + 1, paired):  # removed chapters before this one
                if k not in used_old:
                    out.append((k, None))
            old_done = max(old_done, paired)
        out.append((paired, ni))
    for k in range(len(old)):
        if k not in used_old and (k, None) not in out:
            out.append((k, None))
    return out


def _key(line: str, heads: set[str]) -> str:
    """What a line is compared by: a heading is compared without its number, typed or
    automatic (deleting chapter 8 renumbers every chapter after it: no change of content)."""
    if len(line) <= 60 and (parse_number(line) is not None or norm_title(line) in heads):
        return "§" + norm_title(line)
    return line


def _line_diff(a: list[str], b: list[str], context: int,
               heads: tuple[set[str], set[str]] = (set(), set())) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(None, [_key(x, heads[0]) for x in a],
                                 [_key(x, heads[1]) for x in b], autojunk=False)
    for group in sm.get_grouped_opcodes(context):
        if out:
            out.append(("@", "……"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend((" ", t) for t in b[j1:j2])
                continue
            out.extend(("-", t) for t in a[i1:i2])
            out.extend(("+", t) for t in b[j1:j2])
    return out


def _tables(lines: list[str]) -> list[tuple[str, list[str]]]:
    """(caption, rows) of each table in a chapter's plain lines (rows contain ' | ')."""
    out: list[tuple[str, list[str]]] = []
    prev = ""
    current: list[str] | None = None
    for line in lines:
        if " | " in line or (line.count("|") and line.startswith("|")):
            if current is None:
                cap = prev if re.match(r"^(?:续?表|附表)\s*\S", prev) else f"第 {len(out) + 1} 个表格"
                current = []
                out.append((cap, current))
            current.append(line)
        else:
            current = None
            prev = line
    return out


def _table_changes(a: list[str], b: list[str]) -> list[TableChange]:
    ta, tb = _tables(a), _tables(b)
    changes: list[TableChange] = []
    by_caption = {cap: rows for cap, rows in ta}
    used: set[str] = set()
    for i, (cap, rows) in enumerate(tb):
        old_rows = by_caption.get(cap)
        if old_rows is None and i < len(ta) and ta[i][0] not in {c for c, _ in tb}:
            cap_old, old_rows = ta[i]
            used.add(cap_old)
        elif old_rows is not None:
            used.add(cap)
        if old_rows is None:
            changes.append(TableChange(cap, "added", rows_added=list(rows)))
            continue
        if old_rows != rows:
            sm = difflib.SequenceMatcher(None, old_rows, rows, autojunk=False)
            added = [r for tag, _i1, _i2, j1, j2 in sm.get_opcodes() if tag != "equal"
                     for r in rows[j1:j2]]
            removed = [r for tag, i1, i2, _j1, _j2 in sm.get_opcodes() if tag != "equal"
                       for r in old_rows[i1:i2]]
            changes.append(TableChange(cap, "changed", added, removed))
    for cap, rows in ta:
        if cap not in used and cap not in {c for c, _ in tb}:
            changes.append(TableChange(cap, "removed", rows_removed=list(rows)))
    return changes


def diff_documents(old: str | Path, new: str | Path, *, context: int = 1) -> DiffResult:
    """Compare two .docx files chapter by chapter."""
    old, new = Path(old), Path(new)
    for p in (old, new):
        check_file(p)  # clear messages for .doc/.wps/broken files before reading either
    sides, heads = [], []
    for p in (old, new):
        structure = read_document(p)
        heads.append({norm_title(h.title or h.text) for h in structure.headings})
        sides.append(split_chapters(structure))
    a, b = sides
    chapters: list[ChapterDiff] = []
    for oi, ni in _pair(a, b):
        if ni is None:
            title, lines = a[oi]  # type: ignore[index]
            chapters.append(ChapterDiff(title, "removed", lines=[("-", t) for t in lines],
                                        removed=len(lines),
                                        tables=[TableChange(c, "removed", rows_removed=r)
                                                for c, r in _tables(lines)]))
            continue
        title, lines = b[ni]
        if oi is None:
            chapters.append(ChapterDiff(title, "added", lines=[("+", t) for t in lines],
                                        added=len(lines),
                                        tables=[TableChange(c, "added", rows_added=r)
                                                for c, r in _tables(lines)]))
            continue
        old_title, old_lines = a[oi]
        ops = _line_diff(old_lines, lines, context, (heads[0], heads[1]))
        diff = ChapterDiff(title, "changed" if ops else "unchanged",
                           old_title=old_title if old_title != title else "", lines=ops,
                           added=sum(1 for op, _ in ops if op == "+"),
                           removed=sum(1 for op, _ in ops if op == "-"),
                           tables=_table_changes(old_lines, lines) if ops else [])
        if diff.renamed and diff.status == "unchanged":
            diff.status = "changed"
        if not (title == FRONT and diff.status == "unchanged"):  # an unchanged cover is no news
            chapters.append(diff)
    return DiffResult(str(old), str(new), chapters)


# ------------------------------------------------------------------ rendering

_STATUS = {"added": "新增", "removed": "删除", "changed": "修改", "unchanged": "未改动"}


def render_diff(result: DiffResult, fmt: str = "text", *, max_lines: int = 40) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "html":
        return render_html(result)
    return render_text(result, max_lines=max_lines)


def _summary(result: DiffResult) -> str:
    c = result.counts()
    return (f"新增章 {c['added']}，删除章 {c['removed']}，修改章 {c['changed']}，"
            f"未改动章 {c['unchanged']}")


def _table_line(t: TableChange) -> str:
    if t.status == "changed":
        return f"表格「{t.caption}」有修改：新增或改动 {len(t.rows_added)} 行，删除或被改动 {len(t.rows_removed)} 行"
    return f"表格「{t.caption}」{_STATUS[t.status]}（{len(t.rows_added) or len(t.rows_removed)} 行）"


def render_text(result: DiffResult, *, max_lines: int = 40) -> str:
    out = [f"比较：{result.old} → {result.new}", _summary(result)]
    if not result.changed:
        out.append("两个版本内容相同。")
    for ch in result.chapters:
        if ch.status == "unchanged":
            continue
        head = f"\n【{_STATUS[ch.status]}】{ch.title}"
        if ch.renamed:
            head += f"（原标题：{ch.old_title}）"
        if ch.status == "changed":
            head += f"  +{ch.added} −{ch.removed}"
        out.append(head)
        for t in ch.tables:
            out.append(f"  ▲ {_table_line(t)}")
        for op, text in ch.lines[:max_lines]:
            out.append(f"  {op if op != '@' else ' '} {text}")
        if len(ch.lines) > max_lines:
            out.append(f"  ……（另有 {len(ch.lines) - max_lines} 行，完整内容请用 --format html 或 json）")
    return "\n".join(out)


INLINE_MAX = 2000
"""Longest line whose changed characters are marked; a character diff of two long lines is
quadratic, so longer ones are shown whole as removed and added."""


def _inline(a: str, b: str) -> tuple[str, str]:
    """Old and new line with the changed characters marked (<del>/<ins>)."""
    if len(a) > INLINE_MAX or len(b) > INLINE_MAX:
        return f"<del>{escape(a)}</del>", f"<ins>{escape(b)}</ins>"
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    oa, ob = [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            oa.append(escape(a[i1:i2]))
            ob.append(escape(b[j1:j2]))
        else:
            if i2 > i1:
                oa.append(f"<del>{escape(a[i1:i2])}</del>")
            if j2 > j1:
                ob.append(f"<ins>{escape(b[j1:j2])}</ins>")
    return "".join(oa), "".join(ob)


def _lines_html(lines: list[tuple[str, str]]) -> str:
    out: list[str] = []
    i = 0
    while i < len(lines):
        op, text = lines[i]
        if op == "-":
            minus = []
            while i < len(lines) and lines[i][0] == "-":
                minus.append(lines[i][1])
                i += 1
            plus = []
            while i < len(lines) and lines[i][0] == "+":
                plus.append(lines[i][1])
                i += 1
            for k in range(max(len(minus), len(plus))):
                a = minus[k] if k < len(minus) else None
                b = plus[k] if k < len(plus) else None
                if a is not None and b is not None:
                    ha, hb = _inline(a, b)
                    out.append(f'<div class="l del">− {ha}</div><div class="l add">+ {hb}</div>')
                elif a is not None:
                    out.append(f'<div class="l del">− {escape(a)}</div>')
                else:
                    out.append(f'<div class="l add">+ {escape(b or "")}</div>')
            continue
        cls = {"+": "add", " ": "ctx", "@": "gap"}[op]
        sign = {"+": "+ ", " ": "", "@": ""}[op]
        out.append(f'<div class="l {cls}">{sign}{escape(text)}</div>')
        i += 1
    return "".join(out)


_CSS = """
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:auto;
max-width:60rem;padding:.8rem;background:#f6f7f9;color:#222;line-height:1.55}
h1{font-size:1.25rem;margin:.2rem 0 .5rem}.files{color:#555;font-size:.9rem;word-break:break-all}
.sum{background:#fff;border-radius:.3rem;padding:.5rem .7rem;margin:.6rem 0}
.toc a{display:inline-block;margin:.15rem .5rem .15rem 0;color:#1a4f8b}
details{background:#fff;border-radius:.4rem;margin:.6rem 0;padding:.2rem .6rem .5rem;
box-shadow:0 1px 2px rgba(0,0,0,.08)}summary{cursor:pointer;font-weight:bold;padding:.35rem 0}
.st{font-size:.8rem;color:#fff;border-radius:.3rem;padding:0 .4rem;margin-right:.3rem}
.st.added{background:#2e7d32}.st.removed{background:#c62828}.st.changed{background:#ef8f00}
.n{font-weight:normal;color:#555;font-size:.9rem}
.l{white-space:pre-wrap;word-break:break-word;padding:.1rem .4rem;border-radius:.2rem;margin:1px 0}
.add{background:#e8f5e9}.del{background:#ffebee}.ctx{color:#666}.gap{color:#999;text-align:center}
ins{background:#a5d6a7;text-decoration:none}del{background:#ef9a9a}
.tbl{background:#fff8e1;border-radius:.3rem;padding:.3rem .5rem;margin:.3rem 0;font-size:.92rem}
"""


def render_html(result: DiffResult) -> str:
    """One self-contained page: summary, links to the changed chapters, and each changed
    chapter foldable with its lines (changed characters marked) and table changes."""
    parts = [f'<h1>实施方案修改对照</h1><div class="files">旧版：{escape(result.old)}<br>'
             f"新版：{escape(result.new)}</div><div class=\"sum\">{escape(_summary(result))}</div>"]
    changed = [(i, c) for i, c in enumerate(result.chapters) if c.status != "unchanged"]
    if not changed:
        parts.append('<p class="sum">两个版本内容相同。</p>')
    if changed:
        parts.append('<div class="toc">' + "".join(
            f'<a href="#c{i}">{_STATUS[c.status]}：{escape(c.title)}</a>' for i, c in changed)
            + "</div>")
    for i, c in changed:
        renamed = f"（原标题：{escape(c.old_title)}）" if c.renamed else ""
        numbers = (f' <span class="n">+{c.added} −{c.removed}</span>'
                   if c.status == "changed" else "")
        tables = "".join(f'<div class="tbl">▲ {escape(_table_line(t))}</div>' for t in c.tables)
        parts.append(f'<details id="c{i}" open><summary><span class="st {c.status}">'
                     f"{_STATUS[c.status]}</span>{escape(c.title)}{renamed}{numbers}</summary>"
                     f"{tables}{_lines_html(c.lines)}</details>")
    unchanged = [c.title for c in result.chapters if c.status == "unchanged"]
    if unchanged:
        parts.append('<div class="sum">未改动的章：' + "、".join(escape(t) for t in unchanged) + "</div>")
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>实施方案修改对照</title><style>{_CSS}</style></head><body>"
            + "".join(parts) + "</body></html>")
