"""How Chinese documents number their headings, whatever the file format: the numbering
families (第X章, 第X节, 一、, （一）, 1., （1）, 1.1 …) and their conventional order, reading a
number off a heading (:func:`parse_number`), writing one (:func:`label_of`), typed
table-of-contents lines, and titles normalised for matching (:func:`norm_title`)."""
from __future__ import annotations

import re
import unicodedata

CN_DIGITS = "零〇一二三四五六七八九"
_CN_NUM = r"[一二三四五六七八九十百零〇两]+"

# kind -> conventional rank (lower = higher in the hierarchy)
RANKS = {"chapter": 0.0, "section": 1.0, "cn": 2.0, "cn_paren": 3.0, "arabic": 4.0,
         "arabic_paren": 5.0}
KIND_LABEL = {"chapter": "第X章", "section": "第X节", "cn": "一、", "cn_paren": "（一）",
              "arabic": "1.", "arabic_paren": "（1）"}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第\s*({_CN_NUM}|\d{{1,4}})\s*[章篇部分]+\s*[、.．:：]?\s*")),
    ("section", re.compile(rf"^第\s*({_CN_NUM}|\d{{1,4}})\s*节\s*[、.．:：]?\s*")),
    ("cn", re.compile(rf"^({_CN_NUM})\s*[、.．]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*({_CN_NUM})\s*[)）]\s*[、.．]?\s*")),
    # 1.1 / 2.3.1, but not quantities such as 3.5万吨 or 1.2%
    ("decimal", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2})+)(?![.．]?\d)(?!\s*[万亿千百%％‰米吨亩元个年月日倍mkgt])"
                           r"\s*[、.．]?\s*")),
    ("arabic", re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*")),
    ("arabic_paren", re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*[、.．]?\s*")),
    ("decimal1", re.compile(r"^(\d{1,2})(?:\s+|\u3000+)(?=[\u4e00-\u9fff])")),
]
_TOC_LEADERS = frozenset(".…·．_-—")


def is_toc_line(text: str) -> bool:
    """A typed table-of-contents line: a title, a leader (three or more dots, dashes or spaces,
    or a tab) and a page number of at most three digits at the end.

    Plain string scanning from the end, linear in the length: the regular expression this
    replaces backtracked cubically on a long run of spaces or tabs (68 s on 3,000 spaces)."""
    t = text.rstrip()
    end = len(t)
    while end and t[end - 1].isdecimal():
        end -= 1
    if not 1 <= len(t) - end <= 3:
        return False
    start = end
    while start and (t[start - 1] in _TOC_LEADERS or t[start - 1].isspace()):
        start -= 1
    leader = t[start:end]
    if len(leader) >= 3:
        return True
    return "\t" in leader[len(leader.rstrip()):]  # a tab, then only spaces, before the number


def cn_to_int(text: str) -> int | None:
    """``十二`` -> 12, ``一百零五`` -> 105, ``23`` -> 23; None when not a number."""
    text = text.strip().replace("两", "二")
    if text.isdecimal():
        return int(text) if len(text) <= 9 else None
    if not text or any(ch not in "零〇一二三四五六七八九十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in "十百":
            unit = 10 if ch == "十" else 100
            total += (current or 1) * unit
            current = 0
        else:
            current = max(CN_DIGITS.index(ch) - 1, 0) if ch not in "零〇" else 0
    return total + current


def cn_numeral(n: int) -> str:
    """12 -> ``十二`` (as headings write numbers up to 99; others as digits)."""
    digits = "〇一二三四五六七八九"
    if n < 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def parse_number(text: str) -> tuple[str, tuple[int, ...], str] | None:
    """``（二）主要任务`` -> ("cn_paren", (2,), "主要任务"); None when not numbered."""
    t = unicodedata.normalize("NFKC", text).strip()
    # NFKC turns （ into ( and ． into .; keep the original for the title
    for kind, pat in _PATTERNS:
        m = pat.match(t)
        if not m:
            continue
        raw = m.group(1)
        if kind == "decimal":
            nums = tuple(int(x) for x in re.split(r"[.．]", raw))
            return f"decimal{len(nums)}", nums, t[m.end():].strip()
        n = cn_to_int(raw)
        if n is None or n == 0:
            return None
        return kind, (n,), t[m.end():].strip()
    return None


def kind_rank(kind: str) -> float:
    if kind.startswith("decimal"):
        return int(kind[7:]) + 0.5
    return RANKS[kind]


def label_of(kind: str, nums: tuple[int, ...]) -> str:
    """The number as written in Chinese documents: ("cn_paren", (2,)) -> ``（二）``."""
    n = nums[-1]
    return {"chapter": f"第{cn_numeral(n)}章", "section": f"第{cn_numeral(n)}节", "cn": f"{cn_numeral(n)}、",
            "cn_paren": f"（{cn_numeral(n)}）", "arabic": f"{n}.", "arabic_paren": f"（{n}）"}.get(
        kind, ".".join(str(x) for x in nums))


_TITLE_JUNK = re.compile(r"[\s\u3000、，,。.．：:；;（）()《》“”\"'‘’【】\[\]—\-_/]+")


def norm_title(text: str) -> str:
    """For matching titles: NFKC, numbering and punctuation removed."""
    parsed = parse_number(text)
    t = parsed[2] if parsed else text
    return _TITLE_JUNK.sub("", unicodedata.normalize("NFKC", t)).lower()
