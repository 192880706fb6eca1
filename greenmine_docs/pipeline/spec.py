"""What a document declares to be made by the pipeline: a :class:`DocumentSpec`.

A document is a package under :mod:`greenmine_docs.documents` that exposes one spec; the
registry (:data:`greenmine_docs.documents.DOCUMENTS`) imports it plainly. The spec says which
input sections the document is made from, which findings stop it, its checks, how it scores its
section (if it has one to score) and how it renders; :mod:`greenmine_docs.api` does the rest
(loading, checking, scoring, deciding, writing) the same way for every document, in ``build``
and in the document's own command alike.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Literal

from ..findings import Finding, Severity
from ..frozen import frozen

if TYPE_CHECKING:
    from ..findings import Report
    from .run import Run

SECTION_TITLES = {"plan": "实施方案", "self_check": "自查记录", "assessment": "第三方评估",
                  "self_evaluation": "自评报告"}
"""The input sections a document can need (``DocumentSpec.needs``), with their Chinese names."""

Check = Callable[["Run"], Iterable[Finding]]
"""A check: findings about one run (the input's model, its scores, the files it names)."""


@frozen(quick_init=False)
class Blocking:
    """Which findings stop a document: errors — and, with ``--strict``, warnings — whose code
    lies in one of ``areas`` (the digits after ``GM-E``: ``"1"`` is GM-E1xx, ``"30"`` is
    GM-E30x); ``None`` is every area. ``text`` says it in Chinese (README, messages)."""

    areas: tuple[str, ...] | None
    text: str

    def blockers(self, report: Report) -> list[Finding]:
        """The findings of ``report`` that stop the document."""
        stopping = {Severity.ERROR, Severity.WARNING} if report.strict else {Severity.ERROR}
        areas = self.areas
        return [f for f in report.findings if f.severity in stopping
                and (areas is None or f.code[4:].startswith(areas))]


SET_ERRORS = Blocking(("30",), "评价指标体系无法使用（GM-E30x）")
"""What stops a blank form: it needs the indicator set, nothing else of the input."""


@frozen(quick_init=False)
class RenderOptions:
    """What the command line may change in a rendering: the user's own DOCX ``template``, and
    ``blank`` (a blank form: the document's own section of the input is left out)."""

    template: Path | None = None
    blank: bool = False
    experts: int = 0  # the score sheet: one sheet per expert (0: one sheet for the team)


Render = Callable[["Run", str, RenderOptions], bytes]
"""``render(run, fmt, options)``: one output of the document (``fmt``: ``"docx"``, ``"xlsx"``)
as bytes. Renderers never write files."""


@frozen(quick_init=False)
class DocumentSpec:
    """One document the pipeline can make.

    ``needs``: the input sections (top-level keys of the input) it is made from — ``build``
    skips a document whose sections are missing, its own command says they are missing.
    ``blocks_on``: the findings that stop it. ``formats``: the files ``build`` writes, in order
    (the document's command writes the one its ``-o`` names). ``file_stem``: the file name
    ``build`` gives it, without suffix. ``checks``: the checks of its sections (run for every
    input, whatever is being made: ``validate`` and every command see the same findings).
    ``score``: fills the run's score for its section (the scoring stage; ``None`` when the
    document scores nothing itself). ``template``: its DOCX template under ``templates/``
    (``--template`` replaces it; ``greenmine templates lint`` knows its variables).
    ``blank``: whether it can be made as a blank form — ``"on_request"`` (``--blank``),
    ``"when_missing"`` (whenever its sections are missing, in its own command) or ``"never"``.
    """

    key: str
    title: str
    needs: tuple[str, ...]
    blocks_on: Blocking
    formats: tuple[str, ...]
    render: Render
    file_stem: Callable[["Run"], str]
    checks: tuple[Check, ...] = ()
    score: Callable[["Run"], None] | None = None
    template: tuple[str, str] | None = None
    blank: Literal["never", "on_request", "when_missing"] = "never"

    def supports(self, run: Run) -> bool:
        """The input has every section the document is made from."""
        model = run.submission
        return all(getattr(model, section) is not None for section in self.needs)

    def blocking(self, options: RenderOptions) -> Blocking:
        """The policy that applies: a blank form needs only the indicator set."""
        return SET_ERRORS if options.blank else self.blocks_on

    def template_path(self) -> Path | None:
        """The built-in template (``None`` for a document without one)."""
        if self.template is None:
            return None
        from ..resources import template_path

        return template_path(*self.template)
