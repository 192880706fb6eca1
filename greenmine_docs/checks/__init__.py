"""The checks every input gets, whatever document is made from it (the documents' own checks
are declared in their specs). ``CORE`` is in the order the findings come."""
from __future__ import annotations

from . import consistency, eligibility

CORE = (eligibility.check, consistency.check)
