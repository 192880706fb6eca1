"""``greenmine verify sheets``: a record workbook and a printable record per sampled mine."""
from __future__ import annotations

from pathlib import Path

from ...outputs import safe_filename
from .config import load_round
from .files import write_all
from .record_docx import render_record_docx
from .record_xlsx import render_record_xlsx
from .sample_read import read_sample

RECORD_SUFFIX = "实地核查记录表"


def record_stem(name: str) -> str:
    return safe_filename(f"{name}-{RECORD_SUFFIX}")


def run_sheets(sample_path: str | Path, out_dir: str | Path, *, round_path: str | Path,
               docx: bool = True, force: bool = False) -> list[Path]:
    """Read the sample and the round, render every record, then write them into ``out_dir``."""
    rnd = load_round(round_path)
    sample = read_sample(sample_path)
    out = Path(out_dir)
    files: dict[Path, bytes] = {}
    for mine in sample.mines:
        stem = record_stem(mine.name)
        files[out / f"{stem}.xlsx"] = render_record_xlsx(rnd, mine)
        if docx:
            files[out / f"{stem}.docx"] = render_record_docx(rnd, mine)
    return write_all(files, force=force, inputs=[Path(sample_path), Path(round_path)])
