"""Hostile Word-template payloads for the template sandbox (issue 14).

    python tests/nasty/template_payloads.py OUTDIR      # writes OUTDIR/<kind>-<name>.docx

Each :class:`Payload` is a few template tags put into a small Word template (python-docx's
default document plus ``{{p body }}``) at one place — the body, a header, a footnote, a table
row or the title property. The templates are made when the tests run, nothing binary is
committed. ``{MARKER}`` in a payload is a path whose existence would prove the payload ran
code or wrote a file, ``{SECRET}`` a file with known content it would read; ``{VAR}`` is a
variable of the document type the template is for.

The payloads: method calls on every context value; what the body subdocument used to expose
(``render`` with an unsandboxed environment, ``save``, ``replace_zipname``, ``write_xml`` …);
the internals of Jinja's ``cycler``/``joiner``/``namespace``/``lipsum``/``dict`` and of
``loop``/``self``; ``attr``/``map``/``selectattr`` with built names; ``format`` and ``%`` with
huge widths; string and list multiplication, doubling, ``replace``/``join`` growth, huge
numbers, lists of lists sharing their items (exponential to compare or hash); nested and huge
ranges, a loop that only burns time; macros (recursive), ``call``,
``include``/``import``/``extends``, blocks, recursive loops, ``autoescape``; nesting too deep
to parse; the body where it cannot go.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

PLAN_VARS = ("title", "enterprise", "mine", "compiler", "date", "date_upper", "period",
             "province", "total_investment")
REPORT_VARS = ("number_line", "mine_name", "doc_title", "agency_name", "commission_body",
               "contract_number", "leader_name", "commitment_date", "date_upper", "commitments")
TEXT_VAR = {"plan": "mine", "report": "mine_name"}


@dataclass(frozen=True)
class Payload:
    name: str
    text: str  # the tags; "\n" separates paragraphs
    expect: str  # what lint reports: "access" (GM-E705/E706/E708), "limit" (GM-E713),
    #              "statement" (GM-E702/E712), "syntax" (GM-E702)
    kinds: tuple[str, ...] = ("plan", "report")
    place: str = "body"  # body | header | footnote | property | row
    slow: bool = False  # only stopped by the time limit


# methods of text a template must not call (one per context value, in turn)
_REFUSED_METHODS = ("format(1)", "format_map({})", "encode()", "center(999999999)",
                    "ljust(999999999)", "zfill(999999999)", "expandtabs(999999999)",
                    "translate({})", "maketrans('a', 'b')", "__class__", "__init__",
                    "__reduce_ex__(2)", "__getattribute__('upper')", "__mod__(1)")


def _per_variable() -> list[Payload]:
    out = []
    for kind, names in (("plan", PLAN_VARS), ("report", REPORT_VARS)):
        for i, var in enumerate(names):
            method = _REFUSED_METHODS[(i + (kind == "report") * 5) % len(_REFUSED_METHODS)]
            out.append(Payload(f"method-{kind}-{var}", f"{{{{ {var}.{method} }}}}", "access",
                               (kind,)))
    return out


def _body() -> list[Payload]:
    rce = ("{% if {VAR} == 'PWN' %}{{ (cycler|attr('_'~'_init_'~'_')|attr('_'~'_globals_'~'_'))"
           "['os'].system('touch {MARKER}') }}{% endif %}\n"
           "{{ body.tpl.render({'{VAR}': 'PWN', 'body': ''}, none, true) }}")
    cases = {
        "body-render-unsandboxed": rce,
        "body-save": "{{ body.tpl.save('{MARKER}') }}",
        "body-replace-zipname": "{{ body.tpl.replace_zipname('word/document.xml', '{SECRET}') }}",
        "body-docx-save": "{{ body.docx.save('{MARKER}') }}",
        "body-subdocx-save": "{{ body.subdocx.save('{MARKER}') }}",
        "body-write-xml": "{{ body.tpl.write_xml('{MARKER}') }}",
        "body-new-subdoc-file": "{{ body.tpl.new_subdoc('{SECRET}') }}",
        "body-replace-media": "{{ body.tpl.replace_media('{SECRET}', '{SECRET}') }}",
        "body-get-docx-save": "{{ body.tpl.get_docx().save('{MARKER}') }}",
        "body-take-elements": "{{ body.take_elements() }}",
        "body-html": "{{ body.__html__() }}",
        "body-item": "{{ body['tpl'].save('{MARKER}') }}",
        "body-alias": "{% set b = body %}{{ b.tpl.save('{MARKER}') }}",
        "body-attr-filter": "{{ body|attr('tpl') }}",
        "body-as-text": "{{ body ~ '' }}",
        "body-string-filter": "{{ body|string }}",
        "body-list": "{{ body|list }}",
        "body-times": "{{ body * 2 }}",
        "body-iterate": "{% for x in body %}{{ x }}{% endfor %}",
        "body-call": "{{ body() }}",
    }
    return [Payload(name, text, "access") for name, text in cases.items()]


def _globals_and_internals() -> list[Payload]:
    cases = {
        "cycler-globals": "{{ cycler.__init__.__globals__.os.system('touch {MARKER}') }}",
        "joiner-globals": "{{ joiner.__init__.__globals__['os'] }}",
        "namespace-globals": "{{ namespace.__init__.__globals__ }}",
        "lipsum-globals": "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "lipsum-huge": "{{ lipsum(1000000) }}",
        "cycler-call": "{{ cycler('a', 'b').next() }}",
        "namespace-state": "{% set ns = namespace(x='ab') %}{{ ns.x }}",
        "dict-global": "{{ dict(a=1) }}",
        "range-globals": "{{ range.__globals__ }}",
        "self-context": "{{ self._TemplateReference__context }}",
        "self-print": "{{ self }}",
        "loop-class": "{% for i in [1] %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}",
        "loop-iterator": "{% for i in [1] %}{{ loop._iterator }}{% endfor %}",
        "loop-call": "{% for i in [1] %}{{ loop([2]) }}{% endfor %}",
        "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "item-class": "{{ {VAR}['__class__'] }}",
        "method-self": "{{ {VAR}.upper.__self__ }}",
        "method-printed": "{{ {VAR}.replace }}",
        "set-method-call": "{% set f = {VAR}.upper %}{{ f.__call__() }}",
    }
    return [Payload(name, text, "access") for name, text in cases.items()]


def _filters() -> list[Payload]:
    cases = {
        "attr-built-name": "{{ ''|attr('__cla' ~ 'ss__') }}",
        "attr-format": "{{ {VAR}|attr('format') }}",
        "map-attribute": "{{ [{VAR}]|map(attribute='__class__')|list }}",
        "map-filter": "{{ [{VAR}]|map('upper')|list }}",
        "selectattr": "{{ [{VAR}]|selectattr('__class__')|list }}",
        "groupby": "{{ [{VAR}]|groupby('__class__') }}",
        "format-filter": "{{ '%s'|format({VAR}) }}",
        "center-filter": "{{ {VAR}|center(999999999) }}",
        "indent-filter": "{{ {VAR}|indent(999999999, true) }}",
        "wordwrap-filter": "{{ {VAR}|wordwrap(999999999) }}",
        "batch-filter": "{{ [1]|batch(999999999, 'x')|list }}",
        "safe-filter": "{{ '<w:p/>'|safe }}",
        "tojson-filter": "{{ {VAR}|tojson }}",
        "random-filter": "{{ [1, 2]|random }}",
        "striptags-filter": "{{ ('<' * 1000000)|striptags }}",
    }
    return [Payload(name, text, "access") for name, text in cases.items()]


def _bombs() -> list[Payload]:
    doubling = "{% set x = {VAR} %}" + "{% set x = x ~ x %}" * 40 + "{{ x|length }}"
    block_doubling = "{% set x = {VAR} %}" + "{% set x %}{{ x }}{{ x }}{% endset %}" * 40
    limit = {
        "format-method-width": ("{{ '{:>999999999}'.format(1) }}", "access"),
        "format-built-width": ("{{ ('{0:>' ~ '999999999}').format(1) }}", "access"),
        "percent-width": ("{{ '%999999999d' % 1 }}", "limit"),
        "percent-precision": ("{{ '%.999999999f' % 1 }}", "limit"),
        "percent-star": ("{{ '%*d' % (999999999, 1) }}", "limit"),
        "percent-mapping-width": ("{{ '%(a)999999999s' % {'a': 1} }}", "limit"),
        "amount-digits": ("{{ 1|amount(999999999) }}", "access"),
        "string-times": ("{{ 'a' * 10**9 }}", "limit"),
        "var-times": ("{{ {VAR} * 999999999 }}", "limit"),
        "list-times": ("{{ ([{VAR}] * 999999999)|length }}", "limit"),
        "doubling": (doubling, "limit"),
        "block-doubling": (block_doubling, "limit"),
        "replace-growth": ("{{ ({VAR} * 1000000).replace('', {VAR} * 1000) }}", "limit"),
        "replace-filter-growth": ("{{ ({VAR} * 1000000)|replace('', {VAR} * 1000) }}", "limit"),
        "join-growth": ("{{ ({VAR} * 100000)|join({VAR} * 100000) }}", "limit"),
        "join-method-growth": ("{{ ({VAR} * 100000).join([{VAR} * 100000] * 1000) }}",
                               "limit"),
        "huge-power": ("{{ 2 ** 99999999 }}", "limit"),
        "huge-product": ("{% set n = 10 ** 3000 %}{{ n * n * n * n }}", "limit"),
        "range-huge": ("{% for i in range(10**12) %}{% endfor %}", "limit"),
        "range-nested": ("{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}"
                         "{% endfor %}{% endfor %}", "limit"),
        "range-triple": ("{% for i in range(1000) %}{% for j in range(1000) %}"
                         "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
                         "limit"),
        "loop-over-text": ("{% for a in {VAR} * 100000 %}{% for b in {VAR} * 100000 %}"
                           "{% endfor %}{% endfor %}", "limit"),
        "slice-copies": ("{% set s = {VAR} * 400000 %}" + "".join(
            f"{{% set c{i} = s[{i}:] %}}" for i in range(40)), "limit"),
        "output-flood": ("{% for i in range(99999) %}{{ {VAR} * 100 }}{% endfor %}", "limit"),
    }
    out = [Payload(name, text, expect) for name, (text, expect) in limit.items()]
    # lists sharing their items: 40 steps make 2**40 items to compare or hash in one operation
    shared = "{% set a0 = [{VAR}, {VAR}] %}{% set b0 = [{VAR}, {VAR}] %}" + "".join(
        f"{{% set a{i} = [a{i - 1}, a{i - 1}] %}}{{% set b{i} = [b{i - 1}, b{i - 1}] %}}"
        for i in range(1, 41))
    out += [Payload("shared-lists-compare", shared + "{{ a40 == b40 }}", "limit"),
            Payload("shared-lists-hash", shared.replace("[", "(").replace("]", ",)")
                    + "{{ {a40: 1} }}", "limit"),
            Payload("shared-lists-sort", shared + "{{ [a40, b40]|sort|length }}", "limit")]
    out.append(Payload("time-burner", "{% set big = {VAR} * 200000 %}{% for i in range(99999) %}"
                       "{% if big.count('zz') %}{% endif %}{% endfor %}", "limit", slow=True))
    return out


def _statements() -> list[Payload]:
    deep = "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"
    cases = {
        "macro-recursive": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "macro-plain": "{% macro g(x) %}{{ x }}{% endmacro %}{{ g({VAR}) }}",
        "call-block": "{% call range(3) %}x{% endcall %}",
        "loop-recursive": "{% for x in [[1]] recursive %}{{ loop(x) }}{% endfor %}",
        "include": "{% include '{SECRET}' %}",
        "import": "{% import '{SECRET}' as s %}",
        "from-import": "{% from '{SECRET}' import x %}",
        "extends": "{% extends '{SECRET}' %}",
        "block-self": "{% block b %}x{% endblock %}{{ self.b() }}",
        "autoescape-off": "{% autoescape false %}{{ {VAR} }}{% endautoescape %}",
        "deep-nesting": deep,
    }
    return [Payload(name, text, "statement") for name, text in cases.items()]


def _placements() -> list[Payload]:
    return [
        Payload("body-in-header", "{{ body }}", "access", place="header"),
        Payload("body-in-footnote", "{{ body }}", "access", place="footnote"),
        Payload("body-in-title", "{{ body }}", "access", place="property"),
        Payload("body-inline", "正文：{{ body }}", "access"),
        Payload("body-six-times", "\n".join(["{{p body }}"] * 6), "access"),
        Payload("class-in-header", "{{ {VAR}.__class__ }}", "access", place="header"),
        Payload("format-in-title", "{{ '{:>999999999}'.format(1) }}", "access",
                place="property"),
        Payload("range-in-footnote", "{% for i in range(10**12) %}{% endfor %}", "limit",
                place="footnote"),
        Payload("rows-flood", "{%tr for i in range(1000000) %}|{{ i }}|{%tr endfor %}", "limit",
                place="row"),
    ]


def payloads() -> list[Payload]:
    """The whole corpus, in a fixed order."""
    return (_per_variable() + _body() + _globals_and_internals() + _filters() + _bombs()
            + _statements() + _placements())


def instantiate(payload: Payload, kind: str, marker: Path, secret: Path) -> str:
    """The payload's text for a template of ``kind`` with its paths filled in."""
    return (payload.text.replace("{VAR}", TEXT_VAR[kind]).replace("{MARKER}", str(marker))
            .replace("{SECRET}", str(secret)))


def payload_docx(payload: Payload, kind: str, marker: Path, secret: Path) -> bytes:
    """A Word template of ``kind`` with the payload at its place."""
    import io

    import docx

    text = instantiate(payload, kind, marker, secret)
    doc = docx.Document()
    doc.add_paragraph("封面 {{ %s }}" % TEXT_VAR[kind])
    if payload.place == "body":
        for line in text.split("\n"):
            doc.add_paragraph(line)
    elif payload.place == "header":
        doc.sections[0].header.paragraphs[0].text = text
    elif payload.place == "property":
        doc.core_properties.title = text
    elif payload.place == "row":
        table = doc.add_table(rows=3, cols=1)
        first, cell, last = text.split("|")
        for row, value in zip(table.rows, (first, cell, last)):
            row.cells[0].text = value
    elif payload.place == "footnote":
        _add_footnote(doc, text)
    if "{{p body }}" not in text:
        doc.add_paragraph("{{p body }}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _add_footnote(doc: object, text: str) -> None:
    from xml.sax.saxutils import escape

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">'
           f'{escape(text)}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), "application/vnd.openxmlformats-officedocument."
                "wordprocessingml.footnotes+xml", xml.encode(), doc.part.package)  # type: ignore
    doc.part.relate_to(part, RT.FOOTNOTES)  # type: ignore[attr-defined]


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for p in payloads():
        for kind in p.kinds:
            path = out / f"{kind}-{p.name}.docx"
            path.write_bytes(payload_docx(p, kind, out / "marker", out / "secret.xml"))
    print(f"{len(payloads())} payloads written to {out}")
