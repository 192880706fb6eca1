"""What one run of the pipeline carries from stage to stage, and what a document declares.

- :class:`Run` (:mod:`.run`): the input, its model, the reference date, the indicator set, the
  scores, the findings and the files no output may replace — one object per input;
- :class:`RunScores` (:mod:`.scores`): the scoring stage's results;
- :class:`DocumentSpec` (:mod:`.spec`): a document as a plug-in — what it needs, what stops it,
  its checks, its scoring, its renderer;
- :class:`ZoneRun` (:mod:`.zone`): a demonstration zone's file and the runs of its mines.

The stages themselves run in :mod:`greenmine_docs.api`; the registry of documents is
:data:`greenmine_docs.documents.DOCUMENTS`. This package sits below both (the documents import
it), so it imports neither.
"""
from .run import Protected, Run, located
from .scores import AssessmentScores, RunScores, Scores
from .spec import (SECTION_TITLES, SET_ERRORS, Blocking, Check,
                   DocumentSpec,
                   RenderOptions)
from .zone import ZoneMine, ZoneRun

__all__ = ["SECTION_TITLES", "SET_ERRORS", "AssessmentScores", "Blocking",
           "Check", "DocumentSpec", "Protected", "RenderOptions", "Run", "RunScores", "Scores",
           "ZoneMine", "ZoneRun", "located"]
