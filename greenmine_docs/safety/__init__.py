"""Safety and robustness guards of the inputs, below the formats that use them.

- :mod:`.inputs` — the files an input names (never replaced by an output) and where they may be;
- :mod:`.xlsx` — workbooks: data text that looks like a formula is written as text, and
  inputs with macros or formulas without cached results are reported;
- :mod:`.images` — images checked by content (format, size, pixel count) before use;
- :mod:`.yamlguard` — YAML inputs: aliases and nesting bounded.

The guards of DOCX templates (the sandboxed rendering, ``greenmine templates lint``) are in
:mod:`greenmine_docs.render`.
"""
