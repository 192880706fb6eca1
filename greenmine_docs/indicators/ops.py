"""What ``greenmine indicators list/show/import/export`` do, as library functions."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..findings import Report
from .numbers import fmt_points
from .load import builtin_ids, load_builtin, load_file, try_resolve
from .model import IndicatorSet


def summaries() -> list[dict[str, Any]]:
    """One line of facts per built-in set."""
    out = []
    for set_id in builtin_ids():
        s = load_builtin(set_id)
        out.append({"id": s.id, "title": s.display_title, "official": s.official,
                    "total_points": s.total_points, "pass_line": s.pass_line,
                    "min_ratio": s.min_ratio, **s.counts()})
    return out


def open_set(ref: str) -> tuple[IndicatorSet | None, Report]:
    """A built-in id or a file; the report holds the file's findings (located)."""
    iset, findings = try_resolve(ref, Path.cwd())
    report = Report(source=ref, findings=list(findings))
    return iset, report


def describe(iset: IndicatorSet, *, items: bool = True) -> str:
    """Readable text of a set: header, prerequisites, the indicator tree."""
    lines = [f"{iset.display_title}（编号 {iset.id}）"]
    if iset.reference_notice:
        lines.append(iset.reference_notice)
    if iset.source:
        lines.append(f"来源：{iset.source}")
    c = iset.counts()
    lines.append(f"总分 {fmt_points(iset.total_points)} 分，达标线 {fmt_points(iset.pass_line)} 分；"
                 f"先决条件 {c['prerequisites']} 条，一级指标 {c['categories']} 个，"
                 f"二级指标 {c['groups']} 个，评价内容 {c['items']} 项。")
    if iset.prerequisites:
        lines.append("\n先决条件（任一项不符合即为不达标）：")
        lines += [f"  {p.id}  {p.text}" for p in iset.prerequisites]
    lines.append("\n评价指标：")
    for cat in iset.categories:
        lines.append(f"  {cat.id} {cat.name}  {fmt_points(cat.points)} 分"
                     f"（得分率不低于 {cat.min_ratio * 100:g}%）")
        for grp in cat.groups:
            lines.append(f"    {grp.id} {grp.name}  {fmt_points(grp.points)} 分")
            if items:
                for it in grp.items:
                    extra = f"  〔{it.applies_to.describe()}〕" if it.applies_to.restricted else ""
                    lines.append(f"      {it.id}  [{fmt_points(it.points)}] {it.text}{extra}")
    return "\n".join(lines)


def import_workbook(src: Path, dst: Path, *, force: bool = False) -> tuple[Report, Path | None]:
    """Excel table -> checked YAML file. Nothing is written when the table has errors."""
    from ..outputs import check_output, write_text_atomic
    from .dump import to_yaml

    dst = Path(dst)
    if dst.suffix.lower() not in (".yaml", ".yml"):
        raise OutputError(f"导入结果 {dst} 应为 .yaml 文件。", hint="例如 -o 本省指标.yaml。")
    check_output(dst, force=force, inputs=[src])
    iset, findings = load_file(Path(src))
    report = Report(source=str(src), findings=list(findings))
    if iset is None:
        return report, None
    write_text_atomic(dst, to_yaml(iset), force=force, inputs=[src])
    return report, dst


def export_set(ref: str, dst: Path, *, force: bool = False) -> tuple[Report, Path | None]:
    """A set (built-in id or file) -> ``.xlsx`` table or ``.yaml`` file."""
    from ..outputs import write_bytes_atomic, write_text_atomic
    from .dump import to_yaml
    from .excel_io import set_workbook_bytes

    dst = Path(dst)
    suffix = dst.suffix.lower()
    if suffix not in (".xlsx", ".yaml", ".yml"):
        raise OutputError(f"导出文件 {dst} 的扩展名应为 .xlsx 或 .yaml。",
                          hint="例如 -o 指标.xlsx。")
    iset, report = open_set(ref)
    if iset is None:
        return report, None
    inputs = [Path(ref)] if Path(ref).exists() else []
    if suffix == ".xlsx":
        write_bytes_atomic(dst, set_workbook_bytes(iset), force=force, inputs=inputs)
    else:
        write_text_atomic(dst, to_yaml(iset), force=force, inputs=inputs)
    return report, dst
