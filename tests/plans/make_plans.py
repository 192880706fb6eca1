"""The corpus of hand-written-looking implementation plans ``greenmine check`` is proved on.

Fourteen house styles, each a way consultancies really lay out a plan in Word (heading styles
mixed with typed numbers, plain bold headings, 第一章/第一节, 一、/（一）/1．, 1/1.1/1.1.1, Word
automatic numbering, outline levels as WPS writes them, fonts instead of bold, run-in
headings, typed and field tables of contents, 前言/编制说明, facts in two- and four-column
tables), all complete and correct for ``examples/shanxi-limestone/mine.yaml``: each must pass
with no error and no warning. Then defective plans, one defect each, with the findings
expected next to them as (code, heading the finding names, text of the paragraph it points
to or None).

Run ``python tests/plans/make_plans.py DIR`` to write them all (the tests write them to a
temporary folder; nothing generated is committed).
"""
from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fixtures.officials.plans import add_numbering
from plans.content import (APPENDIX_LIST, COMPILER, LICENCE_ROWS, MINE, PREFACE, Chap, Sec, chapters, task_table)

CN = "一二三四五六七八九十"


def cn(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


# ------------------------------------------------------------------ house styles

@dataclass
class Style:
    """How one consultancy lays out a plan. ``scheme``/``mark`` give each heading level its
    number form and how it is marked; ``titles`` picks the wording of each chapter."""

    name: str
    scheme: tuple[str, ...] = ("cn", "cn_paren", "arabic")
    mark: tuple[str, ...] = ("bold", "bold", "bold")
    titles: int = 0  # 0 = the outline's wording; 1, 2 = other wordings (where there are)
    rename: dict[str, str] = field(default_factory=dict)  # chapter key -> own title
    front: tuple[str, ...] = ("cover", "toc_typed")
    facts: str = "text"  # text | table2 | table4 | unit_labels
    appendix: str = "none"  # none | sections | list
    title_heading: bool = False  # the plan's title is Heading 1, chapters Heading 2
    header: bool = False  # the mine's name in the page header
    one_task_table: bool = False  # all tasks in one table in the investment chapter
    note: str = ""


STYLES = [
    Style("heading1_chapter_typed", scheme=("chapter", "cn", "cn_paren"),
          mark=("style", "bold", "bold"), note="标题1“第一章”，其下手工加粗“一、”“（一）”"),
    Style("bold_preface", scheme=("cn", "cn_paren", "arabic_fw"), front=("cover", "preface", "toc_typed"),
          titles=1, note="全部手工加粗编号，“前  言”不编号，手工目录"),
    Style("chapter_section", scheme=("chapter", "section", "cn"), front=("cover", "foreword", "toc_field"),
          titles=2, note="第一章/第一节/一、，编制说明，目录域"),
    Style("decimal_styles", scheme=("decimal", "decimal", "decimal"), mark=("style", "style", "style"),
          front=("cover", "toc_field"), note="1 / 1.1 / 1.1.1 + 标题样式"),
    Style("auto_chapter", scheme=("chapter", "cn", "cn_paren"), mark=("auto", "auto", "auto"),
          front=("cover", "foreword"), note="Word 自动编号：第一章/一、/（一）"),
    Style("auto_on_styles", scheme=("cn", "cn_paren", "arabic"), mark=("styleauto", "styleauto", "styleauto"),
          titles=1, front=("cover", "toc_field"), note="自动编号挂在标题样式上"),
    Style("fonts_fullwidth", scheme=("cn", "cn_paren", "arabic_fw"), mark=("font", "font", "font"),
          front=("cover", "toc_typed"), header=True, note="黑体/楷体标题不加粗，1．全角点，页眉有矿名"),
    Style("run_in", scheme=("cn", "cn_paren", "arabic"), mark=("bold", "runin", "bold"), titles=2,
          note="节标题段首加粗，正文接在同一段"),
    Style("title_in_heading1", scheme=("cn", "cn_paren", "arabic"), mark=("style", "style", "style"),
          title_heading=True, front=("toc_field",), note="标题1是方案名称，章用标题2"),
    Style("wps_outline", scheme=("cn", "cn_paren", "arabic"), mark=("outline", "outline", "outline"),
          titles=1, front=("cover", "preface"), note="WPS 段落大纲级别，不加粗"),
    Style("unlisted_wording", scheme=("cn", "cn_paren", "arabic"),
          rename={"gap": "存在问题及差距", "tasks": "绿色矿山重点建设工程", "schedule": "建设时序安排"},
          note="章标题用提纲别称以外的说法"),
    Style("appendix_as_list", scheme=("chapter", "cn", "arabic"), mark=("style", "style", "bold"),
          appendix="list", note="附表与附图写成清单"),
    Style("tables_two_column", scheme=("cn", "cn_paren", "arabic"), facts="table2", header=True,
          one_task_table=True, appendix="sections", front=("cover", "foreword", "toc_typed"),
          note="证照信息两列表，任务汇总为一张表"),
    Style("tables_four_column", scheme=("chapter", "cn", "cn_paren"), mark=("bold", "bold", "bold"),
          facts="table4", titles=1, front=("cover", "preface", "toc_field"),
          note="证照信息四列表"),
    Style("tables_unit_labels", scheme=("decimal", "decimal", "decimal"), mark=("bold", "bold", "bold"),
          facts="unit_labels", note="单位写在表头（生产规模（万吨/年）| 120）"),
]
STYLE = {s.name: s for s in STYLES}


# ------------------------------------------------------------------ the plan as items

@dataclass
class Plan:
    """A plan ready to write: the style, the chapters (deep-copied, defects edit them), and
    extra touches defects add to the written file."""

    style: Style
    chaps: list[Chap]
    cover_name: str = MINE
    header_text: str | None = None
    highlight: str | None = None  # a highlighted sentence appended to 编制依据
    revision: tuple[str, str, str] | None = None  # (section key, inserted, deleted) in its body
    comments: list[tuple[str, str]] = field(default_factory=list)  # (section key, comment)
    numbers: dict[str, int] = field(default_factory=dict)  # heading title -> typed number
    no_headings: bool = False
    preface: list[str] = field(default_factory=lambda: list(PREFACE))


def plan_for(style: Style) -> Plan:
    chaps = chapters()
    for ch in chaps:
        pick = min(style.titles, len(ch.titles) - 1)
        ch.titles = (style.rename.get(ch.key, ch.titles[pick]),)
        for sec in ch.sections:
            sec.titles = (sec.titles[min(style.titles, len(sec.titles) - 1)],)
    _place_facts(style, chaps)
    if style.one_task_table:
        for sec in find(chaps, "tasks").sections:
            sec.body = [b for b in sec.body if not isinstance(b, tuple)]
        find(chaps, "investment").sections[0].body.append(
            ("table", "表7-1 建设任务及投资估算汇总表", task_table()))
    plan = Plan(style, chaps)
    if style.header:
        plan.header_text = MINE
    return plan


def find(chaps: list[Chap], key: str) -> Chap:
    return next(c for c in chaps if c.key == key)


def section(chaps: list[Chap], key: str) -> Sec:
    return next(s for c in chaps for s in c.sections if s.key == key)


def _place_facts(style: Style, chaps: list[Chap]) -> None:
    sec = section(chaps, "licence")
    if style.facts == "text":
        return
    rows: list[list[str]]
    if style.facts == "table2":
        rows = [["项目", "内容"], *[[k, v] for k, v in LICENCE_ROWS]]
    elif style.facts == "table4":
        pairs = list(LICENCE_ROWS)
        rows = [[*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))]
                for i in range(0, len(pairs), 2)]
    else:
        rows = [["矿山名称", MINE], ["采矿许可证号", LICENCE_ROWS[2][1]], ["生产规模（万吨/年）", "120"],
                ["矿区面积（km²）", "0.8625"], ["开采标高（m）", "1285～1105"],
                ["有效期", "2019.06.12—2029.06.12"], ["发证机关", "吕梁市规划和自然资源局"]]
    sec.body = [sec.body[0], "采矿许可证主要内容见下表。", ("table", "表2-1 采矿许可证主要信息", rows)]


# ------------------------------------------------------------------ numbers and marks

def label(kind: str, counters: list[int], level: int) -> str:
    n = counters[level - 1]
    return {"chapter": f"第{cn(n)}章 ", "section": f"第{cn(n)}节 ", "cn": f"{cn(n)}、",
            "cn_paren": f"（{cn(n)}）", "arabic": f"{n}.", "arabic_fw": f"{n}．",
            "arabic_paren": f"（{n}）",
            "decimal": ".".join(str(c) for c in counters[:level]) + " "}[kind]


_AUTO_FORMAT = {"chapter": ("chineseCounting", "第%{k}章"), "section": ("chineseCounting", "第%{k}节"),
                "cn": ("chineseCounting", "%{k}、"), "cn_paren": ("chineseCounting", "（%{k}）"),
                "arabic": ("decimal", "%{k}."), "arabic_fw": ("decimal", "%{k}．")}


def _auto_numbering(doc, scheme: tuple[str, ...]) -> str:
    """A multilevel list definition like the ones Word's list gallery writes."""
    levels = []
    for i, kind in enumerate(scheme):
        fmt, text = _AUTO_FORMAT[kind]
        levels.append((fmt, text.format(k=i + 1)))
    return add_numbering(doc, levels, indent=True)


def _east_asia(run, font: str) -> None:
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f'<w:rFonts {nsdecls("w")}/>')
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


class Writer:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.style = plan.style
        self.doc = Document()
        self.counters = [0, 0, 0, 0]
        self.num_id = None
        if any(m in ("auto", "styleauto") for m in self.style.mark):
            self.num_id = _auto_numbering(self.doc, self.style.scheme)
            if "styleauto" in self.style.mark:
                for i in range(3):
                    st = self.doc.styles[f"Heading {i + 1}"]
                    st.element.get_or_add_pPr().append(parse_xml(
                        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{i}"/><w:numId w:val="{self.num_id}"/></w:numPr>'))

    # -------------------------------------------------------------- blocks
    def para(self, text: str, *, bold: bool = False, center: bool = False, size: int | None = None):
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def table(self, caption: str, rows: list[list[str]]) -> None:
        self.para(caption, bold=True, center=True)
        t = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                t.cell(i, j).text = v

    def heading(self, level: int, title: str, run_in: str | None = None) -> None:
        st = self.style
        shift = 1 if st.title_heading else 0
        self.counters[level - 1] += 1
        for k in range(level, 4):
            self.counters[k] = 0
        if self.plan.numbers.get(title):
            self.counters[level - 1] = self.plan.numbers[title]
        kind = st.scheme[level - 1]
        mark = st.mark[level - 1]
        typed = "" if mark in ("auto", "styleauto") else label(kind, self.counters, level)
        text = typed + title
        if mark in ("style", "styleauto"):
            self.doc.add_paragraph(text, style=f"Heading {level + shift}")
            return
        if mark == "runin" and run_in is not None:
            p = self.doc.add_paragraph()
            p.add_run(text + "。").bold = True
            p.add_run(run_in)
            return
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        if mark in ("bold", "auto", "runin"):
            run.bold = True
        if mark == "font":
            _east_asia(run, ("黑体", "楷体_GB2312", "仿宋_GB2312")[level - 1])
            run.bold = True if level == 3 else None
        if mark == "auto":
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level - 1}"/><w:numId w:val="{self.num_id}"/></w:numPr>'))
        if mark == "outline":
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:outlineLvl {nsdecls("w")} w:val="{level - 1 + shift}"/>'))

    # -------------------------------------------------------------- the document
    def write(self, path: Path) -> Path:
        plan, st = self.plan, self.style
        if "cover" in st.front:
            self.para(plan.cover_name + "绿色矿山建设实施方案", bold=True, center=True, size=22)
            self.para(f"编制单位：{COMPILER}", center=True)
            self.para("二〇二三年五月", center=True)
        if st.title_heading:
            self.doc.add_paragraph(plan.cover_name + "绿色矿山建设实施方案", style="Heading 1")
        for front in st.front:
            if front in ("preface", "foreword"):
                self.para("前  言" if front == "preface" else "编制说明", bold=True, center=True)
                for text in plan.preface:
                    self.para(text)
            elif front == "toc_typed":
                self._typed_toc()
            elif front == "toc_field":
                self._field_toc()
        for ch in plan.chaps:
            self._chapter(ch)
        if st.appendix == "list":
            self.para("附表与附图", bold=True, center=True)
            for line in APPENDIX_LIST:
                self.para(line)
        elif st.appendix == "sections":
            self.para("附表与附图", bold=True, center=True)
            self.para("附表", bold=True)
            self.para("附表1  建设任务一览表（见正文表7-1）。")
            self.para("附图", bold=True)
            self.para("附图1  矿区总平面布置示意图。")
        if plan.header_text:
            self.doc.sections[0].header.paragraphs[0].text = plan.header_text + "绿色矿山建设实施方案"
        for key, text in plan.comments:
            target = self._find_para(section(plan.chaps, key).body[0])
            self.doc.add_comment(target.runs, text=text, author="审核人", initials="SH")
        self.doc.save(str(path))
        return path

    def _find_para(self, text: str):
        return next(p for p in self.doc.paragraphs if p.text.startswith(str(text)[:12]))

    def _chapter(self, ch: Chap) -> None:
        if self.plan.no_headings:
            for sec in ch.sections:
                for item in sec.body:
                    if isinstance(item, str):
                        self.para(item)
            return
        self.heading(1, ch.titles[0])
        for sec in ch.sections:
            paras = list(sec.body)
            if not sec.titles[0]:
                pass  # a section without its own heading (a defect)
            elif self.style.mark[1] == "runin" and paras and isinstance(paras[0], str):
                self.heading(2, sec.titles[0], run_in=paras.pop(0))
            else:
                self.heading(2, sec.titles[0])
            for item in paras:
                self._item(sec, item)

    def _item(self, sec: Sec, item) -> None:
        if isinstance(item, str):
            p = self.para(item)
            if self.plan.revision and self.plan.revision[0] == sec.key and item is sec.body[0]:
                _add_revision(p, *self.plan.revision[1:])
            if self.plan.highlight and sec.key == "basis" and item is sec.body[-1]:
                run = p.add_run(self.plan.highlight)
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif item[0] == "sub":
            self.heading(3, item[1])
            for text in item[2]:
                p = self.para(text)
                if self.plan.highlight and sec.key == "basis" and item is sec.body[-1]:
                    p.add_run(self.plan.highlight).font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif item[0] == "table":
            self.table(item[1], item[2])

    def _typed_toc(self) -> None:
        self.para("目  录", bold=True, center=True)
        for i, ch in enumerate(self.plan.chaps, start=1):
            kind = self.style.scheme[0]
            num = label(kind, [i, 0, 0, 0], 1)
            self.para(f"{num}{ch.titles[0]}{'…' * 12}{i * 3}")

    def _field_toc(self) -> None:
        """A table of contents as Word inserts it: a content control holding the TOC field."""
        entries = "".join(
            f'<w:p><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8300"/></w:tabs></w:pPr>'
            f'<w:r><w:t>{ch.titles[0]}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{i * 3}</w:t></w:r></w:p>'
            for i, ch in enumerate(self.plan.chaps, start=1))
        sdt = parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
            f'<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>'
            f'<w:p><w:r><w:t>目  录</w:t></w:r></w:p>'
            f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            f' TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>'
            f'{entries}<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>')
        body = self.doc.element.body
        body.insert(len(body) - 1, sdt)


def _add_revision(p, inserted: str, deleted: str) -> None:
    """Tracked changes left in: ``deleted`` struck through, ``inserted`` added, by a reviewer."""
    p._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="901" w:author="审核人" w:date="2023-06-10T09:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{deleted}</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="902" w:author="审核人" w:date="2023-06-10T09:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>'))


def write_plan(plan: Plan, path: Path) -> Path:
    return Writer(plan).write(path)


# ------------------------------------------------------------------ defects

Expected = list[tuple[str, str | None, str | None]]


@dataclass
class Defect:
    """One defect on a clean plan of ``style``: ``edit`` changes the plan, ``expected`` are
    the findings ``check --input`` must give: (code, heading named, paragraph text or None).
    ``input_edit`` changes the mine's input (text replacements in mine.yaml)."""

    name: str
    style: str
    edit: Callable[[Plan], None]
    expected: Expected
    input_edit: list[tuple[str, str]] = field(default_factory=list)


def _replace(key: str, old: str, new: str) -> Callable[[Plan], None]:
    """Replace ``old`` by ``new`` in the body (paragraphs and table cells) of section ``key``."""
    def edit(plan: Plan) -> None:
        sec = section(plan.chaps, key)
        hit = False
        for i, item in enumerate(sec.body):
            if isinstance(item, str) and old in item:
                sec.body[i], hit = item.replace(old, new), True
            elif isinstance(item, tuple) and item[0] == "table":
                rows = [[c.replace(old, new) for c in row] for row in item[2]]
                hit = hit or rows != item[2]
                sec.body[i] = ("table", item[1], rows)
            elif isinstance(item, tuple) and item[0] == "sub":
                texts = [t.replace(old, new) for t in item[2]]
                hit = hit or texts != item[2]
                sec.body[i] = ("sub", item[1], texts)
        assert hit, (key, old)
    return edit


def _drop_chapter(key: str) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        plan.chaps = [c for c in plan.chaps if c.key != key]
    return edit


def _drop_section(key: str) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        for c in plan.chaps:
            c.sections = [s for s in c.sections if s.key != key]
    return edit


def _empty_section(key: str) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        section(plan.chaps, key).body = []
    return edit


def _move_goals_after_tasks(plan: Plan) -> None:
    goals = find(plan.chaps, "goals")
    plan.chaps.remove(goals)
    plan.chaps.insert(plan.chaps.index(find(plan.chaps, "tasks")) + 1, goals)


def _number(title: str, n: int) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        plan.numbers[title] = n
    return edit


def _set(**changes) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        for k, v in changes.items():
            setattr(plan, k, v)
    return edit


def _both(*edits: Callable[[Plan], None]) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        for e in edits:
            e(plan)
    return edit


def _duplicate_chapter(key: str) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        ch = copy.deepcopy(find(plan.chaps, key))
        ch.key = key + "_again"
        ch.sections = ch.sections[:1]
        plan.chaps.append(ch)
    return edit


def _section_to_sub(key: str) -> Callable[[Plan], None]:
    """The chapter's first section written one level too deep (1. right under 一、)."""
    def edit(plan: Plan) -> None:
        first = find(plan.chaps, key).sections[0]
        first.body = [("sub", first.titles[0], [b for b in first.body if isinstance(b, str)])]
        first.titles = ("",)
    return edit


def _drop_section_heading(key: str) -> Callable[[Plan], None]:
    """The section's heading forgotten: its text runs on under the section before it."""
    def edit(plan: Plan) -> None:
        for ch in plan.chaps:
            for i, sec in enumerate(ch.sections):
                if sec.key == key:
                    ch.sections[i - 1].body.extend(sec.body)
                    del ch.sections[i]
                    return
    return edit


def _replace_cell(old: str, new: str) -> Callable[[Plan], None]:
    """The first table cell that reads exactly ``old`` now reads ``new``."""
    def edit(plan: Plan) -> None:
        for sec in (s for c in plan.chaps for s in c.sections):
            for item in sec.body:
                if isinstance(item, tuple) and item[0] == "table":
                    for row in item[2]:
                        if old in row:
                            row[row.index(old)] = new
                            return
        raise AssertionError(old)
    return edit


B = "bold_preface"  # base style of most defects: 一、/（一）/1． typed in bold
T2 = "tables_two_column"
T4 = "tables_four_column"
TU = "tables_unit_labels"
LIC = "（二）采矿权基本情况"  # the licence section as bold_preface titles it
LIC_T2 = "（二）矿山及采矿权概况"
LIC_T4 = "二、采矿权基本情况"
LIC_TU = "2.2 矿山及采矿权概况"

DEFECTS: list[Defect] = [
    Defect("missing_chapter", B, _drop_chapter("investment"),
           [("GM-E611", "六、进度安排", None), ("GM-I621", None, None)]),
    Defect("missing_section", B, _drop_section("basis"), [("GM-E612", "一、总则", None)]),
    Defect("chapter_order", B, _move_goals_after_tasks, [("GM-W613", "五、建设目标与指标", None)]),
    Defect("empty_section", B, _empty_section("scope"), [("GM-W614", "（三）方案范围", None)]),
    Defect("number_skips", B, _number("编制依据与原则", 3), [("GM-W615", "（三）编制依据与原则", None)]),
    Defect("number_repeats", B, _number("方案范围", 2), [("GM-W615", "（二）方案范围", None)]),
    Defect("level_jump", B, _section_to_sub("goals"),
           [("GM-W616", "1．建设总体目标", None)]),
    Defect("placeholder_text", B, _replace("scope", "办公生活区", "XXX办公生活区"),
           [("GM-E617", "（三）方案范围", "XXX办公生活区")]),
    Defect("placeholder_table", T2, _replace("licence", "吕梁市规划和自然资源局", "【待补充】"),
           [("GM-E617", LIC_T2, "【待补充】")]),
    Defect("placeholder_header", T2, _set(header_text="XXX矿业有限公司"),
           [("GM-E617", "页眉/页脚", None)]),
    Defect("highlight", B, _set(highlight="（此处列出本矿适用的地方标准）"),
           [("GM-W618", "3．技术资料", "（此处列出本矿适用的地方标准）")]),
    Defect("no_headings", B, _set(no_headings=True), [("GM-E619", None, None)]),
    Defect("licence_number", B, _replace("licence", "C1411002011031120107654", "C1411002011031120107645"),
           [("GM-W620", LIC, "C1411002011031120107645")]),
    Defect("scale_in_two_column_table", T2, _replace("licence", "120万吨/年", "150万吨/年"),
           [("GM-W620", LIC_T2, "150万吨/年")]),
    Defect("area_in_two_column_table", T2, _replace("licence", "0.8625平方千米", "0.9625平方千米"),
           [("GM-W620", LIC_T2, "0.9625平方千米")]),
    Defect("scale_in_four_column_table", T4, _replace("licence", "120万吨/年", "150万吨/年"),
           [("GM-W620", LIC_T4, "150万吨/年")]),
    Defect("area_in_unit_label_table", TU, _replace("licence", "0.8625", "0.9625"),
           [("GM-W620", LIC_TU, "0.9625")]),
    Defect("scale_in_unit_label_table", TU, _replace_cell("120", "150"), [("GM-W620", LIC_TU, "150")]),
    Defect("reserves", B, _replace("geology", "2460万吨", "2640万吨"),
           [("GM-W620", "（三）资源储量", "2640万吨")]),
    Defect("mine_name_everywhere", "fonts_fullwidth",
           _both(_set(cover_name="山西青岚建材有限公司青峰山水泥用灰岩矿",
                      header_text="山西青岚建材有限公司青峰山水泥用灰岩矿"),
                 _replace("purpose", "青岚山水泥用灰岩矿", "青峰山水泥用灰岩矿")),
           [("GM-W620", None, "山西青岚建材有限公司青峰山水泥用灰岩矿绿色矿山建设实施方案")]),
    Defect("company_name", B, _both(_replace("enterprise", "山西青岚建材有限公司成立于", "山西青峦建材有限公司成立于"),
                                    _replace("licence", "采矿权人为山西青岚建材有限公司", "采矿权人为山西青峦建材有限公司")),
           [("GM-W620", "（一）企业基本情况", "山西青峦建材有限公司成立于")]),
    Defect("total_investment", B, _replace("estimate", "1818.50万元", "2,350.00万元"),
           [("GM-W620", "（一）投资概算", "2,350.00万元"), ("GM-W628", "（一）投资概算", "2,350.00万元")]),
    Defect("task_table_total", T2, _replace_cell("186.00", "196.00"),
           [("GM-W628", "（一）投资估算", "196.00")]),
    Defect("licence_validity", B, _replace("licence", "至2029年6月12日", "至2027年6月12日"),
           [("GM-W620", LIC, "至2027年6月12日")]),
    Defect("licence_expired", B, _replace("licence", "至2029年6月12日", "至2023年6月12日"),
           [("GM-W629", LIC, "至2023年6月12日")],
           input_edit=[("valid_to: 2029-06-12", "valid_to: 2023-06-12")]),
    Defect("period", B, _replace("period", "2023年10月至2025年12月", "2023年10月至2026年12月"),
           [("GM-W620", "（四）实施期限", "2023年10月至2026年12月")]),
    Defect("task_count", B, _replace("estimate", "建设任务15项", "建设任务18项"),
           [("GM-W620", "（一）投资概算", "建设任务18项")]),
    Defect("review_date", B, _set(preface=[PREFACE[0], PREFACE[1].replace("2023年6月16日", "2023年7月16日")]),
           [("GM-W620", "前  言", "2023年7月16日")]),
    Defect("revisions", B, _set(revision=("scope", "（含矿区道路）", "，设计生产规模150万吨/年")),
           [("GM-W630", "（三）方案范围", "本方案适用于")]),
    Defect("comments", B, _set(comments=[("scope", "范围是否包括排土场？"), ("estimate", "请核对投资合计")]),
           [("GM-W631", "（三）方案范围", "本方案适用于"), ("GM-W631", "（一）投资概算", "方案共安排")]),
    Defect("duplicate_chapter", B, _duplicate_chapter("safeguards"),
           [("GM-W625", "十、组织实施与保障措施", None)]),
    Defect("indicator_section_missing", B, _drop_section_heading("t4"),
           [("GM-W626", "五、重点建设任务", None)]),
]


# ------------------------------------------------------------------ the corpus

def clean_plans() -> list[tuple[str, Plan]]:
    return [(st.name, plan_for(st)) for st in STYLES]


def defective_plans() -> list[tuple[Defect, Plan]]:
    out = []
    for d in DEFECTS:
        plan = plan_for(STYLE[d.style])
        d.edit(plan)
        out.append((d, plan))
    return out


EXPECTED_CLEAN: dict[str, Expected] = {
    # chapter titles in words no alias lists: matched by meaning and content, said as info
    "unlisted_wording": [("GM-I623", "三、存在问题及差距", None), ("GM-I623", "五、绿色矿山重点建设工程", None),
                         ("GM-I623", "六、建设时序安排", None)],
}


def write_all(folder: Path) -> dict[str, tuple[Path, Expected, list[tuple[str, str]]]]:
    """Every plan written into ``folder``: name -> (path, expected findings, input edits)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, plan in clean_plans():
        out[f"clean-{name}"] = (write_plan(plan, folder / f"clean-{name}.docx"),
                                EXPECTED_CLEAN.get(name, []), [])
    for d, plan in defective_plans():
        out[f"defect-{d.name}"] = (write_plan(plan, folder / f"defect-{d.name}.docx"), d.expected,
                                   d.input_edit)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "plans-out")
    for path, expected, _edits in write_all(target).values():
        print(f"{path}  {expected}")
