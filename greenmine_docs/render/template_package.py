"""Checks of a Word template's package before its tags are read or it is rendered.

- It is a Word document: its main part is a ``w:document`` (a workbook renamed ``.docx`` is not
  a template, even though it is a valid Office package);
- no XML part declares a DTD (``<!DOCTYPE``). Word never writes one; python-docx keeps entity
  references such a DTD declares but drops the declaration when it saves, so a document
  rendered from the template would not be well-formed XML.

Both are refusals (:class:`~greenmine_docs.errors.TemplateError`), for ``templates lint`` as
for ``plan``/``report --template``. The package is expected to have passed
:func:`greenmine_docs.zipguard.check_office_file` (size, members, zip bombs).
"""
from __future__ import annotations

import functools
import zipfile
from pathlib import Path

from ..errors import TemplateError

_HEAD_LIMIT = 1024 * 1024  # bytes of a part read to find its root element
_CHUNK = 64 * 1024
_W_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"
_RESAVE = "请在 Word 或 WPS 中打开模板并重新另存为 Word 文档（*.docx）。"


@functools.lru_cache(maxsize=32)
def _checked(path: str, mtime_ns: int, size: int) -> None:
    from .docx_tags import main_part

    name = Path(path).name
    with zipfile.ZipFile(path) as zf:
        main = main_part(zf)
        for member in zf.namelist():
            if not member.endswith((".xml", ".rels")):
                continue
            doctype, root = _prolog(zf, member)
            if doctype:
                raise TemplateError(f"模板 {name} 的部件 {member} 含有 DTD（{doctype[:80]}），"
                                    "Word 保存的文档不会有它，模板无法安全使用。", hint=_RESAVE)
            if member == main and root != _W_DOCUMENT:
                kind = root.rsplit("}", 1)[-1] or "未知内容"
                raise TemplateError(f"模板 {name} 不是 Word 文档（主部件 {member} 是“{kind}”，"
                                    "可能是 Excel 等文件改了扩展名）。", hint=_RESAVE)


def guard_template_file(path: str | Path) -> None:
    """Every check of a template file before it is read: size limit, truncated package, zip
    bomb (:func:`~greenmine_docs.zipguard.check_office_file`), then a Word document without
    DTDs (checked once per file version; a content that passed before under the same limits
    is not checked again, see :mod:`.template_verdicts`). The pass is recorded for the file
    version looked at before the checks, and only when the file is still that version after
    them: a file changed while it was checked gets no pass."""
    from .. import limits, zipguard
    from ..limits import MAX_DOCX_BYTES
    from ..safety.inputs import regular_file
    from .template_verdicts import record_version_pass, version_passed

    path = regular_file(path, "Word 模板")
    bounds = (MAX_DOCX_BYTES, limits.MAX_PART_UNCOMPRESSED, zipguard.MAX_ZIP_ENTRIES,
              zipguard.MAX_ZIP_RATIO, zipguard.MAX_ZIP_UNCOMPRESSED)
    before = path.stat()
    version = (str(path.resolve()), before.st_mtime_ns, before.st_size)
    if before.st_size <= MAX_DOCX_BYTES and version_passed("package", *version, *bounds):
        return  # the same content passed under the same limits before
    zipguard.check_office_file(path, kind="Word 模板", limit=MAX_DOCX_BYTES,
                               limit_env="GREENMINE_MAX_DOCX_MB")
    _checked(*version)
    after = path.stat()
    if (after.st_mtime_ns, after.st_size) == version[1:]:
        record_version_pass("package", *version, *bounds)


def _prolog(zf: zipfile.ZipFile, member: str) -> tuple[str, str]:
    """(the DOCTYPE declaration or "", the root element's tag or "") of an XML part, reading
    only up to its root element."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, load_dtd=False,
                                 no_network=True, huge_tree=False)
    read = 0
    try:
        with zf.open(member) as fh:
            while read < _HEAD_LIMIT:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                parser.feed(chunk)
                for _, element in parser.read_events():
                    return element.getroottree().docinfo.doctype or "", str(element.tag)
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"模板中的 XML 部件 {member} 无法解析：{e}", hint=_RESAVE) from e
    return "", ""
