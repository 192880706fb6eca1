"""Run by a Python that can ``import uno`` (LibreOffice's own, or the system one with
python3-uno) — NOT inside greenmine's interpreter. Usage::

    python _lo_uno.py SRC.docx DST.pdf SOFFICE PROFILE_URL

Starts a private headless LibreOffice, opens the document hidden, updates every index (table of
contents) twice — the second pass settles page numbers after the TOC itself has grown — exports
PDF and quits. Plain ``soffice --convert-to pdf`` does not update the table of contents.
Exit status 0 on success; 3 when LibreOffice could not be reached.
"""
import os
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


def main(src, dst, soffice, profile):
    pipe = "greenmine%d" % os.getpid()
    proc = subprocess.Popen(
        [soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore", "--nologo",
         "--nodefault", "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(600):
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        if ctx is None:
            return 3
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        # hidden; links not updated, macros never run (the profile also blocks linked content)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (_prop("Hidden", True), _prop("UpdateDocMode", 0),
                                            _prop("MacroExecutionMode", 0)))
        indexes = doc.getDocumentIndexes()
        for _ in range(2):
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
        doc.storeToURL(uno.systemPathToFileUrl(dst), (_prop("FilterName", "writer_pdf_Export"),))
        doc.close(True)
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


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
