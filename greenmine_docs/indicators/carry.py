"""Carry an input scored on one indicator set to another, as a draft (``indicators carry``).

Works on the input's plain data (the YAML document, comments kept by the caller's round-trip
loader) and changes only what names indicator ids: ``campaign.indicator_set``, the assessors'
``assessment.scores``/``prerequisites``/``problems``, the enterprise's ``self_check`` and
``self_evaluation`` (items, prerequisites, problems, ``narrative.by_indicator``), and the
plan's ``targets``/``gaps``/``tasks``/``narrative.tasks_by_indicator``. Scores follow
:func:`.mapping.carry_score`; text fields of several old items are joined, each marked with the
old id it came from. Every new item that needs a judgement of its own is a finding (GM-W352),
every old item nothing takes over is one too (GM-I353), so the draft says where to look.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..findings import Finding, Location, make
from .mapping import Carried, SetMapping, carry_score
from .model import IndicatorSet, MineProfile

_NA_WORDS = {"不适用", "不涉及", "n/a", "na", "—", "/"}
# per section: the text fields joined from several old items
_TEXTS = {"assessment": ("observation", "deduction_reason", "suggestion", "evidence", "remark"),
          "self_check": ("situation", "problem", "measure", "responsible"),
          "self_evaluation": ("method", "evidence", "deduction_reason")}


def _entry(value: Any) -> dict:
    """An item entry in its long form: ``15`` -> ``{score: 15}``, ``不适用`` -> NA."""
    if isinstance(value, bool):
        return {}
    if isinstance(value, (int, float)):
        return {"score": value}
    if isinstance(value, str):
        return {"not_applicable": True} if value.strip().lower() in _NA_WORDS else {}
    if isinstance(value, dict):
        d = dict(value)
        s = d.get("score")
        if isinstance(s, str) and s.strip().lower() in _NA_WORDS:
            d["score"], d["not_applicable"] = None, True
        if str(d.get("not_applicable", "")).strip() in ("是", "True", "true"):
            d["not_applicable"] = True
        return d
    return {}


class _Carrier:
    def __init__(self, old: IndicatorSet, new: IndicatorSet, mapping: SetMapping,
                 where: Location, mine: MineProfile) -> None:
        self.old, self.new, self.m, self.where, self.mine = old, new, mapping, where, mine
        self.findings: list[Finding] = []

    def note(self, code: str, message: str, hint: str | None = None) -> None:
        self.findings.append(make(code, message, location=self.where, hint=hint))

    def items(self, given: dict, section: str, label: str, *, partial: bool = False
              ) -> dict[str, Any]:
        """One section's item entries carried to the new set's ids. ``partial``: the section
        lists only some items (the rest come from elsewhere): only the new items some given
        old item feeds are carried, and nothing is said of the others."""
        entries = {str(k).strip(): _entry(v) for k, v in (given or {}).items()}
        out: dict[str, Any] = {}
        for new_id, item in self.new.items.items():
            olds = self.m.items.get(new_id, ())
            if partial and not any(o in entries for o in olds):
                continue
            if not olds:
                self.note("GM-W352", f"{label}：{new_id}“{item.text}”在原指标体系中没有对应内容，"
                          "须重新判定。")
                continue
            sources = [(o, self.old.items[o].points,  # not applicable to the mine by the set
                        entries.get(o, {}) if self.old.items[o].applies(self.mine)
                        else {"not_applicable": True}) for o in olds]
            got = carry_score(item.points, sources, self.new.score_decimals)
            out[new_id] = self.entry(got, [entries.get(o, {}) for o in olds], olds, section,
                                     item.points)
            if got.score is None and not got.not_applicable:
                self.note("GM-W352", f"{label}：{new_id} 对应的原评价内容（{'、'.join(olds)}）"
                          "有未评分项，须重新判定。")
        return out

    def entry(self, got: Carried, olds: list[dict], ids: tuple[str, ...], section: str,
              points: float) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if got.not_applicable:
            d["not_applicable"] = True
        elif got.score is not None:
            d["score"] = int(got.score) if float(got.score).is_integer() else got.score
        for key in _TEXTS[section]:
            parts = [(i, str(e[key]).strip()) for i, e in zip(ids, olds)
                     if e.get(key) not in (None, "")]
            if key == "deduction_reason" and got.score is not None and got.score >= points:
                parts = []
            if parts:
                d[key] = parts[0][1] if len(parts) == 1 else "；".join(
                    f"（原{i}）{t}" for i, t in parts)
        photos = sorted({p for e in olds for p in (e.get("photos") or [])
                         if isinstance(p, int)})
        if photos:
            d["photos"] = photos
        dates = [e["deadline"] for e in olds if isinstance(e.get("deadline"), dt.date)]
        if dates:
            d["deadline"] = min(dates)
        if got.not_applicable and section == "assessment" and "remark" not in d:
            d["remark"] = "原评价内容" + "、".join(ids) + "不适用"
        return d

    def prerequisites(self, given: dict, label: str) -> dict[str, Any]:
        out = {}
        for ref, value in (given or {}).items():
            if str(ref) in self.new.prerequisite_ids:
                out[str(ref)] = value
            else:
                self.note("GM-I353", f"{label}：先决条件 {ref} 在新指标体系中没有同编号的条件，未转换。")
        for pre in self.new.prerequisites:
            if pre.id not in out:
                self.note("GM-W352", f"{label}：先决条件 {pre.id}“{pre.text}”须重新判定。")
        return out

    def ref(self, old_ref: Any) -> str | None:
        """An old id (item, group or first-level) -> the new id it maps to, or None."""
        ref = str(old_ref).strip()
        if ref in self.old.items:
            targets = self.m.targets_of(ref)
            return targets[0] if targets else None
        if ref in self.m.categories:
            return self.m.categories[ref]
        if ref in self.old.groups:
            for item in self.old.groups[ref].items:
                targets = self.m.targets_of(item.id)
                if targets:
                    return self.new.items[targets[0]].group_id
        return None

    def unused(self) -> None:
        used = {o for olds in self.m.items.values() for o in olds}
        rest = [i for i in self.old.items if i not in used]
        if rest:
            self.note("GM-I353", f"原指标体系中有{len(rest)}项评价内容没有转入新体系："
                      + "、".join(rest) + "。", hint="核对对应表；其中的扣分事实如仍存在，"
                      "请在新体系的相应评价内容中重新记录。")


def carry_input(data: dict, old: IndicatorSet, new: IndicatorSet, mapping: SetMapping, *,
                where: Location) -> list[Finding]:
    """Rewrite ``data`` (an input document, changed in place) for the new set."""
    mine: dict = data["mine"] if isinstance(data.get("mine"), dict) else {}
    licence: dict = mine["licence"] if isinstance(mine.get("licence"), dict) else {}
    c = _Carrier(old, new, mapping, where,
                 MineProfile(mine.get("industry_standard"), licence.get("method")))
    data.setdefault("campaign", {})["indicator_set"] = new.id
    a = data.get("assessment")
    if isinstance(a, dict):
        if a.get("score_sheet"):
            c.note("GM-W354", "评估得分在已填写的打分表中，转换只处理输入文件中的得分；"
                   "已删除 score_sheet，请用新指标体系重新生成打分表。")
            del a["score_sheet"]
        a["scores"] = c.items(a.get("scores") or {}, "assessment", "第三方评估")
        a["prerequisites"] = c.prerequisites(a.get("prerequisites") or {}, "第三方评估")
        for problem in a.get("problems") or []:
            if isinstance(problem, dict) and problem.get("items"):
                problem["items"] = _unique(c.ref(i) for i in problem["items"])
    s = data.get("self_check")
    if isinstance(s, dict):
        s["items"] = c.items(s.get("items") or {}, "self_check", "企业自查")
        s["prerequisites"] = c.prerequisites(s.get("prerequisites") or {}, "企业自查")
    _self_evaluation(data.get("self_evaluation"), c)
    _plan(data.get("plan"), c)
    c.unused()
    return c.findings


def _plan(plan: Any, c: _Carrier) -> None:
    if not isinstance(plan, dict):
        return
    for key in ("targets", "gaps"):
        for row in plan.get(key) or []:
            if isinstance(row, dict) and row.get("indicator") not in (None, ""):
                new_ref = c.ref(row["indicator"])
                if new_ref is None:
                    c.note("GM-W352", f"实施方案 {key} 中的指标编号“{row['indicator']}”在新体系中"
                           "没有对应内容，已保留原编号，须改写。")
                else:
                    row["indicator"] = new_ref
    for task in plan.get("tasks") or []:
        if isinstance(task, dict) and str(task.get("category", "")) in c.m.categories:
            task["category"] = c.m.categories[str(task["category"])]
    narrative = plan.get("narrative")
    if isinstance(narrative, dict) and isinstance(narrative.get("tasks_by_indicator"), dict):
        narrative["tasks_by_indicator"] = _by_category(narrative["tasks_by_indicator"], c,
                                                       "实施方案中没有一级指标 {}“{}”的建设任务，须补写。")


def _self_evaluation(s: Any, c: _Carrier) -> None:
    """The self-evaluation's items, prerequisites, problems and per-indicator narrative."""
    if not isinstance(s, dict):
        return
    if s.get("items"):
        s["items"] = c.items(s["items"], "self_evaluation", "企业自评", partial=True)
    if s.get("prerequisites"):
        s["prerequisites"] = c.prerequisites(s["prerequisites"], "企业自评")
    for problem in s.get("problems") or []:
        if isinstance(problem, dict) and problem.get("items"):
            problem["items"] = _unique(c.ref(i) for i in problem["items"])
    narrative = s.get("narrative")
    if isinstance(narrative, dict) and isinstance(narrative.get("by_indicator"), dict):
        narrative["by_indicator"] = _by_category(narrative["by_indicator"], c,
                                                 "自评报告中没有一级指标 {}“{}”的建设情况，须补写。")


def _by_category(texts: dict, c: _Carrier, missing: str) -> dict[str, str]:
    """Texts keyed by old first-level ids, re-keyed by the new ids they map to (texts that land
    on one new id joined); a new first-level indicator with no text is a finding."""
    merged: dict[str, str] = {}
    for k, text in texts.items():
        target = c.m.categories.get(str(k), str(k))
        merged[target] = (merged[target].rstrip() + "\n" + str(text)) if target in merged \
            else str(text)
    for cat in c.new.categories:
        if cat.id not in merged:
            c.note("GM-W352", missing.format(cat.id, cat.name))
    return merged


def _unique(values: Any) -> list[str]:
    out: list[str] = []
    for v in values:
        if v is not None and v not in out:
            out.append(v)
    return out
