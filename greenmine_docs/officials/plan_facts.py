"""The plan's own figures compared with the input and with each other: the total investment
(with the input's total and with the document's own task table), the period, the number of
tasks, the licence's validity (with the input, and expired on the reference date) and the
date the plan passed review.

Dates are read as written in Chinese plans: ``2023年10月``, ``2019年6月12日``, ``2019.06.12``,
``2019-06-12``. Each figure is compared only where the document states it next to its label;
a mismatch is GM-W620, a contradiction inside the document GM-W628, an expired licence
GM-W629, a total investment or period never stated GM-I621.
"""
from __future__ import annotations

import datetime as dt
import re

from ..findings import Finding, Location, make
from .structure import Block, locate

_DATE = r"(\d{4})\s*(?:年|[.．/\-])\s*(\d{1,2})\s*(?:月|[.．/\-])?\s*(?:(\d{1,2})\s*日?)?"
_DATE_RE = re.compile(_DATE)
_RANGE = re.compile(_DATE + r"\s*(?:至|到|—|－|-|～|~|–)+\s*" + _DATE)
_VALIDITY = re.compile(r"有效期(?:限)?")
_PERIOD = re.compile(r"(?:方案|实施|规划|建设)期限|方案期")
_TOTAL = re.compile(r"(?:估算)?总投资(?:估算)?|投资总额|投资(?:估算)?合计")
_MONEY = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*万元")
_TASKS = re.compile(r"(?:建设)?任务(?:共)?\s*(\d{1,3})\s*项|(\d{1,3})\s*项(?:建设|重点)?任务")
_REVIEW = re.compile(r"通过.{0,30}评审|评审通过")
_MAX_SENTENCE = 120


def _sentence_after(text: str, end: int) -> str:
    return re.split(r"[。；;\n]", text[end:end + _MAX_SENTENCE], maxsplit=1)[0]


def _date(m: re.Match[str], offset: int = 0) -> dt.date | None:
    y, mo, d = m.group(1 + offset), m.group(2 + offset), m.group(3 + offset)
    try:
        return dt.date(int(y), int(mo), int(d) if d else 1)
    except (TypeError, ValueError):
        return None


def _cn_date(d: dt.date, day: bool = True) -> str:
    return f"{d.year}年{d.month}月" + (f"{d.day}日" if day else "")


class _Facts:
    def __init__(self, submission: object, file: str,
                 statements: list[tuple[Block, str, str]]) -> None:
        self.s = submission
        self.file = file
        self.statements = statements
        self.findings: list[Finding] = []
        self.reported: set[tuple[str, int]] = set()

    def warn(self, code: str, what: str, message: str, block: Block, heading: str) -> None:
        if (what, id(block)) in self.reported:
            return
        self.reported.add((what, id(block)))
        self.findings.append(make(code, message, location=locate(self.file, heading, block)))

    def missing(self, what: str, expected: str) -> None:
        self.findings.append(make("GM-I621", f"文档中未找到{what}（申报数据为 {expected}）。",
                                  location=Location(file=self.file)))

    def after(self, label: re.Pattern[str]):
        """(block, heading, the sentence after each label occurrence)."""
        for block, heading, text in self.statements:
            for m in label.finditer(text):
                yield block, heading, _sentence_after(text, m.end())

    def stated(self, label: re.Pattern[str], value: re.Pattern[str]):
        """(block, heading, match) where ``value`` follows ``label`` in the same sentence."""
        for block, heading, sentence in self.after(label):
            m = value.search(sentence)
            if m:
                yield block, heading, m

    # ---------------------------------------------------------------- validity
    def validity(self) -> None:
        lic = self.s.mine.licence  # type: ignore[attr-defined]
        ref = self.s.campaign.reference_date or dt.date.today()  # type: ignore[attr-defined]
        for block, heading, sentence in self.after(_VALIDITY):
            r = _RANGE.search(sentence)
            if r:
                start, end = _date(r), _date(r, 3)
            else:
                m = _DATE_RE.search(sentence)
                start, end = None, _date(m) if m and "至" in sentence[:m.start() + 1] else None
            if end is None:
                continue
            if end != lic.valid_to or (start is not None and start != lic.valid_from):
                shown = (f"{_cn_date(start)}至" if start else "至") + _cn_date(end)
                self.warn("GM-W620", "validity", f"采矿许可证有效期写作“{shown}”，申报数据为"
                          f"“{_cn_date(lic.valid_from)}至{_cn_date(lic.valid_to)}”。", block, heading)
            elif end < ref:
                self.warn("GM-W629", "expired", f"文中采矿许可证有效期至{_cn_date(end)}，"
                          f"在基准日期{_cn_date(ref)}已届满。", block, heading)

    # ---------------------------------------------------------------- period
    def period(self) -> None:
        period = getattr(self.s.plan, "period", None)  # type: ignore[attr-defined]
        if period is None:
            return
        hits = list(self.stated(_PERIOD, _RANGE))
        for block, heading, r in hits:
            start, end = _date(r), _date(r, 3)
            if start is None or end is None:
                continue
            if (start.year, start.month) != (period.start.year, period.start.month) or \
                    (end.year, end.month) != (period.end.year, period.end.month):
                self.warn("GM-W620", "period", f"方案期限写作“{_cn_date(start, False)}至"
                          f"{_cn_date(end, False)}”，申报数据为“{_cn_date(period.start, False)}至"
                          f"{_cn_date(period.end, False)}”。", block, heading)
        if not hits:
            self.missing("方案期限", f"{_cn_date(period.start, False)}至{_cn_date(period.end, False)}")

    # ---------------------------------------------------------------- money and tasks
    def investment(self) -> None:
        plan = self.s.plan  # type: ignore[attr-defined]
        expected = plan.total_investment
        if expected is None and plan.tasks:
            expected = round(sum(t.investment for t in plan.tasks), 2)
        table_total = self._table_totals()
        hits = list(self.stated(_TOTAL, _MONEY))
        for block, heading, m in hits:
            value = float(m.group(1).replace(",", ""))
            if expected is not None and abs(value - expected) > 0.005:
                self.warn("GM-W620", "total", f"总投资写作“{m.group(1)}万元”，申报数据为 "
                          f"{expected:.2f}万元。", block, heading)
            if table_total is not None and abs(value - table_total) > 0.005:
                self.warn("GM-W628", "total-table", f"文中总投资“{m.group(1)}万元”与文中建设任务表"
                          f"的合计 {table_total:.2f}万元不符。", block, heading)
        if not hits and expected is not None:
            self.missing("总投资", f"{expected:.2f}万元")

    def _table_totals(self) -> float | None:
        """The document's own total of its task tables: the 合计 row of a table that has one
        (largest), else the sum of the item rows of every table with an investment column.
        A table whose item rows do not add up to its 合计 is GM-W628 at that table."""
        totals, items_sum = [], 0.0
        seen: set[int] = set()
        for block, heading, _text in self.statements:
            if block.kind != "table" or id(block) in seen or not block.rows:
                continue
            seen.add(id(block))
            col = next((j for j, c in enumerate(block.rows[0]) if "投资" in c or "万元" in c), None)
            if col is None:
                continue
            total, part = None, 0.0
            width = len(block.rows[0])
            for row in block.rows[1:]:
                j = col - max(0, width - len(row))  # merged cells (合计 across columns) on the left
                if not 0 <= j < len(row):
                    continue
                m = re.fullmatch(r"\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*", row[j])
                if not m:
                    continue
                value = float(m.group(1).replace(",", ""))
                joined = "".join(row)
                if "合计" in joined or "总计" in joined:
                    total = value
                elif "小计" not in joined:
                    part += value
            if total is not None:
                totals.append(total)
                if abs(part - total) > 0.005:
                    self.warn("GM-W628", "table-sum", f"表中各项投资之和 {part:.2f}万元与合计 "
                              f"{total:.2f}万元不符。", block, heading)
            else:
                items_sum += part
        if totals:
            return max(totals)
        return round(items_sum, 2) if items_sum else None

    def task_count(self) -> None:
        tasks = self.s.plan.tasks  # type: ignore[attr-defined]
        if not tasks:
            return
        for block, heading, text in self.statements:
            if block.kind == "table":
                continue
            for m in _TASKS.finditer(text):
                n = int(m.group(1) or m.group(2))
                if n != len(tasks):
                    self.warn("GM-W620", "tasks", f"建设任务写作 {n} 项，申报数据为 {len(tasks)} 项。",
                              block, heading)

    # ---------------------------------------------------------------- review
    def review(self) -> None:
        review = getattr(self.s.eligibility, "plan_review", None)  # type: ignore[attr-defined]
        if review is None or review.date is None:
            return
        for block, heading, text in self.statements:
            for m in _REVIEW.finditer(text):
                window = text[max(0, m.start() - 40):m.end()]
                d = _DATE_RE.search(window)
                day = _date(d) if d and d.group(3) else None
                if day is not None and day != review.date:
                    self.warn("GM-W620", "review", f"评审日期写作“{_cn_date(day)}”，申报数据为"
                              f"“{_cn_date(review.date)}”。", block, heading)


def compare_plan_facts(blocks: list[tuple[Block, str]], submission: object, file: str,
                       statements: list[tuple[Block, str, str]]) -> list[Finding]:
    facts = _Facts(submission, file, statements)
    facts.validity()
    if getattr(submission, "plan", None) is not None:
        facts.period()
        facts.investment()
        facts.task_count()
    facts.review()
    return facts.findings
