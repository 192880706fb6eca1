"""Subdocuments that are spliced into the rendered template as elements, not as text.

docxtpl puts a subdocument into the template by serialising its whole body to a string, letting
Jinja paste that string into the rendered XML, running its text fix-ups (tabs, line breaks) over
the result with regular expressions and parsing everything back. For a 20-page body that is most
of docxtpl's work, and it is done on text that is already finished Word XML.

Here a subdocument renders as a small placeholder element while the *body part* is rendered;
the rendered template (only the template's own XML: cover, contents, the placeholder) is then
parsed, and every placeholder is replaced by the subdocument's body elements themselves, never
serialised and re-parsed. Data in the subdocument therefore never passes through Jinja or
docxtpl's text fix-ups at all, and the placeholder cannot be forged by data: text values are
XML-escaped, so no value can produce an element.

The first subdocument of a template (the generators make exactly one, ``{{p body }}``) is even
written straight into the template document's own body, after the template's own content has
been set aside: at the end the few rendered template elements are put around it, instead of a
whole report being moved between XML trees (lxml re-resolves every namespace of every moved
element, about 9 ms for a report). Further subdocuments get a body of their own and are moved.

The rendered template XML is also parsed strictly first: a template that renders to XML that is
not well-formed is refused with a :class:`~greenmine_docs.errors.TemplateError` instead of being
"recovered" by docxtpl's lenient parser.
"""
from __future__ import annotations

import copy
import functools
from typing import Any

from ..docx.figures import start_shape_ids
from .policy import SUBDOC_NS

_PLACEHOLDER = f"{{{SUBDOC_NS}}}subdoc"
_BODY_TEXTS = "_gm_template_body_texts"
_KEPT_BODY_TEXTS = 8  # final sections of one template (portrait, landscape …), at most
_SECT_PR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_TBL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl"
_BLOCK_PARENTS = {f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{t}"
                  for t in ("body", "tc", "txbxContent", "sdtContent", "comment", "footnote",
                            "endnote")}


@functools.lru_cache(maxsize=1)
def _empty_document_xml() -> bytes:
    """python-docx's default document (an empty body and its Letter-size ``w:sectPr``, which
    ``add_table`` reads the text width from), serialised once per process."""
    from docx import Document
    from lxml import etree

    return etree.tostring(Document().element)


MAX_SUBDOC_USES = 5
"""How often one subdocument may appear in a template (each further use is a copy of it)."""


class SplicedSubdoc:
    """A subdocument that writes into the template's document part (its images, numbering and
    styles are the template's) and is spliced in as elements. It never reaches a template:
    the context holds an opaque :class:`~greenmine_docs.render.policy.Placeable` in its place.
    Writers use it as a python-docx document (its body's methods); it does not build on
    docxtpl's ``Subdoc``, whose module needs docxcompose (for subdocuments read from files).

    ``in_place``: its body is the template document's body itself (see the module docstring);
    otherwise a body of its own, parsed from a cached empty document rather than by loading
    python-docx's default package for every body."""

    def __init__(self, tpl: Any, key: int, *, in_place: bool = False) -> None:  # noqa: D107
        from docx.document import Document
        from docx.oxml import parse_xml

        self.tpl = tpl
        self.key = key
        self.docx = tpl.get_docx()
        element = self.docx.element if in_place else parse_xml(_empty_document_xml())
        self.subdocx = Document(element, self.docx.part)
        self.in_place = in_place
        self.taken: list[Any] | None = None

    def __getattr__(self, name: str) -> Any:  # add_paragraph, add_table, ... of its body
        return getattr(self.subdocx, name)

    def __html__(self) -> str:
        raise TypeError("a subdocument reaches a template only as its Placeable")

    def elements(self) -> list[Any]:
        """Its block elements (the body's, without the section properties)."""
        return [e for e in self.subdocx.element.body if e.tag != _SECT_PR]

    def take_elements(self) -> list[Any]:
        """The body's block elements: moved out on first use, copies of them after that."""
        if self.taken is None:
            self.taken = self.elements()
            return self.taken
        return [copy.deepcopy(e) for e in self.taken]


class SubdocSplicing:
    """Mixin for :class:`docxtpl.DocxTemplate`: ``new_subdoc()`` returns a
    :class:`SplicedSubdoc`; the template gets an opaque value for it, which renders to a
    placeholder element in the body part; placeholders are then replaced by the elements."""

    _in_place: SplicedSubdoc | None = None
    _template_body: Any = None  # the template's own body content while a subdocument is written
    _subdocs: list[SplicedSubdoc] | None = None  # key -> subdocument
    _uses: dict[str, int] = {}  # placeholder number -> uses in the rendered template

    def new_subdoc(self, docpath: Any = None) -> Any:
        if docpath is not None:
            raise NotImplementedError("subdocuments from files are not used by greenmine-docs")
        self.init_docx()  # type: ignore[attr-defined]
        if self._subdocs is None:
            self._subdocs = []
        if self._in_place is not None:
            sub = SplicedSubdoc(self, len(self._subdocs))
            self._subdocs.append(sub)
            return sub
        # set the template's own content aside, in a second w:body of the same document (so it
        # serialises with the same namespaces); the final w:sectPr stays: writers copy it
        root = self.docx.element  # type: ignore[attr-defined]
        body = root.body
        kept = body.makeelement(body.tag, dict(body.attrib))
        sect_pr = body.sectPr  # (asked once: each ask is a search and a new proxy)
        kept.extend([e for e in body if e is not sect_pr])
        body.addnext(kept)
        self._template_body = kept
        start_shape_ids(self.docx.part)  # type: ignore[attr-defined]
        self._in_place = SplicedSubdoc(self, len(self._subdocs), in_place=True)
        self._subdocs.append(self._in_place)
        return self._in_place

    def get_xml(self) -> str:
        """The template's body as text, for rendering: the content set aside and the body's
        final section. The same for every copy of a prepared template with that final section
        (the writers change only the section): made once, kept in the table the copies share
        (:func:`share_body_texts`); with ``GREENMINE_CHECK_SHARED=1`` (the test suite) made
        every time and compared."""
        from lxml import etree

        from .. import envvars

        kept = self._template_body
        if kept is None:
            return super().get_xml()  # type: ignore[misc]
        body = self.docx.element.body  # type: ignore[attr-defined]
        sect_pr = body.sectPr
        texts = getattr(self.docx.part, _BODY_TEXTS, None)  # type: ignore[attr-defined]
        key = None if sect_pr is None else etree.tostring(sect_pr)
        known = None if texts is None else texts.get(key)
        if known is not None and envvars.get("GREENMINE_CHECK_SHARED") != "1":
            return known
        if sect_pr is not None:
            kept.append(sect_pr)  # the template's body exactly as it was, for rendering
        try:
            text: str = self.xml_to_string(kept)  # type: ignore[attr-defined]
        finally:
            if sect_pr is not None:
                body.append(sect_pr)
        if known is not None and known != text:
            raise AssertionError("a template's body changed in a copy that shares its text")
        if texts is not None and len(texts) < _KEPT_BODY_TEXTS:
            texts[key] = text
        return text

    def render(self, context: dict[str, Any], jinja_env: Any = None,
               autoescape: bool = False) -> None:
        """Render with the one sandboxed environment (whatever ``jinja_env`` is given) and a
        context of plain data, this template's subdocuments replaced by opaque values."""
        from .jinja_env import make_env
        from .sandbox import DocumentSandbox

        if not isinstance(jinja_env, DocumentSandbox):
            jinja_env = make_env()
        self.body_well_formed = False
        super().render(self.template_context(context), jinja_env)  # type: ignore[misc]

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        """``context`` as the template sees it (:func:`~greenmine_docs.render.policy.
        plain_context`): this template's subdocuments become opaque placeable values."""
        from .policy import Placeable, plain_context

        def opaque(value: Any) -> Placeable | None:
            if isinstance(value, SplicedSubdoc) and value.tpl is self:
                return Placeable("subdoc", value.key)
            return None

        return plain_context(context, opaque)

    def fix_tables(self, xml: str) -> Any:
        from lxml import etree

        from ..errors import TemplateError

        try:
            tree = etree.fromstring(xml.encode("utf-8"),
                                    etree.XMLParser(resolve_entities=False, huge_tree=True))
        except etree.XMLSyntaxError as e:
            name = getattr(self, "template_name", "模板")
            raise TemplateError(f"用模板 {name} 生成的文档结构无效（{e}），未写出。",
                                hint="请在 Word 或 WPS 中打开模板并重新另存为 .docx 后再试。"
                                ) from e
        if next(tree.iter(_TBL), None) is None:
            # docxtpl's fix changes tables only: without one, its result is this parse of the
            # same well-formed text (the bundled templates' bodies hold no table)
            return tree
        return super().fix_tables(xml)  # type: ignore[misc]

    def fix_docpr_ids(self, tree: Any) -> None:
        """Deferred to :meth:`map_tree`: the ids are numbered once the body is complete."""

    def map_tree(self, tree: Any) -> None:
        """Put the rendered template body in place with the subdocuments' elements where
        their placeholders are, then number the drawing ids."""
        root = self.docx._element  # type: ignore[attr-defined]
        if self._template_body is not None:
            # dropped by its place, once nothing holds it: lxml then frees it (removed while
            # held, it would move it into a document of its own, resolving every namespace)
            index = root.index(self._template_body)
            self._template_body = None
            del root[index]
        self._check_placeholders(tree)
        if not self._around_in_place(tree):
            super().map_tree(tree)  # type: ignore[misc]
        self._splice(root.body)
        # docxtpl's numbering of drawing ids (from 1001, in document order), over the whole
        # finished body
        for element in root.iter(_DOC_PR):
            self.docx_ids_index += 1  # type: ignore[attr-defined]
            element.set("id", str(self.docx_ids_index))  # type: ignore[attr-defined]
        self.body_well_formed = True

    def _subdoc_of(self, marker: Any) -> SplicedSubdoc:
        return self._subdocs[int(marker.get("n"))]  # type: ignore[index]

    def _check_placeholders(self, tree: Any) -> None:
        """Every placeholder names one of this template's subdocuments (a hand-made template
        could hold a forged one), each used at most :data:`MAX_SUBDOC_USES` times."""
        from ..errors import TemplateError

        uses: dict[str, int] = {}
        for marker in tree.iter(_PLACEHOLDER):
            n = marker.get("n", "")
            if not n.isdigit() or int(n) >= len(self._subdocs or ()):
                raise TemplateError("模板中有无法识别的正文占位元素（不是由 {{p body }} 生成的）。",
                                    hint="请在 Word 中打开模板并重新另存为 .docx。")
            uses[n] = uses.get(n, 0) + 1
            if uses[n] > MAX_SUBDOC_USES:
                raise TemplateError(f"模板中的正文变量出现了 {MAX_SUBDOC_USES} 次以上（每次都要复制"
                                    "整个正文）。", hint="正文变量“{{p body }}”只需出现一次。")
        self._uses = uses

    def _around_in_place(self, tree: Any) -> bool:
        """When the in-place subdocument's first placeholder sits directly in the rendered
        body, keep the document's body (which holds that subdocument) and move the rendered
        template's elements before and after it. False when that does not apply; then the
        rendered body replaces the document's (and the subdocument's elements are moved)."""
        sub = self._in_place
        if sub is None:
            return False
        marker = next((m for m in tree.iter(_PLACEHOLDER)
                       if self._subdoc_of(m) is sub), None)
        if marker is None or marker.getparent() is not tree:
            # nested in a table cell, say: moved there like any other (taken now, while they
            # are still in the body the rendered one replaces); unused: dropped with that body
            sub.taken = sub.elements()
            return False
        body = self.docx._element.body  # type: ignore[attr-defined]
        if body.sectPr is not None:
            body.remove(body.sectPr)  # the rendered template brings its own
        if self._uses[marker.get("n")] > 1:  # (counted by _check_placeholders)
            # already where they belong; copies of them for the further uses (a template
            # using it once, as the generators' do, has no other placeholder of it to fill)
            sub.taken = sub.elements()
        index = tree.index(marker)
        before, after = list(tree)[:index], list(tree)[index + 1:]
        for element in reversed(before):
            body.insert(0, element)
        body.extend(after)
        for name, value in tree.attrib.items():
            body.set(name, value)
        return True

    def _splice(self, tree: Any) -> None:
        from ..errors import TemplateError

        for marker in list(tree.iter(_PLACEHOLDER)):
            parent = marker.getparent()
            if parent is None or parent.tag not in _BLOCK_PARENTS:
                raise TemplateError("正文变量必须单独占一段，写成“{{p body }}”。",
                                    hint="用 greenmine templates lint 检查模板。")
            sub = self._subdoc_of(marker)
            index = parent.index(marker)
            parent[index:index + 1] = sub.take_elements()


def share_body_texts(part: Any) -> dict[bytes | None, str]:
    """The table of a prepared template's body as text (by its final section,
    :meth:`SubdocSplicing.get_xml`), kept on its document ``part``; what the ``deepcopy`` memo
    must map to itself so that the template's copies share it (as they share the style
    answers, :func:`~greenmine_docs.docx.text.share_style_answers`)."""
    texts = getattr(part, _BODY_TEXTS, None)
    if texts is None:
        texts = {}
        setattr(part, _BODY_TEXTS, texts)
    return texts
