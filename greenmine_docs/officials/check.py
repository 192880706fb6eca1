"""``greenmine check``: a submitted plan (any Word file) against the writing outline.

Findings (codes in :mod:`greenmine_docs.codes.officials`): missing chapters/sections
(GM-E611/E612, optional ones GM-I622), chapters out of order (GM-W613), empty sections
(GM-W614), numbers that skip or repeat (GM-W615), levels that jump (GM-W616), placeholders
(GM-E617), highlighted text (GM-W618), no recognisable headings (GM-E619), key facts that
disagree with the input (GM-W620/I621), titles matched only by similarity (GM-I623), chapters
outside the outline (GM-I624), chapters twice (GM-W625). Every finding names the heading (and
the paragraph number, counting non-empty paragraphs) it is about.

This module reads each document, runs the checks and gathers the report; the headings' tree is
:mod:`.plan_tree`, the checks against the outline :mod:`.outline_check`, those of form
:mod:`.structure_check`, the key facts :mod:`.facts`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..findings import Location, Report, make
from .outline import Outline, expand, load_outline
from .outline_check import check_outline, heading_rows, split_front
from .plan_tree import build_tree, chapters_of
from .structure_check import (check_empty, check_levels, check_numbering,
                              check_placeholders, check_revisions, headings_for)

DEFAULT_INDICATOR_SET = "national-2020-reference"
log = logging.getLogger(__name__)


def check_document(path: str | Path, *, outline: Outline | None = None,
                   outline_path: str | Path | None = None,
                   input_path: str | Path | None = None, kind: str = "plan") -> Report:
    """Check one document (a plan, or another ``kind`` with an outline: ``self-eval``,
    ``zone-plan``); raises :class:`InputError` only when it (or the input, the outline) cannot
    be used at all."""
    return _check_one(Path(path), _prepare(outline or load_outline(outline_path, kind),
                                           input_path))


@dataclass
class _Basis:
    """What every document of one run is checked against: the outline expanded for the
    indicator set, and the mine's input when given (loaded once for all documents)."""

    outline: Outline
    submission: object | None


def _prepare(outline: Outline, input_path: str | Path | None) -> _Basis:
    submission = _submission(input_path) if input_path is not None else None
    return _Basis(expand(outline, _indicator_set(submission, input_path)), submission)


def _check_one(path: Path, basis: _Basis) -> Report:
    outline, submission = basis.outline, basis.submission
    report = Report(source=str(path))
    from .documents import read_document

    structure = read_document(path, known_titles=outline.known_titles())
    file = str(path)
    report.meta["outline"] = outline.source
    report.meta["headings"] = len(structure.headings)
    report.meta["origin"] = structure.origin
    if structure.origin == "ocr":
        report.add(make("GM-I632", "该 PDF 没有文字层（扫描件），文字由 OCR 识别：个别字可能识别有误，"
                                   "位置按页和行给出。", location=Location(file=file)))
    heading_map: dict[int, tuple[str, str]] = {}
    root = build_tree(structure)
    if not split_front(chapters_of(root, outline))[1]:
        report.add(make("GM-E619", "文档中没有可识别的章节标题（未使用标题样式，也没有“第一章”“一、”"
                                   "等编号的标题行）。", location=Location(file=file)))
    else:
        report.extend(check_outline(root, outline, file, heading_map))
        report.extend(check_levels(structure, file))
        report.extend(check_numbering(root, file))
        report.extend(check_empty(root, file))
    report.meta["heading_map"] = heading_rows(structure, heading_map)
    report.extend(check_placeholders(structure, file))
    report.extend(check_revisions(structure, file))
    if submission is not None:
        from .facts import compare_facts

        blocks = [(b, h) for b, h in headings_for(structure)
                  if b.kind in ("para", "table", "heading")]
        report.extend(compare_facts(blocks, submission, file, structure.header_footer_text))
    report.findings.sort(key=lambda f: (f.location.paragraph or 0, f.location.page or 0,
                                        f.location.line or 0))
    return report


def _submission(input_path: str | Path):
    from ..errors import InputError
    from ..load import load_model, read_input

    model, report = load_model(read_input(Path(input_path)))
    if model is None:
        first = next(iter(report.errors), None)
        raise InputError(f"申报数据 {Path(input_path).name} 有错误，无法用于核对关键信息"
                         + (f"：{first.location} {first.message}" if first else "。"),
                         hint=f"先运行 greenmine validate {input_path} 修正后再核对。")
    return model


def _indicator_set(submission, input_path: str | Path | None):
    """The mine's own indicator set (``campaign.indicator_set``), else the reference set."""
    from ..indicators import load_builtin, resolve

    if submission is not None and input_path is not None:
        return resolve(submission.campaign.indicator_set, Path(input_path).resolve().parent)
    return load_builtin(DEFAULT_INDICATOR_SET)


def check_documents(paths: list[Path], *, outline_path: str | Path | None = None,
                    input_path: str | Path | None = None, kind: str = "plan") -> list[Report]:
    """Several documents of one ``kind`` against one outline and input (each loaded once).
    One document alone that cannot be read raises :class:`InputError` (exit 2); among
    several, it gets a report of its own with GM-E627 and the others are still checked."""
    basis = _prepare(load_outline(outline_path, kind), input_path)
    if len(paths) == 1:
        return [_check_one(Path(paths[0]), basis)]
    return [_check_or_report(Path(p), basis) for p in paths]


def _check_or_report(path: Path, basis: _Basis) -> Report:
    from ..errors import GreenmineError

    try:
        return _check_one(path, basis)
    except GreenmineError as e:
        message, hint = e.message, e.hint or None
    except Exception as e:  # noqa: BLE001 - one odd file must not stop the other submissions
        log.exception("checking %s failed", path)
        message = f"检查时出现内部错误（{type(e).__name__}: {e}）"
        hint = "其他文件已照常检查；请将该文件反馈给维护者。"
    report = Report(source=str(path))
    report.add(make("GM-E627", f"无法检查该文件：{message}", location=Location(file=str(path)),
                    hint=hint))
    return report


def heading_map_html(report: Report) -> str:
    """The headings of one checked plan as a table for the HTML report: level, how each was
    recognised (style, numbering, automatic numbering, outline title, type size) and which
    outline chapter or section it was matched to and how (title, alias, similar title,
    meaning, content, place), so an official can see why a chapter counts or is missing."""
    from html import escape

    rows = report.meta.get("heading_map") or []
    if not rows:
        return ""
    origin = {"pdf": "（PDF 文字层）", "ocr": "（PDF 扫描件，OCR 识别）"}.get(
        report.meta.get("origin", ""), "")
    body = "".join(
        f"<tr><td>{escape(r['heading'])}</td><td>{escape(r['where'])}</td>"
        f"<td class=\"n\">{r['level']}</td>"
        f"<td>{escape(r['recognised_by'])}</td><td>{escape(r['matched'] or '—')}</td>"
        f"<td>{escape(r['how'])}</td></tr>" for r in rows)
    return (f'<details class="hm"><summary>标题识别与提纲对应{origin}（{len(rows)} 个）</summary>'
            '<table class="files"><thead><tr><th>标题</th><th>位置</th><th>级</th><th>识别依据</th>'
            f"<th>对应提纲</th><th>对应方式</th></tr></thead><tbody>{body}</tbody></table>"
            "</details>")
