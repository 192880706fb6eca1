"""Checks across the documents of one input: they tell one story (the same quantity stated
alike, targets and gap rows on items that apply, :mod:`.story`) and cite what the citation data
holds (:mod:`.citations`). They read what several documents derive (the plan's narratives, the
assessment's scores), so they sit above the documents; :func:`greenmine_docs.api.check` runs
them after the core checks, before each document's own."""
from __future__ import annotations

from . import citations, story

CHECKS = (citations.check, story.check)
