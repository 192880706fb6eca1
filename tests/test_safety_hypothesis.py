"""Property-based tests: any value at any YAML field, any value in any workbook cell, any text
in a narrative or a template value — the result is a report or a clean exit 2, never a
traceback, and text comes out as it went in. Bounded (tens of examples each, no deadline) so
the suite stays fast."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE, run_cli

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
HOSTILE = st.sampled_from(["{{ 7*7 }}", "{% for x in y %}", "{{ ''.__class__ }}", "<b>&amp;",
                           "=HYPERLINK(\"http://x\",\"y\")", "../../etc/passwd", "CON", "⛏️🌲",
                           "\x00\x07\x1b", "\ufffe", "'\"", "&l9;", "%s%n", "\u202e", ""])
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT, HOSTILE,
              st.dates(), st.datetimes()),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(TEXT, children, max_size=3)),
    max_leaves=6)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _example() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))


EXAMPLE_DATA = _example()
PATHS = _paths(EXAMPLE_DATA)


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def clean(res) -> None:
    assert res.code in (0, 1, 2), res.output
    assert "Traceback" not in res.output and "内部错误" not in res.output, res.output


@SETTINGS
@given(path=st.sampled_from(PATHS), value=VALUES)
def test_any_value_at_any_yaml_field(example_project, runner, path, value):
    import copy

    from ruamel.yaml import YAML

    data = copy.deepcopy(EXAMPLE_DATA)
    _set(data, path, value)
    target = example_project / "mine.yaml"
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    target.write_text(buf.getvalue(), encoding="utf-8")
    clean(run_cli(runner, "validate", target, "--format", "json"))


@pytest.fixture(scope="module")
def workbook(example_project):
    """The example as an input workbook, opened once (each example changes one cell and puts
    it back)."""
    import openpyxl
    from click.testing import CliRunner

    path = example_project / "input.xlsx"
    assert run_cli(CliRunner(), "convert", example_project / "mine.yaml", path, "--force").code == 0
    return openpyxl.load_workbook(path)


CELL_VALUES = st.one_of(st.none(), TEXT.filter(lambda t: not t.startswith("=")), HOSTILE,
                        st.integers(-10**15, 10**15),
                        st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                        st.datetimes(min_value=dt.datetime(1900, 3, 1),
                                     max_value=dt.datetime(9999, 1, 1)),
                        st.sampled_from(["=1/0", "=SUM(A1:A3)", "=NOSUCH()", "#N/A", "  "]))


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sheet=st.integers(1, 24), row=st.integers(1, 40), col=st.integers(1, 10),
       value=CELL_VALUES)
def test_any_value_in_any_workbook_cell(example_project, workbook, runner, sheet, row, col, value):
    from greenmine_docs.sanitize import clean_text

    cell = workbook.worksheets[sheet % len(workbook.worksheets)].cell(row=row, column=col)
    old = cell.value, cell.data_type
    cell.value = clean_text(value) if isinstance(value, str) else value
    target = example_project / "cell.xlsx"
    try:
        workbook.save(target)
    finally:
        cell.value = old[0]
        cell.data_type = old[1]
    clean(run_cli(runner, "validate", target, "--format", "json"))


@SETTINGS
@given(text=st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
def test_any_text_is_read_as_yaml_or_refused_cleanly(tmp_path_factory, text):
    from greenmine_docs.errors import InputError
    from greenmine_docs.load.yaml_input import read_yaml

    path = tmp_path_factory.mktemp("y") / "x.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        read_yaml(path)
    except InputError as e:
        assert e.message


PLAIN = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                              exclude_characters="*_`#[]()!<>&\\|~-+=.:\u2028\u2029\ufffe\uffff"),
                min_size=1, max_size=80).map(str.strip).filter(bool)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(parts=st.lists(st.one_of(PLAIN, HOSTILE.filter(lambda h: not set(h) & set("*_<>&\\"))),
                      min_size=1, max_size=4))
def test_any_narrative_text_becomes_literal_paragraphs(parts):
    """Markdown rendering of plain text with template syntax keeps every character."""
    from greenmine_docs.docx import Writer, new_document
    from greenmine_docs.sanitize import clean_text

    text = clean_text(" ".join(parts)).strip()
    doc = new_document(cover=False)
    Writer(doc).markdown(text, level=2)
    shown = "".join(p.text for p in doc.paragraphs)
    assert " ".join(text.split()) in " ".join(shown.split())


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(TEXT, HOSTILE))
def test_any_value_renders_literally_in_body_header_footnote_and_title(tmp_path_factory, value):
    """The renderer (docxtpl through the guarded template class and the sandbox): a context
    value comes out exactly, everywhere a template can place it."""
    import docx

    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.sanitize import clean_text
    from safety_helpers import xml_texts
    from test_safety_render import _user_template
    from greenmine_docs.resources import template_path

    folder = tmp_path_factory.mktemp("r")
    tpl = folder / "t.docx"
    if not tpl.exists():
        _user_template(template_path("implementation_plan", "plan-template.docx"), tpl, "mine")
    text = clean_text(value).replace("\n", " ").replace("\t", " ")
    context = {k: "" for k in ("title", "enterprise", "compiler", "date_upper")}
    data = render_template(tpl, lambda t: {**context, "mine": text, "body": t.new_subdoc()})
    out = folder / "o.docx"
    out.write_bytes(data)
    parts = xml_texts(out)
    assert f"页眉：{text}" in parts["word/header1.xml"]
    assert parts["word/footnotes.xml"].count(f"脚注：{text}") == 1
    assert docx.Document(str(out)).core_properties.title == text


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(TEXT, st.sampled_from(
    ["{{", "}}", "{%", "%}", "{# x #}", "{{ title }}", "{% if x %}", "{% endif %}",
     "{% for a in b %}", "{% endfor %}", "{{p body }}", "{%tr for x in y %}", "｛｛", "{{ a.__b }}",
     "{{ x|nope }}", "{% set q = 1 %}", "{% raw %}", "{{ 'a' ~ }}", "{%- if -%}"])),
    min_size=1, max_size=6))
def test_template_lint_never_crashes(tmp_path_factory, lines):
    import docx

    from greenmine_docs.api import lint_template
    from greenmine_docs.errors import TemplateError
    from greenmine_docs.render.template_lint import check_template
    from greenmine_docs.sanitize import clean_text

    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(clean_text(line))
    path = tmp_path_factory.mktemp("l") / "t.docx"
    doc.save(str(path))
    report = lint_template(path)
    assert all(f.location.part or f.code == "GM-I711" or f.code == "GM-E708"
               for f in report.findings)
    try:
        check_template(path, known={"title", "body"})
    except TemplateError as e:
        assert "第" in e.message or "模板" in e.message


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200))
def test_any_narrative_through_the_whole_plan(example_project, runner, text):
    import copy

    from ruamel.yaml import YAML

    data = copy.deepcopy(EXAMPLE_DATA)
    data["plan"]["narrative"]["purpose"] = text
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    target = example_project / "narrative.yaml"
    target.write_text(buf.getvalue(), encoding="utf-8")
    out = example_project / "plan-out.docx"
    clean(run_cli(runner, "plan", target, "-o", out, "--force"))


@pytest.mark.parametrize("scalar", ["-_", "+_", "0b_", "-0x_", "1__0", "+.inf", "2023-02-30",
                                    "1e99999", "!!int x", "&a *a", "!!binary ===",
                                    "!!python/object:os.system"])
def test_odd_plain_scalars_never_crash_the_loader(example_project, runner, scalar):
    """Plain scalars ruamel's resolver types as numbers or dates but cannot build (``-_``
    raised IndexError inside ruamel.yaml) are text, or a located YAML error."""
    text = (example_project / "mine.yaml").read_text(encoding="utf-8").replace(
        "  year: 2023\n", f"  year: {scalar}\n", 1)
    target = example_project / "scalar.yaml"
    target.write_text(text, encoding="utf-8")
    res = run_cli(runner, "validate", target)
    clean(res)
    assert res.code in (1, 2)
