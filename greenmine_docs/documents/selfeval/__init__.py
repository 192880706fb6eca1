"""The self-evaluation report (绿色矿山自评报告): the enterprise's own evaluation against the
indicator set, written before it applies (domain.md §1 step 2, §6).

- :mod:`.data` — what the report and its checks share, computed once per run: the outline, the
  items and prerequisites merged from ``self_evaluation`` and ``self_check`` (the
  self-evaluation is the source where both give a value), the problems, the engine's score;
- :mod:`.checks` — findings before generating (GM-x90x–x91x);
- :mod:`.compose` — the body through :class:`greenmine_docs.docx.Writer`, chapter by chapter
  as ``templates/self_evaluation/outline.yaml`` says;
- :mod:`.document` — ``DOCUMENT``, the spec (``greenmine build`` and ``greenmine self-eval``).
"""
