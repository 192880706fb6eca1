"""The nasty-file corpus: hostile or broken inputs every command must survive.

    python tests/nasty/make_corpus.py            # (re)writes tests/nasty/files/

Small files are committed under ``files/`` (the test suite checks they are what this script
writes). Big ones — a zip bomb, a 10 MB YAML, a package with thousands of members — and the
variants of the example project (mine named ``../../etc/passwd`` …) are made at test time in a
temporary folder by the functions below. Everything is deterministic: fixed zip timestamps,
no random data.
"""
from __future__ import annotations

import re
import shutil
import struct
import sys
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
STAMP = (2023, 1, 1, 0, 0, 0)

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_OR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def entity_bomb_dtd(root: str, levels: int = 9) -> str:
    """A "billion laughs" DTD: entity ``l{levels}`` expands to 10**levels characters."""
    parts = ['<!ENTITY l0 "ha">']
    parts += [f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, levels + 1)]
    return f"<!DOCTYPE {root} [{''.join(parts)}]>"


def with_hostile_dtd(xml: str, root: str) -> str:
    """``xml`` with a DTD after its XML declaration (at its start when it has none) declaring a
    billion-laughs entity (``&l9;``) and an external entity (``&ext;``: /etc/passwd)."""
    dtd = entity_bomb_dtd(root)[:-2] + '<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    declaration = re.match(r"<\?xml[^>]*\?>", xml)
    head = declaration.group(0) if declaration else ""
    return head + dtd + xml[len(head):]


def external_entity_dtd(root: str, target: str = "file:///etc/passwd") -> str:
    return f'<!DOCTYPE {root} [<!ENTITY ext SYSTEM "{target}">]>'


def _zip(members: dict[str, bytes | str]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def minimal_xlsx(rows: list[list[str]], *, sheet: str = "名录", sst_dtd: str = "",
                 raw_cells: dict[tuple[int, int], str] | None = None) -> bytes:
    """A small, valid .xlsx: one sheet of shared-string cells. ``raw_cells`` puts XML text
    (entity references, say) into a cell verbatim; ``sst_dtd`` goes before the strings."""
    raw_cells = raw_cells or {}
    strings: list[str] = []
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            strings.append(raw_cells.get((r, c + 1), _esc(value)))
            cells.append(f'<c r="{chr(65 + c)}{r}" t="s"><v>{len(strings) - 1}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    return _zip({
        "[Content_Types].xml": f'{_XML}<Types xmlns="{_CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": f'{_XML}<Relationships xmlns="{_PR}"><Relationship Id="rId1" '
        f'Type="{_OR}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{_XML}<workbook xmlns="{_SS}" xmlns:r="{_OR}"><sheets>'
        f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{_PR}">'
        f'<Relationship Id="rId1" Type="{_OR}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_OR}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{_OR}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'{_XML}<styleSheet xmlns="{_SS}"><fonts count="1"><font><sz val="11"/>'
        '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": f'{_XML}<worksheet xmlns="{_SS}"><sheetData>'
        f'{"".join(xml_rows)}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'{_XML}{sst_dtd}<sst xmlns="{_SS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>",
    })


def minimal_docx(paragraphs: list[tuple[str, str]], *, dtd: str = "") -> bytes:
    """A small, valid .docx: (style, XML text) paragraphs; the text goes in verbatim, so it
    may hold entity references declared in ``dtd``."""
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{text}'
        "</w:t></w:r></w:p>" if style else
        f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
        for style, text in paragraphs)
    return _zip({
        "[Content_Types].xml": f'{_XML}<Types xmlns="{_CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": f'{_XML}<Relationships xmlns="{_PR}"><Relationship Id="rId1" '
        f'Type="{_OR}/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f"{_XML}{dtd}<w:document xmlns:w=\"{_W}\"><w:body>{body}"
        "</w:body></w:document>",
    })


PLAN_PARAS = [("Heading1", "一、总论"), ("", "本方案依据有关规定编制。"),
              ("Heading1", "二、矿山基本情况"), ("", "矿山位于山西省吕梁市。")]
LIST_HEADER = ["矿山名称", "名录级别", "所在市", "所在县（市、区）", "开采方式"]


def _png(width: int, height: int, idat: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def lying_zip(members: dict[str, bytes | str], declared: int) -> bytes:
    """A zip whose central directory claims every member unpacks to ``declared`` bytes
    (with a plausible compressed size): the total-size guard must refuse it unread."""
    data = bytearray(_zip(members))
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        struct.pack_into("<II", data, pos + 20, declared // 50, declared)  # sizes
        pos += 4
    return bytes(data)


def _alias_bomb() -> str:
    """Nine anchors, each a list of ten aliases of the previous one: 10**9 values expanded."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(8):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    return "\n".join(lines) + "\ncampaign: *i\n"


def corpus() -> dict[str, bytes]:
    """Every committed file: name -> bytes."""
    valid_xlsx = minimal_xlsx([LIST_HEADER, ["青岚山灰岩矿", "市级", "吕梁市", "文水县", "露天开采"]])
    valid_docx = minimal_docx(PLAN_PARAS)
    out = {
        "truncated.xlsx": valid_xlsx[: len(valid_xlsx) * 2 // 3],
        "truncated.docx": valid_docx[: len(valid_docx) * 2 // 3],
        "not-a-zip.xlsx": "这是一个文本文件，只是扩展名写成了 .xlsx。\n".encode("utf-8"),
        "not-a-zip.docx": "这是一个文本文件，只是扩展名写成了 .docx。\n".encode("utf-8"),
        "old-binary.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "old-binary.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "empty.xlsx": b"",
        "empty.docx": b"",
        "empty.yaml": b"",
        "entity-bomb.xlsx": minimal_xlsx(
            [LIST_HEADER, ["X", "市级", "吕梁市", "文水县", "露天开采"]],
            sst_dtd=entity_bomb_dtd("sst"), raw_cells={(2, 1): "青岚矿&l9;"}),
        "external-entity.xlsx": minimal_xlsx(
            [LIST_HEADER, ["X", "市级", "吕梁市", "文水县", "露天开采"]],
            sst_dtd=external_entity_dtd("sst"), raw_cells={(2, 1): "青岚矿&ext;"}),
        "entity-bomb.docx": minimal_docx(
            [*PLAN_PARAS, ("", "&l9;")], dtd=entity_bomb_dtd("w:document")),
        "external-entity.docx": minimal_docx(
            [*PLAN_PARAS, ("", "&ext;")], dtd=external_entity_dtd("w:document")),
        "lying-sizes.xlsx": lying_zip({"xl/workbook.xml": "<workbook/>",
                                       "xl/worksheets/sheet1.xml": "<worksheet/>"},
                                      declared=400 * 1024 * 1024),
        "deep-nesting.yaml": ("campaign: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
        "alias-bomb.yaml": _alias_bomb().encode(),
        "text-as-image.png": "这不是图片，是一个文本文件。\n".encode("utf-8"),
        "decompression-bomb.png": _png(60000, 60000, zlib.compress(b"\x00" * 64)),
        "truncated.png": _png(64, 64, zlib.compress(b"\x00" * 65 * 64))[:60],
        "nasty-list.csv": "\n".join([
            ",".join(LIST_HEADER),
            '"=HYPERLINK(""http://example.invalid"",""点击"")",市级,吕梁市,文水县,露天开采',
            "../../etc/passwd,市级,吕梁市,文水县,露天开采",
            "CON,市级,吕梁市,交城县,地下开采",
            "{{ 7*7 }}{% for x in y %}<b>&amp;,省级,太原市,清徐县,露天开采",
            "=1+2矿,市级,吕梁市,汾阳市,露天开采",
        ]).encode("utf-8") + b"\n",
    }
    return out


# ------------------------------------------------------------------ made at test time


def zip_bomb(path: Path, *, member: str = "xl/worksheets/sheet1.xml",
             megabytes: int = 200) -> Path:
    """An Office-looking package with one member of ``megabytes`` MB of zeros (~1000:1)."""
    path = Path(path)
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", STAMP), "<Types/>")
        info = zipfile.ZipInfo(member, STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)
    return path


def many_members(path: Path, n: int = 6000) -> Path:
    """A package with more members than any Office file has."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", STAMP), "<Types/>")
        for i in range(n):
            zf.writestr(zipfile.ZipInfo(f"xl/media/x{i}.xml", STAMP), b"")
    return path


def big_yaml(path: Path, megabytes: int = 10) -> Path:
    """A syntactically valid YAML file of ``megabytes`` MB (a list of many small mappings)."""
    line = "  - {name: 青岚山水泥用灰岩矿, value: 1234.5678, note: 很长的说明文字很长的说明文字}\n"
    count = megabytes * 1024 * 1024 // len(line.encode("utf-8")) + 1
    Path(path).write_text("campaign:\n  province: 山西省\nfiller:\n" + line * count,
                          encoding="utf-8")
    return Path(path)


TRAVERSAL = "../../etc/passwd"


def example_variants(example_dir: Path, out: Path) -> dict[str, Path]:
    """Copies of the example project, each with one hostile change; name -> mine.yaml path.

    - ``traversal-name``: mine and enterprise named ``../../etc/passwd`` (valid otherwise);
    - ``reserved-name``: mine named ``CON``, enterprise ``NUL``, plan title ``LPT1``;
    - ``traversal-photo``: a site photo at ``../../etc/passwd``;
    - ``traversal-narrative``: a narrative Markdown file at ``../../etc/passwd.md``;
    - ``traversal-figure``: a Markdown image ``![x](../../etc/passwd)``;
    - ``text-photo`` / ``text-figure``: a ``.png`` that is really text, as photo and figure;
    - ``bomb-photo`` / ``bomb-figure``: a PNG declaring 3.6 gigapixels;
    - ``truncated-photo``: a JPEG cut in half.
    """
    text = (example_dir / "mine.yaml").read_text(encoding="utf-8")
    files = corpus()
    name_line = "  name: 山西青岚建材有限公司青岚山水泥用灰岩矿\n"
    enterprise_line = "  name: 山西青岚建材有限公司\n"
    photo = "{file: photos/01-bench.jpg,"
    figure = "![矿区总平面布置示意图](plan/site-layout.png)"
    narrative = "basis: plan/basis.md"
    changes: dict[str, list[tuple[str, str]]] = {
        "traversal-name": [(name_line, f'  name: "{TRAVERSAL}"\n'),
                           (enterprise_line, f'  name: "{TRAVERSAL}"\n')],
        "reserved-name": [(name_line, "  name: CON\n"), (enterprise_line, "  name: NUL\n"),
                          ("plan:\n  compiler:", "plan:\n  title: LPT1\n  compiler:")],
        "traversal-photo": [(photo, f'{{file: "{TRAVERSAL}",')],
        "traversal-narrative": [(narrative, f'basis: "{TRAVERSAL}.md"')],
        "traversal-figure": [(figure, f"![x]({TRAVERSAL})")],
        "text-photo": [(photo, "{file: photos/text-as-image.png,")],
        "text-figure": [(figure, "![x](plan/text-as-image.png)")],
        "bomb-photo": [(photo, "{file: photos/decompression-bomb.png,")],
        "bomb-figure": [(figure, "![x](plan/decompression-bomb.png)")],
        "truncated-photo": [(photo, "{file: photos/truncated.jpg,")],
    }
    made = {}
    for name, edits in changes.items():
        folder = out / name
        shutil.copytree(example_dir, folder)
        for sub in ("photos", "plan"):
            (folder / sub / "text-as-image.png").write_bytes(files["text-as-image.png"])
            (folder / sub / "decompression-bomb.png").write_bytes(files["decompression-bomb.png"])
        jpg = (example_dir / "photos" / "01-bench.jpg").read_bytes()
        (folder / "photos" / "truncated.jpg").write_bytes(jpg[: len(jpg) // 2])
        variant = text
        for old, new in edits:
            assert old in variant, f"example has no {old!r}"
            variant = variant.replace(old, new, 1)
        (folder / "mine.yaml").write_text(variant, encoding="utf-8")
        made[name] = folder / "mine.yaml"
    return made


def write_corpus(folder: Path = FILES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in corpus().items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for p in write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES):
        print(p.relative_to(HERE) if p.is_relative_to(HERE) else p, p.stat().st_size)
