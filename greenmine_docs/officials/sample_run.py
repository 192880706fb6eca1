"""``greenmine sample`` as one library call: read the list, draw, render, then write."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..clock import today
from ..errors import InputError
from ..outputs import check_output, write_bytes_atomic
from .mine_list import read_list, template_bytes
from .sample_output import render_docx, render_xlsx
from .sampling import PRIORITY_RULES, SampleResult, draw_sample, parse_priorities, parse_ratio

# a switched-on rule needs its column in the list
_RULE_COLUMN = {"open-pit": ("method", "开采方式"), "reported": ("reported", "被举报/信访问题"),
                "rectification": ("rectification", "以往整改要求")}


@dataclass
class SampleOutcome:
    result: SampleResult
    written: list[Path] = field(default_factory=list)
    seed_generated: bool = False


def default_title(year: int | None) -> str:
    """``2023年绿色矿山实地核查名单`` for the campaign's year; without a year, no year (the
    date the tool runs on is not the campaign's)."""
    return f"{year}年绿色矿山实地核查名单" if year else "绿色矿山实地核查名单"


MAX_SEED = 10**15


def run_sample(list_path: str | Path, output: str | Path, *, ratio: str = "0.2",
               seed: int | None = None, priorities: str | None = None,
               docx_path: str | Path | None = None, date: dt.date | None = None,
               title: str | None = None, province: str = "", sheet: str | None = None,
               attachment: str = "附件3", force: bool = False,
               year: int | None = None) -> SampleOutcome:
    """Read ``list_path``, draw the sample and write ``output`` (.xlsx) and optionally a DOCX.

    Nothing is written when the list has error findings (the result's report says why).
    Without ``seed`` a random one is chosen and recorded, so the draw can still be repeated.
    ``year`` is the campaign's (工作年度), for the title; without it the year of a ``date``
    given, else none.
    """
    list_path, output = Path(list_path), Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"输出文件 {output.name} 应为 .xlsx 工作簿。", hint="例如 -o 核查名单.xlsx。")
    if docx_path is not None and Path(docx_path).suffix.lower() != ".docx":
        raise InputError(f"--docx 输出文件 {Path(docx_path).name} 应为 .docx。")
    ratio_d = parse_ratio(ratio)
    rules = parse_priorities(priorities)
    generated = seed is None
    if seed is None:
        seed = secrets.randbelow(10**8)
    if not 0 <= seed < MAX_SEED:  # the seed is recorded in a cell: Excel keeps 15 digits
        raise InputError(f"随机种子 {str(seed)[:20]} 无效。",
                         hint="随机种子应为不超过 15 位的非负整数，例如 --seed 20231001。")
    targets = [output] + ([Path(docx_path)] if docx_path else [])
    for t in targets:  # fail early, before reading a big list
        check_output(t, force=force, inputs=[list_path])

    mine_list = read_list(list_path, sheet=sheet)
    for rule in rules:
        key, title_col = _RULE_COLUMN[rule]
        if key not in mine_list.columns:
            raise InputError(
                f"启用了优先规则“{PRIORITY_RULES[rule][0]}”，但名录中没有“{title_col}”列。",
                hint=f"在名录中增加“{title_col}”列，或不启用该规则。")
    if not mine_list.mines and not mine_list.report.errors:
        raise InputError(f"名录 {list_path.name} 中没有矿山。", hint="表头下方每行填写一座矿山。")
    year = year or (date.year if date is not None else None)
    date = date or today()
    result = draw_sample(mine_list.mines, ratio=ratio_d, seed=seed, priorities=rules, date=date,
                         province=province, report=mine_list.report, sheet=mine_list.sheet)
    result.source = list_path.name
    result.source_sha256 = mine_list.sha256
    result.sheet = mine_list.sheet
    outcome = SampleOutcome(result=result, seed_generated=generated)
    if result.report.errors:
        return outcome
    title = title or default_title(year)
    files = {output: render_xlsx(result, title=title)}
    if docx_path:
        files[Path(docx_path)] = render_docx(result, title=title, attachment=attachment)
    for path, data in files.items():
        write_bytes_atomic(path, data, force=force, inputs=[list_path])
        outcome.written.append(path)
    return outcome


def write_template(output: str | Path, *, force: bool = False) -> Path:
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"模板文件 {output.name} 应为 .xlsx。", hint="例如 -o 名录模板.xlsx。")
    return write_bytes_atomic(output, template_bytes(), force=force)
