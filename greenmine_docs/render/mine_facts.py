"""The mine's facts as every document states them: the enterprise table, the licence table and
the reserves sentence (the implementation plan and the self-evaluation report write the same
tables, so they are written once, here, through the one :class:`~greenmine_docs.docx.Writer`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..docx import Cell, cn_date
from ..units import fmt_number, per_year_amount, years_of

if TYPE_CHECKING:
    from ..docx import Writer
    from ..model import Submission


def enterprise_table(w: "Writer", sub: "Submission") -> None:
    """企业基本信息表."""
    e = sub.enterprise
    rows: list[list[Any]] = [["企业名称", e.name, "统一社会信用代码", e.uscc],
                             ["法定代表人", e.legal_representative, "经济类型",
                              e.economic_type or "—"],
                             ["注册地址", Cell(e.address, span=3)],
                             ["联系人", e.contact.name, "联系电话", e.contact.phone]]
    w.table(["项目", "内容", "项目", "内容"], rows, caption="企业基本信息表",
            widths_mm=[26, 52, 30, 48])


def licence_table(w: "Writer", sub: "Submission") -> None:
    """采矿许可证主要信息表."""
    m, lic = sub.mine, sub.mine.licence
    depth = "—"
    if lic.depth_top_m is not None and lic.depth_bottom_m is not None:
        depth = f"{fmt_number(lic.depth_top_m)}米至{fmt_number(lic.depth_bottom_m)}米标高"
    rows: list[list[Any]] = [["矿山名称", Cell(m.name, span=3)],
                             ["采矿许可证号", lic.number, "采矿权人", lic.holder],
                             ["开采矿种", lic.mineral, "开采方式", lic.method.value],
                             ["生产规模", f"{fmt_number(lic.scale.value)}{lic.scale.unit}",
                              "矿区面积", f"{fmt_number(lic.area_km2)}平方千米"],
                             ["有效期限", Cell(f"{cn_date(lic.valid_from)}至"
                                           f"{cn_date(lic.valid_to)}", span=3)],
                             ["开采深度", Cell(depth, span=3)],
                             ["发证机关", lic.issuer, "所在地",
                              f"{m.location.city}{m.location.county}"]]
    w.table(["项目", "内容", "项目", "内容"], rows, caption="采矿许可证主要信息表",
            widths_mm=[26, 52, 26, 52])


def reserves_sentence(sub: "Submission") -> str:
    """截至…年底，矿区剩余可采储量…；按年开采量…计算，剩余可采年限约…年。"""
    r = sub.reserves
    years = years_of(r.remaining.value, r.remaining.unit, r.annual_production.value,
                     r.annual_production.unit)
    source = f"据{r.report_title}，" if r.report_title else ""
    tail = f"计算，剩余可采年限约{years:.1f}年。" if years is not None else "计。"
    return (f"{source}截至{r.report_year}年底，矿区剩余可采储量{fmt_number(r.remaining.value)}"
            f"{r.remaining.unit}；按年开采量"
            f"{per_year_amount(r.annual_production.value, r.annual_production.unit)}{tail}")
