"""The template sandbox of issue 14: a template from a stranger (``--template``) never reaches an
object with side effects. The three escapes the review found through ``body`` (the docxtpl
subdocument, whose ``.tpl`` was the template object itself) — ``render`` with an unsandboxed
environment, ``save`` anywhere, ``replace_zipname`` reading any file — are refused by lint and
by render, nothing runs and nothing is written; and the context the generators pass holds only
plain data and opaque values."""
from __future__ import annotations

from pathlib import Path

import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE, run_cli
from greenmine_docs.errors import TemplateError
from make_corpus import minimal_docx





def _template(tmp_path: Path, *paragraphs: str, name: str = "t.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(minimal_docx([("", p) for p in paragraphs] + [("", "{{p body }}")]))
    return path


def _escapes(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """name -> (template paragraphs, the file that must never appear)."""
    marker = tmp_path / "marker"
    # the first paragraph is skipped by the sandboxed render (mine is not "PWN") and run by the
    # unsandboxed one the second paragraph starts
    rce = ["{% if mine == 'PWN' %}{{ (cycler|attr('_'~'_init_'~'_')|attr('_'~'_globals_'~'_'))"
           f"['os'].system('touch {marker}-render') }}}}{{% endif %}}",
           "{{ body.tpl.render({'mine': 'PWN', 'body': ''}, none, true) }}"]
    return {
        "render": (rce, marker.with_name("marker-render")),
        "save": ([f"{{{{ body.tpl.save('{marker}-save') }}}}"], marker.with_name("marker-save")),
        "docx-save": ([f"{{{{ body.docx.save('{marker}-docx') }}}}"],
                      marker.with_name("marker-docx")),
        "subdocx-save": ([f"{{{{ body.subdocx.save('{marker}-sub') }}}}"],
                         marker.with_name("marker-sub")),
    }


@pytest.mark.parametrize("kind", ["render", "save", "docx-save", "subdocx-save"])
def test_body_cannot_run_code_or_write_files(tmp_path, runner, kind):
    paragraphs, marker = _escapes(tmp_path)[kind]
    tpl = _template(tmp_path, *paragraphs)
    out = tmp_path / "out.docx"
    res = run_cli(runner, "plan", EXAMPLE, "-o", out, "--template", tpl)
    assert res.code == 2, res.output
    assert "Traceback" not in res.output and res.stderr.startswith("错误")
    assert not marker.exists() and not out.exists()
    lint = run_cli(runner, "templates", "lint", tpl, "--type", "plan")
    assert lint.code == 1 and "GM-E705" in lint.stdout, lint.output
    assert not marker.exists()


def test_body_cannot_read_files_into_the_output(tmp_path, runner):
    secret = tmp_path / "secret.xml"
    secret.write_text("<w:document>GM-SECRET-4711</w:document>", encoding="utf-8")
    tpl = _template(tmp_path, f"{{{{ body.tpl.replace_zipname('word/document.xml', "
                              f"'{secret}') }}}}")
    out = tmp_path / "out.docx"
    res = run_cli(runner, "plan", EXAMPLE, "-o", out, "--template", tpl)
    assert res.code == 2 and not out.exists(), res.output
    assert "GM-SECRET" not in res.output


def test_library_render_refuses_the_escapes_too(tmp_path):
    """``render_template`` called directly (no CLI, no lint cache): still refused."""
    from greenmine_docs.render.tpl import render_template

    for kind, (paragraphs, marker) in _escapes(tmp_path).items():
        tpl = _template(tmp_path, *paragraphs, name=f"{kind}.docx")
        with pytest.raises(TemplateError):
            render_template(tpl, lambda t: {"mine": "甲", "body": t.new_subdoc()})
        assert not marker.exists(), kind


def test_render_time_does_not_rely_on_lint(tmp_path, monkeypatch):
    """With the lint before rendering switched off, the sandbox itself refuses."""
    from greenmine_docs.render import tpl as tpl_module
    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.render import template_lint

    monkeypatch.setattr(template_lint, "check_template", lambda *a, **k: None)
    monkeypatch.setattr(tpl_module, "_lint_before_render", lambda *a, **k: None, raising=False)
    for kind, (paragraphs, marker) in _escapes(tmp_path).items():
        tpl = _template(tmp_path, *paragraphs, name=f"{kind}.docx")
        with pytest.raises(TemplateError, match="不允许|不安全"):
            render_template(tpl, lambda t: {"mine": "甲", "body": t.new_subdoc()})
        assert not marker.exists(), kind


def test_what_a_document_template_may_do(tmp_path):
    """Loops, conditions, set/with, filter blocks, the listed filters and methods, ``%`` with a
    small width, ``range``: lint finds nothing and the document reads as expected."""
    import docx

    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.render.template_lint import lint_template

    lines = {
        "{% for x in ['甲', '乙', '丙'] %}{{ loop.index }}.{{ x }}{% if not loop.last %}、"
        "{% endif %}{% endfor %}": "1.甲、2.乙、3.丙",
        "{% if mine.startswith('山西') %}省内{% else %}省外{% endif %}": "省内",
        "{% set short = mine|replace('有限公司', '')|truncate(9, true, '…') %}{{ short }}":
            "山西青岚建材青岚…",
        "{{ '%6.2f' % 3.14159 }}|{{ '%s年' % 2023 }}": "  3.14|2023年",
        "{{ mine.split('公司')|first }}{{ '，'.join(['一', '二']) }}": "山西青岚建材有限一，二",
        "{{ [1, 2.5]|sum }} {{ range(3)|join('/') }} {{ 1234.5|amount }} {{ 1234567|number }}":
            "3.5 0/1/2 1,234.50 1,234,567",
        "{% with n = 3 %}{{ n * 2 }}{{ '-' * n }}{% endwith %}": "6---",
        "{% filter upper %}abc{% endfilter %}{{ 'x'|default('y') }}": "ABCx",
        "{{ '2023-09-01'|cn_date }}（{{ mine|length }} 字）": "2023年9月1日（19 字）",
        "{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}": "a=1",
    }
    tpl = _template(tmp_path, *lines)
    assert [f for f in lint_template(tpl, known={"mine", "body"}).errors] == []
    data = render_template(tpl, lambda t: {"mine": "山西青岚建材有限公司青岚山水泥用灰岩矿",
                                           "body": t.new_subdoc()})
    import io

    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert texts[:len(lines)] == list(lines.values())


def test_context_values_must_be_plain_data(tmp_path):
    """An object reaching a template is a programming error, refused before rendering."""
    from greenmine_docs.render.tpl import render_template

    tpl = _template(tmp_path, "{{ mine }}")
    with pytest.raises(TypeError, match="only plain data"):
        render_template(tpl, lambda t: {"mine": Path("/etc/passwd"), "body": t.new_subdoc()})
    other = _template(tmp_path, "{{ mine }}", name="other.docx")
    from greenmine_docs.render.tpl import open_template

    foreign = open_template(other).new_subdoc()  # a subdocument of another template
    with pytest.raises(TypeError, match="only plain data"):
        render_template(tpl, lambda t: {"mine": "甲", "body": foreign})


# -- the template file itself -------------------------------------------------------------------
def _with_core_dtd(tmp_path: Path) -> Path:
    """A template whose document properties declare an entity in a DTD and use it."""
    import io
    import zipfile

    import docx

    doc = docx.Document()
    doc.add_paragraph("{{ mine }}")
    doc.add_paragraph("{{p body }}")
    doc.core_properties.title = "TITLE"
    buf = io.BytesIO()
    doc.save(buf)
    path = tmp_path / "core-dtd.docx"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "docProps/core.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE cp:coreProperties [<!ENTITY t "T">]>',
                                    1).replace(b">TITLE<", b">&t;<")
            dst.writestr(name, data)
    return path


def test_template_with_a_dtd_is_refused_not_rendered_to_a_broken_file(tmp_path, runner):
    from make_corpus import entity_bomb_dtd

    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(minimal_docx([("", "{{ mine }}&l3;"), ("", "{{p body }}")],
                                  dtd=entity_bomb_dtd("w:document", levels=3)))
    for tpl, part in ((_with_core_dtd(tmp_path), "docProps/core.xml"),
                      (bomb, "word/document.xml")):
        lint = run_cli(runner, "templates", "lint", tpl)
        assert lint.code == 2 and "DTD" in lint.stderr and part in lint.stderr, lint.output
        out = tmp_path / "out.docx"
        res = run_cli(runner, "plan", EXAMPLE, "-o", out, "--template", tpl)
        assert res.code == 2 and "DTD" in res.stderr and not out.exists(), res.output


def test_workbook_renamed_docx_is_not_a_template(tmp_path, runner):
    from make_corpus import LIST_HEADER, minimal_xlsx

    book = tmp_path / "book.docx"
    book.write_bytes(minimal_xlsx([LIST_HEADER]))
    for args in (["templates", "lint", book], ["templates", "lint", book, "--type", "report"],
                 ["report", EXAMPLE, "-o", tmp_path / "r.docx", "--template", book]):
        res = run_cli(runner, *args)
        assert res.code == 2 and "不是 Word 文档" in res.stderr and "Excel" in res.stderr, \
            res.output
    assert not (tmp_path / "r.docx").exists()


@pytest.mark.parametrize("folder", ["implementation_plan", "third_party_report"])
def test_template_notes_list_what_the_sandbox_allows(folder):
    """TEMPLATE.md (exported with the templates) names every method, loop field and filter
    the sandbox allows, and the statements and limits."""
    from greenmine_docs.render.policy import (FILTERS, LOOP_FIELDS, MAPPING_METHODS,
                                              SEQUENCE_METHODS, STR_METHODS)
    from greenmine_docs.resources import template_path

    text = template_path(folder, "TEMPLATE.md").read_text(encoding="utf-8")
    section = text[text.index("## 模板中可以使用的写法"):]
    for name in STR_METHODS | MAPPING_METHODS | SEQUENCE_METHODS | LOOP_FIELDS | FILTERS:
        assert f"`{name}`" in section, name
    for word in ("macro", "include", "recursive", "GREENMINE_TEMPLATE_SECONDS",
                 "GREENMINE_MAX_TEMPLATE_TEXT", "GREENMINE_MAX_TEMPLATE_LOOPS"):
        assert word in section
