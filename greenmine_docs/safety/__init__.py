"""Safety and robustness guards that have no more natural home elsewhere.

- :mod:`.tplguard` — the docxtpl template class every DOCX is rendered with: each part is
  rendered exactly once, document properties are plain text, data is never altered;
- :mod:`.template_lint` — ``greenmine templates lint``: tags, variables and Word run splits of a
  user's DOCX template, each with where it is;
- :mod:`.xlsx` — workbooks: data text that looks like a formula is written as text, and
  inputs with macros or formulas without cached results are reported;
- :mod:`.images` — images checked by content (format, size, pixel count) before use.
"""
