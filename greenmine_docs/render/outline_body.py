"""A document's body written in its outline's order — the one walk the implementation plan, the
self-evaluation report and the zone plan share: each chapter that has content gets its heading
(``一、`` numbered, or centred when unnumbered), each section with content its heading (the
first-level indicator's name for a repeated section), then what the section's ``fill`` sources
give, written by the document's own ``fill`` function."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from ..docx import Writer
    from .outline import Chapter, Section

Part = tuple["Section", Any]  # a section, and its first-level indicator (None when not repeated)


def parts_with_content(chapter: "Chapter", categories: Iterable[Any],
                       has_content: Callable[["Section", Any], bool]) -> list[Part]:
    """The chapter's sections (repeated once per first-level indicator where the outline says
    so) that have something to show."""
    listed = list(categories)
    return [(section, category) for section in chapter.sections
            for category in (listed if section.repeat else [None])
            if has_content(section, category)]


def write_outline(w: "Writer", chapters: Iterable[tuple["Chapter", list[Part]]],
                  fill: Callable[[str, "Section", Any], None], *,
                  before: Callable[["Section"], None] | None = None,
                  annex_page: bool = False) -> None:
    """Headings and content of every chapter that has parts. ``before(section)`` runs before
    a chapter's heading (with its first section) and before each section (the plan turns
    pages to landscape there); ``annex_page`` starts an unnumbered chapter after the first on
    a page of its own (an annex)."""
    written = False
    for chapter, parts in chapters:
        if not parts:
            continue
        if before is not None:
            before(parts[0][0])
        if chapter.numbered:
            w.heading(1, chapter.title)
        else:
            if annex_page and written:
                w.page_break()
            w.unnumbered_heading(1, chapter.title, align="center")
        written = True
        for section, category in parts:
            if before is not None:
                before(section)
            title = category.name if category is not None else section.title or ""
            if chapter.numbered:
                w.heading(2, title)
            else:
                w.unnumbered_heading(2, title)
            for source in section.fill:
                fill(source, section, category)
    w.finish()
