"""Finding and loading indicator sets: built-in ids, YAML files and Excel tables.

* :func:`load_file` — one file (``.yaml``/``.yml`` or ``.xlsx``) -> ``(set or None, findings)``;
  every finding is located (file:line for YAML, sheet!cell for Excel).
* :func:`builtin_ids` / :func:`load_builtin` — the sets shipped in ``indicators/sets/``.
* :func:`resolve` — what ``campaign.indicator_set`` means: a built-in id, or a path relative to
  the input file. Returns the set or raises :class:`~greenmine_docs.errors.ConfigError` whose
  message lists the findings.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError, InputError
from ..findings import Finding, Location, Severity, make
from ..pathnames import path_problem
from .build import build_set
from .model import IndicatorSet

SETS_DIR = Path(__file__).resolve().parent / "sets"
SET_SUFFIXES = {".yaml", ".yml", ".xlsx"}


_SETS_DIR_TEXT = str(SETS_DIR)  # os.stat on a str: no Path objects for every mine checked


def builtin_ids() -> list[str]:
    """Ids of the built-in sets, the reference set first."""
    return list(_current_builtin_ids())


def _current_builtin_ids() -> tuple[str, ...]:
    try:
        stamp = os.stat(_SETS_DIR_TEXT).st_mtime_ns
    except OSError:
        stamp = 0
    return _builtin_ids(stamp)


@lru_cache(maxsize=4)
def _builtin_ids(stamp: int) -> tuple[str, ...]:  # stamp: the folder's mtime (cache key)
    ids = sorted(p.stem for p in SETS_DIR.glob("*.yaml"))
    return tuple(sorted(ids, key=lambda i: (i != "national-2020-reference", i)))


def load_builtin(set_id: str) -> IndicatorSet:
    """A built-in set by id; :class:`ConfigError` when unknown (or broken, which tests prevent)."""
    if set_id not in _current_builtin_ids():
        raise ConfigError(f"没有编号为“{set_id}”的内置评价指标体系。",
                          hint="内置体系：" + "、".join(builtin_ids()) + "；也可填写指标体系文件路径。")
    return _load_builtin(set_id)


def _load_builtin(set_id: str) -> IndicatorSet:
    """A built-in set known to exist (re-read when its file changed: one ``stat``)."""
    path = os.path.join(_SETS_DIR_TEXT, f"{set_id}.yaml")
    return _cached(path, os.stat(path).st_mtime_ns, f"builtin:{set_id}")


@lru_cache(maxsize=16)
def _cached(path: str, mtime: int, label: str) -> IndicatorSet:
    result, findings = load_file(Path(path), source_label=label)
    if result is None:
        raise ConfigError(_summary(findings, Path(path)), hint="请修正指标体系文件后重试。")
    return result


def load_file(path: Path, *, source_label: str | None = None
              ) -> tuple[IndicatorSet | None, list[Finding]]:
    """Load and check one set file. Never raises for bad content: problems are findings."""
    path = Path(path)
    suffix = path.suffix.lower()
    from ..safety.inputs import file_problem

    where = Location(file=str(path))
    problem = file_problem(path)  # missing, a folder, a FIFO or a device: never opened
    if problem:
        return None, [make("GM-E306", f"指标体系文件 {path} {problem}。", location=where)]
    if suffix not in SET_SUFFIXES:
        return None, [make("GM-E300", f"指标体系文件 {path} 的类型无法识别（应为 .yaml 或 .xlsx）。",
                           location=where)]
    if suffix == ".xlsx":
        from .excel_io import read_set_workbook

        try:
            data, locate = read_set_workbook(path)
        except InputError as e:
            return None, [make("GM-E300", e.message, location=where, hint=e.hint or None)]
    else:
        from ..load.yaml_input import read_yaml

        try:
            raw = read_yaml(path)
        except InputError as e:
            return None, [make("GM-E300", e.message, location=_loc_from_text(e.location, path),
                               hint=e.hint or None)]
        data, locate = raw.data, raw.locate
    result, findings = build_set(data, locate, source_path=source_label or str(path))
    return result, findings


def _loc_from_text(text: str, path: Path) -> Location:
    """``file:12:3`` (as InputError carries it) -> a Location with line and column."""
    parts = (text or "").rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return Location(file=parts[0], line=int(parts[1]), column=int(parts[2]))
    return Location(file=str(path))


def resolve(ref: str, base_dir: Path | None = None, *, confined: bool = False) -> IndicatorSet:
    """``campaign.indicator_set`` -> the set. Built-in ids win; otherwise a file path, relative
    to ``base_dir`` (the input file's folder; see :func:`try_resolve` for ``confined``).
    Raises :class:`ConfigError`."""
    result, findings = try_resolve(ref, base_dir, confined=confined)
    if result is None:
        raise ConfigError(_summary(findings, ref), hint="请修正指标体系或 campaign.indicator_set。")
    return result


def try_resolve(ref: str, base_dir: Path | None = None, *, where: Location | None = None,
                confined: bool = False) -> tuple[IndicatorSet | None, list[Finding]]:
    """Like :func:`resolve` but returns ``(set or None, findings)``; a reference that names
    nothing gives a GM-E306 finding located at ``where`` (the input's field). ``confined``:
    the reference comes from a file (an input's ``campaign.indicator_set``), so a set file
    must lie inside ``base_dir`` or a folder of ``GREENMINE_ALLOWED_DIRS``
    (:func:`~greenmine_docs.safety.inputs.inside`), as every file an input names."""
    from ..safety.inputs import OUTSIDE, OUTSIDE_HINT, file_problem, inside

    ref = (ref or "").strip()
    if ref in _current_builtin_ids():  # every mine of a batch asks: kept cheap
        return _load_builtin(ref), []
    if path_problem(ref):
        return None, [make("GM-E306", f"指标体系“{ref[:40]}…”：{path_problem(ref)}。",
                           location=where or Location())]
    path = Path(ref)
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    if confined and base_dir is not None and inside(base_dir, ref) is None:
        return None, [make("GM-E306", f"指标体系文件 {ref} {OUTSIDE}。",
                           location=where or Location(), hint=OUTSIDE_HINT)]
    problem = file_problem(path)
    if path.suffix.lower() not in SET_SUFFIXES or problem:
        looks_like_file = path.suffix.lower() in SET_SUFFIXES or "/" in ref or "\\" in ref
        msg = (f"指标体系文件 {path} {problem or '不存在'}。" if looks_like_file
               else f"“{ref}”既不是内置评价指标体系的编号，也不是指标体系文件。")
        return None, [make("GM-E306", msg, location=where or Location(),
                           hint="内置体系：" + "、".join(builtin_ids()) + "；或填写 .yaml/.xlsx 文件的相对路径。")]
    return load_file(path)


def _summary(findings: list[Finding], what: object) -> str:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    head = f"评价指标体系 {what} 无法使用（{len(errors)} 处错误）："
    lines = [f"  {f.location}：{f.message}" for f in errors[:10]]
    if len(errors) > 10:
        lines.append(f"  …… 另有 {len(errors) - 10} 处")
    return "\n".join([head, *lines])
