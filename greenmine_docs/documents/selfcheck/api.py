"""Library functions behind ``greenmine selfcheck`` (one call per command)::

    from greenmine_docs.documents.selfcheck.api import generate, read, section_yaml
    res = generate("mine.yaml", "自查记录表.xlsx")            # filled, from self_check
    res = generate("mine.yaml", "空白表.xlsx", blank=True)     # blank, mine facts pre-filled
    res = generate(None, "空白表.xlsx", blank=True, set_ref="province-demo")
    table = read("填好的表.xlsx")   # TableRead: .self_check, .result, .report (cell locations)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import InputError, OutputError
from ...findings import Report

if TYPE_CHECKING:
    from .reader import TableRead

SUFFIXES = {".xlsx": "xlsx", ".docx": "docx"}


@dataclass
class GenerateResult:
    report: Report
    written: Path | None = None
    verdict: str | None = None  # the engine's conclusion for a filled table
    extra: dict[str, Any] = field(default_factory=dict)


def _kind(output: Path) -> str:
    kind = SUFFIXES.get(output.suffix.lower())
    if kind is None:
        raise OutputError(f"输出文件 {output} 的扩展名应为 .xlsx 或 .docx。",
                          hint="例如 -o 自查记录表.xlsx 或 -o 自查记录表.docx。")
    return kind


def render(data: Any, kind: str) -> bytes:
    if kind == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(data)
    from .docx_table import render_docx

    return render_docx(data)


def generate(input_path: str | Path | None, output: str | Path, *, blank: bool = False,
             set_ref: str | None = None, force: bool = False, as_of: dt.date | None = None,
             strict: bool = False) -> GenerateResult:
    """Write the self-check table (``.xlsx`` or ``.docx``).

    Filled mode validates the input first and writes nothing when there are error findings.
    Blank mode needs only the mine's facts (or nothing, with ``input_path=None``)."""
    from ...indicators import resolve
    from ...outputs import check_output, write_bytes_atomic
    from .core import prepare

    output = Path(output)
    kind = _kind(output)
    inputs = [Path(input_path)] if input_path else []
    check_output(output, force=force, inputs=inputs)
    if input_path is None:
        if not blank:
            raise InputError("生成填好的自查记录表需要输入文件。",
                             hint="指定输入文件，或加 --blank 生成空白表。")
        iset = resolve(set_ref or "national-2020-reference")
        data = prepare(None, iset, set_ref=set_ref or iset.id, blank=True)
        report = Report(source=None)
    else:
        from ...api import load, run_checks

        loaded = load(input_path)
        loaded.report.strict = strict
        report = loaded.report
        if loaded.submission is None:
            return GenerateResult(report)
        sub = loaded.submission
        run_checks(loaded, as_of)
        ref = set_ref or sub.campaign.indicator_set
        iset = resolve(ref, Path(input_path).parent, confined=set_ref is None)
        if not blank:
            if sub.self_check is None:
                raise InputError(f"输入文件 {input_path} 中没有自查记录（self_check 部分）。",
                                 hint="添加 self_check 部分，或加 --blank 生成预填矿山信息的空白表。")
            if not report.valid:
                return GenerateResult(report)
        data = prepare(sub, iset, set_ref=ref, blank=blank)
    payload = render(data, kind)
    if input_path:
        from ...safety.inputs import input_files

        inputs = input_files(loaded.raw)  # the files the input names are never replaced either
    write_bytes_atomic(output, payload, force=force, inputs=inputs)
    verdict = data.result.verdict.value if data.result else None
    return GenerateResult(report, written=output, verdict=verdict,
                          extra={"total": data.result.total if data.result else None})


def read(path: str | Path, *, set_ref: str | None = None) -> "TableRead":
    from .reader import read_table

    return read_table(path, set_ref=set_ref)


def section_yaml(table: "TableRead") -> str:
    """The ``self_check:`` section of a table read back, as YAML to paste into the input."""
    import io

    from ruamel.yaml import YAML

    sc = table.self_check
    data = sc.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    for entry in data.get("items", {}).values():
        if entry.get("score") is not None and float(entry["score"]).is_integer():
            entry["score"] = int(entry["score"])
    for ref, ruling in list(data.get("prerequisites", {}).items()):
        met = ruling.get("met")
        word = None if met is None else ("符合" if met else "不符合")
        data["prerequisites"][ref] = word if set(ruling) <= {"met"} else {**ruling, "met": word}
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    buf = io.StringIO()
    buf.write(f"# 由 {table.source.name} 读回的自查记录\n")
    yaml.dump({"self_check": data}, buf)
    return buf.getvalue()
