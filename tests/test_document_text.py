"""The documents of both bundled examples read as a careful preparer wrote them (issue 16):
no word of the program, no citation the data does not hold, no space between a number and
Chinese text, no bullets — checked on the built DOCX and XLSX files, every piece of text an
official can see (body, tables, headers, footers, visible sheets, properties)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from document_text import (bullet_numbering, bullets, pieces, program_in_package, program_voice,
                           spaced_numbers, uncited)
from greenmine_docs.api import build
from greenmine_docs.citations import builtin, read_list, title_key

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["shanxi-limestone", "inner-mongolia-coal"]


def _input_text(folder: Path) -> str:
    """Everything the user wrote: the input, its Markdown files and its citation list."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.suffix in (".yaml", ".yml", ".md"))


@pytest.fixture(scope="module", params=EXAMPLES)
def built(request, tmp_path_factory) -> tuple[str, list[Path], str]:
    folder = ROOT / "examples" / request.param
    out = tmp_path_factory.mktemp(request.param)
    result = build(folder / "mine.yaml", out)
    assert result.report.valid and not result.report.warnings, [
        str(f) for f in result.report.findings if f.severity.value != "info"]
    files = [p for p in result.written if p.suffix in (".docx", ".xlsx")]
    # plan, self-check (XLSX + DOCX), report, score sheet; and the 自评报告 where there is one
    count = 6 if "self_evaluation:" in (folder / "mine.yaml").read_text(encoding="utf-8") else 5
    assert {p.suffix for p in files} == {".docx", ".xlsx"} and len(files) == count
    return request.param, files, _input_text(folder)


def _all(files: list[Path]):
    return [piece for f in files for piece in pieces(f)]


def test_the_program_never_speaks(built) -> None:
    _, files, text = built
    allowed = set(re.findall(r"[A-Za-z]{2,}", text))
    allowed |= {w for c in builtin() for w in re.findall(r"[A-Za-z]{2,}", c.number)}
    bad = program_voice(_all(files), allowed)
    assert not bad, "\n".join(map(str, bad))


def test_no_part_of_a_package_names_the_program(built) -> None:
    """Not even the hidden sheet a self-check table or score sheet is read back with: an
    official who shows hidden sheets, or opens the package, finds no program named."""
    _, files, _ = built
    found = [hit for f in files for hit in program_in_package(f)]
    assert not found, "\n".join(found)


def test_everything_cited_is_in_the_data(built) -> None:
    name, files, text = built
    titles = {title_key(c.title) for c in builtin()}
    own = ROOT / "examples" / name / "citations.yaml"
    if own.exists():
        titles |= {title_key(c.title) for c in read_list(own)}
    bad = uncited(_all(files), titles, text)
    assert not bad, "\n".join(map(str, bad))


def test_numbers_in_chinese_text_take_no_spaces(built) -> None:
    _, files, _ = built
    bad = spaced_numbers(_all(files))
    assert not bad, "\n".join(map(str, bad))


def test_no_bullets(built) -> None:
    _, files, _ = built
    bad = bullets(_all(files))
    assert not bad, "\n".join(map(str, bad))
    for f in files:
        assert not bullet_numbering(f), f.name


# -- the rules themselves catch what they are for ---------------------------------------------
def test_the_rules_catch_what_they_are_for() -> None:
    from document_text import Piece

    def p(text: str, caption: bool = False) -> Piece:
        return Piece("x.docx", "正文", text, caption)

    assert program_voice([p("由本工具编写")], set())
    assert program_voice([p("以 greenmine report 生成的评估报告为准")], {"greenmine"})
    assert program_voice([p("see the report")], set())
    assert not program_voice([p("GNSS位移监测")], {"GNSS"})
    assert uncited([p("《绿色矿山第三方评估工作要求》")], set(), "")
    assert uncited([p("（晋自然资发〔2099〕7号）")], set(), "")
    assert not uncited([p("《水泥灰岩绿色矿山建设规范》（DZ/T 0318-2018）")],
                       {title_key("水泥灰岩绿色矿山建设规范")}, "")
    assert spaced_numbers([p("评估组由 6 人组成")]) and spaced_numbers([p("120 万吨/年")])
    assert not spaced_numbers([p("表1  企业基本信息表", caption=True), p("GB 4915-2013")])
    assert bullets([p("● 第一项")]) and bullets([p("- 第二项")]) and not bullets([p("（1）第一项")])
