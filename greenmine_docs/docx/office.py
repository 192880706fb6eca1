"""One LibreOffice for a run: lays documents out for their tables of contents, makes PDFs.

Starting LibreOffice takes seconds; ``--pdf`` (and ``--toc-pages``) needs it for every Word
document of a build, and a batch worker for every mine. :class:`Office` starts one private headless
LibreOffice (through :mod:`._lo_uno`, run by a Python that can ``import uno``) the first time
it is needed and gives it one document after another until :meth:`Office.close` (or the end of
the process: the helper stops LibreOffice when its input closes). :func:`shared_office` is the
one of the current process; :func:`docx_bytes_to_pdf` converts one document in it.

Each conversion reads back the entries of every table of contents with the page numbers of
LibreOffice's layout, and exports the PDF when asked. LibreOffice runs with a throw-away user
profile (an open desktop LibreOffice does not block it) that holds the font replacement table of
:mod:`.pdf_fonts`, and with a timeout. Without a Python that can ``import uno`` it falls back to
``soffice --convert-to pdf`` for each PDF, and the tables of contents keep their headings
without page numbers.
"""
from __future__ import annotations

import atexit
import itertools
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..errors import DependencyError, OutputError
from ..frozen import frozen
from . import external
from .pdf import PROFILE_SECURITY, missing_soffice
from .pdf_fonts import FontPlan, font_plan, registry_xcu
from .toc import TocEntry

START_TIMEOUT = 120.0  # seconds for LibreOffice to answer after it was started
# Where LibreOffice puts the socket of a named uno pipe (its runtime's rule: the first of these
# it may write to). It removes the socket when it exits by itself, not when it is killed.
PIPE_DIRS = (Path("/tmp"), Path("/var/tmp"))
_sessions = itertools.count(1)


class ConversionFailed(OutputError):
    """LibreOffice crashed or hung on one document (it was killed; the next document gets a
    new one)."""

    def __init__(self, detail: str, *, timeout: bool, seconds: float) -> None:
        why = (f"LibreOffice 处理该文档超过 {seconds:.0f} 秒未完成，已终止" if timeout
               else f"LibreOffice 处理该文档时出错（{detail[:200]}）")
        super().__init__(f"{why}，未生成 PDF。",
                         hint="DOCX 不受影响；可在 Word 或 LibreOffice 中打开后另存为 PDF，"
                              "或稍后单独重新生成。")
        self.timeout = timeout


@frozen(quick_init=False)
class Converted:
    """What LibreOffice made of one document. ``tocs`` holds the entries of each table of
    contents in document order, None where LibreOffice's layout was not available (no uno)."""

    tocs: list[list[TocEntry]] | None
    pdf: bytes | None


class Office:
    """A LibreOffice session (see the module docstring); safe to share between threads."""

    def __init__(self, soffice: str, *, timeout: float = 240) -> None:
        self.soffice = soffice
        self.timeout = timeout
        self.fonts: FontPlan = font_plan()
        self._lock = threading.Lock()
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes] | None = None
        self._uno_failed = False
        self._pipe = ""  # the running helper's uno pipe name

    # -- the work folder and its profile ----------------------------------------------------
    def _workdir(self) -> Path:
        """The session's scratch folder, with a fresh LibreOffice profile holding the font
        replacement table and the security settings (:data:`.pdf.PROFILE_SECURITY`)."""
        if self._dir is None:
            folder = tempfile.mkdtemp(prefix="gm-office-")
            scratch = Path(folder)
            (scratch / "profile" / "user").mkdir(parents=True)
            (scratch / "profile" / "user" / "registrymodifications.xcu").write_text(
                registry_xcu(self.fonts, PROFILE_SECURITY), encoding="utf-8")
            self._dir = scratch
        return self._dir

    @property
    def _profile_url(self) -> str:
        return (self._workdir() / "profile").as_uri()

    # -- the helper --------------------------------------------------------------------------
    def _start(self) -> bool:
        """Start the helper and wait for LibreOffice; False where uno is not available."""
        if self._proc is not None:
            return True
        from .pdf import find_uno_python

        uno_python = None if self._uno_failed else find_uno_python(self.soffice)
        if uno_python is None:
            return False
        helper = Path(__file__).with_name("_lo_uno.py")
        self._pipe = f"greenmine{os.getpid()}-{next(_sessions)}"
        try:
            self._proc = subprocess.Popen(
                [uno_python, str(helper), self.soffice, self._profile_url, str(self._workdir()),
                 self._pipe],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=True)
        except OSError:
            self._uno_failed = True
            return False
        self._lines = queue.Queue()
        threading.Thread(target=_pump, args=(self._proc.stdout, self._lines),
                         daemon=True).start()
        if self._answer(START_TIMEOUT).get("ready"):
            return True
        self._stop(kill=True)
        self._uno_failed = True  # the plain conversion from now on
        return False

    def _answer(self, timeout: float) -> dict[str, Any]:
        assert self._lines is not None
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return {"ok": False, "error": "timeout"}
        if not line:
            return {"ok": False, "error": "LibreOffice stopped"}
        try:
            answer = json.loads(line)
        except ValueError:
            return {"ok": False, "error": line.decode("utf-8", "replace")[:300]}
        return answer if isinstance(answer, dict) else {"ok": False, "error": "bad answer"}

    def _stop(self, *, kill: bool = False) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if not kill and proc.stdin is not None:
                try:
                    proc.stdin.close()  # the helper closes LibreOffice and exits
                    proc.wait(timeout=30)
                    return
                except (OSError, subprocess.TimeoutExpired):
                    pass
            _kill_group(proc)
        finally:
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            _remove_pipe(self._pipe)

    # -- conversions -------------------------------------------------------------------------
    def lays_out(self) -> bool:
        """Whether this session gives page numbers of tables of contents (LibreOffice reached
        through uno); starts LibreOffice when it is not running yet."""
        with self._lock:
            return self._start()

    def convert(self, data: bytes, *, name: str = "document", pdf: bool = False) -> Converted:
        """Lay out a DOCX: the entries of its tables of contents and, with ``pdf``, its PDF.

        A session that crashes on the document (LibreOffice died, the bridge broke) is killed
        and started again for one more try; one that hangs past ``timeout`` is killed. Either
        way the next document gets a new LibreOffice; this one raises
        :class:`ConversionFailed` when it did not convert. Without uno, the plain
        ``soffice --convert-to pdf``."""
        with self._lock, tempfile.TemporaryDirectory(dir=self._workdir()) as job:
            src = Path(job) / f"{_safe_stem(name)}.docx"
            target = src.with_suffix(".pdf")
            src.write_bytes(external.strip_external(data))  # nothing it links to
            error = ""
            for attempt in range(2):
                if not self._start():
                    if attempt:
                        break  # LibreOffice did not start again after a crash
                    return Converted(None, self._plain_pdf(src, target) if pdf else None)
                answer = self._ask({"src": str(src), "pdf": str(target) if pdf else None})
                if answer.get("ok") and (not pdf or _nonempty(target)):
                    return Converted(_entries(answer.get("tocs")),
                                     target.read_bytes() if pdf else None)
                self._stop(kill=True)  # a stuck or broken session is not reused
                error = str(answer.get("error") or "LibreOffice 未输出 PDF")
                if error == "timeout":
                    break  # a document that hangs LibreOffice is not tried again
            raise ConversionFailed(error or "LibreOffice 未能启动", timeout=error == "timeout",
                                   seconds=self.timeout)

    def _ask(self, job: dict[str, Any]) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            self._proc.stdin.flush()
        except OSError:
            return {"ok": False, "error": "LibreOffice stopped"}
        return self._answer(self.timeout)

    def _plain_pdf(self, src: Path, target: Path) -> bytes:
        """``soffice --convert-to pdf`` (no index update): the fallback."""
        cmd = [self.soffice, f"-env:UserInstallation={self._profile_url}", "--headless",
               "--norestore", "--nologo", "--convert-to", "pdf", "--outdir", str(src.parent),
               str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=self.timeout, check=False,
                                  env=dict(os.environ, TMPDIR=str(src.parent)))
        except subprocess.TimeoutExpired as e:
            raise OutputError(f"LibreOffice 转换 PDF 超时（{self.timeout:.0f} 秒）。",
                              hint="文档可能过大，或有其他 LibreOffice 进程卡住；请稍后重试。") from e
        except OSError as e:
            raise DependencyError(f"无法启动 LibreOffice（{self.soffice}）：{e}",
                                  hint="请检查 LibreOffice 安装。") from e
        if proc.returncode != 0 or not _nonempty(target):
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()
            raise OutputError(f"LibreOffice 未能把文档转换为 PDF。{detail[:300]}",
                              hint="请在 Word 或 LibreOffice 中打开 DOCX 检查，或手动另存为 PDF。")
        return target.read_bytes()

    def close(self) -> None:
        """Stop LibreOffice and remove the work folder."""
        with self._lock:
            self._stop()
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def __enter__(self) -> "Office":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pump(stream: Any, lines: "queue.Queue[bytes]") -> None:
    """Copy the helper's answers, line by line, to a queue (b"" when it ends)."""
    try:
        for line in iter(stream.readline, b""):
            lines.put(line)
    except (OSError, ValueError):
        pass  # the session closed the pipe after killing the helper
    lines.put(b"")


def _kill_group(proc: "subprocess.Popen[bytes]") -> None:
    """Kill the helper and the LibreOffice it started (its own process group)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass


def _safe_stem(name: str) -> str:
    """A file name for the scratch copy (LibreOffice names the PDF after it)."""
    return "".join(c for c in name if c.isalnum() or c in "-_")[:60] or "document"


def _nonempty(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _entries(tocs: Any) -> list[list[TocEntry]] | None:
    if not isinstance(tocs, list):
        return None
    return [[TocEntry(int(level), str(text), str(page) or None) for level, text, page in toc]
            for toc in tocs]


_SHARED: dict[int, Office] = {}  # by process id: a forked batch worker starts its own


def shared_office() -> Office | None:
    """The LibreOffice session of this process (started on first use), or None when
    LibreOffice is not installed (or ``GREENMINE_SOFFICE=none``)."""
    from .pdf import find_soffice

    soffice = find_soffice()
    if soffice is None:
        return None
    office = _SHARED.get(os.getpid())
    if office is None or office.soffice != soffice:
        if office is not None:
            office.close()
        office = _SHARED[os.getpid()] = Office(soffice)
        # a batch worker (multiprocessing) ends without atexit: close there too
        from multiprocessing import util

        util.Finalize(office, office.close, exitpriority=10)
    return office


@atexit.register
def close_shared() -> None:
    """Stop this process's LibreOffice session, if any (the next use starts a new one)."""
    office = _SHARED.pop(os.getpid(), None)
    if office is not None:
        office.close()


@frozen(quick_init=False)
class PdfResult:
    data: bytes
    toc_updated: bool  # the table of contents was rebuilt by LibreOffice before export


def docx_bytes_to_pdf(data: bytes, *, name: str = "document") -> PdfResult:
    """Convert a DOCX (bytes) to PDF (bytes) with LibreOffice (the process's session),
    fetching nothing it links to."""
    office = shared_office()
    if office is None:
        raise missing_soffice()
    converted = office.convert(data, name=name, pdf=True)
    assert converted.pdf is not None
    return PdfResult(converted.pdf, converted.tocs is not None)


def _remove_pipe(name: str) -> None:
    """Remove the socket a killed LibreOffice left for its uno pipe ``name`` (one a session
    that stopped by itself has already removed)."""
    if not name or not hasattr(os, "getuid"):
        return  # no session, or a system where pipes are not files
    uid = os.getuid()
    for folder in PIPE_DIRS:
        for stem in (f"OSL_PIPE_{uid}_{name}", f"OSL_PIPE_{name}"):
            try:
                (folder / stem).unlink()
            except OSError:
                pass  # not there: the usual case

