"""Checks of the self-evaluation section (declared in the report's spec; run for every input).

Every item scored and every deduction explained (the engine's problems, located where the
value is written); self-evaluation and self-check agree where both give a value; every problem
has a measure, an owner and a deadline after the evaluation date, and every deducted item is
among the problems; the stated conclusion is the engine's; the report is dated before the
application deadline; the narrative's keys exist, required sections have content, files and
photos are usable.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ...errors import ConfigError, InputError
from ...findings import Finding, make
from ...indicators.numbers import fmt_points
from .data import SelfEvalData, selfeval_data

if TYPE_CHECKING:
    from ...pipeline import Run

_ENGINE_CODES = {"unscored": "GM-E902", "unruled_prerequisite": "GM-E902",
                 "out_of_range": "GM-E903", "no_reason": "GM-E904",
                 "na_without_reason": "GM-E904", "unknown_item": "GM-W905",
                 "unknown_prerequisite": "GM-W905", "scored_not_applicable": "GM-W905"}


def check(run: "Run") -> Iterator[Finding]:
    if run.submission.self_evaluation is None:
        return
    try:
        data = selfeval_data(run)
    except ConfigError as e:
        yield make("GM-E912", e.message, location=run.at("self_evaluation"), hint=e.hint or None)
        return
    yield from _agreement(run)
    yield from _engine(data)
    yield from _problems(data)
    yield from _dates(data)
    yield from _verdict(data)
    yield from _narrative(data)
    yield from _photos(data)


def _agreement(run: "Run") -> Iterator[Finding]:
    se, sc = run.submission.self_evaluation, run.submission.self_check
    if se is None or sc is None:
        return
    for ref, e in se.items.items():
        other = sc.items.get(ref)
        if other is None:
            continue
        if e.score is None and not e.not_applicable:
            continue  # the self-evaluation takes the self-check's score
        if e.not_applicable != other.not_applicable or (
                not e.not_applicable and other.score is not None and e.score != other.score):
            yield make("GM-E901", f"评价内容 {ref}：自评为{_item_text(e)}，自查记录表为"
                                  f"{_item_text(other)}，两者不一致。",
                       location=run.at("self_evaluation", "items", ref))
    for ref, r in se.prerequisites.items():
        other_r = sc.prerequisites.get(ref)
        if other_r is not None and None not in (r.met, other_r.met) and r.met != other_r.met:
            yield make("GM-E901", f"先决条件 {ref}：自评判定为{_met(r.met)}，自查记录表为"
                                  f"{_met(other_r.met)}，两者不一致。",
                       location=run.at("self_evaluation", "prerequisites", ref))


def _item_text(e: Any) -> str:
    if e.not_applicable:
        return "不适用"
    return "未评分" if e.score is None else f"{fmt_points(e.score)}分"


def _met(met: bool | None) -> str:
    return "未判定" if met is None else ("符合" if met else "不符合")


def _engine(data: SelfEvalData) -> Iterator[Finding]:
    if data.result is None:
        return
    for p in data.result.problems:
        kind = "prerequisites" if p.kind.endswith("prerequisite") else "items"
        entries = data.prerequisites if kind == "prerequisites" else data.items
        entry = entries.get(p.ref)
        section = entry.source if entry is not None else "self_evaluation"
        path: tuple[Any, ...] = (section, kind, p.ref) if entry is not None else (section, kind)
        yield make(_ENGINE_CODES.get(p.kind, "GM-W905"), p.message, location=data.run.at(*path))


def _problems(data: SelfEvalData) -> Iterator[Finding]:
    run, day = data.run, data.se.date
    for row in data.problems:
        missing = [label for label, value in (("整改措施", row.measure), ("责任人", row.responsible),
                                              ("完成时限", row.deadline)) if not value]
        if missing:
            yield make("GM-E906", f"问题“{_short(row.problem)}”缺少{'、'.join(missing)}。",
                       location=run.at(*row.path))
        if row.deadline is not None and row.deadline <= day:
            yield make("GM-E907", f"问题“{_short(row.problem)}”的完成时限 {row.deadline} 不在自评日期 "
                                  f"{day} 之后。", location=run.at(*row.path, "deadline"))
        if data.iset is not None:
            for ref in row.items:
                if ref not in data.iset.items:
                    yield make("GM-W905", f"问题“{_short(row.problem)}”涉及的编号“{ref}”不在"
                                          "评价指标体系中。", location=run.at(*row.path, "items"))
    if data.result is None:
        return
    listed = {ref for row in data.problems for ref in row.items}
    unlisted = [r.item.id for r in data.result.deducted_items if r.item.id not in listed]
    if unlisted:
        shown = "、".join(unlisted[:10]) + ("等" if len(unlisted) > 10 else "")
        yield make("GM-W913", f"{len(unlisted)}项有扣分但未列入存在问题及整改措施：{shown}。",
                   location=run.at("self_evaluation", "problems"))


def _dates(data: SelfEvalData) -> Iterator[Finding]:
    run, se = data.run, data.se
    issued = se.issued
    if se.report_date is not None and se.report_date < se.date:
        yield make("GM-E907", f"报告日期 {se.report_date} 早于自评日期 {se.date}。",
                   location=run.at("self_evaluation", "report_date"))
    deadline = run.submission.campaign.deadlines.application
    where = "report_date" if se.report_date is not None else "date"
    if deadline is not None and issued > deadline:
        yield make("GM-E908", f"自评报告日期 {issued} 晚于网络申请截止日期 {deadline}。",
                   location=run.at("self_evaluation", where))
    if issued > run.as_of:
        yield make("GM-I914", f"自评报告日期 {issued} 晚于基准日期 {run.as_of}。",
                   location=run.at("self_evaluation", where))


def _verdict(data: SelfEvalData) -> Iterator[Finding]:
    stated = (data.se.stated_verdict or "").strip()
    if not stated or data.result is None:
        return
    actual = data.result.verdict.value
    if stated != actual:
        yield make("GM-E911", f"企业填写的自评结论为“{stated}”，按先决条件判定和得分应为“{actual}”："
                              + "".join(data.result.reasons),
                   location=data.run.at("self_evaluation", "stated_verdict"))


def _narrative(data: SelfEvalData) -> Iterator[Finding]:
    run, outline = data.run, data.outline
    known = {s.key: s for _, s in outline.sections()}
    for key, value in data.se.narrative.items():
        section = known.get(key)
        if section is None:
            yield make("GM-W909", f"self_evaluation.narrative 中的“{key}”不是提纲中的节，这段文字不会"
                                  "出现在报告中。", location=run.at("self_evaluation", "narrative", key),
                       hint="可用的键：" + "、".join(known))
        elif section.repeat and data.iset is not None and isinstance(value, dict):
            for sub in value:
                if data.category(sub) is None:
                    yield make("GM-W909", f"“{key}”下的“{sub}”不是“{data.iset.display_title}”的"
                                          "一级指标。",
                               location=run.at("self_evaluation", "narrative", key, sub),
                               hint="可用：" + "、".join(f"{c.id} {c.name}"
                                                       for c in data.categories))
    for chapter, section in outline.sections():
        # a section whose first source is the narrative is the enterprise's text: required
        needs_text = section.fill[0] == "narrative" and chapter.required and section.required
        targets: tuple[Any, ...] = data.categories if section.repeat else (None,)
        for category in targets:
            try:
                text = data.narrative(section.key, category)
            except InputError as e:
                yield make("GM-E912", e.message, location=run.at("self_evaluation", "narrative",
                                                                 section.key), hint=e.hint or None)
                continue
            if text is None and needs_text:
                name = category.name if category is not None else section.title
                yield make("GM-E910", f"“{chapter.title}—{name}”一节没有内容（提纲要求必须编写）。",
                           location=run.at("self_evaluation", "narrative"),
                           hint=f"在 self_evaluation.narrative.{section.key}"
                                + (f".{category.id}" if category is not None else "")
                                + " 中编写文字。")


def _photos(data: SelfEvalData) -> Iterator[Finding]:
    from ...safety.images import inspect_image
    from ...safety.inputs import real_path

    base = Path(real_path(data.run.base_dir))  # (each once in a batch's mine)
    for i, photo in enumerate(data.se.photos):
        path = Path(real_path(base / photo.file))
        if path != base and base not in path.parents:
            problem = "路径指向输入文件所在目录之外"
        else:
            found = inspect_image(path)
            problem = "" if found.ok else found.problem
        if problem:
            yield make("GM-E912", f"照片“{photo.file}”无法使用：{problem}。",
                       location=data.run.at("self_evaluation", "photos", i, "file"))


def _short(text: str, n: int = 24) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[:n] + "…"
