"""Rendering a DOCX template with docxtpl through the one sandboxed Jinja environment.

:func:`render_template` opens the template, lets the caller build the context (usually with
subdocuments made by :class:`~greenmine_docs.docx.writer.Writer` on ``tpl.new_subdoc()``),
renders with :func:`greenmine_docs.render.make_env` (sandboxed, autoescaped, strict), makes sure
Word refreshes fields on open, and returns the bytes. Jinja errors become
:class:`~greenmine_docs.errors.TemplateError` with the template line's text, not a traceback.
"""
from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Any, Callable

from ..errors import TemplateError
from ..docx.copying import deep_copy
from ..docx.document import package_bytes, unchanged_parts
from ..docx.external import strip_external
from ..docx.fields import set_update_fields
from ..docx.styles import apply_official_styles
from ..docx.text import share_style_answers


def open_template(path: str | Path, *, lint: bool = True) -> Any:
    """A ``DocxTemplate`` for ``path``, checked to be a readable Word document; the official
    styles the generators need are added when the template lacks them. ``lint=False``: the
    caller lints it itself, with the variables it provides (:func:`render_template` does, which
    finds everything the lint without them finds, and more)."""
    from .tplguard import GuardedDocxTemplate

    from ..safety.inputs import file_problem, input_stat, real_path

    path = Path(path)
    problem = file_problem(path)  # missing, a folder, a FIFO or a device: never opened
    if problem:
        raise TemplateError(f"找不到模板文件 {path}。" if problem == "不存在" else
                            f"模板文件 {path} {problem}。",
                            hint="用 greenmine templates export DIR 导出默认模板后再修改。")
    stat = input_stat(path)  # (each once in a batch's mine: safety.inputs.one_look)
    key = (real_path(path), stat.st_mtime_ns, stat.st_size)
    if not _is_zip(*key):
        raise TemplateError(f"模板 {path} 不是 .docx 文件（可能是旧的 .doc 或已损坏）。",
                            hint="请在 Word 中“另存为” Word 文档（*.docx）。")
    _guard_template(*key)
    if lint:
        _check(path, None)  # broken tags: one located report instead of a Jinja error
    tpl = GuardedDocxTemplate(str(path))
    tpl.template_name = path.name
    doc, memo = _prepared_copyable(*key)
    tpl.docx = deep_copy(doc, dict(memo))  # render() works on its own copy
    return tpl


@functools.lru_cache(maxsize=8)
def _prepared_copyable(path: str, mtime_ns: int, size: int) -> tuple[Any, dict[int, Any]]:
    """:func:`_prepared`'s document and a ``deepcopy`` memo that lets its copies share the
    package's strings — part names (a ``str`` subclass ``deepcopy`` rebuilds one by one),
    relationship ids, types and targets: a third of the copy's time. Strings cannot change;
    the memo holds them, so their ids stay theirs. The parts no copy changes (the styles, the
    parts held as bytes, the footers without tags:
    :func:`~greenmine_docs.docx.document.unchanged_parts`) are shared the same way, not
    copied, and so are the answers the copies look up once: their styles' ids and fonts, the
    template's body as text."""
    from .subdoc import share_body_texts

    doc = _prepared(path, mtime_ns, size)
    package = doc.part.package
    memo: dict[int, Any] = {}
    for rels in [package.rels, *(part.rels for part in package.iter_parts())]:
        for rel in rels.values():
            for value in vars(rel).values():
                if isinstance(value, str):
                    memo[id(value)] = value
    for part in package.iter_parts():
        memo[id(part.partname)] = part.partname
    for part in unchanged_parts(doc, _unchanged_by_render):  # (the copies' parts lead to these)
        memo[id(part)] = part
    for shared in share_style_answers(doc.part):  # the copies' styles are the template's
        memo[id(shared)] = shared
    texts = share_body_texts(doc.part)  # the template's body as text, made once
    memo[id(texts)] = texts
    return doc, memo


def _unchanged_by_render(part: Any) -> bool:
    """A header or footer without a template tag (rendered as it is, never changed: see
    :meth:`~greenmine_docs.render.tplguard.GuardedDocxTemplate.get_headers_footers`), or the
    settings (completed when the template is prepared: :func:`_prepared`)."""
    from docx.parts.hdrftr import FooterPart, HeaderPart
    from docx.parts.settings import SettingsPart

    kind = type(part)
    return kind is SettingsPart or kind in (HeaderPart, FooterPart) and b"{" not in part.blob


@functools.lru_cache(maxsize=8)
def _prepared(path: str, mtime_ns: int, size: int) -> Any:
    """The template's document opened and completed (namespaces, numbering, final section,
    official styles, fields updated when Word opens it) once per file version: every mine
    renders the same template, and copying the parsed package takes a fifth of the time of
    opening and completing it again."""
    from .tplguard import GuardedDocxTemplate

    tpl = GuardedDocxTemplate(path)
    try:
        tpl.get_docx()
    except Exception as e:  # python-docx raises several types for broken packages
        raise TemplateError(f"无法打开模板 {Path(path).name}：{e}",
                            hint="请在 Word 中打开并重新保存为 .docx。") from e
    _ensure_namespaces(tpl)
    doc = tpl.docx
    _ensure_numbering(doc)
    _ensure_section(doc)
    apply_official_styles(doc, only_missing=True)
    set_update_fields(doc)  # (Word refreshes the TOC: asked for every rendered document)
    return doc


_BODY_NAMESPACES = ("w", "r", "wp", "a", "pic", "m", "w14")


def _ensure_namespaces(tpl: Any) -> None:
    """Declare on the document root the namespaces inserted content uses (images: ``wp``,
    ``a``, ``pic``). Word, WPS and LibreOffice always do; a hand-made package may not, and
    its rendered body would then not be well-formed XML."""
    import re

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsmap
    from lxml import etree

    doc = tpl.docx
    root = doc.element
    missing = {k: nsmap[k] for k in _BODY_NAMESPACES if root.nsmap.get(k) != nsmap[k]
               and k not in root.nsmap}
    if not missing:
        return
    xml = etree.tostring(root, encoding="unicode")
    decl = " ".join(f'xmlns:{k}="{v}"' for k, v in missing.items())
    try:
        new = parse_xml(re.sub(r"^<w:document\b", f"<w:document {decl}", xml, count=1))
    except etree.XMLSyntaxError as e:  # e.g. entity references a DTD declared
        raise TemplateError(f"模板正文的 XML 无法使用（{e}）。",
                            hint="请在 Word 或 WPS 中打开模板并重新另存为 .docx。") from e
    doc.part._element = new
    doc._element = new


def _ensure_section(doc: Any) -> None:
    """A body without its final ``w:sectPr`` (hand-made packages) gets an A4 one with the
    official margins: the generators copy it for section breaks."""
    if doc.element.body.sectPr is not None:
        return
    from ..docx.page import setup_page

    doc.element.body.get_or_add_sectPr()
    setup_page(doc.sections[-1])


@functools.lru_cache(maxsize=32)
def _is_zip(path: str, mtime_ns: int, size: int) -> bool:
    """``zipfile.is_zipfile``, asked once per template file version (as :func:`_guard_template`
    checks it: ``batch`` opens the same three templates for every mine)."""
    return zipfile.is_zipfile(path)


@functools.lru_cache(maxsize=32)
def _guard_template(path: str, mtime_ns: int, size: int) -> None:
    """Size limit, truncated packages, zip bombs, a Word document without DTDs — checked once
    per template file version (``batch`` renders the same template for every mine)."""
    from .template_package import guard_template_file

    guard_template_file(Path(path))


def _ensure_numbering(doc: Any) -> None:
    """Give a template without a numbering part (saved by some editors, or written by hand)
    an empty one: python-docx cannot create it, and the generators' lists need it."""
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.parts.numbering import NumberingPart

    part = doc.part
    if any(rel.reltype == RT.NUMBERING for rel in part.rels.values()):
        return
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w='
           '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>').encode()
    numbering = NumberingPart.load(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, xml,
                                   part.package)
    part.relate_to(numbering, RT.NUMBERING)


def _place(e: Exception, path: Path) -> str:
    """Where a Jinja error happened, for the message: part and paragraph as lint names them,
    else the part and the text near the tag."""
    from .docx_tags import locate_line, part_label

    part = getattr(e, "docx_part", "")
    prop = getattr(e, "docx_property", "")
    if prop:
        from .docx_tags import RENDERED_PROPERTIES

        name = {"author": "creator", "comments": "description"}.get(prop, prop)
        return f"（文档属性“{RENDERED_PROPERTIES.get(name, prop)}”）"
    line = getattr(e, "docx_line_text", "")
    where = locate_line(path, part, line) if part and line else None
    if where is not None:
        return f"（{where.label}{f' 第{where.paragraph}段' if where.paragraph else ''}）"
    context = " ".join(x.strip() for x in getattr(e, "docx_context", []) or [] if x.strip())
    label = part_label(part) if part else ""
    if context:
        return f"（{label + '，' if label else ''}附近文字：{context[:120]}）"
    return f"（{label}）" if label else ""


def template_error(e: Exception, path: Path) -> TemplateError:
    """A Jinja error while rendering the template at ``path`` as one Chinese message with the
    place (see :func:`greenmine_docs.render.tplguard.GuardedDocxTemplate.render_xml_part`)."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from .policy import TemplateRefusal
    from .sandbox import StatementRefusal

    near = _place(e, path)
    lint = "可用 greenmine templates lint 检查模板。"
    if isinstance(e, TemplateRefusal) and e.kind == "limit":
        return TemplateError(f"模板 {path.name} 超出了计算限制{near}：{e.message}",
                             hint="文档模板只需引用变量；请删除造成大量计算的标签。" + lint)
    if isinstance(e, (SecurityError, StatementRefusal)):
        return TemplateError(f"模板 {path.name} 试图执行不允许的操作{near}：{e.message}",
                             hint="模板只能引用说明文件（TEMPLATE.md）列出的变量，以及文字、数字、"
                                  "列表的基本方法和过滤器。" + lint)
    if isinstance(e, UndefinedError):
        return TemplateError(f"模板 {path.name} 使用了未提供的变量{near}：{e.message}",
                             hint="检查模板中 {{ }} 内的变量名；可用变量见 greenmine templates "
                                  "export 导出的说明文件。")
    if isinstance(e, TemplateSyntaxError):
        return TemplateError(f"模板 {path.name} 语法错误{near}：{e.message}",
                             hint="检查 {{ }}、{% %} 是否成对，标签是否被 Word 拆成了不同格式。")
    return TemplateError(f"模板 {path.name} 渲染失败{near}：{e}",
                         hint="请检查模板中的标签。" + lint)


def _check(path: Path, known: frozenset[str] | None) -> None:
    """:func:`~.template_lint.check_template` with the variables ``known``, unless that lint
    passed before on this content (:mod:`.template_verdicts`): a rebuild then does not even
    import the linter and its trial render (~4 ms)."""
    from .template_verdicts import lint_passed

    if not lint_passed(path, known):
        from .template_lint import check_template

        check_template(path, known=known)


def render_template(path: str | Path, build_context: Callable[[Any], dict[str, Any]]) -> bytes:
    """Render the DOCX template at ``path`` and return the document's bytes.

    ``build_context(tpl)`` returns the Jinja context; it may create subdocuments with
    ``tpl.new_subdoc()``. User data must only ever appear as values in that context. It must
    not add, remove or change a style of ``tpl.docx``, nor a header or footer without a tag,
    nor the settings: every copy of a template shares them (:func:`~greenmine_docs.docx.
    document.unchanged_parts`; the test suite checks it)."""
    from jinja2 import TemplateError as JinjaTemplateError

    from .bounds import rendering
    from .jinja_env import make_env

    from ..docx import islands

    path = Path(path)
    tpl = open_template(path, lint=False)  # linted below, with the context's variables
    islands.enable(tpl.docx.part)  # written by package_bytes below
    context = build_context(tpl)
    # broken tags (one located report instead of a Jinja error), unknown variables
    _check(path, frozenset(context))
    try:
        with rendering():  # one budget of time, text and loops for the whole document
            tpl.render(context, jinja_env=make_env())
    except JinjaTemplateError as e:
        raise template_error(e, path) from e
    # docxtpl's save adds nothing here (no pictures replaced); links a template brought that
    # would be fetched from outside (a file:// or http:// picture …) are removed
    package = package_bytes(tpl.docx)
    data = strip_external(package) if package.links_outside else package
    if not getattr(tpl, "body_well_formed", False):  # checked while splicing otherwise
        _check_well_formed(data, path)
    return data


def _check_well_formed(data: bytes, path: Path) -> None:
    """A rendered document whose main part is not well-formed XML is never written: Word
    would refuse to open it. (It happens only with templates Word did not save.)"""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            xml = zf.read("word/document.xml")
        except KeyError:  # a main part under another name: python-docx wrote it, trust it
            return
    try:
        etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"用模板 {path.name} 生成的文档结构无效（{e}），未写出。",
                            hint="请在 Word 或 WPS 中打开模板并重新另存为 .docx 后再试。") from e
