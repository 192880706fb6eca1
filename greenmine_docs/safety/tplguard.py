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
from typing import Any

from docxtpl import DocxTemplate

from ..docx.subdoc import SubdocSplicing

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
    from ..render.jinja_env import make_env

    env = make_env()
    env.autoescape = False
    return env


def _literal(seq: str) -> str:
    """Jinja source that outputs ``seq`` verbatim."""
    return "{{ '%s' }}" % _TEMPLATE_ESCAPES[seq]


@functools.lru_cache(maxsize=64)
def _jinja_source(src_xml: str) -> str:
    """A part's patched XML as the Jinja source it is rendered from (the same for every mine
    rendered with one template, so it is worked out once)."""
    src_xml = _ESCAPE_RE.sub(lambda m: _literal(m.group(0)), src_xml)
    # one paragraph a line, so a Jinja error's line number is the paragraph number
    return _PARA_START.sub(r"\n<w:p\1", src_xml)


@functools.lru_cache(maxsize=64)
def _patched(src_xml: str) -> str:
    """docxtpl's clean-up of a part's XML before Jinja sees it (tags inside ``{{ }}`` removed
    and so on): a function of the text alone, done once per distinct template part."""
    return DocxTemplate.patch_xml(_PATCH_SELF, src_xml)


_PATCH_SELF: Any = object()  # DocxTemplate.patch_xml uses no template state (a test checks)


class GuardedDocxTemplate(SubdocSplicing, DocxTemplate):
    """:class:`docxtpl.DocxTemplate` that renders each part once and never re-reads data as
    template source (see the module docstring); subdocuments are spliced in as elements
    (:mod:`greenmine_docs.docx.subdoc`)."""

    template_name = "模板"

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any],
                        jinja_env: Any = None) -> str:
        from jinja2 import TemplateError

        from ..render.jinja_env import compile_template

        if jinja_env is None:
            from ..render.jinja_env import make_env

            jinja_env = make_env()
        src_xml = _jinja_source(src_xml)
        self.current_rendering_part = part
        try:
            dst_xml = compile_template(jinja_env, src_xml).render(context)
        except TemplateError as exc:
            lineno = getattr(exc, "lineno", None)
            if lineno is not None:
                first = max(lineno - 4, 0)
                exc.docx_context = [re.sub(r"<[^>]+>", "", line)
                                    for line in src_xml.splitlines()[first:first + 7]]
                exc.docx_part = str(getattr(part, "partname", "") or "")
                exc.docx_paragraph = lineno - 1
            raise
        dst_xml = _PARA_BREAK.sub(r"<w:p\1", dst_xml)
        return self.resolve_listing(dst_xml)

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def get_headers_footers(self, uri: str) -> Any:
        """Only the headers and footers that hold template tags: one without a brace renders
        to itself, so parsing, rendering and reloading it (docxtpl does it for every one, seven
        in a document with cover, contents and odd/even page numbers) is skipped."""
        for rel_key, part in super().get_headers_footers(uri):
            if b"{" in part.blob:
                yield rel_key, part

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """docxtpl's rendering of the text document properties, with the same sandboxed,
        strict environment but autoescaping off (python-docx escapes property text when it
        writes the XML), each property's template compiled once per process."""
        from ..render.jinja_env import compile_template

        env = _plain_env()
        props = self.docx.core_properties
        for name in _TEXT_PROPERTIES:
            initial = getattr(props, name)
            rendered = compile_template(env, initial).render(context)
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
