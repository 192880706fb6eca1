"""What ``greenmine indicators map`` and ``greenmine indicators carry`` do, as library functions.

* :func:`write_mapping_template` — the mapping workbook between two sets (pre-filled when the
  tool ships a mapping between them, as for the two national reference sets);
* :func:`carry_file` — an input scored on its set carried to the mapping's new set, written as
  a YAML draft (comments of the input kept); every item that needs a new judgement is a finding.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, OutputError
from ..findings import Location, Report
from .load import try_resolve
from .mapping import builtin_mapping_path, load_mapping


def write_mapping_template(old_ref: str, new_ref: str, dst: Path, *, force: bool = False
                           ) -> tuple[Report, Path | None]:
    """The template for mapping ``old_ref`` onto ``new_ref`` (.xlsx)."""
    from ..outputs import write_bytes_atomic
    from .mapping_xlsx import mapping_workbook_bytes

    if Path(dst).suffix.lower() != ".xlsx":
        raise OutputError(f"对应表文件 {dst} 的扩展名应为 .xlsx。", hint="例如 -o 对应表.xlsx。")
    report = Report(source=f"{old_ref} → {new_ref}")
    sets = []
    for ref in (old_ref, new_ref):
        iset, findings = try_resolve(ref, Path.cwd())
        report.extend(findings)
        sets.append(iset)
    old, new = sets
    if old is None or new is None:
        return report, None
    known = builtin_mapping_path(old.id, new.id)
    items, cats = None, None
    if known is not None:
        mapping, findings = load_mapping(known, old, new)
        report.extend(findings)
        if mapping is not None:
            items, cats = mapping.items, mapping.categories
    inputs = [Path(r) for r in (old_ref, new_ref) if Path(r).exists()]
    return report, write_bytes_atomic(dst, mapping_workbook_bytes(old, new, items, cats),
                                      force=force, inputs=inputs)


def carry_file(source: Path, mapping_path: Path, dst: Path, *, force: bool = False
               ) -> tuple[Report, Path | None]:
    """``source`` (a YAML input) carried to the set ``mapping_path`` maps onto, as ``dst``."""
    from ruamel.yaml import YAML

    from ..load.yaml_input import read_yaml
    from ..outputs import check_output, write_text_atomic
    from .carry import carry_input

    source, dst = Path(source), Path(dst)
    if source.suffix.lower() not in (".yaml", ".yml") or dst.suffix.lower() not in (".yaml",
                                                                                      ".yml"):
        raise InputError("转换只处理 YAML 输入并写出 YAML 草稿。",
                         hint="Excel 输入先用 greenmine convert 输入.xlsx 输入.yaml 转为 YAML。")
    check_output(dst, force=force, inputs=[source, mapping_path])
    raw = read_yaml(source)  # limits, encodings, duplicate keys: the project's own reader
    report = Report(source=str(source))
    campaign = raw.data.get("campaign") if isinstance(raw.data, dict) else None
    old_ref = campaign.get("indicator_set") if isinstance(campaign, dict) else None
    if not old_ref:
        raise InputError(f"{source} 没有 campaign.indicator_set，不知道原来按哪个指标体系评分。")
    old, findings = try_resolve(str(old_ref), source.parent,
                                where=raw.locate(("campaign", "indicator_set")))
    report.extend(findings)
    if not Path(mapping_path).is_file():
        report.extend(load_mapping(Path(mapping_path), old, old)[1] if old else [])
        return report, None
    target = _mapping_target(mapping_path)
    new, findings = try_resolve(target, mapping_path.parent)
    report.extend(findings)
    if old is None or new is None:
        return report, None
    mapping, findings = load_mapping(mapping_path, old, new)
    report.extend(findings)
    if mapping is None:
        return report, None
    yaml = YAML()  # round trip: the user's comments and order stay
    yaml.width = 4096
    try:
        data = yaml.load(source.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError(f"{source} 不是 UTF-8 编码，转换需要 UTF-8 的 YAML。",
                         hint="用编辑器另存为 UTF-8 后重试。") from e
    report.extend(carry_input(data, old, new, mapping, where=Location(file=str(dst))))
    from io import StringIO

    buf = StringIO()
    yaml.dump(data, buf)
    note = (f"# 由 {old.display_title} 按对应表转换为 {new.display_title} 的草稿；"
            "转换时列出的须重新判定的内容，请逐项补充后再使用。\n")
    return report, write_text_atomic(dst, note + buf.getvalue(), force=force,
                                     inputs=[source, mapping_path])


def _mapping_target(path: Path) -> str:
    """The ``to`` set a mapping file names."""
    if path.suffix.lower() == ".xlsx":
        from .mapping_xlsx import read_mapping_workbook

        data = read_mapping_workbook(path)
    else:
        from ..load.yaml_input import read_yaml

        data = read_yaml(path).data
    target = data.get("to") if isinstance(data, dict) else None
    if not target:
        raise InputError(f"对应表 {path} 没有写明新指标体系（to）。")
    return str(target)
