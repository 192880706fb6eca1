"""``greenmine convert A B``: YAML ⇄ XLSX by the file extensions (also XLSX → XLSX to move an
old workbook onto the current template, and YAML → YAML to tidy key order)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from .errors import InputError
from .excel_input import write_workbook, write_yaml
from .findings import Finding, Location, Report, make
from .load import read_input
from .rawinput import dotted

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
    report.extend(moved_references(raw.data, src.parent, dst.parent))
    report.meta["output"] = str(dst)
    return report


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))
    elif isinstance(data, str) and 0 < len(data) < 260 and "\n" not in data and (
            "/" in data or "." in data):
        yield path, data


def moved_references(data: Any, src_dir: Path, dst_dir: Path) -> list[Finding]:
    """Relative file references (narrative .md files, photos, indicator sets) that resolve next
    to the source but not next to the converted file."""
    if src_dir.resolve() == dst_dir.resolve():
        return []
    out = []
    for path, text in _paths(data):
        rel = Path(text)
        try:
            if rel.is_absolute() or not (src_dir / rel).is_file() or (dst_dir / rel).exists():
                continue
        except (OSError, ValueError):
            continue
        out.append(make("GM-W155", f"引用的文件“{text}”在 {src_dir} 中，转换后的文件旁没有它。",
                        location=Location(path=dotted(path))))
    return out
