"""What a Word file's style and numbering parts say about its paragraphs: a style's heading
level, outline level, automatic numbering, bold and East Asian font (:class:`Styles`), and the
numbers Word's automatic numbering shows, rebuilt with running counters (:class:`Numbering`).
Both come from the submitted file: odd values are held to Word's own ranges, never an error."""
from __future__ import annotations

import re
from typing import Any

from .docx_package import W
from .numbering import cn_numeral


def q(tag: str) -> str:
    """The qualified name of a WordprocessingML element or attribute (``w:`` + ``tag``)."""
    return W + tag


_MAX_START = 32767  # Word's largest starting number


def int_val(el: Any, attr: str, default: int, lo: int, hi: int) -> int:
    """An integer attribute of ``el`` held to [lo, hi]; missing or not a number -> default.
    Numbering definitions come from the submitted file: ``w:ilvl="x"`` or ``w:start="-50"``
    must not stop the check."""
    raw = el.get(q(attr)) if el is not None else None
    try:
        value = int(raw) if raw is not None and len(raw) <= 9 else default
    except ValueError:
        value = default
    return min(max(value, lo), hi)


class Styles:
    """Resolved properties of paragraph styles (outline level, numPr, bold, font)."""

    def __init__(self, root: Any) -> None:
        """``root``: the styles part's root element, None for a package without one."""
        self.by_id: dict[str, Any] = {}
        if root is not None:
            for st in root.findall(q("style")):
                sid = st.get(q("styleId"))
                if sid:
                    self.by_id[sid] = st
        self._cache: dict[str, dict[str, Any]] = {}

    def _chain(self, sid: str | None) -> list[Any]:
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            out.append(st)
            based = st.find(q("basedOn"))
            sid = based.get(q("val")) if based is not None else None
        return out

    def props(self, sid: str | None) -> dict[str, Any]:
        key = sid or ""
        if key in self._cache:
            return self._cache[key]
        chain = self._chain(sid)
        name = ""
        if chain:
            n = chain[0].find(q("name"))
            name = n.get(q("val")) if n is not None else ""
        level = None
        m = re.match(r"^(?:heading|标题)\s*(\d)$", name.strip(), re.I)
        if m:
            level = int(m.group(1))
        num = None
        bold = None
        font = None
        for st in chain:
            ppr = st.find(q("pPr"))
            if ppr is not None:
                if level is None:
                    outline_level = int_val(ppr.find(q("outlineLvl")), "val", 9, 0, 9)
                    if outline_level < 9:
                        level = outline_level + 1
                if num is None:
                    num = num_pr(ppr)
            rpr = st.find(q("rPr"))
            if rpr is not None:
                if bold is None:
                    b = rpr.find(q("b"))
                    if b is not None:
                        bold = b.get(q("val"), "true") not in ("0", "false", "off")
                if font is None:
                    rf = rpr.find(q("rFonts"))
                    if rf is not None and rf.get(q("eastAsia")):
                        font = rf.get(q("eastAsia"))
        kind = "other"
        lname = name.lower()
        if lname in ("title", "subtitle", "标题", "副标题") or lname.startswith(("toc", "目录")):
            kind = "skip"
        props = {"name": name, "level": level, "num": num, "bold": bool(bold), "font": font,
                 "kind": kind}
        self._cache[key] = props
        return props


def num_pr(ppr: Any) -> tuple[str, int] | None:
    """(numId, level) of the automatic numbering a paragraph's or style's properties name;
    ``("0", 0)`` for an explicit "no numbering"; None when they name none."""
    np_ = ppr.find(q("numPr"))
    if np_ is None:
        return None
    nid = np_.find(q("numId"))
    ilvl = np_.find(q("ilvl"))
    num_id = nid.get(q("val")) if nid is not None else None
    if not num_id or num_id == "0":
        return ("0", 0)  # explicit "no numbering" (overrides the style's)
    return num_id, int_val(ilvl, "val", 0, 0, 8)


class Numbering:
    """Rebuilds automatic numbers: ``numId`` -> level definitions, with running counters."""

    def __init__(self, root: Any) -> None:
        """``root``: the numbering part's root element, None for a package without one."""
        self.levels: dict[str, dict[int, dict[str, Any]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, dict[str, Any]]] = {}
        for an in root.findall(q("abstractNum")):
            lv: dict[int, dict[str, Any]] = {}
            for lvl in an.findall(q("lvl")):
                lv[int_val(lvl, "ilvl", 0, 0, 8)] = self._lvl(lvl)
            abstract[an.get(q("abstractNumId"))] = lv
        for num in root.findall(q("num")):
            aid = num.find(q("abstractNumId"))
            lv = dict(abstract.get(aid.get(q("val")) if aid is not None else "", {}))
            for ov in num.findall(q("lvlOverride")):
                ilvl = int_val(ov, "ilvl", 0, 0, 8)
                base = dict(lv.get(ilvl, {"fmt": "decimal", "text": f"%{ilvl + 1}.", "start": 1}))
                so = ov.find(q("startOverride"))
                if so is not None:
                    base["start"] = int_val(so, "val", 1, 0, _MAX_START)
                inner = ov.find(q("lvl"))
                if inner is not None:
                    base.update(self._lvl(inner))
                lv[ilvl] = base
            self.levels[num.get(q("numId"))] = lv

    @staticmethod
    def _lvl(lvl: Any) -> dict[str, Any]:
        def val(tag: str, default: str) -> str:
            el = lvl.find(q(tag))
            return el.get(q("val"), default) if el is not None else default

        return {"fmt": val("numFmt", "decimal"), "text": val("lvlText", ""),
                "start": int_val(lvl.find(q("start")), "val", 1, 0, _MAX_START)}

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the counter and return (label text, numFmt of this level)."""
        lv = self.levels.get(num_id)
        if not lv or ilvl not in lv:
            return None
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, lv[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt = lv[ilvl]["fmt"]
        if fmt in ("bullet", "none"):
            return None

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            value = counters.get(k, lv.get(k, {}).get("start", 1))
            f = lv.get(k, {}).get("fmt", "decimal")
            if f.startswith(("chinese", "ideograph", "japaneseCounting", "taiwanese")):
                return cn_numeral(value)
            return str(value)

        return re.sub(r"%(\d)", render, lv[ilvl]["text"]), fmt
