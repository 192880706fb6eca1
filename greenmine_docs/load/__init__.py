"""Readers for every input format; each returns a :class:`RawInput`."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .raw import FieldPath, RawInput, dotted

YAML_SUFFIXES = {".yaml", ".yml"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def read_input(path: Path) -> RawInput:
    """Read a YAML or Excel input by its extension; other files get a clear :class:`InputError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        from .yaml_input import read_yaml

        return read_yaml(path)
    if suffix in EXCEL_SUFFIXES:
        from ..excel_input import read_workbook
        from ..safety.xlsx import workbook_notes

        raw = read_workbook(path)  # the reader checks the package first (zipguard)
        raw.findings.extend(workbook_notes(path))  # macros, links, formulas without results
        return raw
    if suffix in {".xls", ".et"}:
        raise InputError(f"{path} 是旧版 Excel 格式（{suffix}），无法读取。",
                         hint="请在 Excel/WPS 中“另存为” .xlsx 格式后重试。")
    raise InputError(
        f"无法识别输入文件 {path} 的类型（扩展名“{suffix or '无'}”）。",
        hint="输入应为 YAML（.yaml/.yml）或 Excel（.xlsx）文件。")


__all__ = ["FieldPath", "RawInput", "dotted", "read_input"]
