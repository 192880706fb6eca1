"""Opening Office files (.xlsx, .docx) safely: refuse corrupt or truncated packages and zip
bombs (too many members, too much uncompressed data, absurd compression ratios, one member
bigger than a parser can take in seconds) and parts that declare a DTD (entity tricks) before
any XML parser sees them. XML entity tricks are also handled by defusedxml, which openpyxl uses
when it is installed (it is a dependency).

The sizes checked are those the zip's directory declares: :mod:`zipfile` (through which
openpyxl, python-docx and our own readers read every member) never returns more than the
declared size of a member, so a package cannot lie its way past these limits."""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from .errors import InputError
from .limits import MAX_INPUT_BYTES, MAX_ZIP_ENTRIES, MAX_ZIP_RATIO, MAX_ZIP_UNCOMPRESSED
from .safety.inputs import regular_file

PART_ENV = "GREENMINE_MAX_PART_MB"


def check_office_file(path: Path, *, kind: str, limit: int | None = None,
                      limit_env: str = "GREENMINE_MAX_INPUT_MB",
                      verify_members: bool = True) -> None:
    """Raise :class:`InputError` unless ``path`` is a sane OOXML package. ``kind`` is the Chinese
    name used in messages, e.g. "Excel 工作簿" or "Word 文档"; ``limit`` the largest file size
    (default: the general input limit) and ``limit_env`` the variable that changes it; no
    member may unpack to more than ``limits.MAX_PART_UNCOMPRESSED``. ``verify_members=False``
    leaves out unpacking every member to test its checksum, for a reader that reads each part
    it uses through :mod:`zipfile` (which tests it then) and turns a failed test into an
    :class:`InputError` itself."""
    from . import limits

    path = regular_file(path, kind)
    limit = MAX_INPUT_BYTES if limit is None else limit
    part_limit = limits.MAX_PART_UNCOMPRESSED
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{kind} {path} 是空文件。", hint="请重新保存或重新下载该文件。")
    if size > limit:
        raise InputError(f"{kind} {path} 大小 {size / 1048576:.1f} MB，超过上限 "
                         f"{limit / 1048576:.0f} MB。",
                         hint=f"请压缩其中的图片，或设置环境变量 {limit_env}。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path} 是旧版 Office 二进制格式（.doc/.xls/.wps/.et），无法读取。",
                         hint="请在 Word/Excel/WPS 中“另存为” .docx 或 .xlsx 格式后重试。")
    if not head.startswith(b"PK"):
        raise InputError(f"{path} 不是有效的 {kind}（文件内容不是 Office Open XML 压缩包）。",
                         hint="请确认文件没有损坏，扩展名与实际格式一致；必要时重新另存。")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise InputError(f"{kind} {path} 内含 {len(infos)} 个部件，超过上限 "
                                 f"{MAX_ZIP_ENTRIES}。", hint="文件可能已损坏或被恶意构造。")
            total = 0
            for info in infos:
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO \
                        and info.file_size > 1024 * 1024:
                    raise InputError(
                        f"{kind} {path} 的部件 {info.filename} 压缩比异常"
                        f"（{info.file_size // info.compress_size} 倍），疑似“压缩炸弹”，拒绝读取。",
                        hint="请确认文件来源；正常的 Office 文件不会出现这种情况。")
                if info.file_size > part_limit:
                    raise InputError(
                        f"{kind} {path} 的部件 {info.filename} 解压后为 "
                        f"{info.file_size / 1048576:.0f} MB，超过上限 "
                        f"{limits.megabytes(part_limit)}（单个部件），拒绝读取。",
                        hint="正常的表格或文档远小于此；请确认文件来源，或删除多余的内容后另存；"
                             f"确需处理可设置环境变量 {PART_ENV}。")
            if total > MAX_ZIP_UNCOMPRESSED:
                raise InputError(f"{kind} {path} 解压后共 {total / 1048576:.0f} MB，超过上限 "
                                 f"{MAX_ZIP_UNCOMPRESSED / 1048576:.0f} MB。",
                                 hint="文件可能已损坏或被恶意构造。")
            bad = zf.testzip() if verify_members and size < 20 * 1024 * 1024 else None
            if bad is not None:
                raise InputError(f"{kind} {path} 已损坏（部件 {bad} 校验失败）。",
                                 hint="请重新保存或重新下载该文件。")
            _refuse_dtd(zf, path, kind)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error) as e:  # zlib: a part's data cut or damaged
        raise InputError(f"{kind} {path} 已损坏或不完整，无法打开（{e}）。",
                         hint="文件可能未下载完整，请重新保存或重新下载。") from e
    except (OSError, EOFError, NotImplementedError, ValueError) as e:
        raise InputError(f"无法读取{kind} {path}：{e}", hint="请重新保存该文件后重试。") from e


def _refuse_dtd(zf: zipfile.ZipFile, path: Path, kind: str) -> None:
    """A part with a document type declaration is refused before any parser sees it
    (:mod:`greenmine_docs.safety.xmlprolog`)."""
    from .safety.xmlprolog import part_with_dtd

    part = part_with_dtd(zf)
    if part is not None:
        raise InputError(
            f"{kind} {path} 的部件 {part} 含有文档类型定义（DTD），拒绝读取：Office 文件不允许"
            "使用 DTD，它可用来展开巨量文本或读取本机文件。",
            hint="请确认文件来源；用 Excel/WPS/Word 打开后“另存为”新文件再试。")
