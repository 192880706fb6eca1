"""Finding the Jinja tags of a DOCX template, with where each one is.

A template is a zip of XML parts. docxtpl renders the main document, the headers and footers it
refers to, the footnotes and six document properties; other parts (endnotes, comments, custom
properties …) are copied unchanged, so tags there stay as typed. Word stores a paragraph's
text in runs (``w:r``) and often splits a tag over several of them (spell checking, a format
change, an edit in the middle): :func:`scan_template` joins each paragraph's runs, finds the
tags in the joined text and records which runs — with which formatting — each one spans.

The package is read with :mod:`zipfile` and lxml without entity resolution, DTD loading or
network access; it is expected to have passed :func:`greenmine_docs.zipguard.check_office_file`.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import TemplateError
from ..frozen import frozen

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
FOOTNOTES_CT = _WML + "footnotes+xml"

# core properties docxtpl renders (Dublin Core element -> Chinese name shown to users)
RENDERED_PROPERTIES = {"creator": "作者", "description": "备注", "identifier": "标识符",
                       "language": "语言", "subject": "主题", "title": "标题"}
OTHER_PROPERTIES = {"keywords": "关键词", "category": "类别", "contentStatus": "状态",
                    "lastModifiedBy": "最后修改者", "version": "版本"}

# run properties that do not change how text looks (revision ids, language, proofing)
_COSMETIC_RPR = {"rsid", "rsidR", "rsidRPr", "rsidDel", "lang", "noProof", "proofErr",
                 "webHidden", "specVanish"}

TAG_TOKEN = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}


@frozen(quick_init=False)
class Where:
    """A place in the template: the part (with table cell, if any) and the paragraph number
    counted through the whole part, table paragraphs included (as docxtpl counts them)."""

    part: str  # e.g. "正文", "页眉（header1.xml）"
    paragraph: int | None = None
    cell: str = ""  # "表格2 第3行第1列"

    @property
    def label(self) -> str:
        return f"{self.part} {self.cell}".strip()


@dataclass
class Tag:
    opener: str  # "{{", "{%" or "{#"
    text: str  # as typed, e.g. "{{ title }}" ("" closer when unclosed)
    where: Where
    closed: bool = True
    run_formats: list[str] = field(default_factory=list)  # one signature per run spanned
    in_table_row: bool = False
    in_table_cell: bool = False
    paragraph_text: str = ""

    @property
    def inner(self) -> str:
        """Text between the braces, without the docxtpl level prefix (p, r, tr, tc)."""
        body = self.text[2:-2] if self.closed else self.text[2:]
        m = re.match(r"(tr|tc|p|r)\s", body) if self.opener != "{#" else None
        return body[m.end():] if m else body

    @property
    def level(self) -> str:
        """docxtpl's prefix: "p", "r", "tr", "tc" or "" (plain)."""
        body = self.text[2:]
        m = re.match(r"(tr|tc|p|r)\s", body) if self.opener != "{#" else None
        return m.group(1) if m else ""

    @property
    def split_with_formats(self) -> bool:
        return len(set(self.run_formats)) > 1


@dataclass
class StrayText:
    """A closer with no opener, or braces typed in full width (Chinese input method)."""

    text: str
    where: Where
    kind: str  # "closer" | "fullwidth"


@dataclass
class PartScan:
    name: str  # zip member
    label: str  # Chinese, for messages
    rendered: bool
    tags: list[Tag] = field(default_factory=list)
    stray: list[StrayText] = field(default_factory=list)


def _xml(data: bytes) -> object:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"模板中的 XML 部件无法解析：{e}",
                            hint="请在 Word 中打开模板并重新保存为 .docx。") from e


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _run_format(run: object) -> str:
    """A signature of how a run looks: its ``w:rPr`` without cosmetic properties."""
    rpr = run.find(W + "rPr")  # type: ignore[attr-defined]
    if rpr is None:
        return ""
    parts = []
    for child in rpr:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name in _COSMETIC_RPR:
            continue
        attrs = sorted((_local(k), v) for k, v in child.attrib.items()
                       if not _local(k).startswith("rsid"))
        parts.append(name + repr(attrs))
    return "|".join(sorted(parts))


def _owner_paragraph(el: object) -> object | None:
    node = el.getparent()  # type: ignore[attr-defined]
    while node is not None and node.tag != W + "p":
        node = node.getparent()
    return node


def _cell_label(p: object, tables: dict[object, int]) -> tuple[str, bool, bool]:
    """“表格N 第R行第C列” for a paragraph in a table cell, and whether it is in a row/cell."""
    tc = p.getparent()  # type: ignore[attr-defined]
    while tc is not None and tc.tag not in (W + "tc", W + "body", W + "txbxContent"):
        tc = tc.getparent()
    if tc is None or tc.tag != W + "tc":
        return "", False, False
    tr = tc.getparent()
    tbl = tr.getparent() if tr is not None else None
    if tr is None or tbl is None or tr.tag != W + "tr":
        return "", False, True
    col = [c for c in tr if c.tag == W + "tc"].index(tc) + 1
    row = [r for r in tbl if r.tag == W + "tr"].index(tr) + 1
    return f"表格{tables.get(tbl, 0)} 第{row}行第{col}列", True, True


def scan_xml(root: object, label: str) -> tuple[list[Tag], list[StrayText]]:
    """Tags and stray braces of one rendered XML part, paragraph by paragraph."""
    tables = {t: i for i, t in enumerate(root.iter(W + "tbl"), 1)}  # type: ignore[attr-defined]
    tags: list[Tag] = []
    stray: list[StrayText] = []
    for number, p in enumerate(root.iter(W + "p"), 1):  # type: ignore[attr-defined]
        pieces: list[tuple[str, str]] = []  # (text, run format) per run, in order
        for run in p.iter(W + "r"):
            if _owner_paragraph(run) is not p:
                continue  # a run of a paragraph nested in a text box
            text = "".join(t.text or "" for t in run.iter(W + "t")
                           if _owner_paragraph(t) is p)
            if text:
                pieces.append((text, _run_format(run)))
        text = "".join(t for t, _ in pieces)
        if not any(ch in text for ch in "{}%#｛｝％"):
            continue
        cell, in_row, in_cell = _cell_label(p, tables)
        where = Where(label, number, cell)
        owners: list[int] = []
        for i, (t, _) in enumerate(pieces):
            owners.extend([i] * len(t))
        formats = [f for _, f in pieces]
        _scan_paragraph(text, owners, formats, where, in_row, in_cell, tags, stray)
    return tags, stray


_FULLWIDTH = re.compile(r"[｛{][｛{％%]|[｝}％%][｝}]")


def _scan_paragraph(text: str, owners: list[int], formats: list[str], where: Where,
                    in_row: bool, in_cell: bool, tags: list[Tag], stray: list[StrayText]
                    ) -> None:
    pos = 0
    open_at: int | None = None
    opener = ""
    for m in TAG_TOKEN.finditer(text):
        tok = m.group(0)
        if m.start() < pos:
            continue
        if open_at is None:
            if tok in CLOSER:
                open_at, opener = m.start(), tok
            else:
                stray.append(StrayText(tok, where, "closer"))
            pos = m.end()
            continue
        if tok == CLOSER[opener]:
            tags.append(_tag(text, owners, formats, open_at, m.end(), opener, where,
                             in_row, in_cell, True))
            open_at = None
            pos = m.end()
        elif tok in CLOSER and opener != "{#":
            # a new tag starts before this one was closed
            tags.append(_tag(text, owners, formats, open_at, m.start(), opener, where,
                             in_row, in_cell, False))
            open_at, opener = m.start(), tok
            pos = m.end()
    if open_at is not None:
        tags.append(_tag(text, owners, formats, open_at, len(text), opener, where,
                         in_row, in_cell, False))
    for m in _FULLWIDTH.finditer(text):
        if any(ch in m.group(0) for ch in "｛｝％"):
            stray.append(StrayText(m.group(0), where, "fullwidth"))


def _tag(text: str, owners: list[int], formats: list[str], start: int, end: int, opener: str,
         where: Where, in_row: bool, in_cell: bool, closed: bool) -> Tag:
    runs = sorted(set(owners[start:end]))
    return Tag(opener=opener, text=text[start:end], where=where, closed=closed,
               run_formats=[formats[i] for i in runs], in_table_row=in_row,
               in_table_cell=in_cell, paragraph_text=text)


# ------------------------------------------------------------------ the package


def main_part(zf: zipfile.ZipFile) -> str:
    try:
        rels = _xml(zf.read("_rels/.rels"))
    except KeyError:
        return "word/document.xml"
    for rel in rels.iter(_PKG_REL + "Relationship"):  # type: ignore[attr-defined]
        if rel.get("Type") == _OFFICE_DOC:
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def _related(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, str]]:
    """(relationship type, target member) of a part's relationships."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    try:
        rels = _xml(zf.read(rels_name))
    except KeyError:
        return
    for rel in rels.iter(_PKG_REL + "Relationship"):  # type: ignore[attr-defined]
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        yield rel.get("Type", ""), member


def _content_types(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = _xml(zf.read("[Content_Types].xml"))
    except KeyError:
        return {}
    out = {}
    for o in root.iter(_CT + "Override"):  # type: ignore[attr-defined]
        out[o.get("PartName", "").lstrip("/")] = o.get("ContentType", "")
    return out


def scan_template(path: Path) -> tuple[list[PartScan], dict[str, str]]:
    """Every XML part with tags, and the document properties (name -> text, for the rendered
    and the other core properties). Raises :class:`TemplateError` for an unreadable package."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise TemplateError(f"模板 {path.name} 不是有效的 .docx 文件：{e}",
                            hint="请在 Word 中“另存为” Word 文档（*.docx）。") from e
    with zf:
        names = set(zf.namelist())
        main = main_part(zf)
        if main not in names:
            raise TemplateError(f"模板 {path.name} 中没有 Word 正文部件（{main}）。",
                                hint="请确认这是 Word 文档（.docx），而不是 Excel 或其他文件。")
        types = _content_types(zf)
        rendered: dict[str, str] = {main: "正文"}
        for rel_type, member in _related(zf, main):
            if rel_type == _HEADER:
                rendered[member] = f"页眉（{posixpath.basename(member)}）"
            elif rel_type == _FOOTER:
                rendered[member] = f"页脚（{posixpath.basename(member)}）"
        for member, ctype in types.items():
            if ctype == FOOTNOTES_CT:
                rendered[member] = f"脚注（{posixpath.basename(member)}）"
        scans: list[PartScan] = []
        for member in sorted(names, key=lambda n: (n not in rendered, n != main, n)):
            if not member.endswith(".xml") or member in ("[Content_Types].xml",
                                                         "docProps/core.xml"):
                continue
            data = zf.read(member)
            if member not in rendered and not TAG_TOKEN.search(data.decode("utf-8", "replace")):
                continue
            root = _xml(data)
            label = rendered.get(member) or _other_label(member, types.get(member, ""))
            tags, stray = scan_xml(root, label)
            if member not in rendered and not tags:
                continue
            scans.append(PartScan(member, label, member in rendered, tags, stray))
        props = _core_properties(zf) if "docProps/core.xml" in names else {}
    return scans, props


def _other_label(member: str, ctype: str) -> str:
    base = posixpath.basename(member)
    for key, label in (("endnotes", "尾注"), ("comments", "批注"), ("glossary", "文档部件"),
                       ("custom", "自定义属性"), ("app", "应用程序属性")):
        if key in base or key in ctype:
            return f"{label}（{base}）"
    return member


def _core_properties(zf: zipfile.ZipFile) -> dict[str, str]:
    root = _xml(zf.read("docProps/core.xml"))
    out = {}
    for child in root:  # type: ignore[attr-defined]
        if isinstance(child.tag, str):
            out[_local(child.tag)] = child.text or ""
    return out


def short(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters (for messages)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# a tag's body stops where the next tag of its kind opens: on a line of "{{{{…" with no "}}"
# each attempt ends there instead of at the end of the line (quadratic otherwise)
_JINJA_TAG = re.compile(r"\{\{(?:(?!\{\{).)*?\}\}|\{%(?:(?!\{%).)*?%\}", re.S)


def _tag_key(text: str) -> str:
    """A tag's text without braces, docxtpl level prefix and spaces, for comparison."""
    body = text[2:-2].strip("-+ ")
    body = re.sub(r"^(tr|tc|p|r)\s", "", body)
    return "".join(body.split())


def part_label(part: str) -> str:
    """A rendered part's name for messages (as :func:`scan_template` labels it)."""
    base = posixpath.basename(part)
    for key, label in (("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注")):
        if base.startswith(key):
            return f"{label}（{base}）"
    return "正文" if base == "document.xml" else base


def locate_line(path: Path, part: str, line: str) -> Where | None:
    """Where in the template the tag on ``line`` (a line of ``part``'s rendered Jinja source:
    docxtpl has removed the XML inside tags and the ``p``/``tr``/``tc`` prefixes) was typed;
    None when it cannot be told."""
    keys = {_tag_key(m.group(0)) for m in _JINJA_TAG.finditer(re.sub(r"<[^>]*>", "", line))}
    if not keys:
        return None
    try:
        scans, _ = scan_template(path)
    except TemplateError:
        return None
    member = part.lstrip("/")
    for scan in scans:
        if scan.name == member:
            return next((t.where for t in scan.tags if _tag_key(t.text) in keys), None)
    return None
