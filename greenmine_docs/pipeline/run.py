"""The run: everything one pass of the pipeline knows about one input, handed from stage to stage.

:mod:`greenmine_docs.api` makes a :class:`Run` when it loads an input and fills it stage by
stage — load (``raw``, ``model``, ``as_of``), score (``indicator_set``, ``scores``), check
(``report``) — then hands it to the documents' renderers. Checks and renderers read what they
need from it; nothing about one input is kept anywhere else (no module-level state), so two runs
never see each other's data.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from ..findings import Finding, Location, Report
from .scores import RunScores

if TYPE_CHECKING:
    from ..indicators.model import IndicatorSet
    from ..rawinput import RawInput
    from ..model import Submission

T = TypeVar("T")


class Protected:
    """The files no output of the run may land on, ``--force`` or not: the input, every file it
    names (narratives, photos, an indicator set, an outline, a filled score sheet — found when
    first asked for), and every other file the run reads (a ``--template``, a ``--set`` file).
    Iterating gives them all (the ``inputs=`` of :mod:`greenmine_docs.outputs`)."""

    def __init__(self, raw: RawInput | None) -> None:
        from ..safety.inputs import input_files

        self.read: list[Path] = []
        self._named = input_files(raw) if raw is not None else None

    def add(self, path: str | Path | None) -> None:
        """Record a file the run reads (``None`` is ignored)."""
        if path is not None:
            self.read.append(Path(path))

    def __iter__(self) -> Iterator[Path]:
        yield from self.read
        if self._named is not None:
            yield from self._named


def located(raw: RawInput | None, *path: str | int) -> Location:
    """:meth:`Run.at` for the run's ``raw``: for what the run keeps (a locator of its scores),
    which must not hold the run itself — that would be a reference cycle keeping the whole run
    alive until the garbage collector runs."""
    return raw.locate(tuple(path)) if raw is not None else Location()


@dataclass(eq=False)
class Run:
    """One input on its way through the pipeline.

    ``raw`` is the input as read, with its location map (``raw.locate``; ``None`` for a blank
    form made without an input); ``model`` the validated submission (``None`` when the input
    does not fit the model: then only the load findings are there); ``as_of`` the reference
    date; ``indicator_ref`` what named the indicator set (``campaign.indicator_set`` or
    ``--set``) and ``indicator_set`` the set it resolved to (``None``: unusable, the reason is
    in ``set_findings``); ``scores`` the scoring stage's results; ``report`` every finding;
    ``protected`` the files outputs must not replace; ``cache_dir`` where content-keyed
    intermediate results (prepared photos) are kept between runs (None: in memory only)."""

    raw: RawInput | None
    report: Report
    as_of: dt.date
    model: Submission | None = None
    indicator_ref: str = ""
    indicator_set: IndicatorSet | None = None
    set_findings: list[Finding] = field(default_factory=list)
    scores: RunScores = field(default_factory=RunScores)
    protected: Protected = field(default_factory=lambda: Protected(None))
    cache_dir: Path | None = None
    _derived: dict[Callable[..., Any], Any] = field(default_factory=dict, repr=False)

    @property
    def submission(self) -> Submission:
        """The model, for checks and renderers (which run only when there is one)."""
        if self.model is None:
            raise RuntimeError("the input did not load into the model: nothing to check or render")
        return self.model

    @property
    def source(self) -> Path | None:
        return self.raw.source if self.raw is not None else None

    @property
    def base_dir(self) -> Path:
        """Folder relative paths in the input (markdown files, photos, sets) are resolved from."""
        return self.raw.source.parent if self.raw is not None else Path.cwd()

    def at(self, *path: str | int) -> Location:
        """Location of a field path in the input file (YAML line/column or Excel cell)."""
        return located(self.raw, *path)

    def resolve(self, relative: str | Path) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.base_dir / p

    def derived(self, make: Callable[[Run], T]) -> T:
        """What ``make(run)`` gives, computed once per run: a document's own data that its
        checks and its renderer both use (the plan's categories and narratives, say). Kept on
        the run, keyed by the function itself, so it is typed and lives exactly as long as the
        run does."""
        if make not in self._derived:
            self._derived[make] = make(self)
        value: T = self._derived[make]
        return value

    def forget_derived(self) -> None:
        """Drop what :meth:`derived` kept, once the run's documents are checked and written.
        Derived data hold their run (a plan's data keeps it as its context): a reference cycle
        that only the cyclic garbage collector frees, after walking everything the run holds
        (a mine's model, findings and scores: some 5,000 objects in a batch). Without it,
        reference counting frees the run as soon as its last user lets it go. Asked again,
        :meth:`derived` computes afresh."""
        self._derived.clear()
