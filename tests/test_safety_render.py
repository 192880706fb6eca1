"""Data is never executed: template syntax, XML specials, emoji and formula-looking text put
into many fields of the example come out literally in every generated document — body, tables,
headers, footers, footnotes and document properties, built-in and user templates alike."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, run_cli
from safety_helpers import (FORMULA, NASTY, assert_not_executed, docx_paragraphs,
                            edit_example, nasty_everywhere, xlsx_cells, xml_texts)


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    """The example with hostile text in ~25 fields, built once: (input, {kind: file})."""
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("nasty")
    path = edit_example(root / "project", nasty_everywhere)
    out = root / "out"
    res = run_cli(CliRunner(), "build", path, "-o", out)
    assert res.code == 0, res.output
    files = {}
    for f in out.iterdir():
        kind = ("manifest" if f.suffix == ".json" else
                "plan" if f.name.endswith("实施方案.docx") else
                "selfcheck-xlsx" if f.name.endswith("自查记录表.xlsx") else
                "selfcheck-docx" if f.name.endswith("自查记录表.docx") else
                "report" if f.name.endswith("评估报告.docx") else
                "scoresheet" if f.name.endswith("打分表.xlsx") else f.name)
        files[kind] = f
    return path, files


def _docx_check(path: Path, at_least: int) -> list[str]:
    paragraphs = list(docx_paragraphs(path))
    parts = xml_texts(path)
    assert_not_executed(paragraphs)
    assert_not_executed(parts.values())
    found = sum(p.count(NASTY) for p in paragraphs)
    assert found >= at_least, f"{path.name}: hostile text found {found} times"
    assert "⛏️🌲" in "".join(paragraphs)
    return paragraphs


def test_plan_shows_every_hostile_field_literally(nasty):
    _, files = nasty
    paragraphs = _docx_check(files["plan"], 6)
    # the Markdown narrative (written with Markdown escapes) reads exactly as the others
    assert any(p.strip().endswith(NASTY) for p in paragraphs)
    text = "\n".join(paragraphs)
    for field in ("编制单位", "矿区可绿化区域绿化覆盖率", "硬化率约46%"):
        assert f"{field}" in text


def test_selfcheck_docx_is_literal(nasty):
    _docx_check(nasty[1]["selfcheck-docx"], 3)


def test_report_is_literal_in_body_tables_and_captions(nasty):
    paragraphs = _docx_check(nasty[1]["report"], 6)
    assert any(p.startswith("照片1") and NASTY in p for p in paragraphs), "photo caption"


@pytest.mark.parametrize("kind,at_least", [("selfcheck-xlsx", 4), ("scoresheet", 2)])
def test_workbooks_hold_text_not_formulas(nasty, kind, at_least):
    cells = list(xlsx_cells(nasty[1][kind]))
    hostile = [c for c in cells if isinstance(c.value, str) and NASTY in c.value]
    assert len(hostile) >= at_least
    assert all(c.data_type == "s" for c in hostile)
    formula_like = [c for c in cells if c.value == FORMULA or
                    (isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))]
    for c in formula_like:
        assert c.data_type == "s", f"{c.parent.title}!{c.coordinate} became a formula"
    generated = [c for c in cells if c.data_type == "f"]
    assert generated, "the generated sums are still formulas"
    assert all("HYPERLINK" not in c.value and "甲" not in c.value for c in generated)


def test_manifest_and_file_names(nasty):
    import json

    path, files = nasty
    manifest = json.loads(files["manifest"].read_text(encoding="utf-8"))
    assert len(manifest["files"]) == 6  # the self-evaluation report too
    for f in files.values():
        assert f.parent == files["manifest"].parent  # nothing escaped the output folder
        assert not set('<>:"/\\|?*') & set(f.name)


def _user_template(source: Path, target: Path, var: str) -> Path:
    """The built-in template with ``{{ var }}`` in every header and footer, a footnote, and
    the title/subject document properties."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    doc = docx.Document(str(source))
    for section in doc.sections:
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = f"页眉：{{{{ {var} }}}}"
        section.footer.add_paragraph(f"页脚：{{{{ {var} }}}}")
    doc.core_properties.title = f"{{{{ {var} }}}}"
    doc.core_properties.subject = f"主题 {{{{ {var} }}}}"
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">脚注：'
           f'{{{{ {var} }}}}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), "application/vnd.openxmlformats-officedocument."
                "wordprocessingml.footnotes+xml", xml.encode(), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    doc.save(str(target))
    return target


@pytest.mark.parametrize("command,template,var", [
    ("plan", ("implementation_plan", "plan-template.docx"), "mine"),
    ("report", ("third_party_report", "report.docx"), "mine_name"),
])
def test_user_templates_render_headers_footers_footnotes_properties_literally(
        nasty, tmp_path, runner, command, template, var):
    """Every part docxtpl renders, rendered once with the sandboxed environment: the footnote
    (which stock docxtpl renders once per section: three times here) and the properties
    (plain text: not XML-escaped twice) hold the mine name exactly."""
    import docx

    from greenmine_docs.resources import template_path

    path, _ = nasty
    tpl = _user_template(template_path(*template), tmp_path / "t.docx", var)
    out = tmp_path / "out.docx"
    res = run_cli(runner, command, path, "-o", out, "--template", tpl)
    assert res.code == 0, res.output
    parts = xml_texts(out)
    assert_not_executed(parts.values())
    headers = [t for n, t in parts.items() if "/header" in n]
    footers = [t for n, t in parts.items() if "/footer" in n]
    assert headers and all(NASTY in t for t in headers)
    assert sum(NASTY in t for t in footers) >= 1
    assert parts["word/footnotes.xml"].count(NASTY) == 1
    props = docx.Document(str(out)).core_properties
    assert props.title.endswith(NASTY) and props.subject.startswith("主题 ")
    assert props.subject.endswith(NASTY)


def test_template_escape_sequences_in_data_are_not_altered(tmp_path, runner):
    """docxtpl turns ``{_{`` into ``{{`` after rendering, also inside data; not here."""
    def change(data):
        data["plan"]["compiler"] = "单位{_{ 7*7 }_}{_% if %_}"

    path = edit_example(tmp_path / "p", change)
    out = tmp_path / "plan.docx"
    assert run_cli(runner, "plan", path, "-o", out).code == 0
    assert any("单位{_{ 7*7 }_}{_% if %_}" in p for p in docx_paragraphs(out))


def test_batch_summary_and_input_workbook_are_literal(nasty, tmp_path, runner):
    path, _ = nasty
    src = tmp_path / "src"
    shutil.copytree(path.parent, src)
    res = run_cli(runner, "batch", src, "-o", tmp_path / "out", "--validate-only", "-j", "1")
    assert res.code in (0, 1), res.output
    cells = list(xlsx_cells(tmp_path / "out" / "批量处理汇总.xlsx"))
    names = [c for c in cells if isinstance(c.value, str) and NASTY in c.value]
    assert names and all(c.data_type == "s" for c in names)
    workbook = tmp_path / "input.xlsx"
    assert run_cli(runner, "convert", path, workbook).code in (0, 1)
    cells = list(xlsx_cells(workbook))
    assert any(c.value == FORMULA and c.data_type == "s" for c in cells)
    assert sum(isinstance(c.value, str) and NASTY in c.value for c in cells) >= 10


def test_sample_list_with_hostile_names(tmp_path, runner):
    from make_corpus import corpus

    listing = tmp_path / "名录.csv"
    listing.write_bytes(corpus()["nasty-list.csv"])
    out, docx_out = tmp_path / "名单.xlsx", tmp_path / "名单.docx"
    res = run_cli(runner, "sample", listing, "-o", out, "--docx", docx_out, "--seed", "7",
                  "--ratio", "1")
    assert res.code == 0, res.output
    cells = list(xlsx_cells(out))
    for name in ('=HYPERLINK("http://example.invalid","点击")', "=1+2矿", "../../etc/passwd",
                 "{{ 7*7 }}{% for x in y %}<b>&amp;"):
        hits = [c for c in cells if c.value == name]
        assert hits, name
        assert all(c.data_type == "s" for c in hits), name
    paragraphs = list(docx_paragraphs(docx_out))
    assert_not_executed(paragraphs)
    assert any("{{ 7*7 }}{% for x in y %}<b>&amp;" in p for p in paragraphs)


def test_summarize_keeps_text(nasty, tmp_path, runner):
    _, files = nasty
    out = tmp_path / "汇总.xlsx"
    res = run_cli(runner, "summarize", files["selfcheck-xlsx"], "-o", out)
    assert res.code == 0, res.output
    hostile = [c for c in xlsx_cells(out) if isinstance(c.value, str) and NASTY in c.value]
    assert hostile and all(c.data_type == "s" for c in hostile)


def test_example_still_builds_unchanged(tmp_path, runner):
    """The guards change nothing for honest input: same files as before."""
    res = run_cli(runner, "build", EXAMPLE, "-o", tmp_path / "o", "--only", "plan")
    assert res.code == 0
    assert any("山西青岚建材有限公司青岚山水泥用灰岩矿" in p
               for p in docx_paragraphs(next((tmp_path / "o").glob("*.docx"))))
