"""Run by a Python that can ``import uno`` (LibreOffice's own, or the system one with
python3-uno) — NOT inside greenmine's interpreter. Usage::

    python _lo_uno.py SOFFICE PROFILE_URL [SCRATCH_DIR [PIPE_NAME]]

Starts one private headless LibreOffice and serves documents until its standard input ends
(:class:`greenmine_docs.docx.office.Office` keeps it for a whole run). It writes one JSON line
``{"ready": true}`` once LibreOffice answers, then reads one JSON job a line::

    {"src": "/tmp/…/a.docx", "pdf": "/tmp/…/a.pdf" or null}

opens the document hidden, updates every index twice — the second pass settles page numbers
after the tables of contents themselves have grown (plain ``soffice --convert-to`` does not
update them) —, exports the PDF when asked, and answers with the entries of each table of
contents as LibreOffice laid them out::

    {"ok": true, "tocs": [[[level, text, page], …], …]}    or    {"ok": false, "error": "…"}

When its input ends (the caller closed it, or died) it closes LibreOffice, removes
SCRATCH_DIR (the caller's work folder, profile included: a batch worker that is terminated
cannot) and exits. Exit status 3 when LibreOffice could not be reached.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

import uno  # noqa: E402  (only available in LibreOffice's Python)
from com.sun.star.beans import PropertyValue  # noqa: E402


def _prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _connect(proc, pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            return resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception:
            if proc.poll() is not None:
                return None
            time.sleep(0.1)
    return None


def _level_of(index):
    """{paragraph style name: level} of a content index's entry styles."""
    levels = {}
    styles = index.LevelParagraphStyles
    for level in range(1, styles.getCount()):
        for name in styles.getByIndex(level):
            levels[name] = level
    return levels


def _entries(index):
    levels = _level_of(index)
    anchor = index.getAnchor()
    cursor = anchor.getText().createTextCursorByRange(anchor)
    paragraphs = cursor.createEnumeration()
    out = []
    while paragraphs.hasMoreElements():
        par = paragraphs.nextElement()
        if not par.supportsService("com.sun.star.text.Paragraph"):
            continue
        style = par.ParaStyleName
        digits = re.search(r"(?<!\d)(\d+)$", style or "")
        level = levels.get(style) or (int(digits.group(1)) if digits else None)
        text = par.getString()
        if level is None or not text.strip():
            continue  # the index's own title
        title, _, page = text.rpartition("\t")
        if not title:
            title, page = text, ""
        out.append([level, title.strip(), page.strip()])
    return out


def _tocs(doc):
    indexes = doc.getDocumentIndexes()
    found = [indexes.getByIndex(i) for i in range(indexes.getCount())]
    found = [ix for ix in found if ix.supportsService("com.sun.star.text.ContentIndex")]
    for _ in range(2):
        for ix in found:
            ix.update()
    return [_entries(ix) for ix in found]


def _job(desktop, job):
    # hidden; links not updated, macros never run (the profile also blocks linked content)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["src"]), "_blank", 0,
                                       (_prop("Hidden", True), _prop("UpdateDocMode", 0),
                                        _prop("MacroExecutionMode", 0)))
    if doc is None:
        return {"ok": False, "error": "LibreOffice could not open the document"}
    try:
        tocs = _tocs(doc)
        if job.get("pdf"):
            doc.storeToURL(uno.systemPathToFileUrl(job["pdf"]),
                           (_prop("FilterName", "writer_pdf_Export"),))
        return {"ok": True, "tocs": tocs}
    finally:
        doc.close(True)


def _answer(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(soffice, profile, scratch=None, pipe=None):
    pipe = pipe or "greenmine%d" % os.getpid()
    env = None
    if scratch:  # LibreOffice's own temporary files go with the scratch folder, even if killed
        env = dict(os.environ, TMPDIR=os.path.join(scratch, "tmp"))
        os.makedirs(env["TMPDIR"], exist_ok=True)
    proc = subprocess.Popen(
        [soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore", "--nologo",
         "--nodefault", "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        ctx = _connect(proc, pipe)
        if ctx is None:
            return 3
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        _answer({"ready": True})
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                _answer(_job(desktop, json.loads(line)))
            except Exception as e:  # one bad document does not end the session
                _answer({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge drops when LibreOffice exits
        return 0
    finally:
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
