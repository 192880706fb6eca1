"""``greenmine check``: plans written in Word however the author marked the headings."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from fixtures.officials.helpers import invoke
from fixtures.officials.plans import (FACTS, PLAN, chapter_span, content, replace_text,
                                      write_plan)
from greenmine_docs.errors import ConfigError, InputError
from greenmine_docs.officials.check import check_document
from greenmine_docs.officials.placeholders import placeholders_in
from greenmine_docs.officials.docx_structure import read_structure
from greenmine_docs.officials.numbering import cn_to_int, parse_number

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "shanxi-limestone" / "mine.yaml"


def codes(report) -> list[str]:
    return [f.code for f in report.findings]


def only(report, code: str):
    found = [f for f in report.findings if f.code == code]
    assert found, f"no {code} in {[str(f) for f in report.findings]}"
    return found


# --- number parsing ------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("第一章 总论", ("chapter", (1,), "总论")),
    ("第十二章　保障措施", ("chapter", (12,), "保障措施")),
    ("三、建设目标", ("cn", (3,), "建设目标")),
    ("（二）编制依据", ("cn_paren", (2,), "编制依据")),
    ("(十一)其他", ("cn_paren", (11,), "其他")),
    ("3.交通位置", ("arabic", (3,), "交通位置")),
    ("（4）排土场", ("arabic_paren", (4,), "排土场")),
    ("2.3.1 边坡", ("decimal3", (2, 3, 1), "边坡")),
    ("1 概述", ("decimal1", (1,), "概述")),
    ("第二节 地质", ("section", (2,), "地质")),
])
def test_parse_number(text, expected) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["矿山概况", "2023年计划", "3.5万吨", "一般规定如下"])
def test_not_numbers(text) -> None:
    assert parse_number(text) is None


def test_cn_to_int() -> None:
    assert [cn_to_int(t) for t in ("一", "十", "十二", "二十", "二十三", "一百零五", "两")] == \
        [1, 10, 12, 20, 23, 105, 2]


# --- the three ways of marking headings ------------------------------------------------------

@pytest.mark.parametrize("mode", ["style", "bold", "auto"])
def test_complete_plan_passes_in_every_heading_mode(tmp_path: Path, mode: str) -> None:
    doc = write_plan(tmp_path / f"{mode}.docx", content(appendix=True), mode=mode)
    report = check_document(doc)
    assert report.findings == [], [str(f) for f in report.findings]
    structure = read_structure(doc)
    chapters = [h for h in structure.headings if h.level == 1]
    assert [h.title for h in chapters][:3] == ["总论", "矿山概况", "现状与差距分析"]
    assert len(chapters) == 10 and len(structure.headings) == 10 + sum(len(s) for _, s in PLAN) + 2


def test_automatic_numbering_is_recognised(tmp_path: Path) -> None:
    doc = write_plan(tmp_path / "auto.docx", content(), mode="auto")
    body = Document(str(doc)).paragraphs
    assert body[1].text == "总论"  # the number is not in the text: Word draws it
    heads = read_structure(doc).headings
    assert all(h.source == "auto" for h in heads)
    assert [(h.label, h.level) for h in heads[:3]] == [("一、", 1), ("（一）", 2), ("（二）", 2)]
    assert heads[-1].display == "（四）监督考核" and heads[-5].display == "九、保障措施"


def test_auto_numbered_chapter_scheme(tmp_path: Path) -> None:
    doc = write_plan(tmp_path / "auto2.docx", content(appendix=True), mode="auto", scheme="chapter")
    heads = read_structure(doc).headings
    assert heads[0].label == "第一章" and heads[1].label == "一、" and heads[1].level == 2
    assert check_document(doc).findings == []


def test_bold_headings_missing_chapter_is_named(tmp_path: Path) -> None:
    doc = write_plan(tmp_path / "手写.docx", content(skip_chapter="投资估算"), mode="bold")
    code, out, err = invoke(["check", doc])
    assert code == 1, out + err
    assert "GM-E611" in out
    assert "缺少第 7 章「投资估算与资金筹措" in out
    assert "应位于「六、实施计划与进度安排」之后" in out
    report = check_document(doc)
    assert [f.code for f in report.errors] == ["GM-E611"]


def test_chapter_scheme_with_typed_numbers(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    doc = write_plan(tmp_path / "章.docx", blocks, mode="bold", scheme="chapter")
    heads = read_structure(doc).headings
    assert heads[0].display == "第一章 总论" and heads[1].display == "一、编制目的"
    assert check_document(doc).findings == []


def test_document_title_as_heading_1(tmp_path: Path) -> None:
    """Some authors put the plan's title in Heading 1 and the chapters in Heading 2."""
    blocks = [("raw", 1, "青岚山水泥用灰岩矿绿色矿山建设实施方案")]
    blocks += [(b[0], b[1] + 1, b[2]) if b[0] == "h" else b for b in content(appendix=True)]
    doc = write_plan(tmp_path / "t.docx", blocks, mode="style")
    assert check_document(doc).findings == []


def test_run_in_headings_and_manual_toc(tmp_path: Path) -> None:
    """A bold number+title followed by body text in the same paragraph is a heading with
    content; a typed table of contents does not count as headings."""
    doc = Document()
    doc.add_paragraph("目  录")
    for i, (chapter, _) in enumerate(PLAN, start=1):
        doc.add_paragraph(f"{'一二三四五六七八九'[i - 1]}、{chapter}………………{i * 3}")
    for i, (chapter, sections) in enumerate(PLAN, start=1):
        doc.add_paragraph().add_run(f"{'一二三四五六七八九'[i - 1]}、{chapter}").bold = True
        for j, s in enumerate(sections, start=1):
            p = doc.add_paragraph()
            p.add_run(f"（{'一二三四五六七八九'[j - 1]}）{s}。").bold = True
            p.add_run(FACTS if s == "矿山及采矿权概况" else f"本企业{s}工作已安排专人负责。")
    path = tmp_path / "runin.docx"
    doc.save(str(path))
    report = check_document(path)
    assert codes(report) == ["GM-I622"], [str(f) for f in report.findings]  # optional appendix
    heads = read_structure(path).headings
    assert heads[1].title == "编制目的" and heads[1].inline_body


# --- other wording ---------------------------------------------------------------------------

def test_alternative_titles_and_similar_wording(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    i = blocks.index(("h", 1, "效益分析"))
    blocks[i] = ("h", 1, "效益分析及评价")  # not an alias: matched by similarity
    doc = write_plan(tmp_path / "w.docx", blocks)
    report = check_document(doc)
    assert report.valid
    assert [f.code for f in report.findings] == ["GM-I623"]
    assert "「八、效益分析及评价」按提纲中的「效益分析」认定" in report.findings[0].message


def test_unrelated_chapter_is_reported_as_extra(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    blocks[-2:-2] = [("h", 1, "安全生产标准化建设情况"), ("p", "已通过三级标准化评审。")]
    report = check_document(write_plan(tmp_path / "x.docx", blocks))
    assert "GM-I624" in codes(report) and report.valid


# --- structure problems ----------------------------------------------------------------------

def test_order_empty_duplicate(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    i, j = chapter_span(blocks, "建设目标")
    goals = blocks[i:j]
    del blocks[i:j]
    k, l_ = chapter_span(blocks, "主要建设内容")
    blocks[l_:l_] = goals  # 建设目标 now after 主要建设内容
    idx = blocks.index(("h", 2, "适用范围"))
    del blocks[idx + 1]  # empty section
    blocks += [("h", 1, "保障措施"), ("p", "重复的一章。")]
    report = check_document(write_plan(tmp_path / "o.docx", blocks))
    (order,) = only(report, "GM-W613")
    assert "「五、建设目标」" in order.message and "提纲中它是第 4 章" in order.message
    assert order.location.part == "五、建设目标"
    (empty,) = only(report, "GM-W614")
    assert empty.location.part == "（三）适用范围"
    (dup,) = only(report, "GM-W625")
    assert "「十一、保障措施」与「九、保障措施」" in dup.message
    assert report.valid  # warnings only


def test_numbering_skips_repeats_and_level_jumps(tmp_path: Path) -> None:
    blocks = [("raw", 1, "一、总论"), ("raw", 2, "（一）编制目的"), ("p", "正文。"),
              ("raw", 2, "（二）编制依据"), ("p", "正文。"), ("raw", 2, "（四）适用范围"),
              ("p", "正文。"), ("raw", 2, "（四）方案期限"), ("p", "正文。"),
              ("raw", 1, "二、矿山概况"), ("raw", 3, "1.企业概况"), ("p", "正文。"),
              ("raw", 2, "（一）矿山及采矿权概况"), ("p", FACTS), ("raw", 3, "1.矿区位置"),
              ("p", "正文。"), ("raw", 3, "3.交通"), ("p", "正文。"),
              ("raw", 1, "四、现状与差距分析"), ("p", "正文。")]
    report = check_document(write_plan(tmp_path / "n.docx", blocks, typed_numbers=False))
    msgs = [f.message for f in report.findings if f.code == "GM-W615"]
    assert "编号跳号：「（二）编制依据」之后是「（四）适用范围」，缺少「（三）」。" in msgs
    assert "编号重复：「（四）方案期限」与上一个同级标题编号相同。" in msgs
    assert "编号跳号：「1.矿区位置」之后是「3.交通」，缺少「2.」。" in msgs
    assert "编号跳号：「二、矿山概况」之后是「四、现状与差距分析」，缺少「三、」。" in msgs
    (jump,) = only(report, "GM-W616")
    assert jump.location.part == "1.企业概况"
    assert jump.message == "「1.企业概况」直接跟在「二、矿山概况」之后，跳过了“（一）”标题。"
    e612 = [f.message for f in report.findings if f.code == "GM-E612"]
    assert any("缺少节「矿区地质与资源储量" in m for m in e612)


def test_word_heading_levels_that_jump(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    i = blocks.index(("h", 2, "编制目的"))
    blocks[i] = ("h", 3, "编制目的")  # Heading 1 → Heading 3
    doc = write_plan(tmp_path / "s.docx", blocks, mode="style", typed_numbers=False)
    report = check_document(doc)
    assert codes(report) == ["GM-W616"]
    assert report.findings[0].message == "「编制目的」直接跟在「总论」之后，跳过了第 2 级标题。"


def test_no_headings_at_all(tmp_path: Path) -> None:
    doc = Document()
    for _ in range(3):
        doc.add_paragraph("本矿山将按照绿色矿山建设要求开展各项工作。")
    path = tmp_path / "plain.docx"
    doc.save(str(path))
    report = check_document(path)
    assert codes(report) == ["GM-E619"]


# --- placeholders ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("由XXX公司编制", ["XXX"]), ("联系人：××", ["××"]), ("某某单位", ["某某"]),
    ("电话【待补充】", ["【待补充】"]), ("投资额待补充。", ["待补充"]), ("xx矿", ["xx"]),
    ("使用Excel和X射线荧光仪", []), ("Linux 服务器", []), ("××× 和 某某", ["×××", "某某"]),
])
def test_placeholder_patterns(text, expected) -> None:
    assert placeholders_in(text) == expected


def test_placeholders_and_highlight_are_located(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    i = blocks.index(("h", 2, "编制依据"))
    blocks.insert(i + 2, ("p", "本方案由XXX设计院编制，审核人某某。"))
    blocks.insert(i + 3, ("hl", "此处为模板提示语"))
    blocks.insert(i + 4, ("table", [["项目", "投资（万元）"], ["道路硬化", "【金额】"]]))
    report = check_document(write_plan(tmp_path / "p.docx", blocks))
    placeholders = only(report, "GM-E617")
    assert len(placeholders) == 2
    assert "“XXX、某某”" in placeholders[0].message
    assert placeholders[0].location.part == "（二）编制依据"
    assert placeholders[0].location.paragraph == 7
    assert "表格中有占位文字“【金额】”" in placeholders[1].message
    (hl,) = only(report, "GM-W618")
    assert "此处为模板提示语" in hl.message and hl.location.part == "（二）编制依据"
    assert not report.valid


# --- key facts ---------------------------------------------------------------------------------

def test_facts_agree_with_input(tmp_path: Path) -> None:
    doc = write_plan(tmp_path / "f.docx", content(appendix=True))
    report = check_document(doc, input_path=EXAMPLE)
    assert report.findings == [], [str(f) for f in report.findings]


def test_facts_that_disagree(tmp_path: Path) -> None:
    blocks = content(appendix=True)
    for old, new in [("120万吨/年", "100万吨/年"), ("0.8625平方千米", "0.9平方千米"),
                     ("2460万吨", "2640万吨"), ("C1411002011031120107654", "C1411002011031120107655")]:
        blocks = replace_text(blocks, old, new)
    report = check_document(write_plan(tmp_path / "f2.docx", blocks), input_path=EXAMPLE)
    msgs = [f.message for f in only(report, "GM-W620")]
    assert len(msgs) == 4
    assert "采矿许可证号写作“C1411002011031120107655”，申报数据为“C1411002011031120107654”。" in msgs
    assert "生产规模写作“100万吨/年”，申报数据为 120万吨/年。" in msgs
    assert "矿区面积写作“0.9平方千米”，申报数据为 0.8625平方千米。" in msgs
    assert any(m.startswith("剩余可采储量写作“2640万吨”") for m in msgs)
    assert all(f.location.part == "（二）矿山及采矿权概况" for f in only(report, "GM-W620"))


def test_facts_in_other_units_and_rounding(tmp_path: Path) -> None:
    blocks = replace_text(content(appendix=True), "矿区面积0.8625平方千米", "矿区面积为86.25公顷")
    blocks = replace_text(blocks, "生产规模120万吨/年", "生产规模由60万吨/年扩大到120万t/a")
    report = check_document(write_plan(tmp_path / "u.docx", blocks), input_path=EXAMPLE)
    assert report.findings == [], [str(f) for f in report.findings]


def test_facts_missing_from_document(tmp_path: Path) -> None:
    blocks = replace_text(content(appendix=True), FACTS, "矿山位于文水县。")
    report = check_document(write_plan(tmp_path / "m.docx", blocks), input_path=EXAMPLE)
    infos = [f.message for f in only(report, "GM-I621")]
    # the mine's name is still in the title line; the four other facts are gone
    assert len(infos) == 4 and any("采矿许可证号" in m for m in infos)


def test_broken_input_is_exit_2(tmp_path: Path) -> None:
    doc = write_plan(tmp_path / "f.docx", content())
    bad = tmp_path / "mine.yaml"
    bad.write_text("schema_version: 1\ncampaign: {province: 山西省}\n", encoding="utf-8")
    code, _, err = invoke(["check", doc, "--input", bad])
    assert code == 2 and "无法用于核对关键信息" in err


# --- files, formats, outlines -------------------------------------------------------------------

def test_old_formats_and_broken_files(tmp_path: Path) -> None:
    for name, data in [("方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200),
                       ("方案.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200),
                       ("改了扩展名.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200)]:
        path = tmp_path / name
        path.write_bytes(data)
        code, _, err = invoke(["check", path])
        assert code == 2 and "另存为" in err and ".docx" in err, err
        assert "Traceback" not in err
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"PK\x03\x04 broken")
    code, _, err = invoke(["check", broken])
    assert code == 2 and "无法打开" in err
    with pytest.raises(InputError):
        check_document(tmp_path / "不存在.docx")


def test_json_html_and_several_files(tmp_path: Path) -> None:
    good = write_plan(tmp_path / "好.docx", content(appendix=True))
    blocks = content(skip_chapter="保障措施", appendix=True)
    blocks.insert(2, ("raw", 2, "（一）<script>alert(1)</script>"))
    bad = write_plan(tmp_path / "坏.docx", blocks)
    code, out, _ = invoke(["check", good, "--format", "json"])
    data = json.loads(out)
    assert code == 0 and data["valid"] is True and data["findings"] == []
    code, out, _ = invoke(["check", good, bad, "--format", "json"])
    data = json.loads(out)
    assert code == 1 and data["valid"] is False and len(data["reports"]) == 2
    assert any(f["code"] == "GM-E611" and "保障措施" in f["message"]
               for f in data["reports"][1]["findings"])
    html_path = tmp_path / "报告.html"
    code, _, err = invoke(["check", good, bad, "--format", "html", "-o", html_path])
    html = html_path.read_text(encoding="utf-8")
    assert code == 1 and "已写出" in err
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert html.count('<details class="file"') == 2 and "坏.docx" in html
    assert "缺少提纲规定的章" in html  # the code's title from the registry


def test_own_outline_file(tmp_path: Path) -> None:
    outline = tmp_path / "提纲.yaml"
    outline.write_text(
        "format: greenmine-outline/1\nid: city-demo\ntitle: 某市提纲\nchapters:\n"
        "  - key: general\n    title: 总论\n    sections:\n      - {key: purpose, title: 编制目的}\n"
        "  - key: safety\n    title: 安全生产\n    sections:\n      - {key: s1, title: 安全管理}\n",
        encoding="utf-8")
    doc = write_plan(tmp_path / "p.docx", content())
    report = check_document(doc, outline_path=outline)
    assert [f.message for f in report.errors] == ["缺少第 2 章「安全生产」，应位于「一、总论」之后。"]
    assert codes(report).count("GM-I624") == 8  # the other chapters are not in this outline
    broken = tmp_path / "坏提纲.yaml"
    broken.write_text("format: greenmine-outline/1\nchapters: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        check_document(doc, outline_path=broken)
    code, _, err = invoke(["check", doc, "--outline", broken])
    assert code == 2 and "提纲" in err


def test_our_generated_plan_passes_with_no_finding(tmp_path: Path) -> None:
    """The plan `greenmine plan` writes for the example satisfies its own outline, and the
    facts in it agree with the input it was made from."""
    out = tmp_path / "实施方案.docx"
    code, _, err = invoke(["plan", EXAMPLE, "-o", out])
    assert code == 0, err
    report = check_document(out, input_path=EXAMPLE)
    assert report.findings == [], [str(f) for f in report.findings]
    heads = read_structure(out).headings
    assert sum(1 for h in heads if h.level == 1) == 10 and len(heads) > 40
    code, stdout, _ = invoke(["check", out, "--input", EXAMPLE])
    assert code == 0 and "错误 0 项，警告 0 项，提示 0 项" in stdout


# --- odd numbering definitions and several files at once -------------------------------------

def _rewrite_parts(path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """``path`` with text replacements made in some of its XML parts (each must occur)."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            for old, new in edits.get(name, []):
                assert old.encode() in data, (name, old)
                data = data.replace(old.encode(), new.encode())
            zout.writestr(name, data)
    return path


def _odd_numbering(path: Path) -> Path:
    """An auto-numbered plan whose numbering says start=-50, ilvl="x", outline level "²"."""
    write_plan(path, content(appendix=True), mode="auto")
    return _rewrite_parts(path, {
        "word/numbering.xml": [('<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                                '<w:lvlText w:val="%1、"/>',
                                '<w:start w:val="-50"/><w:numFmt w:val="chineseCounting"/>'
                                '<w:lvlText w:val="%1、"/>'),
                               ('w:ilvl="1"', 'w:ilvl="x"')],
        "word/document.xml": [('<w:ilvl w:val="1"/>', '<w:ilvl w:val="一"/>'),
                              ("<w:numPr>", '<w:outlineLvl w:val="²"/><w:numPr>')],
    })


def test_odd_numbering_values_do_not_stop_the_check(tmp_path: Path) -> None:
    doc = _odd_numbering(tmp_path / "怪编号.docx")
    report = check_document(doc)  # no exception; the numbers are read as far as they go
    assert report.meta["headings"] > 0
    heads = read_structure(doc).headings
    # every numbered paragraph is still a heading; the broken levels all fall back to level 0
    assert len(heads) == sum(1 for b in content(appendix=True) if b[0] == "h")
    assert {h.source for h in heads} == {"auto"}
    code, out, err = invoke(["check", doc])
    assert code in (0, 1) and "Traceback" not in err and "内部错误" not in err


def test_long_digit_runs_in_headings(tmp_path: Path) -> None:
    """``第1111…章`` with thousands of digits is not a number (int() would refuse it)."""
    assert parse_number("第" + "1" * 5000 + "章 总论") is None
    assert parse_number("第12章 总论") == ("chapter", (12,), "总论")
    assert cn_to_int("1" * 20) is None


def test_one_unusable_file_among_several(tmp_path: Path) -> None:
    good = write_plan(tmp_path / "好.docx", content(appendix=True))
    odd = _odd_numbering(tmp_path / "怪编号.docx")
    old = tmp_path / "旧格式.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200)
    code, out, err = invoke(["check", good, old, odd, "--format", "json"])
    data = json.loads(out)
    assert code == 1 and "Traceback" not in err
    assert [Path(r["source"]).name for r in data["reports"]] == ["好.docx", "旧格式.docx",
                                                                  "怪编号.docx"]
    assert data["reports"][0]["findings"] == []
    (unusable,) = data["reports"][1]["findings"]
    assert unusable["code"] == "GM-E627" and "另存为" in unusable["hint"]
    assert "旧版 Word" in unusable["message"]
    assert all(f["code"] != "GM-E627" for f in data["reports"][2]["findings"])
    code, _, err = invoke(["check", old])  # alone, it is an unusable input: exit 2
    assert code == 2 and "另存为" in err


def test_diff_with_odd_numbering(tmp_path: Path) -> None:
    from greenmine_docs.officials.diff import diff_documents

    good = write_plan(tmp_path / "好.docx", content(appendix=True), mode="auto")
    result = diff_documents(good, _odd_numbering(tmp_path / "怪编号.docx"))
    assert result.chapters


def test_other_organisations_are_not_wrong_names(tmp_path: Path) -> None:
    """The consultancy, a bank or the parent group are other organisations, not the
    enterprise's name written wrong; a title naming another mine is a copied plan."""
    blocks = content(appendix=True)
    blocks.insert(3, ("p", "本方案由山西晋岚地质矿产技术咨询有限公司编制，山西青岚集团有限公司审定，"
                           "中国银行文水支行提供绿色信贷。"))
    report = check_document(write_plan(tmp_path / "o.docx", blocks), input_path=EXAMPLE)
    assert report.findings == [], [str(f) for f in report.findings]
    copied = write_plan(tmp_path / "c.docx", content(appendix=True),
                        title="文水县鑫源石料有限公司鑫源石料厂绿色矿山建设实施方案")
    (wrong,) = only(check_document(copied, input_path=EXAMPLE), "GM-W620")
    assert "方案名称中的矿山写作“文水县鑫源石料有限公司鑫源石料厂”" in wrong.message
