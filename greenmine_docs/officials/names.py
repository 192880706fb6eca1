"""The mine's and the enterprise's names wherever the plan writes them: cover, page header,
body, tables — not only after a ``矿山名称：`` label.

A plan copied from another mine's, or typed carelessly, misspells a name in a few places
while the right name stays elsewhere. Every place that ends like the input's name (the mine
name's last characters, ``有限公司`` …) is read back to the name's length and compared: the
same text is right; a text that differs in a character or so (similarity ≥ 0.85) is the
name written wrong; anything further off is another organisation (the consultancy, a bank)
and is left alone. The plan's own title (``X绿色矿山建设实施方案``) must name the mine.
One warning per distinct wrong spelling, at its first place, with how often it occurs.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..findings import Finding, Location, make
from .placeholders import placeholders_in
from .structure import Block, locate

SIMILAR = 0.85
_TITLE_TAIL = re.compile(r"绿色矿山建设(?:实施)?方案")


@dataclass
class _Wrong:
    text: str
    first: tuple[Block | None, str]  # block (None: header/footer) and heading
    count: int = 0
    where: set[str] = field(default_factory=set)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _variants(text: str, name: str, anchor: str) -> list[tuple[int, str]]:
    """(position, text of the name's length ending where ``anchor`` ends) for every
    occurrence of the anchor (the name's last characters) in ``text``."""
    out: list[tuple[int, str]] = []
    start = 0
    while True:
        i = text.find(anchor, start)
        if i < 0:
            return out
        end = i + len(anchor)
        begin = end - len(name)
        if begin >= 0:
            out.append((begin, text[begin:end]))
        start = end


def has_placeholder(text: str) -> bool:
    return bool(placeholders_in(text))


def _misspelt(candidate: str, name: str) -> bool:
    return candidate != name and not has_placeholder(candidate) and \
        difflib.SequenceMatcher(None, candidate, name, autojunk=False).ratio() >= SIMILAR


def compare_names(blocks: list[tuple[Block, str]], header_footer: list[str],
                  submission: object, file: str) -> list[Finding]:
    """Wrong spellings of the mine's and the enterprise's names in the body, the tables and
    the page headers and footers."""
    mine = _flat(submission.mine.name)  # type: ignore[attr-defined]
    company = _flat(submission.enterprise.name)  # type: ignore[attr-defined]
    places: list[tuple[Block | None, str, str, str]] = [
        (b, h, _flat(b.text), "表格" if b.kind == "table" else "正文") for b, h in blocks]
    places += [(None, "页眉/页脚", _flat(t), "页眉页脚") for t in header_footer]
    return _check(places, mine, company, file)


def _check(places, mine: str, company: str, file: str) -> list[Finding]:
    wrong: dict[str, _Wrong] = {}
    mine_seen = False
    for block, heading, text, kind in places:
        taken: set[int] = set()
        for name, anchor in ((mine, mine[-3:]), (company, company[-4:])):
            for pos, cand in _variants(text, name, anchor):
                if pos in taken:
                    continue
                if cand == name:
                    taken.add(pos)
                    mine_seen = mine_seen or name == mine
                elif _misspelt(cand, name):
                    taken.add(pos)
                    w = wrong.setdefault(cand, _Wrong(cand, (block, heading)))
                    w.count += 1
                    w.where.add(kind)
    findings = []
    for w in wrong.values():
        block, heading = w.first
        right = mine if len(w.text) == len(mine) and w.text[-3:] == mine[-3:] else company
        what = "矿山名称" if right == mine else "企业名称"
        findings.append(make(
            "GM-W620", f"{what}写作“{w.text}”（{'、'.join(sorted(w.where))}共 {w.count} 处），"
                       f"申报数据为“{right}”。",
            location=locate(file, heading, block)))
    findings.extend(_title_subject(places, mine, company, file, bool(wrong)))
    if not mine_seen and not wrong:
        findings.append(make("GM-I621", f"文档中未找到矿山名称（申报数据为 {mine}）。",
                             location=Location(file=file)))
    return findings


def _title_subject(places, mine: str, company: str, file: str, reported: bool
                   ) -> list[Finding]:
    """The plan's title must name the mine (or its enterprise); a title naming another
    mine is a copied plan."""
    if reported:
        return []
    for block, heading, text, _kind in places[:8]:
        m = _TITLE_TAIL.search(text)
        if block is None or m is None or m.start() < 4:
            continue
        subject = text[:m.start()]
        if mine in subject or company in subject or mine.endswith(subject) or \
                subject.endswith(mine[-6:]) or has_placeholder(subject):
            return []
        return [make("GM-W620", f"方案名称中的矿山写作“{subject}”，申报数据为“{mine}”。",
                     location=locate(file, heading, block))]
    return []
