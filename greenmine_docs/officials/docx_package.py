"""Reading a submitted Word package part by part, with bounded memory.

``check`` and ``diff`` read documents they did not write: a 9 MB upload can hold a 100 MB
``document.xml``. python-docx builds the whole tree (gigabytes for such a part), so the parts
are read here directly: the main document part is streamed with ``lxml.etree.iterparse`` one
body element at a time (each is dropped once read), the small parts (styles, numbering,
headers, footers, comments) are parsed whole. Every part read is first held to
:data:`~greenmine_docs.limits.MAX_PART_UNCOMPRESSED`; the package as a whole has passed
:func:`~greenmine_docs.zipguard.check_office_file` (member count, total size, zip bombs).
"""
from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..safety.inputs import regular_file
from ..limits import MAX_PART_UNCOMPRESSED, megabytes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
_BODY_TAGS = (f"{W}p", f"{W}tbl", f"{W}sdt", f"{W}customXml")
_LEGACY = (".doc", ".wps", ".dot", ".wpt", ".rtf")


def _parser_options() -> dict[str, Any]:
    """No entities, no network, no DTD, libxml2's default size guards (huge_tree off)."""
    return {"resolve_entities": False, "no_network": True, "load_dtd": False,
            "huge_tree": False}


def check_word_file(path: Path) -> None:
    """Clear :class:`InputError` for anything that is not a usable .docx, before any part is
    parsed: missing file, old binary Word/WPS, RTF, another extension, oversized or damaged
    package."""
    from ..limits import MAX_DOCX_BYTES
    from ..zipguard import check_office_file

    regular_file(path)  # missing, a folder, a FIFO or a device: said as such
    with path.open("rb") as fh:
        head = fh.read(8)
    if path.suffix.lower() in _LEGACY or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path.name} 是旧版 Word（.doc）或 WPS 格式，无法检查。",
                         hint="请在 Word 或 WPS 中打开，“另存为” Word 文档（.docx）后再检查。")
    if head.startswith(b"{\\rtf"):
        raise InputError(f"{path.name} 是 RTF 格式，无法检查。", hint="请另存为 Word 文档（.docx）。")
    if path.suffix.lower() not in (".docx", ".docm"):
        raise InputError(f"{path.name} 不是 Word 文档（.docx）。", hint="请提供 .docx 格式的实施方案。")
    check_office_file(path, kind="Word 文档", limit=MAX_DOCX_BYTES,
                      limit_env="GREENMINE_MAX_DOCX_MB")


def _broken(path: Path) -> InputError:
    return InputError(f"{path.name} 已损坏或不是有效的 .docx 文件，无法打开。",
                      hint="请在 Word 中打开并重新保存为 .docx。")


class WordPackage:
    """An open .docx: the main part, its related parts by relationship type, and safe
    readers for them. Use as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        check_word_file(self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as e:
            raise _broken(self.path) from e
        self._names = {n.lower(): n for n in self._zip.namelist()}
        try:
            main = next((t for typ, t in self._rels("").values()
                         if typ.endswith(_OFFICE_DOCUMENT)), None)
            if main is None or self._member(main) is None:
                raise _broken(self.path)
            self.main = main
            self.related = self._rels(main)
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> "WordPackage":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    # -------------------------------------------------------------- parts and relationships

    def _member(self, part: str) -> str | None:
        return self._names.get(part.lstrip("/").lower())

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (relationship type, target part name) of ``part`` ("" = the package)."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        root = self.read_xml(rels_name)
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{_REL}Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            full = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id") or ""] = (rel.get("Type") or "", full)
        return out

    def parts_of_type(self, suffix: str) -> list[str]:
        """Parts related to the main part whose relationship type ends in ``/suffix``."""
        return [t for typ, t in self.related.values() if typ.endswith("/" + suffix)]

    def _open(self, part: str) -> Any:
        member = self._member(part)
        if member is None:
            return None
        info = self._zip.getinfo(member)
        if info.file_size > MAX_PART_UNCOMPRESSED:
            raise InputError(
                f"{self.path.name} 的部件 {member} 解压后 {megabytes(info.file_size)}，超过上限 "
                f"{megabytes(MAX_PART_UNCOMPRESSED)}，不予读取。",
                hint="正常的实施方案远小于此；如确需检查，请压缩或拆分文档，"
                     "或设置环境变量 GREENMINE_MAX_PART_MB。")
        return self._zip.open(member)

    def read_xml(self, part: str) -> Any:
        """The parsed root of a (small) part, None when the package has no such part."""
        from lxml import etree

        stream = self._open(part)
        if stream is None:
            return None
        try:
            with stream:
                return etree.fromstring(stream.read(), etree.XMLParser(**_parser_options()))
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as e:
            raise InputError(f"{self.path.name} 的部件 {part} 无法解析（{type(e).__name__}）。",
                             hint="请在 Word 中打开并重新保存为 .docx。") from e

    def related_xml(self, suffix: str) -> Any:
        """The first part of a relationship type (``styles``, ``numbering``, ``comments``)."""
        parts = self.parts_of_type(suffix)
        return self.read_xml(parts[0]) if parts else None

    # -------------------------------------------------------------- the body, streamed

    def iter_body(self) -> Iterator[Any]:
        """Top-level paragraphs, tables and content controls of the main part, in order.
        Each element is valid until the next one is requested, then it is dropped: memory
        stays at one body element, whatever the size of the part."""
        from lxml import etree

        stream = self._open(self.main)
        if stream is None:
            raise _broken(self.path)
        with stream:
            events = etree.iterparse(stream, events=("end",), tag=_BODY_TAGS,
                                     **_parser_options())
            try:
                for _event, el in events:
                    parent = el.getparent()
                    if parent is None or parent.tag != f"{W}body":
                        continue
                    yield el
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]
            except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as e:
                raise InputError(f"{self.path.name} 的正文无法解析（{type(e).__name__}）。",
                                 hint="请在 Word 中打开并重新保存为 .docx。") from e
