"""A template's external links are never followed (issue 14): pictures linked to ``file://`` or
``http://``, an attached template, a linked OLE object are removed from every rendered document
(hyperlinks stay), lint warns about them, and LibreOffice (``--pdf``) fetches nothing even from
a document that still has them."""
from __future__ import annotations

import http.server
import io
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import run_cli

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SECRET_SIZE = (123, 77)  # the linked picture's pixels: no picture of the PDF has this size


def _secret_png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", SECRET_SIZE, (10, 250, 20)).save(path)
    return path


def _linked(path: Path, targets: list[str], *, attached: str = "") -> Path:
    """A template with one picture per target, each *linked* to it (TargetMode="External"), a
    hyperlink, and optionally an attached template."""
    import docx
    from docx.shared import Cm
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(buf, "PNG")
    doc = docx.Document()
    doc.add_paragraph("{{ mine }}")
    for _ in targets:
        doc.add_picture(io.BytesIO(buf.getvalue()), width=Cm(4))
    doc.add_paragraph("{{p body }}")
    raw = io.BytesIO()
    doc.save(raw)
    rels = "".join(f'<Relationship Id="rIdX{i}" Type="{R}/image" Target="{t}" '
                   'TargetMode="External"/>' for i, t in enumerate(targets))
    rels += (f'<Relationship Id="rIdH" Type="{R}/hyperlink" Target="https://example.invalid/" '
             'TargetMode="External"/>')
    counter = iter(range(len(targets)))
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = re.sub(rb'r:embed="rId\d+"', lambda m: b'r:link="rIdX%d"' % next(counter),
                              data)
                data = data.replace(b"</w:body>", b'<w:p><w:hyperlink r:id="rIdH"><w:r><w:t>'
                                    b"link</w:t></w:r></w:hyperlink></w:p></w:body>", 1)
            elif name == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif name == "word/settings.xml" and attached:
                data = re.sub(rb"(<w:settings[^>]*>)", rb'\1<w:attachedTemplate r:id="rIdT"/>',
                              data)
            dst.writestr(name, data)
        if attached:
            dst.writestr("word/_rels/settings.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rIdT" Type="{R}/attachedTemplate" Target="{attached}" '
                         'TargetMode="External"/></Relationships>')
    return path


def _external_rels(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [m for name in zf.namelist() if name.endswith(".rels")
                for m in re.findall(r'<Relationship [^>]*TargetMode="External"[^>]*>',
                                    zf.read(name).decode())]


def test_strip_external_removes_links_keeps_hyperlinks_and_a_valid_document(tmp_path):
    import docx

    from greenmine_docs.docx.external import strip_external

    src = _linked(tmp_path / "t.docx", ["file:///etc/passwd", "http://example.invalid/p.png"],
                  attached="file:///tmp/evil.dotm")
    before = _external_rels(src.read_bytes())
    assert len(before) == 4
    clean = strip_external(src.read_bytes())
    after = _external_rels(clean)
    assert len(after) == 1 and "hyperlink" in after[0]
    with zipfile.ZipFile(io.BytesIO(clean)) as zf:
        body = zf.read("word/document.xml")
        assert b"r:link=" not in body and b"<a:blip" in body  # the frames stay, empty
        assert b"attachedTemplate" not in zf.read("word/settings.xml")
    doc = docx.Document(io.BytesIO(clean))  # still a document python-docx (and Word) opens
    assert doc.paragraphs[0].text == "{{ mine }}"
    plain = docx.Document()
    buf = io.BytesIO()
    plain.save(buf)
    assert strip_external(buf.getvalue()) == buf.getvalue()  # nothing to remove: same bytes


def test_rendered_document_carries_no_external_link_and_lint_warns(tmp_path, runner):
    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.api import lint_template

    tpl = _linked(tmp_path / "t.docx", ["file:///etc/passwd"], attached="http://x.invalid/t")
    warnings = [f for f in lint_template(tpl, "plan").warnings if f.code == "GM-W714"]
    assert len(warnings) == 2 and any("/etc/passwd" in f.message for f in warnings)
    data = render_template(tpl, lambda t: {"mine": "甲", "body": t.new_subdoc()})
    assert [r for r in _external_rels(data) if "hyperlink" not in r] == []
    lint = run_cli(runner, "templates", "lint", tpl)
    assert lint.code == 0 and "GM-W714" in lint.stdout


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []
    body = b""

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path):
    _Counter.hits = []
    _Counter.body = _secret_png(tmp_path / "served.png").read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _pictures(pdf: bytes, tmp_path: Path) -> list[tuple[int, int]]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    return [(int(cols[3]), int(cols[4])) for cols in (line.split() for line in listing)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="needs poppler")
@pytest.mark.parametrize("stripped", [True, False], ids=["rendered", "libreoffice-alone"])
def test_pdf_conversion_fetches_nothing(tmp_path, server, monkeypatch, stripped, libreoffice):
    """Rendered from the template (links removed), and the raw template converted with the
    removal switched off (LibreOffice's profile alone must block them): the PDF holds no
    linked picture and the HTTP server gets no request."""
    from greenmine_docs.docx import external
    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.docx.office import docx_bytes_to_pdf

    secret = _secret_png(tmp_path / "secret.png")
    tpl = _linked(tmp_path / "t.docx", [secret.as_uri(), f"{server}/linked.png"])
    if stripped:
        data = render_template(tpl, lambda t: {"mine": "甲", "body": t.new_subdoc()})
    else:
        monkeypatch.setattr(external, "strip_external", lambda data: data)
        data = tpl.read_bytes()
    pdf = docx_bytes_to_pdf(data, name="linked").data
    assert SECRET_SIZE not in _pictures(pdf, tmp_path)
    assert _Counter.hits == []


def test_a_rendered_package_is_read_again_only_when_it_links_outside(tmp_path):
    """A package's ``links_outside`` says what reading its bytes finds (external links other
    than hyperlinks): templates with linked pictures, an attached template, only a hyperlink,
    and the bundled templates."""
    from greenmine_docs.docx.document import package_bytes
    from greenmine_docs.docx.external import external_links
    from greenmine_docs.render.tpl import open_template

    templates = [_linked(tmp_path / "a.docx", ["file:///etc/passwd", "http://x.invalid/p"]),
                 _linked(tmp_path / "b.docx", [], attached="file:///tmp/t.dotm"),
                 _linked(tmp_path / "c.docx", []),
                 *sorted((Path(__file__).resolve().parents[1] / "templates").glob("*/*.docx"))]
    found = []
    for path in templates:
        data = package_bytes(open_template(path, lint=False).docx)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            written = bool(external_links(zf))
        assert data.links_outside is written, path.name
        found.append(written)
    assert found[:3] == [True, True, False] and not any(found[3:])
