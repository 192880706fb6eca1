"""What a generated document may cite, and how it writes a citation (domain.md §2, §6).

A document cites only what data holds: the built-in list ``templates/citations.yaml`` (exact
titles and numbers of standards, notices and laws), the user's own list named by
``campaign.citations`` (same format; an entry with the same number replaces the built-in one),
the campaign's notice (``campaign.notice_title`` + ``campaign.notice_number``) and an official
indicator set's ``title``/``document_number``. Code never composes a title.

    cites = citations_for(ctx)
    cites.standard("DZ/T 0318-2018").cite()   # 《水泥灰岩绿色矿山建设规范》（DZ/T 0318-2018）
    cites.by_number("晋自然资函〔2023〕738号")

:func:`title_conflicts` finds citations in free text whose title and number disagree with the
list (a narrative that calls 晋自然资发〔2022〕2号 the indicator document, or composes a
standard's title from the sector name).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .errors import ConfigError, InputError
from .frozen import frozen

if TYPE_CHECKING:
    from .pipeline import Run

FORMAT_TAG = "greenmine-citations/1"
_ENTRY_KEYS = {"kind", "title", "number", "issuer", "date", "note"}
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "―": "-"})


_SPACES = re.compile(r"\s+")
_TITLE_MARKS = re.compile(r"[\s《》〈〉<>]")


@lru_cache(maxsize=4096)
def number_key(number: str) -> str:
    """A number as compared: no spaces, one kind of dash, upper case
    (``DB14/T 2978—2024`` and ``DB14/T2978-2024`` are the same standard). Cached: every
    mine of a batch builds its list from the same few hundred built-in entries."""
    return _SPACES.sub("", number or "").translate(_DASHES).upper()


@lru_cache(maxsize=4096)
def title_key(title: str) -> str:
    """A title as compared: without book-title marks and spaces (cached, as above)."""
    return _TITLE_MARKS.sub("", title or "")


@frozen(quick_init=False)
class Citation:
    title: str  # without 《》; a title cited inside it uses 〈〉
    number: str = ""  # 文号 or standard code; "" for laws
    kind: str = ""
    origin: str = ""  # "内置清单", the user's file, "输入", "指标体系"
    date: dt.date | None = None  # when it was issued, where known

    def cite(self) -> str:
        """``《title》（number）``, or ``《title》`` without a number."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


class CitationList:
    """Citations by number and by title; later entries replace earlier ones with the same
    number (a user's list overrides the built-in one)."""

    def __init__(self, entries: Iterable[Citation] = ()) -> None:
        self._by_number: dict[str, Citation] = {}
        self._by_title: dict[str, Citation] = {}
        for c in entries:
            self.add(c)

    def add(self, c: Citation) -> None:
        if c.number:
            old = self._by_number.get(number_key(c.number))
            if old is not None and self._by_title.get(title_key(old.title)) is old:
                del self._by_title[title_key(old.title)]
            self._by_number[number_key(c.number)] = c
        self._by_title[title_key(c.title)] = c

    def clone(self) -> "CitationList":
        """Another list with the same entries (adding to one leaves the other alone)."""
        twin = CitationList()
        twin._by_number, twin._by_title = dict(self._by_number), dict(self._by_title)
        return twin

    def __iter__(self) -> Iterator[Citation]:
        seen: set[int] = set()
        for c in (*self._by_number.values(), *self._by_title.values()):
            if id(c) not in seen:
                seen.add(id(c))
                yield c

    def by_number(self, number: str) -> Citation | None:
        return self._by_number.get(number_key(number))

    def by_title(self, title: str) -> Citation | None:
        return self._by_title.get(title_key(title))

    def standard(self, code: str) -> Citation | None:
        """The standard with this code (``DZ/T 0318-2018``), None when the list lacks it."""
        return self.by_number(code)

    def holds(self, title: str) -> bool:
        return title_key(title) in self._by_title


# -- reading lists ------------------------------------------------------------------------
def _entries(data: Any, source: str, origin: str, locate: Any) -> list[Citation]:
    """Check a list's plain data; every problem is collected into one :class:`ConfigError`."""
    problems: list[str] = []

    def bad(path: tuple[Any, ...], text: str) -> None:
        problems.append(f"{locate(path)}：{text}")

    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        raise ConfigError(f"引用文件清单 {source} 的格式标识应为 format: {FORMAT_TAG}。",
                          hint="参照 greenmine templates export 导出的 citations.yaml 编写。",
                          location=source)
    docs = data.get("documents")
    if not isinstance(docs, list):
        raise ConfigError(f"引用文件清单 {source} 缺少 documents 列表。",
                          hint="documents: 下每条写 title（文件名称）和 number（文号或标准编号）。",
                          location=source)
    out = []
    for i, d in enumerate(docs):
        if not isinstance(d, dict):
            bad(("documents", i), "每条应是映射（title、number …）。")
            continue
        for key in d:
            if key not in _ENTRY_KEYS:
                bad(("documents", i, key), f"未知字段“{key}”（可用：{'、'.join(sorted(_ENTRY_KEYS))}）。")
        title, number = d.get("title"), d.get("number", "")
        if not isinstance(title, str) or not title_key(title):
            bad(("documents", i, "title"), "缺少文件名称 title。")
            continue
        if "《" in title or "》" in title:
            bad(("documents", i, "title"), "title 不加书名号《》；名称中再引用的文件用〈〉。")
        if number is None or not isinstance(number, (str, int)):
            bad(("documents", i, "number"), "number 应是文号或标准编号。")
            number = ""
        issued = d.get("date")
        if issued is not None and not isinstance(issued, dt.date):
            bad(("documents", i, "date"), "date 应是日期，如 2023-09-01。")
            issued = None
        out.append(Citation(title.strip().strip("《》"), str(number).strip(),
                            str(d.get("kind") or ""), origin, issued))
    if problems:
        raise ConfigError(f"引用文件清单 {source} 有 {len(problems)} 处问题：\n" +
                          "\n".join(problems), hint="每条写 title（不加书名号）和 number。",
                          location=source)
    return out


def builtin_path() -> Path:
    from .resources import template_path

    return template_path("citations.yaml")


@lru_cache(maxsize=None)
def builtin() -> tuple[Citation, ...]:
    """The built-in list (read once per process)."""
    return tuple(read_list(builtin_path(), origin="内置清单"))


@lru_cache(maxsize=None)
def _builtin_list() -> CitationList:
    """The built-in list, indexed once per process: each run starts from a copy."""
    return CitationList(builtin())


def read_list(path: Path, *, origin: str = "") -> list[Citation]:
    """The entries of a citation list file. Raises :class:`ConfigError` (bad content) or
    :class:`InputError` (unreadable file)."""
    from .load.yaml_input import read_yaml

    raw = read_yaml(path)
    return _entries(raw.data, str(path), origin or path.name, raw.locate)


# -- the citations of one input ---------------------------------------------------------------
def citations_for(ctx: Run) -> CitationList:
    """Everything the input's documents may cite (worked out once per run). A user list that
    cannot be used is left out here: :func:`user_list_problem` reports it as a finding."""
    return ctx.derived(_citations)


def _citations(ctx: Run) -> CitationList:
    cites = _builtin_list().clone()
    try:
        for c in _user_entries(ctx):
            cites.add(c)
    except (ConfigError, InputError):
        pass
    camp = ctx.submission.campaign
    known = cites.by_number(camp.notice_number)
    if camp.notice_title and (known is None or
                              title_key(known.title) != title_key(camp.notice_title)):
        cites.add(Citation(camp.notice_title.strip().strip("《》"), camp.notice_number, "工作通知",
                           "输入"))
    iset = ctx.indicator_set
    if iset is not None and iset.official:
        cites.add(Citation(iset.title.strip("《》"), iset.document_number, "评价指标", "指标体系"))
    return cites


def _user_entries(ctx: Run) -> list[Citation]:
    ref = ctx.submission.campaign.citations
    if not ref:
        return []
    from .load.paths import resolve_inside

    path = resolve_inside(ctx.base_dir, ref, ctx.at("campaign", "citations"))
    return read_list(path, origin=Path(ref).name)


def user_list_problem(ctx: Run) -> str | None:
    """Why the user's citation list cannot be used (None when it can, or there is none)."""
    try:
        _user_entries(ctx)
    except (ConfigError, InputError) as e:
        return e.message
    return None


def notice(ctx: Run) -> str:
    """The campaign's notice as a document cites it: ``《title》（number）`` when the title is
    known (input or list), otherwise ``number文件``."""
    number = ctx.submission.campaign.notice_number
    found = citations_for(ctx).by_number(number)
    return found.cite() if found is not None else f"{number}文件"


def indicator_set_citation(ctx: Run, iset: Any) -> str | None:
    """An official set as a citation (``《title》（number）``); None for a reference set, which
    is named, not cited."""
    if not iset.official:
        return None
    found = citations_for(ctx).by_title(iset.title)
    return found.cite() if found is not None else f"《{iset.title.strip('《》')}》"


# -- citations in free text -------------------------------------------------------------------
_CITED = re.compile(r"《([^《》]{2,80})》\s*[（(]\s{0,3}([^（）()]{3,40}?)\s{0,3}[）)]")
_NUMBER_IN_BRACKETS = re.compile(r"[（(]\s*([\u4e00-\u9fffA-Za-z]{1,12}〔\d{4}〕\s*\d+\s*号)"
                                 r"\s*[）)]")
_TITLE_CHARS = "〈〉·、 "  # besides CJK: what a title cited without book-title marks holds
_TITLE_LONGEST, _TITLE_SHORTEST = 60, 4


@frozen(quick_init=False)
class Conflict:
    written: str  # the citation as the text writes it
    expected: str  # what the list says


def title_conflicts(text: str, cites: CitationList) -> list[Conflict]:
    """Citations in ``text`` whose number the list knows under another title: 《T》（N） and
    T（N） with a 文号 N. A title the list does not hold under any number is not a conflict
    (the input may cite what it likes, as long as it names it consistently)."""
    out: list[Conflict] = []
    seen: set[str] = set()
    found = [(m.group(0), m.group(1), m.group(2), True) for m in _CITED.finditer(text or "")]
    for written, title, number, in_marks in [*found, *_numbered(text or "")]:
        title = title.strip(" 、")
        known = cites.by_number(number)
        if not in_marks:
            title = _last_title(title)
        if known is None or title_key(known.title) == title_key(title):
            continue
        written = written.strip()
        if written not in seen:
            seen.add(written)
            out.append(Conflict(written, known.cite()))
    return out


def _numbered(text: str) -> Iterator[tuple[str, str, str, bool]]:
    """Citations written T（N） with a 文号 N, as (written, title, number, False): T is the run
    of title characters (CJK, 〈〉·、 and spaces; 4 to 60 of them, the most there are) right
    before the bracket, whitespace between them allowed. Found from the bracketed number back:
    a pattern tried for a title at every character was quadratic on long runs of spaces."""
    done = 0  # citations do not overlap: the next one starts after the last one found
    for m in _NUMBER_IN_BRACKETS.finditer(text):
        end = m.start()
        while end > done and text[end - 1].isspace():
            end -= 1
        start = end
        while start > max(done, end - _TITLE_LONGEST) and _is_title_char(text[start - 1]):
            start -= 1
        if end - start < _TITLE_SHORTEST:  # too short: made up with the spaces after it,
            if text[end:start + _TITLE_SHORTEST].strip(" "):  # or spaces alone are the title
                start = text.find(" " * _TITLE_SHORTEST, end, m.start())
                if start < 0:
                    continue
            end = start + _TITLE_SHORTEST
        done = m.end()
        yield text[start:done], text[start:end], m.group(1), False


def _is_title_char(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or c in _TITLE_CHARS


def _last_title(text: str) -> str:
    """The title a 文号 belongs to when the words before it are a sentence: what follows the
    last 《 or the last enumeration comma."""
    for sep in ("《", "、", "，", "；"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


# a 文号 after its issuer (晋自然资函〔2023〕738号): the bracketed year, the number and 号
_DOC_NUMBER_TAIL = re.compile(r"〔\d{4}〕\s*\d+\s*号")
_ISSUER_LONGEST = 12  # Chinese characters of the issuer before the bracket, at most
_BOOK_TITLE = re.compile(r"《([^《》]{2,80})》")


def doc_numbers(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the 文号 in ``text``, as a pattern of one to twelve Chinese characters
    (U+4E00–U+9FFF) and then :data:`_DOC_NUMBER_TAIL` finds them (leftmost first, none
    overlapping): found from the bracketed year back to the issuer's first character. A
    pattern that starts with the issuer is tried, and backs off, at every Chinese character."""
    done = 0  # the spans do not overlap: the next one starts after the last one found
    for m in _DOC_NUMBER_TAIL.finditer(text):
        at = start = m.start()
        stop = max(done, at - _ISSUER_LONGEST)
        while start > stop and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        if start < at:  # an issuer of one character at least
            done = m.end()
            yield start, done


def cited_in(text: str, cites: CitationList) -> list[Citation]:
    """The listed documents ``text`` cites, by number or by title, in order, once each."""
    text = text or ""
    found = [(start, cites.by_number(text[start:end])) for start, end in doc_numbers(text)]
    found += [(m.start(), cites.by_title(m.group(1))) for m in _BOOK_TITLE.finditer(text)]
    out: list[Citation] = []
    for _, c in sorted(found, key=lambda f: f[0]):
        if c is not None and c not in out:
            out.append(c)
    return out
