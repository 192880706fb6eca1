"""Shared fixtures: the bundled example, a CLI runner, and a way to write variants of it."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
EXAMPLE_DIR = EXAMPLES / "shanxi-limestone"
EXAMPLE = EXAMPLE_DIR / "mine.yaml"

# every XML island a generator makes is parsed strictly, so a builder that writes XML that is
# not well-formed fails the tests (greenmine_docs/docx/islands.py)
os.environ["GREENMINE_CHECK_ISLANDS"] = "1"
# and every part the copies of a template share (greenmine_docs/docx/document.unchanged_parts)
# is checked to be unchanged each time a copy is written
os.environ["GREENMINE_CHECK_SHARED"] = "1"

# LibreOffice only where a test asks for it (the ``libreoffice`` fixture): with it, every build
# would lay out its documents in LibreOffice for the page numbers of the tables of contents,
# which costs seconds a build; without it the tables of contents list the headings alone
# (greenmine_docs/docx/finish.py), and every output is the same on every machine.
from greenmine_docs.docx.pdf import find_soffice  # noqa: E402

SOFFICE = find_soffice()
os.environ["GREENMINE_SOFFICE"] = "none"

# no prepared photos kept in the user's cache folder by the tests (a test that wants that
# cache sets GREENMINE_CACHE_DIR to a folder of its own)
os.environ["GREENMINE_CACHE_DIR"] = "none"

NEEDS_LIBREOFFICE = "needs LibreOffice (soffice), not installed"


@pytest.fixture
def libreoffice(monkeypatch: pytest.MonkeyPatch) -> str:
    """LibreOffice turned on for this test (skipped, and counted at the end of the run, where
    it is not installed)."""
    if SOFFICE is None:
        pytest.skip(NEEDS_LIBREOFFICE)
    monkeypatch.setenv("GREENMINE_SOFFICE", SOFFICE)
    return SOFFICE


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """Say at the end of the run how many tests did not run for want of LibreOffice."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "LibreOffice" in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_sep("=", "LibreOffice", yellow=True)
        terminalreporter.write_line(
            f"{len(skipped)} tests were skipped because LibreOffice (soffice) is not installed: "
            "PDF conversion, tables of contents with page numbers, 28 characters a line, PDF "
            "fonts, formula recalculation. Install it with `make system-deps` (Debian/Ubuntu, "
            "as root) to run them; CI (.ci/run) installs it.")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the example project (YAML plus the files it refers to)."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE_DIR, target)
    return target / "mine.yaml"


@pytest.fixture(scope="module")
def example_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example project's folder shared by a module's tests (each puts back what
    it changes, or writes files of its own next to ``mine.yaml``)."""
    folder = tmp_path_factory.mktemp("prop") / "project"
    shutil.copytree(EXAMPLE_DIR, folder)
    return folder


@pytest.fixture(scope="module")
def example_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as an input workbook, next to the files it refers to (one for a module)."""
    folder = tmp_path_factory.mktemp("wb") / "project"
    shutil.copytree(EXAMPLE_DIR, folder)
    path = folder / "mine.xlsx"
    assert run_cli(CliRunner(), "convert", folder / "mine.yaml", path).code == 0
    return path


@pytest.fixture
def variant(tmp_path: Path):
    """``variant({"old": "new", ...})`` writes the example YAML with text replaced (each old
    text must occur) next to a copy of the example's files, and returns its path."""
    counter = iter(range(1000))

    def make(replacements: dict[str, str], *, name: str | None = None) -> Path:
        folder = tmp_path / f"v{next(counter)}"
        shutil.copytree(EXAMPLE_DIR, folder)
        text = EXAMPLE.read_text(encoding="utf-8")
        for old, new in replacements.items():
            assert old in text, f"example has no {old!r}"
            text = text.replace(old, new, 1)
        path = folder / (name or "mine.yaml")
        path.write_text(text, encoding="utf-8")
        return path

    return make


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(runner: CliRunner, *args: str) -> CliResult:
    """Run ``greenmine ARGS`` exactly as the entry point does (library errors -> exit 2,
    exceptions never escape) inside click's runner, capturing stdout and stderr apart."""
    from greenmine_docs.cli import cli
    from greenmine_docs.cli._common import run_main

    with runner.isolation() as (out, err, _mixed):
        code = run_main(cli, [str(a) for a in args])
    return CliResult(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))
