"""Documentation stays true: every command and every finding code is in the README, every
code used in the source is registered, the README is assembled from its current parts."""
from __future__ import annotations

import re
import sys

import pytest

from conftest import REPO, run_cli
from greenmine_docs.cli import COMMANDS
from greenmine_docs.codes import CODES

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_is_assembled_from_current_parts():
    sys.path.insert(0, str(REPO / "docs"))
    import build_readme

    assert build_readme.assemble() == README, "run: python docs/build_readme.py"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_finding_code_is_documented(code):
    assert f"`{code}`" in README


def test_every_code_used_in_the_source_is_registered():
    used = set()
    for path in (REPO / "greenmine_docs").rglob("*.py"):
        if "codes" in path.parts:
            continue
        used |= set(re.findall(r"GM-[EWI]\d{3}", path.read_text(encoding="utf-8")))
    assert used - set(CODES) == set()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_a_readme_entry(runner, name):
    assert f"greenmine {name}" in README
    res = run_cli(runner, name, "--help")
    assert res.code == 0, res.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res.stdout)
