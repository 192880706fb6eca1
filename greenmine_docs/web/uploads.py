"""Uploads kept in the workspace under names the desk chooses.

An uploaded file's name is shown to the user (as text) and never used as a path: the file is
stored as ``uploads/<id>/input.<suffix>`` (the suffix taken from a fixed list), a plan as
``plan-<n>.docx``. A zip of an input with its photos and Markdown is unpacked into
``uploads/<id>/files/`` only after the library's zip checks (members, total size, compression
ratio: :func:`greenmine_docs.zipguard.check_office_file`) and a check of every member's name
(no absolute path, no ``..``, no link), so the input finds its files where its author put them
and nothing lands outside the folder. Sizes are the library's input limits
(:mod:`greenmine_docs.limits`).
"""
from __future__ import annotations

import hashlib
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .. import limits
from ..errors import InputError
from ..frozen import frozen
from .store import Store

CHUNK = 1024 * 1024

_KINDS: tuple[tuple[tuple[str, ...], int, str], ...] = (
    ((".xlsx", ".xlsm"), limits.MAX_INPUT_BYTES, "GREENMINE_MAX_INPUT_MB"),
    ((".yaml", ".yml"), limits.MAX_YAML_BYTES, "GREENMINE_MAX_YAML_MB"),
    ((".csv", ".md"), limits.MAX_TEXT_BYTES, "GREENMINE_MAX_TEXT_MB"),
    ((".docx", ".pdf"), limits.MAX_DOCX_BYTES, "GREENMINE_MAX_DOCX_MB"),
    ((".jpg", ".jpeg", ".png"), limits.MAX_IMAGE_BYTES, "GREENMINE_MAX_IMAGE_MB"),
    ((".zip",), limits.MAX_ZIP_UNCOMPRESSED, "GREENMINE_MAX_ZIP_UNCOMPRESSED_MB"),
)
SUFFIX_LIMITS: dict[str, tuple[int, str]] = {
    suffix: (limit, env) for suffixes, limit, env in _KINDS for suffix in suffixes}
"""What may be uploaded, and the library's limit for each kind of file."""

INPUTS = (".xlsx", ".xlsm", ".yaml", ".yml")
_SAFE_PART = re.compile(r"[^\x00-\x1f\x7f/\\:*?\"<>|]{1,255}")


@frozen(quick_init=False)
class Stored:
    """An upload kept in the workspace: its id, the file the library reads, its SHA-256, and
    the name to show for it (``None`` for a file out of a zip: its own path then)."""

    upload_id: int
    path: Path
    sha256: str
    label: str | None = None


def suffix_of(label: str, allowed: tuple[str, ...]) -> str:
    """The suffix of an uploaded name, if it is one of ``allowed`` (else :class:`InputError`)."""
    suffix = PurePosixPath(label.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        raise InputError(f"不支持的文件类型：{label or '（无文件名）'}。",
                         hint="可上传：" + "、".join(allowed) + "。")
    return suffix


def stored_name(label: str, suffix: str) -> str:
    """The name an upload is kept under: the user's own file name made safe (so that a message
    naming the file names it as the user knows it), with the checked suffix."""
    from ..outputs import safe_filename

    stem = PurePosixPath(label.replace("\\", "/")).name[: -len(suffix)]
    return safe_filename(stem, default="input") + suffix


def copy_limited(source: BinaryIO, target: Path, *, label: str, suffix: str) -> str:
    """Copy an upload to ``target`` (a new file, written whole or not at all), refusing it
    past the library's limit for its kind; returns its SHA-256."""
    from ..outputs import atomic_path

    limit, env = SUFFIX_LIMITS[suffix]
    digest, size = hashlib.sha256(), 0
    with atomic_path(target) as tmp, tmp.open("wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise InputError(f"文件 {label} 超过上限 {limit / limits.MB:.0f} MB。",
                                 hint=f"请压缩其中的图片，或设置环境变量 {env}。")
            digest.update(chunk)
            out.write(chunk)
        if size == 0:
            raise InputError(f"文件 {label} 是空文件。", hint="请重新保存或重新选择该文件。")
    return digest.hexdigest()


def store_files(store: Store, kind: str, files: list[tuple[str, BinaryIO]],
                allowed: tuple[str, ...], stem: str) -> list[Stored]:
    """Keep several uploads of one kind under one upload id: ``<stem>-<n><suffix>``."""
    if not files:
        raise InputError("没有选择文件。", hint="请先选择要上传的文件。")
    suffixes = [suffix_of(label, allowed) for label, _ in files]
    labels = "、".join(label for label, _ in files)
    upload_id = store.add_upload(kind, labels[:500], "", 0)
    folder = store.upload_dir(upload_id)
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for n, ((label, stream), suffix) in enumerate(zip(files, suffixes), start=1):
        path = folder / f"{stem}-{n}{suffix}"
        kept.append(Stored(upload_id, path, copy_limited(stream, path, label=label,
                                                         suffix=suffix), label))
    return kept


def store_input(store: Store, kind: str, label: str, stream: BinaryIO,
                allowed: tuple[str, ...] = (*INPUTS, ".zip"), *, one_input: bool = True) -> Stored:
    """Keep one uploaded input (a workbook, a YAML file, or a zip of an input with its files,
    which is unpacked) and return the file the library is to read — for a zip, the input in it
    (``one_input``) or the folder it was unpacked into (many inputs: a batch)."""
    suffix = suffix_of(label, allowed)
    upload_id = store.add_upload(kind, label[:500], "", 0)
    folder = store.upload_dir(upload_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored_name(label, suffix)
    sha = copy_limited(stream, path, label=label, suffix=suffix)
    with store.db:
        store.db.execute("UPDATE uploads SET sha256=?, size=? WHERE id=?",
                         (sha, path.stat().st_size, upload_id))
    if suffix == ".zip":
        return Stored(upload_id, unpack(path, folder / "files", label=label,
                                        want_input=one_input), sha)
    return Stored(upload_id, path, sha, label)


def unpack(archive: Path, target: Path, *, label: str, want_input: bool = True) -> Path:
    """Unpack a zip into ``target`` after the library's zip checks and a check of every
    member's name; returns the input it holds (``want_input``) or ``target``."""
    from ..outputs import atomic_path
    from ..zipguard import check_office_file

    check_office_file(archive, kind="压缩包", limit=limits.MAX_ZIP_UNCOMPRESSED,
                      limit_env="GREENMINE_MAX_ZIP_UNCOMPRESSED_MB")
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        members = [(info, _member_path(info, label)) for info in zf.infolist()]
        for info, relative in members:
            if relative is None:
                continue
            limit, env = SUFFIX_LIMITS.get(relative.suffix.lower(),
                                           (limits.MAX_INPUT_BYTES, "GREENMINE_MAX_INPUT_MB"))
            if info.file_size > limit:
                raise InputError(f"压缩包 {label} 中的 {relative} 解压后超过上限 "
                                 f"{limit / limits.MB:.0f} MB。", hint=f"可设置环境变量 {env}。")
            # a name given twice is refused (the file exists), never written over
            with atomic_path(target.joinpath(*relative.parts)) as tmp, \
                    zf.open(info) as src, tmp.open("wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
    return _the_input(target, label) if want_input else target


def _member_path(info: zipfile.ZipInfo, label: str) -> PurePosixPath | None:
    """The member's relative path, or ``None`` for a folder; a link is refused, and so is a
    name that would leave the folder (:func:`_safe_relative`)."""
    name = info.filename.replace("\\", "/")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise InputError(f"压缩包 {label} 中的 {name} 是链接，拒绝解压。",
                         hint="请只打包普通文件。")
    if name.endswith("/"):
        return None
    return _safe_relative(name, f"压缩包 {label} 中")


def _safe_relative(name: str, where: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside its folder: an absolute path, ``..``, a
    drive, a control or reserved character, or more than 16 levels are refused."""
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if (name.startswith("/") or not parts or len(parts) > 16
            or any(p == ".." or not _SAFE_PART.fullmatch(p) for p in parts)):
        raise InputError(f"{where}的文件名“{name[:200]}”不安全（绝对路径、“..”或非法字符），"
                         "拒绝保存。", hint="请用普通的文件夹和文件名。")
    return PurePosixPath(*parts)


def store_folder(store: Store, kind: str, files: list[tuple[str, BinaryIO]]) -> Stored:
    """Keep a folder the browser sent (each file named by its path inside the folder: an
    input with its photos and Markdown), with the same checks as a zip: names that stay
    inside, the library's size for each kind of file, at most as many files and bytes as a
    zip may hold. Files of other kinds (a desktop.ini, a draft) are left out."""
    if len(files) > limits.MAX_ZIP_ENTRIES:
        raise InputError(f"文件夹中有 {len(files)} 个文件，超过上限 {limits.MAX_ZIP_ENTRIES}。",
                         hint="请只上传该矿山的输入文件、照片和 Markdown 文件。")
    top = files[0][0].replace("\\", "/").split("/")[0] if files else ""
    upload_id = store.add_upload(kind, top[:200] or "文件夹", "", 0)
    folder = store.upload_dir(upload_id) / "files"
    total = 0
    for label, stream in files:
        relative = _safe_relative(label, "上传的文件夹中")
        suffix = relative.suffix.lower()
        if suffix not in SUFFIX_LIMITS or suffix == ".zip":
            continue
        path = folder.joinpath(*relative.parts)
        copy_limited(stream, path, label=label, suffix=suffix)
        total += path.stat().st_size
        if total > limits.MAX_ZIP_UNCOMPRESSED:
            raise InputError(f"文件夹共超过 {limits.MAX_ZIP_UNCOMPRESSED / limits.MB:.0f} MB。",
                             hint="可设置环境变量 GREENMINE_MAX_ZIP_UNCOMPRESSED_MB。")
    return Stored(upload_id, _the_input(folder, top or "文件夹"), "")


def _the_input(folder: Path, label: str) -> Path:
    """The one input (YAML or workbook) nearest the top of an unpacked zip."""
    found = sorted((p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in INPUTS
                    and not p.name.startswith((".", "~$"))),
                   key=lambda p: (len(p.relative_to(folder).parts), p.suffix.lower() not in
                                  (".yaml", ".yml"), p.as_posix()))
    if not found:
        raise InputError(f"{label} 中没有输入文件（.yaml 或 .xlsx）。",
                         hint="请把填好的 mine.yaml 或输入工作簿与照片、Markdown 文件一起打包。")
    return found[0]
