"""Turn plain data (from YAML or an Excel import) into a checked :class:`IndicatorSet`.

Every problem becomes a finding located through ``locate(path)`` — file:line for YAML,
sheet!cell for Excel — and all problems are collected before giving up. The set is returned only
when there is no error finding, so code receiving an :class:`IndicatorSet` can trust that ids are
unique and points add up (per second level, per first level and to the total).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from ..findings import Finding, Location, make
from ..rawinput import FieldPath
from ..numtext import checked
from .model import (PREREQUISITE_FACTS, Applicability, Category, Group, IndicatorSet, Item,
                    Prerequisite)

Locate = Callable[[FieldPath], Location]

KNOWN_METHODS = ("露天开采", "地下开采", "露天-地下联合开采")

_TOP_KEYS = {"format", "id", "title", "document_number", "edition", "source", "official", "note",
             "total_points", "pass_line", "min_ratio", "prerequisites", "categories",
             "score_decimals", "counts"}
_PREREQ_KEYS = {"id", "text", "evidence", "fact"}
_CAT_KEYS = {"id", "name", "points", "min_ratio", "groups"}
_GROUP_KEYS = {"id", "name", "points", "items"}
_ITEM_KEYS = {"id", "text", "points", "method", "evidence", "applies_to"}
_APPLIES_KEYS = {"standards", "methods"}
COUNT_KEYS = (("categories", "一级指标"), ("groups", "二级指标"), ("items", "评价内容"))

FORMAT_TAG = "greenmine-indicator-set/1"


def _num(x: float) -> str:
    """``220.0`` -> ``220``, ``2.5`` -> ``2.5`` (for messages)."""
    f = Fraction(x).limit_denominator(1000)
    return str(f.numerator) if f.denominator == 1 else f"{float(f):g}"


class _Builder:
    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.findings: list[Finding] = []
        self.ids: dict[str, FieldPath] = {}

    # -- helpers -------------------------------------------------------------------------
    def err(self, code: str, message: str, path: FieldPath, hint: str | None = None) -> None:
        self.findings.append(make(code, message, location=self.locate(path), hint=hint))

    def mapping(self, value: Any, path: FieldPath, what: str, keys: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.err("GM-E301", f"{what}应是“字段: 值”的映射，实际是{_kind(value)}。", path)
            return None
        for key in value:
            if key not in keys:
                self.err("GM-E301", f"{what}中有未知字段“{key}”。", (*path, key),
                         hint="可用字段：" + "、".join(sorted(keys)))
        return value

    def text(self, d: dict, key: str, path: FieldPath, what: str, *, required: bool = True
             ) -> str:
        value = d.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err("GM-E301", f"缺少{what}（{key}）。", (*path, key) if key in d else path)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.err("GM-E301", f"{what}（{key}）应是文字，实际是{_kind(value)}。", (*path, key))
            return ""
        return str(value).strip()

    def ident(self, d: dict, path: FieldPath, what: str) -> str:
        value = d.get("id")
        if isinstance(value, float):
            self.err("GM-E301", f"{what}编号 {value} 被读成了小数，“1.10”与“1.1”会混淆。",
                     (*path, "id"), hint="编号请加引号，例如 id: \"1.1\"。")
            return ""
        ident = self.text(d, "id", path, f"{what}编号")
        if not ident:
            return ""
        if ident in self.ids:
            self.err("GM-E302", f"编号“{ident}”重复，第一次出现在 {self.locate(self.ids[ident])}。",
                     (*path, "id"))
        else:
            self.ids[ident] = (*path, "id")
        return ident

    def points(self, d: dict, key: str, path: FieldPath, what: str) -> float | None:
        value = d.get(key)
        if value is None:
            self.err("GM-E301", f"缺少{what}（{key}）。", path)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err("GM-E301", f"{what}（{key}）应是数字，实际是“{value}”。", (*path, key))
            return None
        problem = checked(value, str(value)).problem
        if problem:  # ∞, NaN, 10**400: every sum of points after it would break
            self.err("GM-E301", f"{what}（{key}）{problem}。", (*path, key))
            return None
        if value <= 0:
            self.err("GM-E301", f"{what}（{key}）应大于 0，实际是 {_num(value)}。", (*path, key))
            return None
        return float(value)

    def ratio(self, d: dict, key: str, path: FieldPath, default: float | None) -> float | None:
        value = d.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err("GM-E305", f"得分率要求（{key}）应是 0～1 之间的小数，实际是“{value}”。",
                     (*path, key))
            return default
        if not 0 <= value <= 1:
            hint = f"是否想写 {value / 100:g}？" if 1 < value <= 100 else None
            self.err("GM-E305", f"得分率要求（{key}）为 {value:g}，不在 0～1 之间。", (*path, key),
                     hint=hint)
            return default
        return float(value)

    def seq(self, d: dict, key: str, path: FieldPath, what: str, *, required: bool = True
            ) -> list:
        value = d.get(key)
        if value is None:
            if required:
                self.err("GM-E301", f"缺少{what}（{key}）。", path)
            return []
        if not isinstance(value, list):
            self.err("GM-E301", f"{what}（{key}）应是列表，实际是{_kind(value)}。", (*path, key))
            return []
        if required and not value:
            self.err("GM-E301", f"{what}（{key}）不能为空。", (*path, key))
        return value

    def check_sum(self, parts: list[float | None], whole: float | None, path: FieldPath,
                  what: str, part_what: str) -> None:
        if whole is None or any(p is None for p in parts) or not parts:
            return
        total = sum((Fraction(p) for p in parts if p is not None), Fraction(0))
        if total != Fraction(whole):
            self.err("GM-E303", f"{what}为 {_num(whole)} 分，但其{part_what}分值之和为 "
                     f"{_num(float(total))} 分，相差 {_num(float(total - Fraction(whole)))} 分。",
                     path)

    # -- levels --------------------------------------------------------------------------
    def applies(self, value: Any, path: FieldPath) -> Applicability:
        if value is None:
            return Applicability()
        d = self.mapping(value, path, "适用范围", _APPLIES_KEYS)
        if d is None:
            return Applicability()
        from ..model.enums import IndustryStandard

        known_std = {s.value for s in IndustryStandard}
        out: dict[str, tuple[str, ...]] = {}
        for key, known, what in (("standards", known_std, "行业标准"),
                                 ("methods", set(KNOWN_METHODS), "开采方式")):
            raw = d.get(key)
            if raw is None:
                out[key] = ()
                continue
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                self.err("GM-E301", f"适用{what}（{key}）应是文字列表。", (*path, key))
                out[key] = ()
                continue
            vals = tuple(x.strip() for x in raw if x.strip())
            for i, v in enumerate(vals):
                if v not in known:
                    self.findings.append(make(
                        "GM-W308", f"适用{what}“{v}”不认识，该项对任何矿山都不会适用。",
                        location=self.locate((*path, key, i))))
            out[key] = vals
        return Applicability(standards=out["standards"], methods=out["methods"])

    def item(self, value: Any, path: FieldPath, group_id: str, category_id: str) -> Item | None:
        d = self.mapping(value, path, "评价内容", _ITEM_KEYS)
        if d is None:
            return None
        ident = self.ident(d, path, "评价内容")
        text = self.text(d, "text", path, "评价内容与要求")
        pts = self.points(d, "points", path, "分值")
        method = self.text(d, "method", path, "评分方法", required=False)
        evidence = self.text(d, "evidence", path, "佐证材料", required=False)
        applies = self.applies(d.get("applies_to"), (*path, "applies_to"))
        if not (ident and text and pts is not None):
            return None
        return Item(id=ident, text=text, points=pts, method=method, evidence=evidence,
                    applies_to=applies, group_id=group_id, category_id=category_id)

    def group(self, value: Any, path: FieldPath, category_id: str
              ) -> tuple[Group | None, float | None]:
        d = self.mapping(value, path, "二级指标", _GROUP_KEYS)
        if d is None:
            return None, None
        ident = self.ident(d, path, "二级指标")
        name = self.text(d, "name", path, "二级指标名称")
        pts = self.points(d, "points", path, "二级指标分值")
        raw_items = self.seq(d, "items", path, "评价内容")
        items = [self.item(v, (*path, "items", i), ident, category_id)
                 for i, v in enumerate(raw_items)]
        item_points = [_item_points(v) for v in raw_items]
        self.check_sum(item_points, pts, (*path, "points"), f"二级指标“{name or ident}”",
                       "各评价内容")
        if not (ident and name and pts is not None) or any(i is None for i in items):
            return None, pts
        return Group(id=ident, name=name, points=pts, items=tuple(items),  # type: ignore[arg-type]
                     category_id=category_id), pts

    def category(self, value: Any, path: FieldPath, default_ratio: float | None
                 ) -> tuple[Category | None, float | None]:
        d = self.mapping(value, path, "一级指标", _CAT_KEYS)
        if d is None:
            return None, None
        ident = self.ident(d, path, "一级指标")
        name = self.text(d, "name", path, "一级指标名称")
        pts = self.points(d, "points", path, "一级指标分值")
        ratio = self.ratio(d, "min_ratio", path, default_ratio)
        raw_groups = self.seq(d, "groups", path, "二级指标")
        built = [self.group(v, (*path, "groups", i), ident) for i, v in enumerate(raw_groups)]
        self.check_sum([p for _, p in built], pts, (*path, "points"), f"一级指标“{name or ident}”",
                       "各二级指标")
        groups = [g for g, _ in built]
        if not (ident and name and pts is not None) or any(g is None for g in groups):
            return None, pts
        return Category(id=ident, name=name, points=pts, min_ratio=ratio or 0.0,
                        groups=tuple(groups)), pts  # type: ignore[arg-type]

    def prerequisite(self, value: Any, path: FieldPath) -> Prerequisite | None:
        d = self.mapping(value, path, "先决条件", _PREREQ_KEYS)
        if d is None:
            return None
        ident = self.ident(d, path, "先决条件")
        text = self.text(d, "text", path, "先决条件内容")
        evidence = self.text(d, "evidence", path, "佐证材料", required=False)
        fact = d.get("fact")
        if fact is not None and fact not in PREREQUISITE_FACTS:
            self.err("GM-E301", f"先决条件对应事实“{fact}”不认识。", (*path, "fact"),
                     hint="可用：" + "、".join(PREREQUISITE_FACTS) + "；不需要时删除该字段。")
            fact = None
        if not (ident and text):
            return None
        return Prerequisite(id=ident, text=text, evidence=evidence, fact=fact)

    def build(self, data: Any, source_path: str) -> IndicatorSet | None:
        d = self.mapping(data, (), "指标体系", _TOP_KEYS)
        if d is None:
            return None
        fmt = d.get("format")
        if fmt is not None and fmt != FORMAT_TAG:
            self.err("GM-E301", f"格式标记“{fmt}”不认识，应为“{FORMAT_TAG}”。", ("format",))
        set_id = self.text(d, "id", (), "指标体系编号")
        title = self.text(d, "title", (), "指标体系名称")
        official = d.get("official")
        if not isinstance(official, bool):
            self.err("GM-E301", "须用 official: true 或 official: false 写明是否为官方发布的指标。",
                     ("official",) if "official" in d else ())
            official = False
        total = self.points(d, "total_points", (), "总分")
        pass_line = d.get("pass_line")
        if isinstance(pass_line, bool) or not isinstance(pass_line, (int, float)):
            self.err("GM-E304", f"达标线（pass_line）应是数字，实际是“{pass_line}”。",
                     ("pass_line",) if "pass_line" in d else ())
            pass_line = None
        elif checked(pass_line, "").problem:
            self.err("GM-E304", f"达标线（pass_line）{checked(pass_line, str(pass_line)).problem}。",
                     ("pass_line",))
            pass_line = None
        elif pass_line <= 0 or (total is not None and pass_line > total):
            self.err("GM-E304", f"达标线 {_num(pass_line)} 分不合理（总分 {_num(total or 0)} 分）。",
                     ("pass_line",))
        ratio = self.ratio(d, "min_ratio", (), 0.0)
        prereqs = [self.prerequisite(v, ("prerequisites", i))
                   for i, v in enumerate(self.seq(d, "prerequisites", (), "先决条件",
                                                  required=False))]
        built = [self.category(v, ("categories", i), ratio)
                 for i, v in enumerate(self.seq(d, "categories", (), "一级指标"))]
        self.check_sum([p for _, p in built], total, ("total_points",), "总分", "各一级指标")
        decimals = self.decimals(d)
        counts = self.counts(d, [c for c, _ in built])
        if any(f.severity.value == "error" for f in self.findings):
            return None
        return IndicatorSet(
            id=set_id, title=title, official=official, total_points=total,  # type: ignore[arg-type]
            pass_line=float(pass_line), min_ratio=ratio or 0.0,  # type: ignore[arg-type]
            prerequisites=tuple(prereqs),  # type: ignore[arg-type]
            categories=tuple(c for c, _ in built),  # type: ignore[misc]
            edition=self.text(d, "edition", (), "版本", required=False),
            source=self.text(d, "source", (), "来源", required=False),
            note=self.text(d, "note", (), "说明", required=False),
            document_number=self.text(d, "document_number", (), "发布文号", required=False),
            source_path=source_path, score_decimals=decimals, declared_counts=counts)

    def decimals(self, d: dict) -> int | None:
        """``score_decimals``: 0, 1 or 2 (how finely an item may be scored)."""
        value = _whole(d.get("score_decimals"))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2:
            self.err("GM-E301", f"得分小数位数（score_decimals）应是 0、1 或 2，实际是“{value}”。",
                     ("score_decimals",))
            return None
        return value

    def counts(self, d: dict, cats: list[Category | None]) -> tuple[int, int, int] | None:
        """``counts``: the declared number of first-level, second-level indicators and items,
        compared with what the set holds (GM-E309 names each level that differs)."""
        value = d.get("counts")
        if value is None:
            return None
        m = self.mapping(value, ("counts",), "指标数量声明", {k for k, _ in COUNT_KEYS})
        if m is None:
            return None
        declared = []
        for key, what in COUNT_KEYS:
            n = _whole(m.get(key))
            if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
                self.err("GM-E301", f"{what}数量（counts.{key}）应是正整数，实际是“{n}”。",
                         ("counts", key) if key in m else ("counts",))
                return None
            declared.append(n)
        if all(c is not None for c in cats):
            actual = (len(cats), sum(len(c.groups) for c in cats if c),
                      sum(len(c.items) for c in cats if c))
            for (key, what), want, have in zip(COUNT_KEYS, declared, actual):
                if want != have:
                    self.err("GM-E309", f"指标体系声明有{want}个{what}，实际有{have}个。",
                             ("counts", key),
                             hint="核对是否漏录或多录了行；声明应与发布的指标表一致。")
        return (declared[0], declared[1], declared[2])


def _whole(value: Any) -> Any:
    """``3.0`` (an Excel cell) -> ``3``; anything else unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _item_points(value: Any) -> float | None:
    if isinstance(value, dict):
        p = value.get("points")
        if isinstance(p, (int, float)) and not isinstance(p, bool) and p > 0 \
                and not checked(p, "").problem:
            return float(p)
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{value[:20]}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


def build_set(data: Any, locate: Locate, *, source_path: str = "") -> tuple[IndicatorSet | None,
                                                                             list[Finding]]:
    """Check ``data`` and build the set; ``(None, findings)`` when any finding is an error."""
    b = _Builder(locate)
    result = b.build(data, source_path)
    return result, b.findings
