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
    from greenmine_docs.docx import render_template

    for kind, (paragraphs, marker) in _escapes(tmp_path).items():
        tpl = _template(tmp_path, *paragraphs, name=f"{kind}.docx")
        with pytest.raises(TemplateError):
            render_template(tpl, lambda t: {"mine": "甲", "body": t.new_subdoc()})
        assert not marker.exists(), kind


def test_render_time_does_not_rely_on_lint(tmp_path, monkeypatch):
    """With the lint before rendering switched off, the sandbox itself refuses."""
    from greenmine_docs.docx import render_template, tpl as tpl_module
    from greenmine_docs.safety import template_lint

    monkeypatch.setattr(template_lint, "check_template", lambda *a, **k: None)
    monkeypatch.setattr(tpl_module, "_lint_before_render", lambda *a, **k: None, raising=False)
    for kind, (paragraphs, marker) in _escapes(tmp_path).items():
        tpl = _template(tmp_path, *paragraphs, name=f"{kind}.docx")
        with pytest.raises(TemplateError, match="不允许|不安全"):
            render_template(tpl, lambda t: {"mine": "甲", "body": t.new_subdoc()})
        assert not marker.exists(), kind
