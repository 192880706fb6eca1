"""Markdown narrative -> real Word content (markdown-it-py, CommonMark + tables).

Supported: paragraphs; **bold**, *italic*; bullet and ordered lists (nested, real Word
numbering); tables (a paragraph ``表：标题`` right before a table becomes its numbered caption);
images ``![图题](photo.jpg)`` (path relative to the input's folder) with numbered captions;
headings, which map below the outline level the narrative belongs to (``#`` = one level deeper)
and get the official numbering — numbers typed by the author (``一、``, ``1.``, ``（1）``) are
removed so they are not doubled; block quotes and code as plain indented text. Raw HTML is not
interpreted: ``<b>`` stays literal text, as does ``{{ … }}``. Nothing of the Markdown syntax
itself reaches the document.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from .lists import ListNumbering, num_pr_xml

if TYPE_CHECKING:
    from docx.shared import Pt

    from ..safety.markdown_limits import Budget

_MANUAL_NUMBER = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节]\s*"
    r"|[一二三四五六七八九十百零〇]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十百零〇\d]+\s*[)）]"
    r"|\d+(?:\.\d+)*(?:\s*[.、．]|\s+)"
    r")\s*")
_CAPTION = re.compile(r"^\s*(?:表|Table)\s*[:：]\s*(.+?)\s*$")


# Text that CommonMark can only read as paragraphs of plain text: none of the characters that
# start an inline construct (emphasis, code, links, images, entities, escapes, autolinks) or a
# block (headings, lists, quotes, fences, rules, setext underlines, tables), no tab, CR or NUL,
# no line starting like an ordered list item, no white space at either end of a line (indented
# code, hard breaks, blank-looking lines). The characters markdown-it stops its text rule at
# without any rule behind them in CommonMark ($ % : @ ^ { }) stay allowed.
_NOT_PLAIN = re.compile(r"[!#&*+\-<=>\[\\\]_`|~\t\r\x00]|^\d+[.)](?!\S)|^[^\S\n]|[^\S\n]$", re.M)


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of ``text`` (lines joined by ``\\n``, as markdown-it's inline tokens
    carry them) when it is plain text in the sense of ``_NOT_PLAIN``; None otherwise (then the
    Markdown parser reads it). tests/test_docx_writer_xml.py checks the two agree."""
    if _NOT_PLAIN.search(text):
        return None
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def strip_manual_number(text: str) -> str:
    """``（一）加强管理`` -> ``加强管理``; text without a number is returned unchanged."""
    stripped = _MANUAL_NUMBER.sub("", text, count=1)
    return stripped if stripped.strip() else text


def plain_text(children: list[Any] | None) -> str:
    """The visible text of inline tokens (emphasis markers dropped, image alt text kept)."""
    out: list[str] = []
    for tok in children or []:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type == "softbreak":
            out.append("\n")
        elif tok.type == "hardbreak":
            out.append("\n")
        elif tok.type == "image":
            out.append(plain_text(tok.children))
    return _join_breaks("".join(out))


_BREAK = re.compile(r"(.)\n(.)")  # a line break between two characters


def _join_breaks(text: str) -> str:
    """Soft line breaks inside Chinese text vanish; between Latin words they become a space."""
    if "\n" not in text:  # most text: nothing to join
        return text

    def repl(m: re.Match[str]) -> str:
        before, after = m.group(1), m.group(2)
        if _wide(before) or _wide(after):
            return before + after
        return before + " " + after

    return _BREAK.sub(repl, text)


def _wide(char: str) -> bool:
    """Whether ``char`` is Chinese or full-width (U+2E80–U+9FFF, which holds the CJK marks
    U+3000–U+303F, or U+FF00–U+FFEF): compared, not matched (a pattern of those classes costs
    ~1.6 ms to compile, at every start of the command)."""
    return "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


class Target(Protocol):
    """What the renderer writes through: the members of :class:`~.writer.Writer` it uses
    (the writer's ``markdown`` method hands itself over, so this module needs no writer)."""

    @property
    def lists(self) -> ListNumbering: ...
    @property
    def markdown_budget(self) -> Budget: ...
    @property
    def max_heading_level(self) -> int: ...
    def append_paragraph_xml(self, ppr: str | None, content: str = "") -> None: ...
    def body_text_xml(self, content: str, text: str) -> None: ...
    def char_width(self, chars: float) -> Pt: ...
    def figure(self, image: Path, caption: str | None) -> object: ...
    def heading(self, level: int, text: str) -> None: ...
    def list_depth(self) -> int: ...
    def resolve_image(self, src: str, where: str = "") -> Path: ...
    def run_xml(self, out: list[str], text: str, style_id: str | None = None, *,
                bold: bool | None = None, italic: bool | None = None) -> None: ...
    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], *,
              caption: str | None = None, aligns: Sequence[str] | None = None) -> object: ...


class MarkdownRenderer:
    """Walks markdown-it tokens and writes through a :class:`Target` (a writer)."""

    def __init__(self, writer: Target, level: int, where: str = "") -> None:
        self.w = writer
        self.level = level
        self.where = where
        self.lists: list[tuple[str, int]] = []  # (kind, numId)
        self.item_first = False
        self.quote = 0
        self.pending_caption: str | None = None

    def render(self, text: str) -> None:
        from ..safety.markdown_limits import parse, scan, too_deep

        self._refuse(self.w.markdown_budget.take(scan(text)))  # before the parser sees it
        paragraphs = plain_paragraphs(text)
        if paragraphs is not None:  # nothing but paragraphs of text: no parser needed
            for para in paragraphs:
                joined = _join_breaks(para)  # (what _inline_text writes, once)
                out: list[str] = []
                if joined:
                    self.w.run_xml(out, joined)
                self.w.body_text_xml("".join(out), joined)
            return
        tokens = parse(text)
        self._refuse(too_deep(tokens))
        i = 0
        while i < len(tokens):
            i = self._block(tokens, i)

    def _refuse(self, problem: Any) -> None:
        """Raise for a :class:`~greenmine_docs.safety.markdown_limits.Problem` (None: none).
        The plan's checks report the same problems as findings before anything is rendered."""
        if problem is not None:
            from ..errors import InputError

            at = f"第 {problem.line} 行" if problem.line else ""
            raise InputError(f"叙述文字{at}{problem.message}。", hint=problem.hint,
                             location=self.where)

    # -- blocks ---------------------------------------------------------------------------
    def _block(self, tokens: list[Any], i: int) -> int:
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            depth = int(tok.tag[1])
            self._heading(depth, tokens[i + 1].children)
            return i + 3
        if t == "paragraph_open":
            inline = tokens[i + 1]
            nxt = tokens[i + 3] if i + 3 < len(tokens) else None
            m = _CAPTION.match(plain_text(inline.children))
            if m and nxt is not None and nxt.type == "table_open" and not self.lists:
                self.pending_caption = m.group(1)
            else:
                self._paragraph(inline.children)
            return i + 3
        if t in ("bullet_list_open", "ordered_list_open"):
            # bullets too: official documents number every list (lists.DEPTH_FORMATS)
            depth = self.w.list_depth() + len(self.lists)
            self.lists.append((t, self.w.lists.new_list(depth)))
            return i + 1
        if t in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            return i + 1
        if t == "list_item_open":
            self.item_first = True
            return i + 1
        if t == "list_item_close":
            self.item_first = False
            return i + 1
        if t == "blockquote_open":
            self.quote += 1
            return i + 1
        if t == "blockquote_close":
            self.quote -= 1
            return i + 1
        if t in ("fence", "code_block"):
            # paragraph(line, indent=False), then left_indent = char_width(2)
            ppr = (f'<w:ind w:firstLine="0" w:firstLineChars="0" '
                   f'w:left="{self.w.char_width(2).twips}"/>')
            for line in tok.content.rstrip("\n").split("\n"):
                out: list[str] = []
                if line:
                    self.w.run_xml(out, line)
                self.w.append_paragraph_xml(ppr, "".join(out))
            return i + 1
        if t == "table_open":
            return self._table(tokens, i)
        return i + 1  # hr, html_block (not enabled), anything unknown: skipped

    def _heading(self, depth: int, children: list[Any] | None) -> None:
        text = strip_manual_number(plain_text(children).replace("\n", ""))
        level = self.level + depth
        if level <= self.w.max_heading_level and not self.lists:
            self.w.heading(level, text)
        else:  # deeper than the official four levels: a bold run-in paragraph
            out: list[str] = []
            self.w.run_xml(out, text, bold=True)
            self.w.append_paragraph_xml(None, "".join(out))

    def _paragraph(self, children: list[Any] | None) -> None:
        images = [c for c in children or [] if c.type == "image"]
        only_images = images and not plain_text(
            [c for c in children or [] if c.type != "image"]).strip()
        if not only_images:
            ppr: str | None = None
            if self.lists:
                kind, num_id = self.lists[-1]
                if self.item_first:
                    ppr = num_pr_xml(num_id)
                    self.item_first = False
                else:
                    ppr = f'<w:ind w:left="{self.w.char_width(2 * len(self.lists)).twips}"/>'
            elif self.quote:
                ppr = f'<w:ind w:left="{self.w.char_width(2 * self.quote).twips}"/>'
            out: list[str] = []
            self._inline(out, children)
            if ppr is None and not any(c.type == "hardbreak" for c in children or []):
                self.w.body_text_xml("".join(out), plain_text(children))
            else:
                self.w.append_paragraph_xml(ppr, "".join(out))
        for img in images:
            src = img.attrs.get("src", "")
            caption = plain_text(img.children) or (img.attrs.get("title") or "")
            self.w.figure(self.w.resolve_image(str(src), self.where), caption or None)

    def _inline_text(self, out: list[str], text: str, bold: int = 0, italic: int = 0) -> None:
        text = _join_breaks(text)
        if text:
            self.w.run_xml(out, text, bold=bool(bold) or None, italic=bool(italic) or None)

    def _inline(self, out: list[str], children: list[Any] | None) -> None:
        """The runs of a paragraph (default paragraph style) into ``out``."""
        bold = italic = 0
        buf: list[str] = []

        def flush() -> None:
            text = "".join(buf)
            buf.clear()
            self._inline_text(out, text, bold, italic)

        for tok in children or []:
            t = tok.type
            if t in ("text", "code_inline"):
                buf.append(tok.content)
            elif t == "softbreak":
                buf.append("\n")
            elif t == "hardbreak":
                flush()
                out.append("<w:r><w:br/></w:r>")
            elif t in ("strong_open", "strong_close", "em_open", "em_close"):
                flush()
                step = 1 if t.endswith("_open") else -1
                if t.startswith("strong"):
                    bold += step
                else:
                    italic += step
            # link_open/close: the link text is kept; images are emitted as figures after
        flush()

    def _table(self, tokens: list[Any], i: int) -> int:
        header: list[str] = []
        rows: list[list[str]] = []
        aligns: list[str] = []
        current: list[str] | None = None
        in_head = False
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                current = []
            elif tok.type == "tr_close" and current is not None:
                if in_head:
                    header = current
                else:
                    rows.append(current)
                current = None
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrs.get("style", ""))
                if in_head:
                    aligns.append("center" if "center" in style else
                                  "right" if "right" in style else "left")
            elif tok.type == "inline" and current is not None:
                current.append(plain_text(tok.children))
            i += 1
        self.w.table(header, rows, caption=self.pending_caption, aligns=aligns)
        self.pending_caption = None
        return i + 1


def render_markdown(writer: Target, text: str, *, level: int, where: str = "") -> None:
    """Write Markdown ``text`` belonging to an outline section at ``level`` (1 = chapter)."""
    MarkdownRenderer(writer, level, where).render(text)
