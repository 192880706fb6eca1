"""greenmine-docs: validate, score and generate China's green-mine (绿色矿山) documents.

Library API (the CLI is a thin layer over it): :mod:`greenmine_docs.api` — ``load``,
``validate``, ``build``, ``generate`` (one document), ``read_scoresheet``, ``read_table``.
"""
from __future__ import annotations

# the package version (pyproject.toml reads it from here); a literal, because looking it up
# with importlib.metadata costs about 50 ms at every start of the command
__version__ = "0.1.0"
