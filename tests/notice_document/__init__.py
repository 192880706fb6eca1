"""A document made only for the tests: the 整改通知书 (rectification notice) of a mine whose
assessment is done — as small as a document can be, added the way ``docs/DEVELOPING.md``
("Adding a document") says: this package (its spec, renderer and check), its template
(``notice.docx``), its tests (``tests/test_pipeline.py``) and one line in the registry (which
the tests stand in for by extending ``greenmine_docs.documents.DOCUMENTS``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from greenmine_docs.findings import Finding, make
from greenmine_docs.pipeline import Blocking, DocumentSpec, RenderOptions, Run

TEMPLATE = Path(__file__).with_name("notice.docx")


def check(run: Run) -> Iterator[Finding]:
    """The notice's own check: a notice needs a deadline for the problems it lists."""
    a = run.submission.assessment
    if a is None:
        return
    for i, problem in enumerate(a.problems):
        if problem.deadline is None:
            yield make("GM-W560", f"问题{i + 1}没有整改期限，整改通知书中将写“待定”。",
                       location=run.at("assessment", "problems", i))


def render(run: Run, fmt: str, options: RenderOptions) -> bytes:
    """The notice from its template, with the assessment's score (the scoring stage's)."""
    from greenmine_docs.render.tpl import render_template

    scored = run.scores.assessment
    assert scored is not None  # an unusable indicator set stops the notice (GM-E30x)
    values = {"mine_name": run.submission.mine.name, "verdict": scored.result.verdict.value,
              "total": f"{scored.result.total:.2f}"}
    return render_template(options.template or TEMPLATE, lambda tpl: values)


DOCUMENT = DocumentSpec(
    key="notice",
    title="整改通知书",
    needs=("assessment",),
    blocks_on=Blocking(("30", "5"), "评价指标体系（GM-E30x）或评估部分（GM-E5xx）的错误"),
    formats=("docx",),
    render=render,
    file_stem=lambda run: f"{run.submission.mine.name}整改通知书",
    checks=(check,),
)
