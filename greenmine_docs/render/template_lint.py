"""Checking a user's DOCX template before it is used: ``greenmine templates lint F.docx``.

Every problem is a finding with where it is (part, paragraph, table cell) and the tag as typed:

- tags that are not closed, blocks that are not balanced (``{% for %}`` without ``{% endfor %}``,
  an ``{% endif %}`` closing a ``for``), statements Jinja cannot parse — GM-E702;
- variables the document type does not provide (the list is in the template's TEMPLATE.md,
  and at render time it is the context itself) — GM-E703;
- tags Word split over runs with different formatting — GM-W704;
- access to internal attributes (``__class__``) — GM-E705; unknown filters or tests — GM-E706;
- tags in parts that are never rendered (endnotes, comments, some properties) — GM-W707;
- a missing or misplaced ``{{p body }}`` — GM-E708; likely typos (a stray ``}}``, full-width
  braces, text next to a ``{{p …}}`` tag) — GM-W709;
- ``{%tr %}``/``{%tc %}`` outside a table — GM-E710.

:func:`check_template` runs the same checks when a document is rendered and raises one
:class:`~greenmine_docs.errors.TemplateError` listing the errors, so a broken template never
surfaces as a Jinja traceback.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import TemplateError
from ..findings import Finding, Location, Report, make
from ..frozen import frozen
from .policy import REFUSED_STATEMENTS
from .template_access import problems, uses_body
from .template_package import guard_template_file
from .template_trial import trial_findings
from .docx_tags import (OTHER_PROPERTIES, RENDERED_PROPERTIES, PartScan, Tag, Where, scan_template,
                        short as _short)


@frozen(quick_init=False)
class DocType:
    """A document a template is for: its key, its title and its folder under ``templates/``
    (whose TEMPLATE.md lists the variables). The documents' registry gives them
    (:func:`greenmine_docs.api.template_types`)."""

    key: str
    title: str
    template_dir: str

_VAR_ROW = re.compile(r"^\|\s*`\{\{p?\s*([A-Za-z_]\w*)\s*\}\}`")

# Jinja statements that open a block, and the ones that cannot work without a loader
_BLOCKS = {"for", "if", "filter", "with", "raw"}
_REFUSED = {"macro", "call", "block", "autoescape"}  # statements the sandbox refuses
_INLINE = {"set", "do", "break", "continue", "elif", "else"}
_LOADER = {"extends", "include", "import", "from"}
_DOCXTPL_CELL = {"colspan", "cellbg"}
_DOCXTPL_MARKS = {"vm", "hm"}


@functools.lru_cache(maxsize=None)
def documented_variables(doc_type: DocType) -> frozenset[str]:
    """The variables a document type provides, read from its TEMPLATE.md table."""
    from ..resources import template_path

    text = template_path(doc_type.template_dir, "TEMPLATE.md").read_text(encoding="utf-8")
    return frozenset(m.group(1) for line in text.splitlines() if (m := _VAR_ROW.match(line)))


def _env() -> Any:
    from .jinja_env import make_env

    return make_env()


def _loc(path: Path, where: Where) -> Location:
    return Location(file=str(path), part=where.label, paragraph=where.paragraph)


class _Linter:
    def __init__(self, path: Path, known: frozenset[str] | None) -> None:
        self.path = path
        self.known = known
        self.env = _env()
        self.findings: list[Finding] = []
        self.used: dict[str, Tag] = {}  # variable -> first tag using it
        self.local: set[str] = {"loop", "caller", "varargs", "kwargs"}  # loop/set/macro names
        self.in_main = False  # the part being checked is the document body

    def add(self, code: str, message: str, where: Where) -> None:
        self.findings.append(make(code, message, location=_loc(self.path, where)))

    # -- one part ------------------------------------------------------------------------
    def part(self, scan: PartScan) -> None:
        self.in_main = scan.label == "正文"
        for s in scan.stray:
            if s.kind == "closer":
                self.add("GM-W709", f"多余的“{s.text}”（前面没有对应的开始符号），会按原样出现在"
                         "文档中。", s.where)
            else:
                self.add("GM-W709", f"全角符号“{s.text}”不是模板标签，会按原样出现在文档中；"
                         "标签应使用半角的 {{ }} 或 {% %}。", s.where)
        if not scan.rendered:
            for tag in scan.tags:
                self.add("GM-W707", f"标签“{_short(tag.text)}”位于{scan.label}，这里的内容不会被"
                         "替换，将按原样出现在文档中。", tag.where)
            return
        stack: list[tuple[str, Tag, bool]] = []
        structural_ok = True
        errors_before = len(self.findings)
        pieces: list[tuple[Tag, str]] = []
        for tag in scan.tags:
            ok, source = self.tag(tag, stack)
            structural_ok &= ok
            if source:
                pieces.append((tag, source))
        for kw, tag, parsed in reversed(stack):
            structural_ok = False
            if not parsed:
                continue  # its syntax error is reported already
            self.add("GM-E702", f"语法错误：“{_short(tag.text)}”开始的 {kw} 块没有结束（缺少"
                     f"“{{% end{kw} %}}”）。", tag.where)
        if structural_ok and self.combined(scan, "".join(src for _, src in pieces)) and \
                self.known is not None and not any(
                    f.severity == "error" for f in self.findings[errors_before:]):
            for code, message, tag in trial_findings(pieces, self.known):
                self.add(code, message, tag.where)

    def tag(self, tag: Tag, stack: list[tuple[str, Tag, bool]]) -> tuple[bool, str]:
        """Check one tag; return (structure ok, Jinja source it contributes to the part)."""
        if not tag.closed:
            closer = {"{{": "}}", "{%": "%}", "{#": "#}"}[tag.opener]
            self.add("GM-E702", f"语法错误：标签“{_short(tag.text)}”在本段内没有结束（缺少“{closer}”）。"
                     "一个标签不能跨段落。", tag.where)
            return False, ""
        if tag.split_with_formats:
            self.add("GM-W704", f"标签“{_short(tag.text)}”被 Word 拆成了 {len(tag.run_formats)} "
                     "段不同格式的文字；替换后只保留第一段的格式。", tag.where)
        self.level(tag)
        if tag.opener == "{#":
            return True, ""
        if tag.opener == "{{":
            source = "{{ " + tag.inner.strip() + " }}"
            return self.parse(tag, source), source
        return self.statement(tag, stack)

    def level(self, tag: Tag) -> None:
        lvl = tag.level
        if lvl == "tr" and not tag.in_table_row or lvl == "tc" and not tag.in_table_cell:
            self.add("GM-E710", f"“{_short(tag.text)}”只能写在表格的单元格中（{lvl} 表示替换整个"
                     f"{'表格行' if lvl == 'tr' else '单元格'}）。", tag.where)
        if lvl == "p":
            rest = tag.paragraph_text.replace(tag.text, "", 1).strip()
            if rest:
                self.add("GM-W709", f"“{_short(tag.text)}”会替换整个段落，同一段中的其他文字"
                         f"“{_short(rest)}”将丢失；请把它放在单独的一段。", tag.where)

    def statement(self, tag: Tag, stack: list[tuple[str, Tag, bool]]) -> tuple[bool, str]:
        stmt = tag.inner.strip().strip("-+").strip()
        kw = stmt.split(None, 1)[0] if stmt else ""
        rest = stmt[len(kw):].strip()
        if kw in _DOCXTPL_MARKS:
            return True, ""
        if kw in _DOCXTPL_CELL:
            source = "{{ " + rest + " }}"
            return self.parse(tag, source), source
        if kw[3:] in _REFUSED and kw.startswith("end"):
            return False, ""  # its opening tag is reported
        if kw in _REFUSED:
            self.add("GM-E712", f"模板中不能{REFUSED_STATEMENTS[kw]}（“{_short(tag.text)}”）："
                     "文档模板只能使用 if、for、set、with 和过滤器。", tag.where)
            return False, ""
        if kw in _LOADER:
            self.add("GM-E702", f"模板中不能使用“{kw}”（“{_short(tag.text)}”）：模板只能引用"
                     "提供的变量，不能加载其他文件。", tag.where)
            return False, ""
        if kw.startswith("end") and kw[3:] in _BLOCKS | {"set"}:
            opened = kw[3:]
            if not stack or stack[-1][0] != opened:
                expected = f"，此处应结束 {stack[-1][0]} 块" if stack else ""
                self.add("GM-E702", f"语法错误：“{_short(tag.text)}”前面没有对应的“{{% {opened} … %}}”"
                         f"{expected}。", tag.where)
                return False, ""
            stack.pop()
            return True, "{% " + stmt + " %}"
        if kw in ("elif", "else"):
            if not stack or stack[-1][0] not in (("if",) if kw == "elif" else ("if", "for")):
                self.add("GM-E702", f"语法错误：“{_short(tag.text)}”不在 {{% if %}} 块中。", tag.where)
                return False, ""
            if kw == "elif" and not self.parse(tag, "{% if 1 %}{% " + stmt + " %}{% endif %}"):
                return False, ""
            return True, "{% " + stmt + " %}"
        if kw == "set" and "=" not in rest.split("|", 1)[0]:
            stack.append(("set", tag, True))
            return self.parse(tag, "{% " + stmt + " %}{% endset %}"), \
                "{% " + stmt + " %}"
        if kw in _BLOCKS:
            ok = self.parse(tag, "{% " + stmt + " %}{% end" + kw + " %}")
            stack.append((kw, tag, ok))
            return ok, "{% " + stmt + " %}"
        if kw in _INLINE:
            source = "{% " + stmt + " %}"
            return self.parse(tag, source), source
        self.add("GM-E702", f"语法错误：无法识别的模板语句“{_short(tag.text)}”"
                 f"{'（缺少语句名）' if not kw else ''}。", tag.where)
        return False, ""

    def parse(self, tag: Tag, source: str) -> bool:
        """Parse ``source`` alone; report syntax errors and what the sandbox refuses
        (:mod:`.template_access`)."""
        from jinja2 import TemplateSyntaxError, meta, nodes

        try:
            tree = self.env.parse(source)
        except TemplateSyntaxError as e:
            self.add("GM-E702", f"标签“{_short(tag.text)}”语法错误，无法解析（{e.message}）。",
                     tag.where)
            return False
        except RecursionError:
            self.add("GM-E702", f"标签“{_short(tag.text)}”嵌套过深，无法解析。", tag.where)
            return False
        ok = True
        for code, message in problems(tree, _short(tag.text), self.local, self.env.filters,
                                      self.env.tests):
            self.add(code, message, tag.where)
            ok = False
        if ok and self.known is not None and "body" in self.known and \
                uses_body(tree, self.local):
            self.body_tag(tag)
        for node in tree.find_all(nodes.Name):
            if node.ctx in ("store", "param"):
                self.local.add(node.name)
        if ok:
            for name in meta.find_undeclared_variables(tree):
                self.used.setdefault(name, tag)
        return ok

    def body_tag(self, tag: Tag) -> None:
        """A ``{{ body }}`` tag: only in the body part, only as a paragraph tag."""
        if not self.in_main:
            self.add("GM-E708", f"正文变量只能放在正文中，不能放在{tag.where.part}"
                     f"（“{_short(tag.text)}”）。", tag.where)
        elif tag.level != "p":
            self.add("GM-E708", "正文变量须写成“{{p body }}”并单独占一段（p 表示用正文替换整段），"
                     f"这里写的是“{_short(tag.text)}”。", tag.where)

    def combined(self, scan: PartScan, source: str) -> bool:
        """Each tag parsed alone; check that a sound part also parses as a whole."""
        from jinja2 import TemplateSyntaxError

        try:
            self.env.parse(source)
        except TemplateSyntaxError as e:  # rare: every tag parsed on its own
            where = scan.tags[0].where if scan.tags else Where(scan.label)
            self.add("GM-E702", f"{scan.label}中的标签组合无法解析（{e.message}）。", where)
            return False
        return True

    def unknown_variables(self) -> None:
        """Variables used anywhere that the document type does not provide."""
        if self.known is None:
            return
        for name in sorted(set(self.used) - self.known - self.local - {"range"}):
            tag = self.used[name]
            self.add("GM-E703", f"模板使用了未提供的变量“{name}”（“{_short(tag.text)}”）；"
                     f"可用变量：{'、'.join(sorted(self.known))}。", tag.where)

    # -- document properties and the body tag ----------------------------------------------
    def properties(self, props: dict[str, str]) -> None:
        from jinja2 import TemplateSyntaxError, meta

        for key, label in {**RENDERED_PROPERTIES, **OTHER_PROPERTIES}.items():
            text = props.get(key, "")
            if not re.search(r"\{\{|\{%|\{#", text):
                continue
            where = Where(f"文档属性（{label}）")
            if key in OTHER_PROPERTIES:
                self.add("GM-W707", f"文档属性“{label}”中的“{_short(text)}”不会被替换，将按原样保留。",
                         where)
                continue
            try:
                tree = self.env.parse(text)
            except (TemplateSyntaxError, RecursionError) as e:
                self.add("GM-E702", f"文档属性“{label}”中的标签“{_short(text)}”无法解析"
                         f"（{getattr(e, 'message', '嵌套过深')}）。", where)
                continue
            found = list(problems(tree, _short(text), set(), self.env.filters, self.env.tests))
            for code, message in found:
                self.add(code, message, where)
            if self.known is None or found:
                continue
            undeclared = meta.find_undeclared_variables(tree)
            if "body" in undeclared:
                self.add("GM-E708", f"文档属性“{label}”中不能使用正文变量 body。", where)
            for name in sorted(undeclared - self.known - {"range", "body"}):
                self.add("GM-E703", f"文档属性“{label}”使用了该模板没有的变量“{name}”。", where)
            for code, message, _ in trial_findings([(Tag("{{", text, where), text)], self.known):
                self.add(code, message, where)

    def external_links(self) -> None:
        """Pictures, objects or templates the template links outside itself: removed from
        every document rendered from it (:mod:`greenmine_docs.docx.external`)."""
        import zipfile

        from ..docx.external import external_links
        from .docx_tags import part_label

        with zipfile.ZipFile(self.path) as zf:
            links = external_links(zf)
        for link in links:
            self.add("GM-W714", f"模板链接了外部内容（{link.kind}：{_short(link.target, 80)}），"
                     "生成的文档中将删除该链接，不会读取或下载它。", Where(part_label(link.part)))

    def body(self, scans: list[PartScan]) -> None:
        """The body tag is there (its form and place are checked with each tag), and not
        more often than a subdocument may be used."""
        from .subdoc import MAX_SUBDOC_USES

        main = scans[0] if scans and scans[0].label == "正文" else None
        tags = [t for t in (main.tags if main else []) if t.closed and t.opener == "{{"
                and t.inner.strip() == "body"]
        if not tags:
            self.add("GM-E708", "模板中没有正文标签“{{p body }}”，生成的文档将没有正文。",
                     Where("正文"))
        elif len(tags) > MAX_SUBDOC_USES:
            self.add("GM-E708", f"正文标签出现了 {len(tags)} 次（最多 {MAX_SUBDOC_USES} 次，"
                     "每次都要复制整个正文）。", tags[MAX_SUBDOC_USES].where)


def used_variables(path: str | Path) -> set[str]:
    """Top-level names the template's tags refer to (for guessing its document type)."""
    linter = _Linter(Path(path), None)
    scans, _ = scan_template(Path(path))
    for scan in scans:
        if scan.rendered:
            linter.part(scan)
    return set(linter.used) - {"range"}


def guess_type(path: str | Path, types: Mapping[str, DocType]) -> str | None:
    """The document type whose variables the template uses most (None when it uses none)."""
    used = used_variables(path)

    def fit(key: str) -> tuple[int, int]:
        known = documented_variables(types[key])
        return len(used & known), -len(used - known)

    best = max(types, key=fit)
    return best if used & documented_variables(types[best]) else None


def lint_template(path: str | Path, *, known: Iterable[str] | None = None,
                  doc_type: DocType | None = None, guarded: bool = False) -> Report:
    """All findings about the template at ``path``. The variables it may use are ``known``,
    else those of ``doc_type``; with neither, variables are not checked.
    Raises :class:`~greenmine_docs.errors.InputError` / :class:`TemplateError` when the file
    is not a usable .docx at all (``guarded``: the caller has already checked the package
    with :func:`~greenmine_docs.zipguard.check_office_file`)."""
    path = Path(path)
    if not guarded:
        guard_template_file(path)
    if known is None and doc_type is not None:
        known = documented_variables(doc_type)
    stat = path.stat()
    given = frozenset(known) if known is not None else None
    real = str(path.resolve())
    from .template_verdicts import lint_limits, lint_passed_here

    findings = _lint_cached(real, stat.st_mtime_ns, stat.st_size, given, lint_limits())
    if not findings:  # (found now or remembered: a render of this version asks no more)
        lint_passed_here(real, stat.st_mtime_ns, stat.st_size, given)
    report = Report(source=str(path))
    report.extend(Finding(f.code, f.severity, f.message, f.hint,
                          Location(**{**f.location.to_dict(), "file": str(path)}))
                  for f in findings)
    if doc_type:
        report.meta["doc_type"] = doc_type.key
    return report


@functools.lru_cache(maxsize=64)
def _lint_cached(path: str, mtime_ns: int, size: int, known: frozenset[str] | None,
                 under: tuple[float, int, int]) -> tuple[Finding, ...]:
    """The findings about a template (already through the package checks) with the variables
    ``known``, its trial renders ``under`` the limits in force (part of the key: the findings
    depend on them); none, without looking, for a content found clean before with the same
    variables and limits (see :mod:`.template_verdicts`)."""
    from .template_verdicts import lint_passed, record_lint_pass

    if lint_passed(Path(path), known):
        return ()
    findings = _lint(path, known)
    if not findings:
        record_lint_pass(path, mtime_ns, size, known)
    return findings


def _lint(path: str, known: frozenset[str] | None) -> tuple[Finding, ...]:
    scans, props = scan_template(Path(path))
    linter = _Linter(Path(path), known)
    for scan in scans:
        linter.part(scan)
    linter.properties(props)
    linter.external_links()
    linter.unknown_variables()
    if known is not None and "body" in known:
        linter.body(scans)
    return tuple(linter.findings)


def check_template(path: str | Path, *, known: Iterable[str] | None = None) -> Report:
    """Lint ``path`` (already through ``check_office_file``) and raise one
    :class:`TemplateError` listing its errors with their places; return the report (warnings
    only) otherwise. Used before every render."""
    path = Path(path)
    report = lint_template(path, known=known, guarded=True)
    errors = report.errors
    if errors:
        shown = "\n".join(f"  {f.location.part or ''}"
                          f"{f' 第{f.location.paragraph}段' if f.location.paragraph else ''}："
                          f"{f.message}" for f in errors[:12])
        more = f"\n  ……另有 {len(errors) - 12} 处" if len(errors) > 12 else ""
        raise TemplateError(f"模板 {path.name} 有 {len(errors)} 处错误，无法使用：\n{shown}{more}",
                            hint="可用 greenmine templates lint 检查模板；改正后重试，或不加 "
                                 "--template 使用内置模板。")
    return report


def lint_for_cli(path: str | Path, types: Mapping[str, DocType], doc_type: str = "auto"
                 ) -> Report:
    """``greenmine templates lint``: ``doc_type`` is a key of ``types``; with ``auto``, the
    document type is guessed from the variables the template uses (and said so in an info
    finding)."""
    path = Path(path)
    if doc_type != "auto":
        return lint_template(path, doc_type=types[doc_type])
    guard_template_file(path)
    guessed = guess_type(path, types)
    if guessed is None:
        known = frozenset().union(*(documented_variables(t) for t in types.values()))
        report = lint_template(path, known=known - {"body"}, guarded=True)
        report.add(make("GM-I711", "模板中没有可识别的变量，无法判断模板类型；已按全部文档类型的"
                        "变量检查。", location=Location(file=str(path))))
        return report
    report = lint_template(path, doc_type=types[guessed], guarded=True)
    report.add(make("GM-I711", f"按“{types[guessed].title}”模板检查（根据模板中使用的变量"
                    "判断）。", location=Location(file=str(path))))
    return report
