"""Outputs that used to end in a raw ``OSError`` or an internal error: a full disk, a read-only
file system or a folder without write permission (at every point of the write), in ``build``,
in the one-document commands and in ``batch``; odd pictures (CMYK JPEG, palette with
transparency, 16-bit, JPEG without a JFIF header) as narrative images and photos; file names
made from mine names carrying invisible or direction-changing characters."""
from __future__ import annotations

import errno
import io
import json
import re
import shutil
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_DIR, run_cli
from greenmine_docs import api
from greenmine_docs.errors import OutputError
from greenmine_docs.outputs import safe_filename

CHINESE = re.compile(r"[\u4e00-\u9fff]")
WHY = {errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读", errno.EACCES: "没有写入权限",
       errno.EPERM: "没有写入权限", errno.EDQUOT: "配额"}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def fail_writes(monkeypatch, err: int, *, after: int = 0) -> None:
    """Writing a temporary output file fails with ``err`` after ``after`` successful ones."""
    real = Path.write_bytes
    count = {"n": 0}

    def write_bytes(self: Path, data: bytes) -> int:
        if self.name.startswith(".~gm-"):
            count["n"] += 1
            if count["n"] > after:
                raise OSError(err, "mocked")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def fail_call(monkeypatch, target: str, err: int) -> None:
    """``module.function`` (as ``"os.replace"``) raises ``OSError(err)``."""
    module, name = target.rsplit(".", 1)

    def refuse(*args, **kwargs):
        raise OSError(err, "mocked")

    monkeypatch.setattr(f"{module}.{name}", refuse)


def assert_write_failure(res, err: int) -> None:
    assert res.code == 2, res.output
    assert "内部错误" not in res.output and "Traceback" not in res.output
    assert "无法写入输出文件" in res.stderr and WHY[err] in res.stderr, res.stderr


# ------------------------------------------------------------------ build

@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EDQUOT])
@pytest.mark.parametrize("after", [0, 2, 5])
def test_disk_full_during_build_leaves_nothing(runner, tmp_path, monkeypatch, err, after):
    """The disk fills up while the first, the third or the last file is written: a clear
    message, no document, no manifest, no temporary file."""
    out = tmp_path / "built"
    fail_writes(monkeypatch, err, after=after)
    assert_write_failure(run_cli(runner, "build", EXAMPLE, "-o", out), err)
    assert leftovers(out) == []
    with pytest.raises(OutputError) as e:
        api.build(EXAMPLE, out)
    assert WHY[err] in e.value.message and CHINESE.search(e.value.hint)
    assert leftovers(out) == []


def test_disk_full_during_a_forced_rebuild_keeps_the_previous_documents(runner, tmp_path,
                                                                        monkeypatch):
    out = tmp_path / "built"
    assert run_cli(runner, "build", EXAMPLE, "-o", out).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "manifest.json").write_bytes(b"{}")  # so a rewrite would show
    before["manifest.json"] = b"{}"
    fail_writes(monkeypatch, errno.ENOSPC, after=3)
    assert_write_failure(run_cli(runner, "build", EXAMPLE, "-o", out, "--force"), errno.ENOSPC)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("target,err", [("tempfile.mkstemp", errno.EROFS),
                                        ("tempfile.mkstemp", errno.EACCES),
                                        ("os.replace", errno.EROFS),
                                        ("os.replace", errno.EACCES),
                                        ("os.chmod", errno.EPERM)])
def test_read_only_or_forbidden_output_folder(runner, tmp_path, monkeypatch, target, err):
    out = tmp_path / "built"
    out.mkdir()
    fail_call(monkeypatch, target, err)
    assert_write_failure(run_cli(runner, "build", EXAMPLE, "-o", out), err)
    assert leftovers(out) == []


def test_an_output_folder_that_cannot_be_created(runner, tmp_path, monkeypatch):
    fail_call(monkeypatch, "pathlib.Path.mkdir", errno.EROFS)
    res = run_cli(runner, "build", EXAMPLE, "-o", tmp_path / "new" / "folder")
    assert_write_failure(res, errno.EROFS)


WRITERS = [
    ["plan", EXAMPLE, "-o", "{T}/方案.docx"],
    ["report", EXAMPLE, "-o", "{T}/报告.docx"],
    ["selfcheck", EXAMPLE, "-o", "{T}/自查.xlsx"],
    ["scoresheet", EXAMPLE, "-o", "{T}/打分表.xlsx"],
    ["convert", EXAMPLE, "{T}/输入.xlsx"],
    ["excel-template", "-o", "{T}/模板.xlsx"],
    ["validate", EXAMPLE, "-o", "{T}/报告.html", "--format", "html"],
    ["init", "{T}/project"],
    ["templates", "export", "{T}/tpl"],
    ["indicators", "export", "national-2020-reference", "-o", "{T}/指标.xlsx"],
]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(map(str, a[:2])))
def test_every_writer_says_the_disk_is_full(runner, tmp_path, monkeypatch, args):
    fail_writes(monkeypatch, errno.ENOSPC)
    res = run_cli(runner, *[str(a).replace("{T}", str(tmp_path / "out")) for a in args])
    assert_write_failure(res, errno.ENOSPC)
    assert leftovers(tmp_path / "out") == []


# ------------------------------------------------------------------ batch

def test_batch_reports_a_write_failure_as_such(runner, tmp_path, monkeypatch):
    """Documents of a mine that cannot be written: status 无法写入 and GM-E692, not
    “无法读取” (its input is fine); the summary workbook itself is still written."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE_DIR, src)
    out = tmp_path / "out"
    real = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if self.name.startswith(".~gm-") and self.suffix == ".docx":
            raise OSError(errno.ENOSPC, "mocked")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    res = run_cli(runner, "batch", src, "-o", out, "--jobs", "1", "--format", "json")
    assert res.code == 1 and "内部错误" not in res.output, res.output
    entry = json.loads(res.stdout)["inputs"][0]
    assert entry["status"] == "无法写入", entry
    import openpyxl

    summary = openpyxl.load_workbook(out / "批量处理汇总.xlsx")
    cells = [str(v) for ws in summary.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    assert "无法写入" in cells and "无法读取" not in cells
    assert any("磁盘空间不足" in c for c in cells)
    assert not [p for p in out.rglob("*.docx")] and not list(out.rglob(".~gm-*"))


def test_batch_says_its_journal_cannot_be_written(runner, tmp_path, monkeypatch):
    """The journal of finished mines (kept so a killed run can continue) on a full disk: the
    run stops with the reason, not an internal error."""
    from greenmine_docs.batch import JOURNAL_FILE

    src = tmp_path / "src"
    shutil.copytree(EXAMPLE_DIR, src)
    real = Path.open

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "mocked")

    def open_(self: Path, *args, **kwargs):
        if self.name == JOURNAL_FILE and args[:1] == ("a",):
            return Full()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    res = run_cli(runner, "batch", src, "-o", tmp_path / "out", "--jobs", "1")
    assert_write_failure(res, errno.ENOSPC)
    assert JOURNAL_FILE in res.stderr


def test_batch_process_labels_the_outcome(tmp_path, monkeypatch):
    from greenmine_docs.batch import MineTask, process

    fail_writes(monkeypatch, errno.EROFS)
    outcome = process(MineTask(key="mine.yaml", out_dir=tmp_path / "m", path=EXAMPLE))
    assert outcome.status == "无法写入"
    assert outcome.findings[0]["code"] == "GM-E692"
    assert "只读" in outcome.findings[0]["message"]


# ------------------------------------------------------------------ file names

INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c",
             "\u200d", "\u200e", "\u200f", "\ufeff", "\u00ad", "\u2060", "\x85", "\x9b"]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_safe_filename_drops_invisible_and_direction_characters(char):
    name = safe_filename(f"青岚{char}xcod.exe")
    assert name == "青岚xcod.exe"
    assert all(unicodedata.category(c) not in ("Cc", "Cf") for c in name)


def test_safe_filename_turns_line_separators_into_spaces():
    assert safe_filename("青岚\u2028山\u2029矿") == "青岚 山 矿"
    assert safe_filename("\u202e\u200b") == "未命名"


def test_mine_name_with_a_right_to_left_override_builds_clean_names(variant, runner, tmp_path):
    mine = variant({"  name: 山西青岚建材有限公司青岚山水泥用灰岩矿":
                    "  name: 山西青岚\u202e建材\u200b有限公司青岚山水泥用灰岩矿"})
    out = tmp_path / "built"
    res = run_cli(runner, "build", mine, "-o", out)
    assert res.code == 0, res.output
    names = [p.name for p in out.iterdir()]
    assert names and all(unicodedata.category(c) != "Cf" for n in names for c in n), names
    assert any(n.startswith("山西青岚建材有限公司") for n in names), names
    result = api.build(mine, tmp_path / "again")
    assert all("\u202e" not in p.name for p in result.written)


# ------------------------------------------------------------------ pictures

RED, BLUE = (200, 40, 30), (30, 60, 200)


def two_colour(mode: str, fmt: str, **save) -> bytes:
    """A 200 × 120 picture, left half red, right half blue, saved in ``mode`` as ``fmt``."""
    from PIL import Image

    img = Image.new("RGB", (200, 120), RED)
    img.paste(Image.new("RGB", (100, 120), BLUE), (100, 0))
    if mode == "P":
        img = img.quantize(colors=4)
        save.setdefault("transparency", img.getpixel((199, 0)))
    elif mode != "RGB":
        img = img.convert(mode)
    out = io.BytesIO()
    img.save(out, format=fmt, **save)
    return out.getvalue()


def png16(grey: bool) -> bytes:
    """A 16-bit PNG (greyscale 40000, or RGB red/blue halves), written by hand: Pillow does
    not write these."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    if grey:
        header, row = struct.pack(">IIBBBBB", 200, 120, 16, 0, 0, 0, 0), \
            b"\x00" + struct.pack(">H", 40000) * 200
    else:
        header = struct.pack(">IIBBBBB", 200, 120, 16, 2, 0, 0, 0)
        row = b"\x00" + struct.pack(">HHH", *(c * 257 for c in RED)) * 100 \
            + struct.pack(">HHH", *(c * 257 for c in BLUE)) * 100
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * 120))
            + chunk(b"IEND", b""))


def without_jfif(data: bytes) -> bytes:
    """A JPEG with its JFIF header (APP0) cut out, as some cameras and tools write them."""
    assert data[2:4] == b"\xff\xe0"
    length = struct.unpack(">H", data[4:6])[0]
    return data[:2] + data[4 + length:]


PICTURES = {  # name -> (bytes, expected colour of the left half, of the right half)
    "cmyk.jpg": (lambda: two_colour("CMYK", "JPEG", quality=95), RED, BLUE),
    "no-jfif.jpg": (lambda: without_jfif(two_colour("RGB", "JPEG", quality=95)), RED, BLUE),
    "grey.jpg": (lambda: two_colour("L", "JPEG", quality=95), None, None),
    "palette-transparent.png": (lambda: two_colour("P", "PNG"), RED, None),
    "grey-alpha.png": (lambda: two_colour("LA", "PNG"), None, None),
    "grey16.png": (lambda: png16(True), (156, 156, 156), (156, 156, 156)),
    "rgb16.png": (lambda: png16(False), RED, BLUE),
    "bilevel.png": (lambda: two_colour("1", "PNG"), None, None),
    "cmyk.tif": (lambda: two_colour("CMYK", "TIFF"), RED, BLUE),
}


NOT_PHOTOS = {"cmyk.tif"}  # photos must be JPEG or PNG (GM-E541); Word takes TIFF figures


@pytest.fixture(scope="module")
def pictures_built(tmp_path_factory):
    """The example with every odd picture as a narrative image of the plan and as site photo
    1 of the report, built once per picture."""
    from click.testing import CliRunner

    runner = CliRunner()
    root = tmp_path_factory.mktemp("pictures")
    built = {}
    for name, (make, _, _) in PICTURES.items():
        folder = root / name.replace(".", "_")
        shutil.copytree(EXAMPLE_DIR, folder)
        data = make()
        (folder / "plan" / name).write_bytes(data)
        text = (folder / "mine.yaml").read_text(encoding="utf-8")
        text = text.replace("plan/site-layout.png", f"plan/{name}")
        if name not in NOT_PHOTOS:
            photo = folder / "photos" / ("01-bench" + Path(name).suffix)
            photo.write_bytes(data)
            text = text.replace("photos/01-bench.jpg", f"photos/{photo.name}")
        (folder / "mine.yaml").write_text(text, encoding="utf-8")
        res = run_cli(runner, "build", folder / "mine.yaml", "-o", folder / "out")
        built[name] = (res, folder / "out", data)
    return built


def embedded_200x120(docx: Path) -> list:
    """The 200 × 120 pictures of a document, decoded."""
    from PIL import Image

    out = []
    with zipfile.ZipFile(docx) as zf:
        for name in zf.namelist():
            if name.startswith("word/media/"):
                img = Image.open(io.BytesIO(zf.read(name)))
                if img.size == (200, 120):
                    img.load()
                    out.append(img)
    return out


def close(a: tuple, b: tuple, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@pytest.mark.parametrize("name", list(PICTURES))
def test_odd_pictures_go_into_plan_and_report_with_their_colours(pictures_built, name):
    res, out, _ = pictures_built[name]
    assert res.code == 0, res.output
    plan = next(out.glob("*实施方案.docx"))
    report = next(out.glob("*第三方评估报告.docx"))
    for doc in (plan, report) if name not in NOT_PHOTOS else (plan,):
        images = embedded_200x120(doc)
        assert len(images) == 1, (doc.name, len(images))
        img = images[0]
        assert img.mode in ("RGB", "RGBA", "L", "LA", "P", "1"), img.mode
        _, left, right = PICTURES[name]
        rgb = img.convert("RGB")
        if left is not None:  # not inverted (a CMYK JPEG shown as its negative is cyan)
            assert close(rgb.getpixel((20, 60)), left), (doc.name, rgb.getpixel((20, 60)))
        if right is not None:
            assert close(rgb.getpixel((180, 60)), right), (doc.name, rgb.getpixel((180, 60)))


def test_plain_pictures_are_embedded_unchanged(pictures_built):
    """A palette PNG with transparency and a greyscale JPEG with a JFIF header need nothing:
    their bytes go in as they are."""
    for name in ("palette-transparent.png", "grey.jpg", "grey-alpha.png"):
        _, out, data = pictures_built[name]
        plan = next(out.glob("*实施方案.docx"))
        with zipfile.ZipFile(plan) as zf:
            media = [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")]
        assert data in media, name


def test_for_word_keeps_jpeg_data_when_only_the_header_is_missing():
    from greenmine_docs.safety.images import for_word

    original = two_colour("RGB", "JPEG", quality=95)
    stripped = without_jfif(original)
    fixed = for_word(stripped)
    assert fixed[6:10] == b"JFIF" and fixed.endswith(stripped[2:])  # data untouched


def test_for_word_converts_an_adobe_rgb_jpeg_instead_of_mislabelling_it():
    """An RGB JPEG with an Adobe marker saying “no colour transform”: a JFIF header would make
    readers decode it as YCbCr, so it is re-encoded."""
    from PIL import Image

    from greenmine_docs.safety.images import for_word

    data = without_jfif(two_colour("RGB", "JPEG", quality=95))
    adobe = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00"  # transform 0
    img = Image.open(io.BytesIO(data[:2] + adobe + data[2:]))
    if img.info.get("adobe_transform") != 0:
        pytest.skip("Pillow does not report the Adobe transform")
    fixed = for_word(data[:2] + adobe + data[2:])
    assert not fixed.endswith(data[2:])  # re-encoded, not given a header
    assert Image.open(io.BytesIO(fixed)).mode == "RGB"


def test_a_tiff_photo_is_a_clear_finding(tmp_path, runner):
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE_DIR, folder)
    (folder / "photos" / "01-bench.tif").write_bytes(two_colour("CMYK", "TIFF"))
    mine = folder / "mine.yaml"
    mine.write_text(mine.read_text(encoding="utf-8").replace("photos/01-bench.jpg",
                                                             "photos/01-bench.tif"),
                    encoding="utf-8")
    res = run_cli(runner, "validate", mine, "--format", "json")
    hits = [f for f in json.loads(res.stdout)["findings"] if f["code"] == "GM-E541"]
    assert len(hits) == 1 and "TIFF" in hits[0]["message"]
    assert hits[0]["location"]["path"] == "assessment.photos[0].file"


def test_summarize_and_sample_say_the_disk_is_full(runner, tmp_path, monkeypatch):
    table = tmp_path / "自查.xlsx"
    assert run_cli(runner, "selfcheck", EXAMPLE, "-o", table).code == 0
    listing = tmp_path / "名录.csv"
    listing.write_text("矿山名称,名录级别,所在市\n甲矿,市级,吕梁市\n乙矿,省级,太原市\n",
                       encoding="utf-8")
    fail_writes(monkeypatch, errno.ENOSPC)
    out = tmp_path / "out"
    assert_write_failure(run_cli(runner, "summarize", table, "-o", out / "汇总.xlsx"),
                         errno.ENOSPC)
    assert_write_failure(run_cli(runner, "sample", listing, "-o", out / "抽查.xlsx",
                                 "--ratio", "0.5", "--seed", "1"), errno.ENOSPC)
    assert leftovers(out) == []
