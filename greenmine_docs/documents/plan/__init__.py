"""The implementation plan (绿色矿山建设实施方案): outline, checks, composition, generation.

- :mod:`.outline` — the outline as data (one source of truth, also used by ``greenmine check``);
- :mod:`.data` — what the document needs, computed once from a checked input (categories,
  narrative text, investment totals by category and by year);
- :mod:`.checks`, :mod:`.images` — findings before generating (``check(run)``, declared in
  the spec);
- :mod:`.compose` — writes the body through :class:`greenmine_docs.docx.Writer`;
- the schedule chart is :mod:`greenmine_docs.docx.gantt` (a native Word chart, shared);
- :mod:`.document` — ``DOCUMENT``, the plan's spec (``greenmine build`` and ``greenmine plan``
  make it through :mod:`greenmine_docs.api`).
"""
