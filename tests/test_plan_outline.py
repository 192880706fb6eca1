"""The outline is data: the reference outline loads, matches hand-written headings through its
aliases, and a broken outline is refused with every problem and its line."""
from __future__ import annotations

import pytest

from greenmine_docs.errors import ConfigError
from greenmine_docs.documents.plan.outline import (FILL_SOURCES, load_outline, normalize_title)


def test_reference_outline_structure():
    o = load_outline()
    assert o.id == "reference-2023" and not o.official
    assert [c.title for c in o.chapters] == [
        "总论", "矿山基本情况", "绿色矿山建设现状与差距分析", "建设目标", "建设任务",
        "实施计划与进度安排", "投资估算与资金筹措", "效益分析", "保障措施", "附表与附图"]
    keys = o.section_keys
    assert len(keys) == len(set(keys))
    assert o.section("tasks_by_indicator").repeat == "first_level_indicators"
    assert o.section("supervision").required is False
    assert o.chapters[-1].numbered is False and o.chapters[-1].required is False
    for _, s in o.sections():
        assert set(s.fill) <= set(FILL_SOURCES)
    assert o.front_matter == ("cover", "toc")


def test_matching_headings_through_aliases():
    o = load_outline()
    assert o.match_chapter("三、现状与差距分析").key == "gap"
    assert o.match_chapter("第一章 前言").key == "general"
    assert o.match_chapter("（七）投资估算 及 资金来源").key == "investment"  # spaces ignored
    assert o.match_chapter("7. 投资与效益") is None
    chapter = o.match_chapter("一、总论")
    assert o.match_section(chapter, "（二）编制依据与原则").key == "basis"
    assert normalize_title("2023年工作计划") == "2023年工作计划"


def test_broken_outline_lists_every_problem_with_lines(tmp_path):
    path = tmp_path / "outline.yaml"
    path.write_text(
        "format: greenmine-outline/1\n"
        "chapters:\n"
        "  - key: general\n"
        "    title: 总论\n"
        "    sections:\n"
        "      - key: purpose\n"
        "        fill: [narrative, table:unknown]\n"
        "      - key: purpose\n"
        "        title: 重复\n"
        "  - key: Bad Key\n"
        "    title: x\n"
        "    sections: []\n"
        "    colour: red\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_outline(path)
    text = str(err.value)
    assert "缺少标题" in text and "table:unknown" in text and "重复" in text
    assert "key 应是小写" in text and "第 7 行" in text


def test_custom_outline_is_accepted(tmp_path):
    path = tmp_path / "province.yaml"
    path.write_text(
        "format: greenmine-outline/1\nid: demo\ntitle: 某省提纲\nchapters:\n"
        "  - key: intro\n    title: 概述\n    sections:\n"
        "      - key: purpose\n        title: 目的\n", encoding="utf-8")
    o = load_outline(path)
    assert o.id == "demo" and o.section_keys == ["purpose"]
