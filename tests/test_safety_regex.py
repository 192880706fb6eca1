"""Every regular expression of the package against long hostile text (issue 14).

A pattern that backtracks badly (``_TOC_LINE``: 68 s on one paragraph of 3,000 spaces) turns
a small input into hours. Each pattern the package applies is listed in :data:`PATTERNS` —
imported from its module, or (for one written inline in a call) with its source exactly as
written there — with the way the code applies it (``match`` only at the start; ``search``,
``finditer``, ``sub`` … over the whole text). Each is fed runs of at least 50,000 characters:
spaces, tabs, dots, digits, CJK, newlines, markup characters, and near-matches made from the
pattern's own literal pieces (a start of a match repeated, a start followed by a long run);
every call must end in well under a second (:data:`LIMIT_SECONDS`).

:func:`test_every_pattern_is_listed` finds every pattern in the source (``re.compile`` and the
``re`` functions, anywhere in a module, and every compiled pattern a module holds, also inside
tuples and dicts): a new pattern fails it until it is added here.

Two kinds:

- ``TEXT``: applied to text or bytes an input controls (YAML values, cells, Markdown, the XML
  of a workbook someone sent): every hostile run as it is;
- ``XML``: applied only to XML this tool (or openpyxl/lxml) serialized, where user text is
  escaped and every "<" opens a complete tag: the hostile runs inside well-formed elements.

``officials/`` has its own test, tests/test_officials_regex.py (the functions that apply its
patterns to document text); to bring it under this one instead, add the folder's patterns to
:data:`PATTERNS` and remove ``"officials"`` from :data:`SKIPPED_FOLDERS`.
"""
from __future__ import annotations

import ast
import html
import importlib
import multiprocessing
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO

try:
    import re._parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

PACKAGE = REPO / "greenmine_docs"
SKIPPED_FOLDERS = ("officials",)  # tests/test_officials_regex.py covers them
LIMIT_SECONDS = 0.5
RUN = 50_000
TEXT, XML = "text", "xml"


@dataclass(frozen=True)
class Rx:
    module: str  # dotted, below greenmine_docs
    pattern: Any  # a compiled pattern (str or bytes)
    uses: tuple[str, ...]  # how the code applies it: match, fullmatch, search, finditer, …
    kind: str = TEXT
    name: str = ""  # the module attribute; "" for a pattern written inline in a call
    extra: tuple[str, ...] = ()  # near-misses of its own that the generated ones do not make

    @property
    def id(self) -> str:
        return f"{self.module}:{self.name or repr(self.pattern.pattern)[:40]}"


def held(module: str, name: str, *uses: str, kind: str = TEXT,
         extra: tuple[str, ...] = ()) -> list[Rx]:
    """The pattern(s) module attribute ``name`` holds (a pattern, or a tuple/dict of them)."""
    found = _patterns_in(getattr(importlib.import_module(f"greenmine_docs.{module}"), name))
    assert found, (module, name)
    return [Rx(module, p, uses, kind, name, extra) for p in found]


def inline(module: str, source: str | bytes, *uses: str, flags: int = 0,
           kind: str = TEXT) -> list[Rx]:
    """A pattern written inline in a call (``re.sub(r"\\s+", …)``), by its source."""
    return [Rx(module, re.compile(source, flags), uses, kind)]


def _patterns_in(value: Any, depth: int = 0) -> list[Any]:
    if isinstance(value, re.Pattern):
        return [value]
    if depth < 3 and isinstance(value, (tuple, list)):
        return [p for v in value for p in _patterns_in(v, depth + 1)]
    if depth < 3 and isinstance(value, dict):
        return [p for v in value.values() for p in _patterns_in(v, depth + 1)]
    return []


# ------------------------------------------------------------------ the list

PATTERNS: list[Rx] = [
    # core: loading, checks, outputs
    *held("sanitize", "_FORBIDDEN", "findall", "search", "sub"),
    *held("units", "_SPACES", "sub"),
    *held("outputs", "_BAD_CHARS", "sub"),
    *inline("outputs", r"\s+", "sub"), *inline("outputs", r"_+", "sub"),
    *inline("outputs", r"\.{2,}", "sub"),
    *held("outputs", "_TEMP_NAME", "match"),
    *held("load.raw_rules", "_PLACEHOLDER", "search"),
    *held("load.raw_rules", "_EMAIL", "match"),
    *held("load.formats", "_USCC_SHAPE", "fullmatch"),
    *held("load.formats", "LICENCE_PATTERN", "match"),
    *held("load.formats", "_PHONE_NOISE", "sub"),
    *held("load.formats", "_MOBILE", "match"), *held("load.formats", "_LANDLINE", "match"),
    *held("load.yaml_fast", "_UNUSUAL", "search"),
    *held("load.yaml_fast", "_INT", "match"), *held("load.yaml_fast", "_FLOAT", "match"),
    *held("load.yaml_fast", "_DATE", "match"),
    *held("load.yaml_fast", "_RUAMEL_FLOAT", "match"),
    *held("load.yaml_fast", "_RUAMEL_INT", "match"),
    *held("load.yaml_fast", "_RUAMEL_TIMESTAMP", "match"),
    *inline("load.yaml_input", r'duplicate key "(.*?)"', "search"),
    *inline("mines_validate", r"\d+", "search"),
    # numbers typed as text (cells, score sheets, self-check tables, YAML text)
    *held("numtext", "_PLAIN", "fullmatch"), *held("numtext", "_GROUPED", "fullmatch"),
    *held("numtext", "_WORDS", "fullmatch"), *held("numtext", "_SPACES", "sub"),
    *held("numtext", "_NUMBERISH", "fullmatch"), *inline("numtext", r"[1-9]", "search"),
    # model
    *inline("model.assessment", r"[、,，;；\s]+", "split"),
    *inline("model.assessment", r"(?:照片|photo|p)?\s*(\d+)", "fullmatch", flags=re.IGNORECASE),
    *held("model.plan", "_MONTH", "match"),
    *inline("units", r"(?<!\s)\s*[/／](年|a|y|yr)$", "sub"),
    # citations and the cross-document checks (free text of every document)
    *inline("citations", r"\s+", "sub"), *inline("citations", r"[\s《》〈〉<>]", "sub"),
    *held("citations", "_CITED", "finditer", extra=("《标题》（" + " " * RUN,)),
    *held("citations", "_NUMBER_IN_BRACKETS", "finditer"),
    *held("citations", "_DOC_NUMBER_TAIL", "finditer"), *held("citations", "_BOOK_TITLE", "finditer"),
    *held("crossdoc.statements", "_DIGIT", "search"),
    *held("crossdoc.statements", "_SENTENCE", "findall"),
    *held("crossdoc.statements", "_YEAR", "finditer"),
    *held("crossdoc.statements", "_QUANTITY", "finditer"),
    *held("crossdoc.statements", "_ELEVATION", "finditer"),
    *held("crossdoc.statements", "_ELEVATION_WORD", "search"),
    *held("crossdoc.story", "_CJK_RUN", "findall"),
    *inline("documents.assessment.independence", r"\s+", "sub"),
    *held("batch", "_DATA_TAG", "search"),
    # the web desk: each part of a name inside an uploaded zip or folder
    *held("web.uploads", "_SAFE_PART", "fullmatch"),
    # Excel input
    *held("excel_input.values", "_SPLIT_PRIMARY", "search", "split"),
    *held("excel_input.values", "_SPLIT_SECONDARY", "search", "split"),
    *held("excel_input.values", "_DATE_PATTERNS", "match"),
    *inline("excel_input.values", r"\s+", "sub"),
    *held("xlsx.cells", "_BAD_SHEET_CHARS", "sub"),
    *held("excel_input.layout", "_KEY_WORDS", "search"),
    *held("xlsx.read", "_CELL", "findall", "finditer"),
    *held("xlsx.read", "_CELL_PLAIN", "findall"),
    *inline("xlsx.read", rb'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?>'
            rb"(?:<v>([^<]*)</v>|<is><t\b[^>]*>([^<]*)</t></is>)</c>", "findall"),  # 3.10
    *held("xlsx.read", "_MERGE", "finditer"),
    *held("xlsx.read", "_SI", "finditer"),
    *held("xlsx.read", "_SI_PLAIN", "findall"),
    *held("xlsx.read", "_RPH", "sub"),
    *held("xlsx.read", "_T", "findall"),
    *held("xlsx.read", "_XESC", "sub"),
    *held("xlsx.read", "_REF", "match"),
    *held("safety.xlsx", "_CELL_XML", "finditer"),
    *held("safety.xlsx", "_ATTR_R", "search"), *held("safety.xlsx", "_ATTR_T", "search"),
    *held("safety.xlsx", "_HAS_F", "search"), *held("safety.xlsx", "_VALUE", "search"),
    *held("safety.xlsx", "_FORMULA_TEXT", "search"),
    # workbooks written (the layout is openpyxl's XML; values go in escaped)
    *held("xlsx.fill", "_ROW", "finditer", kind=XML),
    *held("xlsx.fill", "_CELL", "findall", "finditer", kind=XML),
    *held("xlsx.fill", "_ATTR", "findall", kind=XML),
    *held("xlsx.fill", "_CHAR_REF", "split", "sub"),
    *held("xlsx.fill", "_DCTERMS", "sub", kind=XML),
    # openpyxl's control-character check, which xlsx.fill keeps (once imported) in _OPENPYXL
    *[Rx("xlsx.fill", importlib.import_module("openpyxl.cell.cell").ILLEGAL_CHARACTERS_RE,
         ("search",), TEXT, "_OPENPYXL")],
    *inline("xlsx.fill", r"<Relationship\b([^>]*)/?>", "finditer", kind=XML),
    *inline("xlsx.fill", r"<sheet\b([^>]*)/?>", "finditer", kind=XML),
    *held("xlsx.cells", "_REF", "fullmatch"),
    *held("xlsx.package", "_FORMULA_CELL", "sub", kind=XML),
    *held("xlsx.package", "_ERROR_CELL", "sub", kind=XML),
    *held("xlsx.package", "_INLINE", "sub", kind=XML),
    # indicators, self-check, assessment
    *held("indicators.excel_io", "_SPLIT", "split"),
    *held("indicators.mapping_xlsx", "_SPLIT", "split"),
    *held("xlsx.cells", "_CONTROL_CHARS", "sub"),
    *inline("indicators.excel_io", r"-?\d+(\.\d+)?", "fullmatch"),
    *held("documents.selfcheck.reader", "_DATE_RE", "match"),
    *held("documents.selfcheck.reader", "_CELL_REF", "fullmatch"),
    *inline("documents.assessment.scoresheet_read", r"[、,，;；\s]+", "split"),
    *inline("documents.assessment.scoresheet_read", r"(?:照片|photo|p)?(\d{1,6})", "fullmatch",
            flags=re.IGNORECASE),
    # the zone plan: finding messages (input text inside) as a document writes them
    *held("documents.zone.data", "_ISO_DATE", "sub"), *held("documents.zone.data", "_SPACED", "sub"),
    # plan and Word documents
    *held("render.outline", "_KEY", "match"), *held("render.outline", "_NUMBER_PREFIX", "sub"),
    *inline("render.outline", r"[\s\u3000]+", "sub"),
    *held("documents.plan.checks", "_RULES", "finditer"),
    *inline("documents.plan.checks", r"\d", "search"),
    *held("docx.markdown", "_MANUAL_NUMBER", "sub"), *held("docx.markdown", "_CAPTION", "match"),
    *held("docx.markdown", "_NOT_PLAIN", "search"),
    *inline("docx.markdown", r"(.)\n(.)", "sub"),
    *held("docx.text", "_XML_INVALID", "search"), *held("docx.text", "_RUN_SPECIAL", "split"),
    *held("docx.charts", "_NOT_XML", "sub"),
    *held("docx.islands", "_INSTRUCTION", "sub", kind=XML),
    *held("docx.islands", "_STYLE_VALUE", "findall", kind=XML),
    *inline("docx.document", rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", "sub",
            kind=XML),
    *inline("render.tpl", r"^<w:document\b", "sub", kind=XML),
    *held("docx.toc", "_LEVELS", "search"), *held("docx.toc", "_TOC_INSTR", "match"),
    *held("docx.page_cursor", "_WIDE", "sub"),  # (as subn)
    *held("docx.page_cursor", "_LONG_ASCII_RUN", "search"),
    *held("docx.page", "_SUBDOC_TAG", "search"),  # a template's paragraph text
    *held("docx.pdf_fonts", "_SUBSET", "sub"),
    *inline("docx._lo_uno", r"(?<!\d)(\d+)$", "search"),
    # safety: Markdown limits, templates
    *held("safety.markdown_limits", "CONTAINER_PREFIX", "match"),
    *held("safety.markdown_limits", "DELIMITER_LINE", "finditer"),
    *held("safety.markdown_limits", "ORDERED_ITEM", "search"),
    *held("safety.yamlguard", "_SPECIAL", "finditer"),
    *held("render.template_lint", "_VAR_ROW", "match"),
    *inline("render.template_lint", r"\{\{|\{%|\{#", "search"),
    *held("render.docx_tags", "TAG_TOKEN", "finditer", "search"),
    *held("render.docx_tags", "_FULLWIDTH", "finditer"),
    *inline("render.docx_tags", r"(tr|tc|p|r)\s", "match"),
    *inline("render.docx_tags", r"^(tr|tc|p|r)\s", "sub"),
    *held("render.docx_tags", "_JINJA_TAG", "finditer"),
    *inline("render.docx_tags", r"<[^>]*>", "sub", kind=XML),
    *held("render.bounds", "_SPEC", "match"), *held("render.bounds", "_PARENS", "finditer"),
    *held("render.tplguard", "_ESCAPE_RE", "sub", kind=XML),
    *held("render.tplguard", "_PARA_START", "sub", kind=XML),
    *held("render.tplguard", "_PARA_BREAK", "sub", kind=XML),
    *inline("render.tplguard", r"<[^>]+>", "sub", kind=XML),
]


# ------------------------------------------------------------------ hostile text

RUNS = (" ", "\t", ".", "0", "9", "1.", "1 ", "矿", "年", "、", "\n", "\r\n", "a", "X", "-", "_",
        "*", "|", ">", "<", "【", "\"", "=", "&", "\\", "第一", "一、", "（1）", "a b", " \n")


def pieces(pattern: Any) -> list[str]:
    """Literal runs of ``pattern`` and one character of each of its classes: what a near
    match is made of."""
    source = pattern.pattern
    if isinstance(source, bytes):
        source = source.decode("latin-1")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append("".join(run))
            run.clear()

    def walk(items: Any) -> None:
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                run.append(chr(av))
                continue
            flush()
            if name == "IN":
                for sub_op, sub_av in av:
                    if str(sub_op) in ("LITERAL", "RANGE"):
                        out.append(chr(sub_av if str(sub_op) == "LITERAL" else sub_av[0]))
                        break
            elif name == "SUBPATTERN":
                walk(av[-1])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                walk(av[2])
            elif name == "BRANCH":
                for branch in av[1]:
                    walk(branch)
                    flush()
            elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
                walk(av[-1])
        flush()

    walk(sre_parse.parse(source, pattern.flags & ~re.UNICODE if not isinstance(
        pattern.pattern, bytes) else 0))
    return list(dict.fromkeys(p for p in out if p))[:16]


def _fill(unit: str, n: int = RUN) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def hostile(rx: Rx) -> list[str]:
    """The long inputs for ``rx`` (at least :data:`RUN` characters each)."""
    near = pieces(rx.pattern)
    texts = [_fill(r) for r in RUNS]
    # a run ended by what it cannot hold ("…+$"), a run after a few of another (a number
    # before its unit)
    texts += [_fill(r) + "\x00" for r in (" ", "0", "矿", "a", "\n")]
    texts += [a * 4 + _fill(r) for a in ("0", "矿", "a") for r in (" ", "\t", "\n") if a != r]
    texts += [_fill(t) for t in rx.extra]
    for piece in near:
        texts.append(_fill(piece))
        for run in (" ", "0", "a", "\n", "矿", "<", "."):
            texts.append(piece + _fill(run))
            texts.append(_fill(piece + run))
    for a, b in zip(near, near[1:]):
        texts.append(_fill(a + b))
        texts.append(_fill(a + " " + b + "0"))
    if rx.kind == XML:  # user text goes in escaped, inside complete elements
        tags = [p[1:].split()[0] for p in near if p.startswith("<") and len(p) > 1] or ["t"]
        texts = [f"<{tag}>{html.escape(t, quote=True)}</{tag}>" for tag in tags[:3]
                 for t in texts[:len(RUNS)]] + \
                [_fill(f'<{tag} a="1">{html.escape(r)}</{tag}>') for tag in tags[:3]
                 for r in ("x", " ", "0", "矿")]
    return texts


def _apply(pattern: Any, use: str, text: Any) -> None:
    if use in ("match", "fullmatch", "search"):
        getattr(pattern, use)(text)
    elif use == "finditer":
        for _ in pattern.finditer(text):
            pass
    elif use == "findall":
        pattern.findall(text)
    elif use == "split":
        pattern.split(text)
    elif use == "sub":
        pattern.sub(lambda m: m.group(0)[:1], text)
    else:  # pragma: no cover
        raise AssertionError(use)


def _worst(rx: Rx) -> tuple[float, str, str]:
    """The slowest (seconds, use, start of the input) over every hostile input and use."""
    worst = (0.0, "", "")
    for text in hostile(rx):
        subject = text.encode("utf-8") if isinstance(rx.pattern.pattern, bytes) else text
        for use in rx.uses:
            start = time.perf_counter()
            _apply(rx.pattern, use, subject)
            elapsed = time.perf_counter() - start
            if elapsed > worst[0]:
                worst = (elapsed, use, text[:40])
    return worst


def _in_child(rx: Rx, queue: Any) -> None:
    queue.put(_worst(rx))


@pytest.mark.parametrize("rx", PATTERNS, ids=[rx.id for rx in PATTERNS])
def test_pattern_is_linear_on_long_hostile_text(rx):
    """Run in a forked process, killed after 30 s: a pattern gone quadratic fails the test
    instead of hanging the suite."""
    if sys.platform == "win32":  # no fork: in this process
        seconds, use, text = _worst(rx)
    else:
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_in_child, args=(rx, queue))
        child.start()
        child.join(30)
        if child.is_alive():
            child.kill()
            child.join()
            pytest.fail(f"{rx.id}: still running after 30 s on {RUN}-character input")
        seconds, use, text = queue.get()
    assert seconds < LIMIT_SECONDS, f"{rx.id}.{use} took {seconds:.2f} s on {text!r}…"


def test_hostile_inputs_are_long_and_varied():
    for rx in PATTERNS[:5] + [r for r in PATTERNS if r.kind == XML][:2]:
        texts = hostile(rx)
        assert len(texts) >= len(RUNS) and all(len(t) >= RUN for t in texts)
    assert "<c r=\"" in pieces(held("xlsx.read", "_CELL")[0].pattern)


# ------------------------------------------------------------------ completeness

_RE_CALLS = {"compile", "sub", "subn", "match", "fullmatch", "search", "findall", "finditer",
             "split"}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in SKIPPED_FOLDERS or "__pycache__" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        out.append((name.removesuffix(".__init__"), path))
    return out


def _compiles(source: Any) -> bool:
    """False for a pattern this Python cannot compile (possessive quantifiers before 3.11):
    its module falls back to another one, which is listed."""
    try:
        re.compile(source)
    except re.error:
        return False
    return True


def test_every_pattern_is_listed():
    """Every literal pattern in a ``re`` call and every compiled pattern a module holds is in
    :data:`PATTERNS`, under its module."""
    listed = {(rx.module, rx.pattern.pattern) for rx in PATTERNS}
    missing = []
    for module, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _RE_CALLS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and (module, node.args[0].value) not in listed
                    and _compiles(node.args[0].value)):
                missing.append(f"{module}:{node.lineno} {node.args[0].value!r}")
        if "re.compile" in path.read_text(encoding="utf-8"):
            held_now = importlib.import_module(f"greenmine_docs.{module}" if module else
                                               "greenmine_docs")
            for name, value in vars(held_now).items():
                for pattern in _patterns_in(value):
                    if (module, pattern.pattern) not in listed and pattern.pattern:
                        missing.append(f"{module}.{name} {pattern.pattern!r}")
    assert not missing, "add these to PATTERNS in tests/test_safety_regex.py:\n" + \
        "\n".join(missing)


def test_every_listed_pattern_is_in_the_package():
    """A pattern written inline and listed here is still in its module (one changed or
    removed there would leave this list testing a pattern nothing applies)."""
    stale = []
    for rx in PATTERNS:
        if rx.name:
            continue  # held: importing it fails when it is gone
        path = PACKAGE.joinpath(*rx.module.split(".")).with_suffix(".py")
        sources = {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))}
        if rx.pattern.pattern not in sources:
            stale.append(rx.id)
    assert not stale, "listed but no longer in the package: " + ", ".join(stale)
