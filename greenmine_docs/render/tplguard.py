"""The docxtpl template class every DOCX is rendered with.

docxtpl renders the body, headers, footers, footnotes and some document properties with the
Jinja environment it is given (ours: sandboxed, autoescaped, strict). Three details of its
stock behaviour would let user *data* change or even run as a template, so they are replaced:

1. footnotes are rendered once per *section*: in a template with three sections the footnotes
   part is rendered three times, and a value such as ``{{ 7*7 }}`` that the first pass put
   into the text is executed by the second (it came out as ``49``). Here every part is
   rendered exactly once;
2. document properties (title, subject …) are plain text that python-docx escapes itself, so
   rendering them with XML autoescaping stored ``&lt;`` instead of ``<``. Here they are
   rendered with the same sandboxed, strict environment, autoescaping off;
3. after rendering, docxtpl turns ``{_{`` into ``{{`` everywhere — also inside inserted data.
   Here the escape is resolved in the template source before rendering, and the rendered
   text (which holds the data) is left as it is.
"""
from __future__ import annotations

import functools
import re
import sys
from typing import Any

from .. import usercache
from .subdoc import SubdocSplicing


def _import_docxtpl() -> None:
    """Import docxtpl as it is imported where docxcompose is not installed (the users' install:
    docxtpl then goes on without its ``Subdoc``). Where docxcompose is installed (the test extras)
    docxtpl's package would import ``docxtpl.subdoc`` with docxcompose and Babel (~8 ms of a new
    process) for a class nothing here uses (subdocuments are spliced: :mod:`.subdoc`);
    ``docxtpl.subdoc`` itself can still be imported afterwards."""
    if "docxtpl" in sys.modules:
        return
    sys.modules["docxtpl.subdoc"] = None  # type: ignore[assignment]  # ImportError: skipped
    try:
        import docxtpl  # noqa: F401
    finally:
        if sys.modules.get("docxtpl.subdoc", "") is None:
            del sys.modules["docxtpl.subdoc"]


_import_docxtpl()
from docxtpl import DocxTemplate  # noqa: E402 — after the import above


FOOTNOTES_TYPE = ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                  "footnotes+xml")

# docxtpl's way of writing a literal brace pair in a template, and what it stands for
_TEMPLATE_ESCAPES = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in _TEMPLATE_ESCAPES))
_PARA_START = re.compile(r"<w:p([ >])")
_PARA_BREAK = re.compile(r"\n<w:p([ >])")


# the core properties docxtpl renders (the ones python-docx stores as plain strings)
_TEXT_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


@functools.lru_cache(maxsize=1)
def _plain_env() -> Any:
    """The standard environment with autoescaping off, made once (it is never changed)."""
    from .jinja_env import make_env

    env = make_env()
    env.autoescape = False
    return env


def _literal(seq: str) -> str:
    """Jinja source that outputs ``seq`` verbatim."""
    return "{{ '%s' }}" % _TEMPLATE_ESCAPES[seq]


@functools.lru_cache(maxsize=64)
def _jinja_source(src_xml: str) -> str:
    """A part's patched XML as the Jinja source it is rendered from (the same for every mine
    rendered with one template, so it is worked out once a process, and kept in the user's
    cache folder for the next: :func:`~greenmine_docs.usercache.derived_text`)."""
    return usercache.derived_text("template-jinja-source", src_xml, _made_jinja_source,
                                  keep=_KEEP)


def _made_jinja_source(src_xml: str) -> str:
    src_xml = _ESCAPE_RE.sub(lambda m: _literal(m.group(0)), src_xml)
    # one paragraph a line, so a Jinja error's line number is the paragraph number
    return _PARA_START.sub(r"\n<w:p\1", src_xml)


@functools.lru_cache(maxsize=64)
def _patched(src_xml: str) -> str:
    """docxtpl's clean-up of a part's XML before Jinja sees it (tags inside ``{{ }}`` removed
    and so on): a function of the text alone (and of docxtpl's version, in the cache's code
    version), done once per distinct template part and process, and kept in the user's cache
    folder for the next process (docxtpl's two dozen regular expressions then go unused)."""
    return usercache.derived_text("template-patched", src_xml, _made_patch, keep=_KEEP)


def _made_patch(src_xml: str) -> str:
    return DocxTemplate.patch_xml(_PATCH_SELF, src_xml)


_KEEP = 64  # template parts kept: the built-in templates have about ten


_PATCH_SELF: Any = object()  # DocxTemplate.patch_xml uses no template state (a test checks)


def template_line(exc: BaseException) -> int | None:
    """The template line a Jinja error happened on: its own ``lineno`` (syntax errors) or the
    last template frame of its traceback (Jinja maps runtime frames to template lines)."""
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _raise_located(exc: Exception, source: str, part: str, prop: str = "") -> None:
    """``exc`` as a Jinja error with where it happened: the part, the property (for document
    properties), the template line and its text with the tags (``docx_line_text``) and without
    (``docx_context``, a few lines around it). Errors that are not Jinja's (a division by zero,
    a value Python cannot convert) become a ``TemplateRuntimeError`` naming them."""
    from jinja2 import TemplateError, TemplateRuntimeError, TemplateSyntaxError

    if isinstance(exc, RecursionError):  # Jinja's parser or compiler on a very deep tag
        located: Exception = TemplateSyntaxError("标签嵌套过深，无法解析。", 0)
    elif isinstance(exc, TemplateError):
        located = exc
    else:
        located = TemplateRuntimeError(f"{type(exc).__name__}: {exc}")
    lineno = template_line(exc)
    lines = source.splitlines()
    located.docx_part = part  # type: ignore[attr-defined]
    located.docx_property = prop  # type: ignore[attr-defined]
    if lineno is not None and lines:
        first = max(lineno - 4, 0)
        located.docx_context = [re.sub(r"<[^>]+>", "", line)  # type: ignore[attr-defined]
                                for line in lines[first:first + 7]]
        located.docx_line_text = lines[min(lineno, len(lines)) - 1]  # type: ignore[attr-defined]
    if located is exc:
        raise exc
    raise located from exc


class GuardedDocxTemplate(SubdocSplicing, DocxTemplate):
    """:class:`docxtpl.DocxTemplate` that renders each part once and never re-reads data as
    template source (see the module docstring); subdocuments are spliced in as elements
    (:mod:`greenmine_docs.render.subdoc`)."""

    template_name = "模板"

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any],
                        jinja_env: Any = None) -> str:
        """Render one part's XML with the sandbox (whatever ``jinja_env`` is). An error of any
        kind while Jinja runs the template is a Jinja error carrying where it happened
        (``docx_part``, ``docx_line``, ``docx_context``) for :func:`~greenmine_docs.render.tpl.
        template_error`; a subdocument's placeholder outside the body part is refused."""
        from .subdoc import SUBDOC_NS
        from .jinja_env import compile_template, make_env
        from .policy import TemplateRefusal
        from .sandbox import DocumentSandbox

        if not isinstance(jinja_env, DocumentSandbox):
            jinja_env = make_env()
        src_xml = _jinja_source(src_xml)
        self.current_rendering_part = part
        try:
            dst_xml = compile_template(jinja_env, src_xml).render(context)
            if part is not self.docx._part and SUBDOC_NS in dst_xml:
                raise TemplateRefusal("正文变量只能放在正文中，单独成段写成“{{p body }}”；"
                                      "不能放在页眉、页脚或脚注中。")
        except Exception as exc:
            _raise_located(exc, src_xml, str(getattr(part, "partname", "") or ""))
        dst_xml = _PARA_BREAK.sub(r"<w:p\1", dst_xml)
        return self.resolve_listing(dst_xml)

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's: the tabs, line breaks, paragraph and page breaks (``\\t``, ``\\n``,
        ``\\a``, ``\\f``) in the text of a rendered part made elements. Rendered XML holding
        none of those characters is returned as it is (what docxtpl's three nested passes of
        regular expressions over every paragraph, run and text give it)."""
        if "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml:
            return str(super().resolve_listing(xml))
        return xml

    def get_headers_footers(self, uri: str) -> Any:
        """Only the headers and footers that hold template tags: one without a brace renders
        to itself, so parsing, rendering and reloading it (docxtpl does it for every one, seven
        in a document with cover, contents and odd/even page numbers) is skipped. docxtpl's
        own loop, with each part's content from :func:`~greenmine_docs.docx.document.
        part_blob`: those without a brace are shared by the copies, serialised once, not at
        every render to see whether they are empty."""
        from ..docx.document import part_blob

        for rel_key, rel in self.docx._part.rels.items():
            if rel.reltype == uri:
                blob = part_blob(rel.target_part)
                if blob and b"{" in blob:
                    yield rel_key, rel.target_part

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """docxtpl's rendering of the text document properties, with the same sandboxed,
        strict environment but autoescaping off (python-docx escapes property text when it
        writes the XML), each property's template compiled once per process; a property
        without a tag is left as it is (what rendering it gives)."""
        from .jinja_env import compile_template

        env = _plain_env()
        props = self.docx.core_properties
        for name in _TEXT_PROPERTIES:
            initial = getattr(props, name)
            if "{" not in initial and "\r" not in initial:
                continue  # no tag, no line end Jinja rewrites: it renders as it is
            try:
                rendered = compile_template(env, initial).render(context)
            except Exception as exc:
                _raise_located(exc, initial, "/docProps/core.xml", name)
            if rendered != initial:
                setattr(props, name, rendered)

    def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        seen: set[str] = set()
        for part in self.docx.part.package.iter_parts():
            if part.content_type != FOOTNOTES_TYPE or str(part.partname) in seen:
                continue
            seen.add(str(part.partname))
            blob = part.blob
            xml = blob.decode("utf-8") if isinstance(blob, bytes) else blob
            xml = self.render_xml_part(self.patch_xml(xml), part, context, jinja_env)
            part._blob = xml.encode("utf-8")
