"""Assemble README.md from docs/README.template.md, docs/readme-parts/*.md, the registry of
documents and the registry of finding codes, so the tables can never drift from the code. ``--check`` exits 1 when the
README is stale (used by the tests)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PART_ORDER = ["excel", "indicators", "selfcheck", "plan", "assessment", "officials", "web", "safety",
              "performance"]


def assemble() -> str:
    sys.path.insert(0, str(ROOT))
    from greenmine_docs.codes import markdown_table
    from greenmine_docs.documents import markdown_table as documents_table

    template = (ROOT / "docs" / "README.template.md").read_text(encoding="utf-8")
    parts_dir = ROOT / "docs" / "readme-parts"
    names = sorted(p.stem for p in parts_dir.glob("*.md"))
    ordered = [n for n in PART_ORDER if n in names] + [n for n in names if n not in PART_ORDER]
    parts = "\n\n".join((parts_dir / f"{n}.md").read_text(encoding="utf-8").strip()
                        for n in ordered)
    return (template.replace("{{parts}}", parts).replace("{{codes}}", markdown_table())
            .replace("{{documents}}", documents_table()))


def main() -> int:
    text = assemble()
    readme = ROOT / "README.md"
    if "--check" in sys.argv:
        return 0 if readme.read_text(encoding="utf-8") == text else 1
    readme.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
