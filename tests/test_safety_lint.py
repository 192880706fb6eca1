"""``greenmine templates lint``: every problem of a user template, with where it is; a broken
template given to ``plan``/``report --template`` is reported the same way, never as a Jinja
traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty (make_corpus) on sys.path
from conftest import EXAMPLE, run_cli
from greenmine_docs.api import template_types
from greenmine_docs.resources import template_path
from greenmine_docs.render.template_lint import (documented_variables, guess_type,
                                                 lint_template)

TYPES = template_types()

PLAN_TEMPLATE = template_path("implementation_plan", "plan-template.docx")
REPORT_TEMPLATE = template_path("third_party_report", "report.docx")


def make_template(tmp_path: Path, build, base: Path = PLAN_TEMPLATE, name="t.docx") -> Path:
    """The built-in plan template with ``build(doc)`` applied (python-docx)."""
    import docx

    doc = docx.Document(str(base))
    build(doc)
    path = tmp_path / name
    doc.save(str(path))
    return path


def findings(path: Path, **kw) -> list:
    if isinstance(kw.get("doc_type"), str):
        kw["doc_type"] = TYPES[kw["doc_type"]]
    return lint_template(path, **kw).sorted()


def codes(path: Path, **kw) -> list[str]:
    return [f.code for f in findings(path, **kw)]


@pytest.mark.parametrize("base,kind", [(PLAN_TEMPLATE, "plan"), (REPORT_TEMPLATE, "report")])
def test_built_in_templates_are_clean_and_typed(base, kind):
    assert guess_type(base, TYPES) == kind
    assert codes(base, doc_type=kind) == []


def test_documented_variables_are_the_ones_the_generators_provide():
    from greenmine_docs.api import check, load
    from greenmine_docs.documents.assessment.document import template_values
    from greenmine_docs.documents.assessment.report_data import build_report_data
    from greenmine_docs.documents.plan.document import template_context

    loaded = load(EXAMPLE)
    ctx = check(loaded)
    assert set(template_context(ctx, body=None)) == documented_variables(TYPES["plan"])
    assert set(template_values(build_report_data(ctx))) | {"body"} == \
        documented_variables(TYPES["report"])


def test_unknown_variables_are_located_in_body_table_and_header(tmp_path):
    def build(doc):
        doc.add_paragraph("前言 {{ titel }}")
        table = doc.add_table(rows=2, cols=3)
        table.cell(1, 2).text = "{{ nosuch }}"
        doc.sections[0].header.paragraphs[0].text = "页眉 {{ mine_nam }}"
        doc.add_paragraph("{% for t in tasks_list %}{{ t.name }}{% endfor %}")

    path = make_template(tmp_path, build)
    found = {f.message.split("“")[1].split("”")[0]: f for f in findings(path, doc_type="plan")
             if f.code == "GM-E703"}
    assert set(found) == {"titel", "nosuch", "mine_nam", "tasks_list"}  # not the loop variable
    assert found["nosuch"].location.part.startswith("正文 表格")
    assert "第2行第3列" in found["nosuch"].location.part
    assert found["mine_nam"].location.part.startswith("页眉")
    assert found["titel"].location.paragraph and found["titel"].location.paragraph > 1
    assert "可用变量" in found["titel"].message and "total_investment" in found["titel"].message


def test_unbalanced_and_unclosed_tags(tmp_path):
    def build(doc):
        doc.add_paragraph("{% for x in [1, 2] %}循环")
        doc.add_paragraph("{{ title }")
        doc.add_paragraph("{% if title %}甲{% endfor %}")
        doc.add_paragraph("{{ title | }}")
        doc.add_paragraph("{% include 'x.docx' %}")
        doc.add_paragraph("{% frobnicate %}")
        doc.sections[0].footer.add_paragraph("{% endif %}")

    path = make_template(tmp_path, build)
    msgs = [(f.code, f.location.part, f.message) for f in findings(path, doc_type="plan")]
    errors = [m for c, _, m in msgs if c == "GM-E702"]
    assert any("{{ title }" in m and "没有结束" in m for m in errors)
    assert any("{% endfor %}" in m and "前面没有对应" in m and "if" in m for m in errors)
    assert any("for 块没有结束" in m for m in errors)
    assert any("{{ title | }}" in m and "语法错误" in m for m in errors)
    assert any("include" in m for m in errors)
    assert any("frobnicate" in m for m in errors)
    assert any(p.startswith("页脚") and "{% endif %}" in m for c, p, m in msgs if c == "GM-E702")


def test_split_runs_with_different_formatting_are_found(tmp_path):
    def build(doc):
        par = doc.add_paragraph()
        par.add_run("{{ ti").bold = True
        par.add_run("tle }}")
        same = doc.add_paragraph()  # split but formatted alike: docxtpl copes, no finding
        same.add_run("{{ mi")
        same.add_run("ne }}")

    path = make_template(tmp_path, build)
    split = [f for f in findings(path, doc_type="plan") if f.code == "GM-W704"]
    assert len(split) == 1 and "{{ title }}" in split[0].message and "2 段" in split[0].message
    assert codes(path, doc_type="plan") == ["GM-W704"]


def test_unsafe_attributes_unknown_filters_and_typos(tmp_path):
    def build(doc):
        doc.add_paragraph("{{ title.__class__.__mro__ }}")
        doc.add_paragraph("{{ title['_secret'] }}")
        doc.add_paragraph("{{ title|shout }}{% if mine is weird %}{% endif %}")
        doc.add_paragraph("｛｛ title ｝｝ 还有多余的 }}")
        doc.add_paragraph("说明文字 {{p body }}")
        doc.add_paragraph("{%tr for x in [1] %}")

    path = make_template(tmp_path, build)
    got = findings(path, doc_type="plan")
    by = lambda code: [f.message for f in got if f.code == code]  # noqa: E731
    assert any("__class__" in m and "不安全" in m for m in by("GM-E705"))
    assert any("_secret" in m for m in by("GM-E705"))
    assert any("shout" in m for m in by("GM-E706")) and any("weird" in m for m in by("GM-E706"))
    assert any("全角" in m for m in by("GM-W709")) and any("多余" in m for m in by("GM-W709"))
    assert any("说明文字" in m for m in by("GM-W709"))
    assert any("表格" in m for m in by("GM-E710"))


def test_body_tag_missing_or_not_a_paragraph_tag(tmp_path):
    def drop_body(doc):
        for par in doc.paragraphs:
            if "body" in par.text:
                par.text = "正文 {{ body }}"

    path = make_template(tmp_path, drop_body)
    assert "GM-E708" in codes(path, doc_type="plan")
    assert "GM-E708" not in codes(path)  # no type, no body requirement

    def remove(doc):
        for par in doc.paragraphs:
            if "body" in par.text:
                par._p.getparent().remove(par._p)

    path = make_template(tmp_path, remove, name="nobody.docx")
    assert [f for f in findings(path, doc_type="plan") if f.code == "GM-E708"][0].message \
        .startswith("模板中没有正文标签")


def test_tags_where_they_are_never_rendered(tmp_path):
    def build(doc):
        doc.core_properties.keywords = "{{ title }}"
        doc.core_properties.title = "{{ titel }}"
        doc.add_comment(doc.paragraphs[0].runs or [doc.paragraphs[0].add_run("封面")],
                        text="{{ mine }}", author="审核人")

    path = make_template(tmp_path, build)
    got = findings(path, doc_type="plan")
    w707 = [f for f in got if f.code == "GM-W707"]
    assert any("关键词" in f.location.part for f in w707)
    assert any("批注" in f.location.part for f in w707)
    assert any(f.code == "GM-E703" and "标题" in f.location.part and "titel" in f.message
               for f in got)


def test_lint_command_output_formats_and_exit_codes(tmp_path, runner):
    import json

    good = run_cli(runner, "templates", "lint", PLAN_TEMPLATE)
    assert good.code == 0 and "GM-I711" in good.stdout and "实施方案" in good.stdout
    bad = make_template(tmp_path, lambda d: d.add_paragraph("{{ titel }}"))
    res = run_cli(runner, "templates", "lint", bad, "--format", "json")
    assert res.code == 1
    data = json.loads(res.stdout)
    hit = [f for f in data["findings"] if f["code"] == "GM-E703"][0]
    assert hit["location"]["part"] == "正文" and hit["location"]["paragraph"] > 0
    warn = make_template(tmp_path, lambda d: d.add_paragraph("多余 }}"), name="w.docx")
    assert run_cli(runner, "templates", "lint", warn).code == 0
    assert run_cli(runner, "templates", "lint", warn, "--strict").code == 1
    report_typed = run_cli(runner, "templates", "lint", PLAN_TEMPLATE, "--type", "report")
    assert report_typed.code == 1 and "enterprise" in report_typed.stdout
    for path in (EXAMPLE, tmp_path / "missing.docx"):
        res = run_cli(runner, "templates", "lint", path)
        assert res.code == 2 and "Traceback" not in res.output and res.stderr.startswith("错误")


def test_exported_templates_lint_clean(tmp_path, runner):
    assert run_cli(runner, "templates", "export", tmp_path / "t").code == 0
    for path in (tmp_path / "t").rglob("*.docx"):
        res = run_cli(runner, "templates", "lint", path)
        assert res.code == 0 and "错误 0 项" in res.stdout, res.output


@pytest.mark.parametrize("command,base", [("plan", PLAN_TEMPLATE), ("report", REPORT_TEMPLATE)])
def test_broken_template_for_generation_gives_located_report(tmp_path, runner, command, base):
    def build(doc):
        doc.add_paragraph("{% for x in y %}")
        doc.add_paragraph("{{ title.__class__ }}")
        doc.add_paragraph("{{ not_a_variable }}")

    tpl = make_template(tmp_path, build, base=base)
    out = tmp_path / "out.docx"
    res = run_cli(runner, command, EXAMPLE, "-o", out, "--template", tpl)
    assert res.code == 2, res.output
    assert "Traceback" not in res.output and "内部错误" not in res.output
    assert "jinja2" not in res.output.lower()
    assert "正文 第" in res.stderr and "段" in res.stderr
    assert "for 块没有结束" in res.stderr and "__class__" in res.stderr
    assert not out.exists()


def test_unknown_variable_at_render_lists_the_available_ones(tmp_path, runner):
    tpl = make_template(tmp_path, lambda d: d.add_paragraph("{{ mine_name }}"))  # a report var
    res = run_cli(runner, "plan", EXAMPLE, "-o", tmp_path / "o.docx", "--template", tpl)
    assert res.code == 2 and "mine_name" in res.stderr and "total_investment" in res.stderr


def test_hand_made_template_without_numbering_or_section_works(tmp_path, runner):
    """A minimal package (no numbering part, no section properties) renders the plan."""
    from make_corpus import minimal_docx

    tpl = tmp_path / "min.docx"
    tpl.write_bytes(minimal_docx([("", "{{ title }}"), ("", "{{p body }}")]))
    assert codes(tpl, doc_type="plan") == []
    out = tmp_path / "o.docx"
    res = run_cli(runner, "plan", EXAMPLE, "-o", out, "--template", tpl)
    assert res.code == 0, res.output
    import docx

    text = [p.text for p in docx.Document(str(out)).paragraphs]
    assert text[0] == "山西青岚建材有限公司青岚山水泥用灰岩矿绿色矿山建设实施方案"
    assert len(text) > 100
