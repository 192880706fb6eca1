"""What a filled record must satisfy: the team and dates at the top, dates in order, every
condition and item answered, every problem described concretely (domain.md §3: "标识标牌偏少"
is not enough — which signs, where)."""
from __future__ import annotations

import datetime as dt
import re

from ..mine_list import cell_text as _text
from . import layout as L
from .config import Round
from .record_read import Record, parse_date

_DIGIT = re.compile(r"[0-9０-９一二三四五六七八九十百千万]")


def is_vague(text: str, rnd: Round) -> str | None:
    """The vague phrase when ``text`` uses one and names no place and no quantity."""
    hit = next((p for p in rnd.rules.vague_phrases if p in text), None)
    if hit is None:
        return None
    if _DIGIT.search(text) or any(w in text for w in rnd.rules.place_words):
        return None
    return hit


def check_record(rec: Record, rnd: Round, *, drawn_on: dt.date | None) -> None:
    """Add the record's findings to ``rec.findings``."""
    _header(rec, rnd, drawn_on)
    for c in rec.conditions:
        if c.met is None:
            rec.add("GM-E648", f"遴选条件“{c.id}”未填写“符合”或“不符合”。", f"{L.COL_ANSWER}{c.row}")
        elif c.met is False and not c.note:
            rec.add("GM-E654", f"遴选条件“{c.id}”判定为不符合，但“说明”未写明依据。",
                    f"{L.COL_DESCRIPTION}{c.row}")
    for i in rec.items:
        _item(rec, rnd, i)


def _header(rec: Record, rnd: Round, drawn_on: dt.date | None) -> None:
    f = rec.facts
    if not _text(f.get("team")):
        rec.add("GM-E647", "未填写核查组成员。", f["team@"])
    dates = {}
    for key in L.DATE_FIELDS:
        label = L.FIELDS[key][0]
        value = parse_date(f.get(key))
        if value is None:
            shown = _text(f.get(key))
            rec.add("GM-E646", f"{label}{'“' + shown + '”不是日期' if shown else '未填写'}。",
                    f[f"{key}@"])
        dates[key] = value
    start, end, signed = dates["start"], dates["end"], dates["signed"]
    if start and end and start > end:
        rec.add("GM-E645", f"核查开始日期 {start} 晚于结束日期 {end}。", f["start@"])
    if end and signed and signed < end:
        rec.add("GM-E645", f"企业签收日期 {signed} 早于核查结束日期 {end}。", f["signed@"])
    if start and drawn_on and start < drawn_on:
        rec.add("GM-W657", f"核查开始日期 {start} 早于核查名单抽取日期 {drawn_on}。", f["start@"])
    due = rnd.info.checks_due
    if end and due and end > due:
        rec.add("GM-W657", f"核查结束日期 {end} 晚于实地核查完成时限 {due}。", f["end@"])


def _item(rec: Record, rnd: Round, i) -> None:
    if not i.method:
        rec.add("GM-W653", f"评价内容 {i.id} 未填写核查方式。", f"{L.COL_METHOD}{i.row}")
    if i.problem is None:
        rec.add("GM-E649", f"评价内容 {i.id} 未填写“是”或“否”。", f"{L.COL_ANSWER}{i.row}")
        return
    if not i.problem:
        return
    if not i.description:
        rec.add("GM-E650", f"评价内容 {i.id} 存在问题，但未写问题描述。", f"{L.COL_DESCRIPTION}{i.row}")
    else:
        phrase = is_vague(i.description, rnd)
        if phrase:
            rec.add("GM-W651", f"评价内容 {i.id} 的问题描述“{i.description}”用语笼统（“{phrase}”），"
                    "未写明对象、位置或数量。", f"{L.COL_DESCRIPTION}{i.row}")
    if not i.requirement:
        rec.add("GM-W652", f"评价内容 {i.id} 存在问题，但未写整改要求。", f"{L.COL_REQUIREMENT}{i.row}")
