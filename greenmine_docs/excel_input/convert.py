"""``greenmine convert A B``: YAML ⇄ XLSX by the file extensions (also XLSX → XLSX to move an
old workbook onto the current template, and YAML → YAML to tidy key order)."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..findings import Report

YAML = {".yaml", ".yml"}
XLSX = {".xlsx", ".xlsm"}


def _kind(path: Path, role: str) -> str:
    suffix = path.suffix.lower()
    if suffix in YAML:
        return "yaml"
    if suffix in XLSX:
        return "xlsx"
    raise InputError(f"{role}文件 {path} 的扩展名“{suffix or '无'}”无法识别。",
                     hint="转换只支持 YAML（.yaml/.yml）与 Excel（.xlsx）之间互转，"
                          "例如 greenmine convert mine.yaml mine.xlsx。")


def convert(src: str | Path, dst: str | Path, *, force: bool = False,
            schema_ref: str | None = None) -> Report:
    """Convert one input file into the other format. Findings made while reading the source
    (and data that had no place in the target) are returned; nothing is validated here."""
    from ..load import read_input
    from .workbook import write_workbook
    from .yamlio import write_yaml

    src, dst = Path(src), Path(dst)
    _kind(src, "输入")
    target = _kind(dst, "输出")
    raw = read_input(src)
    report = Report(source=str(src))
    report.extend(raw.findings)
    if target == "xlsx":
        report.extend(write_workbook(raw.data, dst, force=force, inputs=(src,)))
    else:
        write_yaml(raw.data, dst, force=force, schema_ref=schema_ref, inputs=(src,),
                   note=f"由 greenmine convert 从 {src.name} 转换生成")
    report.meta["output"] = str(dst)
    return report
