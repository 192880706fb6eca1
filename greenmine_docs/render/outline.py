"""A document's outline as data (``templates/<document>/outline.yaml``), for every document
that has one (the implementation plan, the self-evaluation report, the zone plan).

One file is the single source of truth for a document's structure: the generator writes the
chapters and sections in its order and numbering, the document's checks ask every required
section for content, and ``greenmine check`` (officials) matches the headings of a hand-written
document against the chapter titles and their accepted alternatives (``aliases``). The format is
documented in ``docs/outline.md``. What may fill a section differs per document: each passes its
own :class:`OutlineKind` (its ``fill`` sources and its built-in file).

Use::

    outline = load_outline(None, PLAN_KIND)        # the built-in reference outline
    outline = load_outline(path, PLAN_KIND)        # a province's / an enterprise's own outline
    outline.match_chapter("三、现状与差距分析")   # -> Chapter(key="gap", ...) via aliases
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import ConfigError, InputError
from ..frozen import frozen

FORMAT_TAG = "greenmine-outline/1"

PLAN_FILL_SOURCES: dict[str, str] = {
    "narrative": "企业编写的叙述文字（plan.narrative.<节 key>，Markdown 或 .md 文件）",
    "facts:period": "方案期限（plan.period）",
    "facts:enterprise": "企业信息（enterprise）",
    "facts:licence": "采矿许可证与矿山位置（mine）",
    "facts:reserves": "资源储量（reserves）",
    "table:gaps": "差距分析表（plan.gaps，按指标编号）",
    "table:targets": "量化目标表（plan.targets）",
    "table:tasks": "该一级指标的建设任务表（plan.tasks）",
    "table:schedule": "进度安排表（plan.tasks 的起止时间）",
    "chart:gantt": "进度横道图（由 plan.tasks 生成）",
    "table:milestones": "关键节点表（plan.milestones）",
    "table:investment_by_category": "分类投资估算表（plan.tasks 按一级指标汇总）",
    "table:investment_by_year": "分年度投资计划表（plan.tasks 按年度汇总）",
    "table:funding": "资金筹措表（plan.funding）",
    "table:task_list": "建设任务一览表（plan.tasks 全部字段）",
}
"""Every value ``fill`` may hold in the plan's outline, with what it means (shown in docs and
error messages)."""

REPEATS = {"first_level_indicators": "评价指标体系的每个一级指标各一节（节标题为指标名称）"}


@frozen(quick_init=False)
class OutlineKind:
    """What one document's outline may say: its ``fill`` sources (value -> Chinese meaning) and
    where its built-in outline lives (``templates/<folder>/<file>``)."""

    fill_sources: dict[str, str]
    builtin: tuple[str, str]


PLAN_KIND = OutlineKind(PLAN_FILL_SOURCES, ("implementation_plan", "outline.yaml"))

SELF_EVALUATION_FILL_SOURCES: dict[str, str] = {
    "narrative": "企业编写的叙述文字（self_evaluation.narrative.<节 key>，Markdown 或 .md 文件）",
    "facts:basis": "自评依据：通知、评价指标体系、行业标准（campaign、mine）",
    "facts:team": "自评工作组（self_evaluation.team、date）",
    "facts:enterprise": "企业信息（enterprise）",
    "facts:licence": "采矿许可证与矿山位置（mine）",
    "facts:reserves": "资源储量（reserves）",
    "table:conditions": "六项遴选条件及佐证（eligibility）",
    "facts:indicator_score": "该一级指标的分值与自评得分（评分结果）",
    "table:prerequisites": "先决条件逐项判定（self_evaluation / self_check 的 prerequisites）",
    "table:score_summary": "各一级指标得分汇总表（评分结果）",
    "text:scoring": "折算方法、达标线和一级指标得分率要求（评分结果）",
    "table:items": "该一级指标逐项得分表（评分结果）",
    "table:problems": "存在问题及整改措施表（self_evaluation.problems，或 self_check 中的问题）",
    "text:conclusion": "由评分结果得出的自评结论",
    "list:attachments": "佐证材料清单（self_evaluation.attachments）",
    "figures:photos": "照片（self_evaluation.photos）",
}
SELF_EVALUATION_KIND = OutlineKind(SELF_EVALUATION_FILL_SOURCES,
                                   ("self_evaluation", "outline.yaml"))
"""The self-evaluation report's outline (its document: :mod:`greenmine_docs.documents.selfeval`)."""

ZONE_FILL_SOURCES: dict[str, str] = {
    "narrative": "编写的叙述文字（narrative.<节 key>，Markdown 或 .md 文件）",
    "facts:period": "建设期限与示范区范围（period、extent）",
    "table:by_mineral": "按矿种统计的矿山数、储量和产量（由各矿山输入计算）",
    "table:reserves": "剩余可采储量与年开采量合计（换算为同一单位）",
    "table:mine_list": "矿山基本情况表（各矿山输入）",
    "table:by_scale": "按生产规模和开采方式统计的矿山数",
    "table:by_county": "按县（市、区）统计的矿山分布",
    "table:by_level": "按绿色矿山名录级别统计的矿山数",
    "table:conditions": "六项遴选条件逐矿符合情况（各矿山的遴选条件检查）",
    "table:failing": "不符合遴选条件的矿山及原因、无法读取的矿山文件",
    "table:targets": "建设目标表（targets，基期值与目标值）",
    "table:task_projects": "该任务的重点工程（projects 中 task 为该节 key 的工程）",
    "table:projects": "重点工程一览表（projects）",
    "chart:gantt": "重点工程进度横道图（projects 的起止时间）",
    "table:investment_by_year": "分年度投资计划表（projects 按年度汇总）",
    "table:mine_details": "示范区矿山一览表（各矿山输入的全部主要字段）",
}
ZONE_KIND = OutlineKind(ZONE_FILL_SOURCES, ("zone_plan", "outline.yaml"))
"""The demonstration-zone plan's outline (its document: :mod:`greenmine_docs.documents.zone`)."""
KINDS = {"plan": PLAN_KIND, "self-eval": SELF_EVALUATION_KIND, "zone-plan": ZONE_KIND}
"""Every document with an outline, by the name ``greenmine check --kind`` uses."""

_TOP_KEYS = {"format", "id", "title", "official", "note", "front_matter", "chapters"}
_CHAPTER_KEYS = {"key", "title", "aliases", "required", "numbered", "sections"}
_SECTION_KEYS = {"key", "title", "aliases", "required", "fill", "repeat"}
_FRONT = {"cover", "toc"}
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@frozen(quick_init=False)
class Section:
    key: str
    title: str | None  # None for a repeated section: one per first-level indicator
    aliases: tuple[str, ...] = ()
    required: bool = True
    fill: tuple[str, ...] = ("narrative",)
    repeat: str | None = None

    @property
    def titles(self) -> tuple[str, ...]:
        return ((self.title,) if self.title else ()) + self.aliases


@frozen(quick_init=False)
class Chapter:
    key: str
    title: str
    sections: tuple[Section, ...]
    aliases: tuple[str, ...] = ()
    required: bool = True
    numbered: bool = True

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title,) + self.aliases


@frozen(quick_init=False)
class Outline:
    id: str
    title: str
    chapters: tuple[Chapter, ...]
    official: bool = False
    note: str = ""
    front_matter: tuple[str, ...] = ("cover", "toc")
    source: str = ""

    def sections(self) -> Iterator[tuple[Chapter, Section]]:
        for chapter in self.chapters:
            for section in chapter.sections:
                yield chapter, section

    def section(self, key: str) -> Section | None:
        return next((s for _, s in self.sections() if s.key == key), None)

    @property
    def section_keys(self) -> list[str]:
        return [s.key for _, s in self.sections()]

    def match_chapter(self, heading: str) -> Chapter | None:
        """The chapter a heading (numbered or not) names, through its title or aliases."""
        text = normalize_title(heading)
        for chapter in self.chapters:
            if text in {normalize_title(t) for t in chapter.titles}:
                return chapter
        return None

    def match_section(self, chapter: Chapter, heading: str) -> Section | None:
        text = normalize_title(heading)
        for section in chapter.sections:
            if text in {normalize_title(t) for t in section.titles}:
                return section
        return None


_NUMBER_PREFIX = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节部分]\s*"
    r"|[一二三四五六七八九十百零〇]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十百零〇\d]+\s*[)）]"
    r"|\d+(?:\.\d+)*(?:\s*[.、．]|\s+))\s*")


def normalize_title(text: str) -> str:
    """Heading text without its number, spaces and trailing punctuation, for matching:
    ``"三、 现状与差距 分析"`` -> ``"现状与差距分析"``."""
    t = _NUMBER_PREFIX.sub("", str(text), count=1)
    t = re.sub(r"[\s\u3000]+", "", t)
    return t.rstrip("：:。.")


# -- loading -------------------------------------------------------------------------------


class _Problems:
    def __init__(self, locate: Any, source: str, kind: OutlineKind) -> None:
        self.locate = locate
        self.source = source
        self.kind = kind
        self.items: list[str] = []

    def add(self, path: tuple, message: str) -> None:
        loc = self.locate(path)
        where = f"第 {loc.line} 行" if getattr(loc, "line", None) else str(loc)
        self.items.append(f"{where}：{message}")


def _texts(value: Any, path: tuple, what: str, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add(path, f"{what}应是文字列表，例如 [前言, 总则]。")
        return ()
    return tuple(v.strip() for v in value)


def _flag(d: dict, key: str, default: bool, path: tuple, problems: _Problems) -> bool:
    value = d.get(key, default)
    if not isinstance(value, bool):
        problems.add((*path, key), f"{key} 应是 true 或 false。")
        return default
    return value


def _unknown(d: dict, allowed: set[str], path: tuple, what: str, problems: _Problems) -> None:
    for k in d:
        if k not in allowed:
            problems.add((*path, k), f"{what}中有未知字段“{k}”（可用：{'、'.join(sorted(allowed))}）。")


def _section(d: Any, path: tuple, seen: set[str], problems: _Problems) -> Section | None:
    if not isinstance(d, dict):
        problems.add(path, "每一节应是“字段: 值”的映射。")
        return None
    _unknown(d, _SECTION_KEYS, path, "节", problems)
    key = d.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        problems.add((*path, "key"), "节的 key 应是小写英文字母、数字和下划线，例如 purpose。")
        return None
    if key in seen:
        problems.add((*path, "key"), f"key “{key}” 重复；每章、每节的 key 必须唯一。")
    seen.add(key)
    repeat = d.get("repeat")
    if repeat is not None and repeat not in REPEATS:
        problems.add((*path, "repeat"), f"repeat 只能是：{'、'.join(REPEATS)}。")
        repeat = None
    title = d.get("title")
    if repeat is None and (not isinstance(title, str) or not title.strip()):
        problems.add((*path, "title"), f"节“{key}”缺少标题（title）。")
        title = key
    fill = d.get("fill", ["narrative"])
    if not isinstance(fill, list) or not fill:
        problems.add((*path, "fill"), "fill 应是非空列表，例如 [narrative]。")
        fill = ["narrative"]
    sources = problems.kind.fill_sources
    for i, f in enumerate(fill):
        if f not in sources:
            problems.add((*path, "fill", i), f"未知的内容来源“{f}”；可用：{'、'.join(sources)}。")
    return Section(key=key, title=title.strip() if isinstance(title, str) else None,
                   aliases=_texts(d.get("aliases"), (*path, "aliases"), "aliases", problems),
                   required=_flag(d, "required", True, path, problems),
                   fill=tuple(f for f in fill if f in sources), repeat=repeat)


def _chapter(d: Any, path: tuple, seen: set[str], problems: _Problems) -> Chapter | None:
    if not isinstance(d, dict):
        problems.add(path, "每一章应是“字段: 值”的映射。")
        return None
    _unknown(d, _CHAPTER_KEYS, path, "章", problems)
    key = d.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        problems.add((*path, "key"), "章的 key 应是小写英文字母、数字和下划线，例如 general。")
        return None
    if key in seen:
        problems.add((*path, "key"), f"key “{key}” 重复；每章、每节的 key 必须唯一。")
    seen.add(key)
    title = d.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.add((*path, "title"), f"章“{key}”缺少标题（title）。")
        title = key
    raw_sections = d.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.add((*path, "sections"), f"章“{key}”至少应有一节（sections）。")
        raw_sections = []
    sections = [_section(s, (*path, "sections", i), seen, problems)
                for i, s in enumerate(raw_sections)]
    return Chapter(key=key, title=title.strip(), sections=tuple(s for s in sections if s),
                   aliases=_texts(d.get("aliases"), (*path, "aliases"), "aliases", problems),
                   required=_flag(d, "required", True, path, problems),
                   numbered=_flag(d, "numbered", True, path, problems))


def outline_from_data(data: Any, locate: Any, source: str, kind: OutlineKind = PLAN_KIND
                      ) -> Outline:
    """Check plain data and build an :class:`Outline`; every problem is collected and raised
    together as one :class:`ConfigError`."""
    problems = _Problems(locate, source, kind)
    if not isinstance(data, dict):
        raise ConfigError(f"提纲文件 {source} 的顶层应是映射（format、id、title、chapters …）。",
                          hint="参考 greenmine templates export 导出的 outline.yaml。")
    _unknown(data, _TOP_KEYS, (), "提纲", problems)
    if data.get("format") != FORMAT_TAG:
        problems.add(("format",), f"format 应为 {FORMAT_TAG}。")
    front = _texts(data.get("front_matter", ["cover", "toc"]), ("front_matter",), "front_matter",
                   problems)
    for f in front:
        if f not in _FRONT:
            problems.add(("front_matter",), f"front_matter 只能包含 cover、toc，不能是“{f}”。")
    seen: set[str] = set()
    raw_chapters = data.get("chapters")
    if not isinstance(raw_chapters, list) or not raw_chapters:
        problems.add(("chapters",), "提纲至少应有一章（chapters）。")
        raw_chapters = []
    chapters = [_chapter(c, ("chapters", i), seen, problems) for i, c in enumerate(raw_chapters)]
    if problems.items:
        raise ConfigError(f"提纲文件 {source} 有 {len(problems.items)} 处问题：\n" +
                          "\n".join(problems.items),
                          hint="格式说明见 docs/outline.md；可从 greenmine templates export 导出的 "
                               "outline.yaml 开始修改。", location=source)
    return Outline(id=str(data.get("id") or Path(source).stem), title=str(data.get("title") or ""),
                   chapters=tuple(c for c in chapters if c), official=bool(data.get("official")),
                   note=str(data.get("note") or ""), front_matter=front, source=source)


def default_outline_path(kind: OutlineKind = PLAN_KIND) -> Path:
    from ..resources import template_path

    return template_path(*kind.builtin)


def load_outline(path: str | Path | None = None, kind: OutlineKind = PLAN_KIND) -> Outline:
    """Load and check an outline file of a document ``kind`` (its built-in reference outline
    when ``path`` is None). Raises :class:`ConfigError` listing every problem with its line."""
    from ..load.yaml_input import read_yaml
    from ..safety.inputs import input_stat, real_path

    path = Path(path) if path is not None else default_outline_path(kind)
    try:  # an Outline is immutable: one parse per file version and process (batch runs)
        st = input_stat(path)  # (each once in a batch's mine: safety.inputs.one_look)
        key: tuple[Any, ...] | None = (str(path), real_path(path), st.st_mtime_ns,
                                       st.st_size, kind.builtin)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    try:
        raw = read_yaml(path)
    except InputError as e:
        raise ConfigError(f"提纲文件无法读取：{e.message}", hint=e.hint, location=e.location) from e
    outline = outline_from_data(raw.data, raw.locate, str(path), kind)
    if key is not None:
        if len(_LOADED) >= 32:
            _LOADED.clear()
        _LOADED[key] = outline
    return outline


_LOADED: dict[tuple[Any, ...], Outline] = {}
