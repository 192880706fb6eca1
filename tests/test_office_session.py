"""One LibreOffice kept running per process (issue 21): restarted after it dies, killed when it
hangs, a failed document is that document's finding (never the batch's end), nothing left
running afterwards; and no LibreOffice at all unless PDFs or TOC page numbers are asked for."""
from __future__ import annotations

import io
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from docx import Document

from conftest import EXAMPLE, EXAMPLE_DIR, run_cli


def _group(leader: int) -> list[int]:
    """Processes of the process group ``leader`` leads (the helper and its LibreOffice)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == leader and int(entry) != leader:  # fields[2]: pgrp
            found.append(int(entry))
    return found


def _running_under(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (LibreOffice's profile lives there)."""
    hits = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in cmd:
                hits.append(int(entry))
    return hits


@pytest.fixture(scope="module")
def plan_docx() -> bytes:
    from greenmine_docs.api import check, load
    from greenmine_docs.documents.plan.document import render_plan

    return render_plan(check(load(EXAMPLE)))


def _toc_pages(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return [p.text.rsplit("\t", 1)[-1] for p in doc.paragraphs
            if p.style.name.startswith("toc ") and "\t" in p.text]


def _environ_of(pids: list[int]) -> set[bytes]:
    """The TMPDIR settings in the environments of ``pids`` (those still running)."""
    found = set()
    for pid in pids:
        try:
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        found |= {v for v in env if v.startswith(b"TMPDIR=")} or {b"(none)"}
    return found


def _pipe_socket(office) -> Path:
    """The socket of the session's uno pipe (LibreOffice makes it in /tmp)."""
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_{office._pipe}")


def test_a_killed_libreoffice_is_started_again(libreoffice, plan_docx) -> None:
    from greenmine_docs.docx.office import Office

    with Office(libreoffice) as office:
        first = office.convert(plan_docx, name="a")
        assert first.tocs and office._proc is not None
        helper, pipe = office._proc.pid, _pipe_socket(office)
        assert pipe.is_socket()
        # LibreOffice's temporary files are in the session's folder, which goes even if killed
        assert _environ_of(_group(helper)) == {f"TMPDIR={office._workdir()}/tmp".encode()}
        for pid in _group(helper):  # LibreOffice dies under the helper
            os.kill(pid, signal.SIGKILL)
        again = office.convert(plan_docx, name="b", pdf=True)
        assert again.pdf is not None and again.pdf.startswith(b"%PDF")
        assert again.tocs == first.tocs
        assert office._proc is not None and office._proc.pid != helper
        assert not pipe.exists()  # the killed one's socket is not left in /tmp
        pipe = _pipe_socket(office)
        assert pipe.is_socket()
    assert not pipe.exists()  # nor the one that stopped at the end


def test_a_hung_libreoffice_fails_that_document_and_the_next_one_converts(
        libreoffice, plan_docx) -> None:
    from greenmine_docs.docx.office import ConversionFailed, Office

    with Office(libreoffice, timeout=8) as office:
        assert office.lays_out()
        assert office._proc is not None
        helper, pipe = office._proc.pid, _pipe_socket(office)
        for pid in _group(helper):
            os.kill(pid, signal.SIGSTOP)  # LibreOffice stops answering
        start = time.monotonic()
        with pytest.raises(ConversionFailed) as failed:
            office.convert(plan_docx, name="hung", pdf=True)
        assert failed.value.timeout and "超过 8 秒" in failed.value.message
        assert time.monotonic() - start < 40  # not tried again
        assert office._proc is None and not Path(f"/proc/{helper}").exists()  # killed
        assert not pipe.exists()
        done = office.convert(plan_docx, name="next", pdf=True)
        assert done.pdf is not None and done.pdf.startswith(b"%PDF")


def test_build_without_pdf_does_not_start_libreoffice(libreoffice, tmp_path, runner,
                                                      monkeypatch) -> None:
    from greenmine_docs.docx import office

    monkeypatch.setattr(office.Office, "_start",
                        lambda self: pytest.fail("LibreOffice started without --pdf"))
    result = run_cli(runner, "build", EXAMPLE, "-o", tmp_path, "--only", "plan")
    assert result.code == 0, result.output
    assert "需要页码时加 --toc-pages" in result.stdout
    (plan,) = tmp_path.glob("*.docx")
    doc = Document(str(plan))
    entries = [p.text for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert entries[:2] == ["一、总论", "（一）编制目的"] and not _toc_pages(plan.read_bytes())


def test_toc_pages_fills_page_numbers_without_a_pdf(libreoffice, tmp_path, runner) -> None:
    result = run_cli(runner, "build", EXAMPLE, "-o", tmp_path, "--only", "plan", "--toc-pages")
    assert result.code == 0, result.output
    assert not list(tmp_path.glob("*.pdf"))
    (plan,) = tmp_path.glob("*.docx")
    pages = _toc_pages(plan.read_bytes())
    assert len(pages) > 5 and all(p.isdigit() for p in pages)
    assert [int(p) for p in pages] == sorted(int(p) for p in pages)


def test_batch_pdf_one_libreoffice_per_worker_a_failed_document_is_a_finding(
        libreoffice, tmp_path, monkeypatch) -> None:
    """``batch --pdf -j 2``: every Word document gets its PDF except the one LibreOffice
    fails on (its mine gets GM-E693 and keeps its DOCX), the batch goes on, and no
    LibreOffice is left running."""
    from greenmine_docs.batch import run_batch
    from greenmine_docs.docx import office

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # the profiles, to find them after
    src = tmp_path / "src"
    for i in range(3):
        shutil.copytree(EXAMPLE_DIR, src / f"m{i}")
    real = office.Office.convert

    def convert(self, data, *, name="document", pdf=False):
        if "自查" in name and getattr(self, "_failed_once", False) is False:
            self._failed_once = True  # the first self-check table of each worker
            raise office.ConversionFailed("crash", timeout=False, seconds=self.timeout)
        return real(self, data, name=name, pdf=pdf)

    from greenmine_docs.api import build

    words = len([f for f in build(EXAMPLE_DIR / "mine.yaml", tmp_path / "one").written
                 if f.suffix == ".docx"])  # the Word documents the registry makes of the example
    monkeypatch.setattr(office.Office, "convert", convert)
    result = run_batch(src, tmp_path / "out", jobs=2, pdf=True)
    assert len(result.outcomes) == 3
    for o in result.outcomes:
        docx = [f for f in o.files if f.endswith(".docx")]
        pdfs = {f[:-4] for f in o.files if f.endswith(".pdf")}
        assert len(docx) == words >= 3
        failed = [f for f in o.findings if f["code"] == "GM-E693"]
        missing = [f for f in docx if f[:-5] not in pdfs]
        assert len(missing) == len(failed) <= 1
        if failed:
            assert o.status == "有错误部分生成" and "自查" in missing[0]
    assert sum(o.status == "有错误部分生成" for o in result.outcomes) >= 1
    deadline = time.monotonic() + 30
    while _running_under(scratch) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _running_under(scratch)
    assert not list(scratch.iterdir())  # every profile removed


def test_batch_pdf_without_libreoffice_is_refused_before_the_run(tmp_path, runner) -> None:
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE_DIR, src / "m0")
    result = run_cli(runner, "batch", src, "-o", tmp_path / "out", "--pdf")
    assert result.code == 2 and "LibreOffice" in result.stderr
    assert not (tmp_path / "out").exists()
