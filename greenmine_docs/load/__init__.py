"""The load stage: the reader for each input format (each returns a
:class:`~greenmine_docs.rawinput.RawInput`), then sanitizing, the raw rules and the model."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..findings import Report
from ..rawinput import RawInput, all_texts

if TYPE_CHECKING:
    from ..model import Submission

YAML_SUFFIXES = {".yaml", ".yml"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def read_input(path: Path, *, kept: bool = True) -> RawInput:
    """Read a YAML or Excel input by its extension; other files get a clear :class:`InputError`.
    ``kept``: a YAML file's parse is kept in the user's cache folder (:mod:`.yaml_kept`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        from .yaml_input import read_yaml

        return read_yaml(path, kept=kept)
    if suffix in EXCEL_SUFFIXES:
        from ..excel_input.workbook import read_workbook
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


def load_model(raw: RawInput) -> tuple[Submission | None, Report]:
    """The rest of the load stage, after reading: characters XML cannot hold removed, the
    formats and placeholders of the raw values checked, the model validated. Returns the model
    (``None`` when the input does not fit it) and every finding so far, located."""
    from pydantic import ValidationError

    from ..model import Submission
    from ..sanitize import sanitize_raw
    from .model_errors import findings_from_validation
    from .raw_rules import check_formats, check_placeholders

    report = Report(source=str(raw.source))
    report.extend(raw.findings)
    texts: list[str] | None = all_texts(raw.data)  # one walk for both whole-text scans
    cleaned = list(sanitize_raw(raw, texts))
    if cleaned:
        report.extend(cleaned)
        texts = None  # the data was rebuilt: read it again
    report.extend(check_formats(raw))
    report.extend(check_placeholders(raw, texts))
    model = None
    try:
        model = Submission.model_validate(raw.data)
    except ValidationError as e:
        report.extend(findings_from_validation(e, raw, Submission))
    return model, report


__all__ = ["load_model", "read_input"]
