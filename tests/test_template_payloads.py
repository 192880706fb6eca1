"""The hostile template corpus (tests/nasty/template_payloads.py) against lint and render.

For every payload and document type it is made for: ``greenmine templates lint`` (library and
CLI) reports an error of the expected kind with the place; rendering refuses it through the
library — with the lint before rendering switched off, so the sandbox alone must do it — and
through ``greenmine plan``/``report --template``; nothing runs (the marker file a successful
payload would create never appears), no file appears anywhere in the test's folder, home or
temporary directory, nothing leaks from the secret file, the message is Chinese and names the
template and the place, and each render stays within a time and memory bound.
"""
from __future__ import annotations

import re
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE, run_cli
from greenmine_docs.errors import TemplateError
from template_payloads import Payload, payload_docx, payloads

SECONDS = 3  # the render time limit in these tests (GREENMINE_TEMPLATE_SECONDS)
MAX_SECONDS = SECONDS + 4  # a refusal comes within this, lint or render
MAX_PEAK_MB = 150  # Python memory a refused render may take (tracemalloc peak)

EXPECTED = {"access": {"GM-E705", "GM-E706", "GM-E708"}, "limit": {"GM-E713"},
            "statement": {"GM-E702", "GM-E712"}}
PLACES = ("正文", "页眉", "页脚", "脚注", "文档属性")
CASES = [(p, kind) for p in payloads() for kind in p.kinds]
STATS: list[tuple[str, float, float, float]] = []  # case, lint s, render s, render peak MB
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def values():
    """The cover values of each document type (the example's), without the body."""
    from greenmine_docs.api import check, load
    from greenmine_docs.documents.assessment.document import template_values
    from greenmine_docs.documents.assessment.report_data import build_report_data
    from greenmine_docs.documents.plan.document import template_context

    ctx = check(load(EXAMPLE))
    plan = template_context(ctx, body=None)
    del plan["body"]
    return {"plan": plan, "report": template_values(build_report_data(ctx))}


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """A work folder, HOME and TMPDIR of the test's own; the render time limit lowered."""
    from greenmine_docs import limits

    dirs = {name: tmp_path / name for name in ("work", "home", "tmp")}
    for d in dirs.values():
        d.mkdir()
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.setenv("TMPDIR", str(dirs["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(dirs["tmp"]))
    monkeypatch.setattr(limits, "TEMPLATE_SECONDS", SECONDS)
    return dirs


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _render_library(path: Path, kind: str, values: dict, monkeypatch) -> tuple[str, float, float]:
    """Render with the lint before rendering switched off: (message, seconds, peak MB)."""
    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.render import template_lint

    with monkeypatch.context() as m:
        m.setattr(template_lint, "check_template", lambda *a, **k: None)
        tracemalloc.start()
        start = time.perf_counter()
        try:
            with pytest.raises(TemplateError) as caught:
                render_template(path, lambda t: {**values[kind], "body": t.new_subdoc()})
        finally:
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    return str(caught.value), seconds, peak


def test_the_corpus_is_large_and_covers_every_kind():
    names = [p.name for p in payloads()]
    assert len(names) == len(set(names)) >= 60
    assert {p.expect for p in payloads()} == set(EXPECTED)
    assert {p.place for p in payloads()} == {"body", "header", "footnote", "property", "row"}
    from greenmine_docs.api import template_types
    from greenmine_docs.render.template_lint import documented_variables

    for kind in ("plan", "report"):  # a method call on every context value
        prefix = f"method-{kind}-"
        called = {p.name[len(prefix):] for p in payloads() if p.name.startswith(prefix)}
        assert called == documented_variables(template_types()[kind]) - {"body"}


@pytest.mark.parametrize("payload,kind", CASES, ids=[f"{k}-{p.name}" for p, k in CASES])
def test_payload_is_refused_by_lint_and_render(payload: Payload, kind: str, isolated, values,
                                               runner, monkeypatch):
    from greenmine_docs.api import template_types
    from greenmine_docs.render.template_lint import lint_template

    work, home = isolated["work"], isolated["home"]
    marker, secret = home / "marker", work / "secret.xml"
    secret.write_text("<w:document>GM-SECRET-4711</w:document>", encoding="utf-8")
    path = work / f"{kind}-{payload.name}.docx"
    path.write_bytes(payload_docx(payload, kind, marker, secret))
    before = _listing(isolated["work"].parent)

    start = time.perf_counter()
    report = lint_template(path, doc_type=template_types()[kind])
    lint_seconds = time.perf_counter() - start
    errors = report.errors
    assert {f.code for f in errors} & EXPECTED[payload.expect], [str(f) for f in errors]
    for f in errors:
        assert f.location.part and CJK.search(f.message)
    lint_cli = run_cli(runner, "templates", "lint", path, "--type", kind)
    assert lint_cli.code == 1, lint_cli.output

    message, seconds, peak = _render_library(path, kind, values, monkeypatch)
    assert path.name in message or "正文变量" in message, message
    assert CJK.search(message) and any(p in message for p in PLACES), message
    assert "Traceback" not in message and "GM-SECRET" not in message

    out = work / "out.docx"
    command = "plan" if kind == "plan" else "report"
    res = run_cli(runner, command, EXAMPLE, "-o", out, "--template", path)
    assert res.code == 2, res.output
    assert res.stderr.startswith("错误") and "Traceback" not in res.output
    assert "GM-SECRET" not in res.output and not out.exists()

    assert not marker.exists()
    assert _listing(isolated["work"].parent) == before  # nothing written anywhere
    assert lint_seconds < MAX_SECONDS and seconds < MAX_SECONDS, (lint_seconds, seconds)
    assert peak < MAX_PEAK_MB, peak
    STATS.append((f"{kind}-{payload.name}", lint_seconds, seconds, peak))


def test_worst_case_over_the_corpus():
    """The figures for the issue's note (run with -s to see them)."""
    if len(STATS) < len(CASES):
        pytest.skip("run with the whole corpus")
    worst_lint = max(STATS, key=lambda s: s[1])
    worst_render = max(STATS, key=lambda s: s[2])
    worst_peak = max(STATS, key=lambda s: s[3])
    print(f"\n{len(payloads())} payloads, {len(STATS)} cases, all refused by lint and render; "
          f"worst lint {worst_lint[1]:.2f} s ({worst_lint[0]}), worst render "
          f"{worst_render[2]:.2f} s ({worst_render[0]}), peak {worst_peak[3]:.1f} MB "
          f"({worst_peak[0]})")
    assert worst_render[2] < MAX_SECONDS and worst_peak[3] < MAX_PEAK_MB
