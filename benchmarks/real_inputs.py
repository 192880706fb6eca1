"""The benchmark's figures for real inputs (issue 21): photos, CPU against deflate, PDFs for
many documents, the whole 10,000-mine command, a cold build. Each is measured as CPU time
(this process's, or a child command's with everything it started) beside wall time: on a shared
two-core machine wall time mostly measures the neighbours.

* photos — the realistic mine (``realistic.py``: six 12-megapixel EXIF-rotated JPEGs, a long
  narrative, 40 tasks) with and without its photos, CPU: :func:`photo_ratio_cold` as new
  ``greenmine build`` processes (first build, rebuild from the user's cache, no photos),
  :func:`photo_ratio` in a warmed-up process as a batch worker builds them (photos from their
  files, and from the content cache), :func:`photo_stages` (where preparing them spends its
  CPU, stage by stage), and :func:`photo_decode_floor` — the least CPU any
  preparation that decodes each photo once can spend (entropy decoding reads every byte of a
  JPEG whatever the scale);
* ``cpu_per_mine_vs_deflate`` — CPU of one synthetic mine's documents (``batch.process``: five, six with the 自评报告)
  ÷ CPU of deflating the compressed parts of those files at the level the project uses;
* ``pdf_docs_per_s`` — PDFs on disk a wall-clock second of ``greenmine batch --pdf -j 2``;
  ``pdf_vs_fresh_soffice`` — that ÷ the rate of a fresh ``soffice --convert-to pdf`` per
  document (the way before issue 21: target ≥ 4);
* ``pdf_per_doc_ratio`` — CPU per PDF that ``--pdf`` adds to the batch (CPU of the batch with
  ``--pdf`` minus without, everything it started included) ÷ CPU of one conversion of the same
  files in an already running LibreOffice;
* ``validate_10k_cli_s`` — wall time of the whole command
  ``greenmine batch mines-10000.xlsx -o OUT --validate-only -j 2``;
* ``build_cold_cpu_s`` — CPU of ``greenmine build`` on the example in a new process (median), the
  user's cache folder kept from the build before (a rebuild); ``build_cold_cpu_s_empty_cache``
  with it empty (the first build on a machine, or after the code changed).
"""
from __future__ import annotations

import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, Iterator

DOC_SUFFIXES = (".docx", ".xlsx")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def command(cmd: list[str], *, ok: tuple[int, ...] = (0,)) -> dict[str, float]:
    """Run ``cmd``; its wall time and CPU time (everything it started and waited for)."""
    c0, t0 = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: "
                         f"{proc.stderr.decode(errors='replace')[-1500:]}")
    return {"wall_s": wall, "cpu_s": cpu}


def files_on_disk(out: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The documents a batch wrote: files in the mines' folders (not the summary, not the
    caches), counted on disk."""
    return [p for p in out.glob("*/*") if p.is_file() and p.suffix in suffixes
            and not p.parent.name.startswith(".")]


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


USER_CACHE_ENV = "GREENMINE_CACHE_DIR"  # where a build keeps prepared phone photos


@contextlib.contextmanager
def user_cache_at(value: str) -> Iterator[None]:
    """``GREENMINE_CACHE_DIR`` set to ``value`` (for this process and the ones it starts)."""
    before = os.environ.get(USER_CACHE_ENV)
    os.environ[USER_CACHE_ENV] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(USER_CACHE_ENV, None)
        else:
            os.environ[USER_CACHE_ENV] = before


# -- photos ----------------------------------------------------------------------------------------
def photo_ratio(work: Path, repeats: int) -> dict[str, Any]:
    """CPU per build of the realistic mine with and without photos, alternately, ``repeats``
    times each after one warm-up build of each."""
    import realistic

    from greenmine_docs import api
    from greenmine_docs.documents.assessment import photos

    with_photos = realistic.write_realistic_mine(work / "realistic", 0)
    without = realistic.write_realistic_mine(work / "realistic-no-photos", 0, photos=False)
    out = work / "realistic-out"
    cache = work / "realistic-cache"
    shutil.rmtree(cache, ignore_errors=True)

    def build(path: Path, cache_dir: Path | None) -> float:
        photos._examine.cache_clear()  # every photo from its file (or the disk cache)
        t = time.process_time()
        run = api.load(path)
        run.cache_dir = cache_dir
        result = api.build(run, out, force=True)
        spent = time.process_time() - t
        if not result.report.valid or not result.written:
            raise SystemExit(f"the realistic mine {path} did not build")
        return spent

    build(with_photos, cache)  # warm-up: templates, layouts; and fills the disk cache
    build(without, None)
    cpu: dict[str, list[float]] = {"photos": [], "no_photos": [], "photos_cached": []}
    with user_cache_at("none"):  # "photos": from the files, not from the user's cache
        for _ in range(repeats):
            cpu["photos"].append(build(with_photos, None))
            cpu["no_photos"].append(build(without, None))
            cpu["photos_cached"].append(build(with_photos, cache))
    shutil.rmtree(out, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in cpu.items()}
    return {"cpu_s": {k: spread(v) for k, v in cpu.items()},
            "photo_ratio": med["photos"] / med["no_photos"],
            "photo_ratio_cached": med["photos_cached"] / med["no_photos"],
            "photo_bytes": sum(p.stat().st_size
                               for p in (with_photos.parent / "photos").glob("phone-*.jpg"))}


def photo_ratio_cold(work: Path, repeats: int, greenmine: list[str]) -> dict[str, Any]:
    """CPU of ``greenmine build`` of the realistic mine in a new process: with its photos and
    an empty user cache (the first build: every photo decoded), with its photos again (a
    rebuild: the photos from the user's cache, ``GREENMINE_CACHE_DIR`` in the workdir), and
    without photos; alternately, ``repeats`` times each."""
    import realistic

    user_cache = work / "user-cache"
    runs: dict[str, list[float]] = {"photos": [], "photos_rebuilt": [], "no_photos": []}
    with user_cache_at(str(user_cache)):
        for _ in range(repeats):
            for key in runs:
                photos = key != "no_photos"
                if key == "photos":  # the prepared photos and their files' versions (what
                    # the code keeps there, such as checked templates, is the same with and
                    # without photos: it stays)
                    for kind in ("photos", "photo-versions"):
                        shutil.rmtree(user_cache / kind, ignore_errors=True)
                path = realistic.write_realistic_mine(
                    work / ("realistic" if photos else "realistic-no-photos"), 0, photos=photos)
                runs[key].append(build_cold(path, work, greenmine, 1)["cpu_s"]["median"])
    shutil.rmtree(user_cache, ignore_errors=True)
    return {k: spread(v) for k, v in runs.items()}


def photo_decode_floor(photo_files: list[Path], repeats: int = 3) -> float:
    """CPU to decode ``photo_files`` at libjpeg's smallest scale (1/8; the best of
    ``repeats``): Huffman decoding of every byte, which no scale avoids. A first build that
    prepares these photos spends at least this, whatever else it does."""
    from PIL import Image

    best = float("inf")
    for _ in range(repeats):
        t = time.process_time()
        for f in photo_files:
            with Image.open(f) as img:
                img.draft("RGB", (1, 1))
                img.load()
        best = min(best, time.process_time() - t)
    return best


def photo_stages(photo_files: list[Path], repeats: int = 3) -> dict[str, float]:
    """Where a first build's preparation of ``photo_files`` spends its CPU, stage by stage,
    through the preparation's own steps (``photos._planned``, ``_resized``, ``_encoded``):
    reading the file, decoding at the scale it chose, resizing, turning, saving (seconds for
    all files, the best of ``repeats`` per stage). Set beside :func:`photo_decode_floor`:
    ``decode`` minus the floor is what decoding at print size rather than 1/8 costs."""
    import io

    from PIL import Image

    from greenmine_docs.documents.assessment import photos

    best: dict[str, float] = {}
    for _ in range(repeats):
        spent = dict.fromkeys(("read", "decode", "resize", "turn", "encode"), 0.0)
        for f in photo_files:
            t = time.process_time()
            data = f.read_bytes()
            spent["read"] += time.process_time() - t
            t = time.process_time()
            with Image.open(io.BytesIO(data)) as img:
                turn, target = photos._planned(img)
                img.load()
                spent["decode"] += time.process_time() - t
                t = time.process_time()
                small = photos._resized(img, target)
            spent["resize"] += time.process_time() - t
            t = time.process_time()
            small = small.transpose(turn) if turn is not None else small
            spent["turn"] += time.process_time() - t
            t = time.process_time()
            photos._encoded(small, "JPEG")
            spent["encode"] += time.process_time() - t
        best = {k: min(v, best.get(k, v)) for k, v in spent.items()}
    return best


# -- CPU against deflate ---------------------------------------------------------------------------
def deflate_cpu(files: list[Path], level: int, repeats: int = 3) -> float:
    """CPU to deflate every compressed member of ``files`` at ``level`` (the best of
    ``repeats``)."""
    parts = []
    for f in files:
        with zipfile.ZipFile(f) as zf:
            parts += [zf.read(i) for i in zf.infolist() if i.compress_type == zipfile.ZIP_DEFLATED]
    best = float("inf")
    for _ in range(repeats):
        t = time.process_time()
        for data in parts:
            z = zlib.compressobj(level, zlib.DEFLATED, -15)
            z.compress(data)
            z.flush()
        best = min(best, time.process_time() - t)
    return best


def cpu_vs_deflate(mines_dir: Path, work: Path, mines: int) -> dict[str, Any]:
    """CPU per mine of ``batch.process`` (after two warm-up mines) ÷ CPU to deflate its
    outputs' compressed parts at :data:`greenmine_docs.outputs.PACKAGE_COMPRESSLEVEL`."""
    from greenmine_docs import batch
    from greenmine_docs.outputs import PACKAGE_COMPRESSLEVEL

    out = work / "deflate-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tasks = batch.collect_tasks(mines_dir, out, as_of=None, strict=False, zip_bundle=False,
                                validate_only=False)[:mines + 2]
    batch._warm_up(False)
    for task in tasks[:2]:
        batch.process(task)
    ratios, cpus, deflates = [], [], []
    for task in tasks[2:]:
        t = time.process_time()
        outcome = batch.process(task)
        cpu = time.process_time() - t
        docs = [out / f for f in outcome.files if f.endswith(DOC_SUFFIXES)]
        if len(docs) < 5:
            raise SystemExit(f"{task.key}: {len(docs)} documents, expected at least 5")
        d = deflate_cpu(docs, PACKAGE_COMPRESSLEVEL)
        cpus.append(cpu)
        deflates.append(d)
        ratios.append(cpu / d)
    shutil.rmtree(out, ignore_errors=True)
    return {"ratio": statistics.median(ratios), "ratios": spread(ratios),
            "cpu_s_per_mine": spread(cpus), "deflate_cpu_s_per_mine": spread(deflates),
            "level": PACKAGE_COMPRESSLEVEL}


# -- PDFs ------------------------------------------------------------------------------------------
def _office_cpu(office: Any) -> float:
    """CPU seconds used so far by the LibreOffice session's processes (its helper's process
    group: the helper, oosplash, soffice.bin)."""
    if office._proc is None:
        return 0.0
    leader, ticks = office._proc.pid, os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def running_office_cpu(docx_files: list[Path]) -> dict[str, Any]:
    """CPU and wall time of converting each file (as ``batch --pdf`` does: TOC read back,
    PDF exported) in one LibreOffice already running."""
    from greenmine_docs.docx.office import Office
    from greenmine_docs.docx.pdf import find_soffice

    soffice = find_soffice()
    assert soffice is not None
    cpu, wall = [], []
    with Office(soffice) as office:
        if not office.lays_out():
            raise SystemExit("LibreOffice's Python bridge (uno) is not available")
        office.convert(docx_files[0].read_bytes(), name="warm-up", pdf=True)
        for f in docx_files:
            data = f.read_bytes()
            c0, w0, p0 = _office_cpu(office), time.perf_counter(), time.process_time()
            office.convert(data, name=f.stem, pdf=True)
            wall.append(time.perf_counter() - w0)
            cpu.append(_office_cpu(office) - c0 + time.process_time() - p0)
    return {"cpu_s": spread(cpu), "wall_s": spread(wall)}


def fresh_soffice(docx: Path, work: Path, runs: int = 3) -> dict[str, Any]:
    """A new ``soffice --convert-to pdf`` per document (with a throw-away profile)."""
    from greenmine_docs.docx.pdf import find_soffice

    soffice = find_soffice()
    assert soffice is not None
    walls, cpus = [], []
    for n in range(runs):
        profile = work / f"fresh-profile-{n}"
        shutil.rmtree(profile, ignore_errors=True)
        r = command([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                     "--norestore", "--convert-to", "pdf", "--outdir", str(work / "fresh"),
                     str(docx)])
        walls.append(r["wall_s"])
        cpus.append(r["cpu_s"])
        shutil.rmtree(profile, ignore_errors=True)
    return {"wall_s": spread(walls), "cpu_s": spread(cpus)}


def pdf_batch(src: Path, work: Path, greenmine: list[str], sample: int) -> dict[str, Any]:
    """``batch --pdf -j 2`` and ``batch -j 2`` over the same mines; the PDFs counted on disk;
    the running-LibreOffice and fresh-soffice baselines on (a sample of) the same files."""
    out_pdf, out_plain = work / "out-pdf", work / "out-pdf-plain"
    for out in (out_pdf, out_plain):
        shutil.rmtree(out, ignore_errors=True)
    plain = command([*greenmine, "batch", str(src), "-o", str(out_plain), "-j", "2"])
    with_pdf = command([*greenmine, "batch", str(src), "-o", str(out_pdf), "-j", "2", "--pdf"])
    pdfs = files_on_disk(out_pdf, (".pdf",))
    docx = sorted(files_on_disk(out_pdf, (".docx",)))
    if not pdfs or len(pdfs) != len(docx):
        raise SystemExit(f"batch --pdf wrote {len(pdfs)} PDFs for {len(docx)} Word documents")
    step = max(1, len(docx) // sample)
    chosen = docx[::step][:sample]
    running = running_office_cpu(chosen)
    fresh = fresh_soffice(chosen[0], work)
    added_cpu = (with_pdf["cpu_s"] - plain["cpu_s"]) / len(pdfs)
    docs_per_s = len(pdfs) / with_pdf["wall_s"]
    shutil.rmtree(out_plain, ignore_errors=True)
    shutil.rmtree(out_pdf, ignore_errors=True)
    return {"pdfs": len(pdfs), "batch_pdf": with_pdf, "batch_plain": plain,
            "cpu_s_per_pdf_in_batch": added_cpu, "running_office": running,
            "sampled_files": len(chosen), "fresh_soffice": fresh,
            "pdf_docs_per_s": docs_per_s,
            "pdf_vs_fresh_soffice": docs_per_s * fresh["wall_s"]["median"],
            "pdf_per_doc_ratio": added_cpu / running["cpu_s"]["median"]}


# -- commands --------------------------------------------------------------------------------------
def validate_cli(workbook: Path, work: Path, greenmine: list[str], runs: int) -> dict[str, Any]:
    """The whole ``greenmine batch WORKBOOK -o OUT --validate-only -j 2`` command."""
    walls, cpus = [], []
    for _ in range(runs):
        out = work / "out-validate-cli"
        shutil.rmtree(out, ignore_errors=True)
        r = command([*greenmine, "batch", str(workbook), "-o", str(out), "--validate-only",
                     "-j", "2"])
        walls.append(r["wall_s"])
        cpus.append(r["cpu_s"])
        shutil.rmtree(out, ignore_errors=True)
    return {"wall_s": spread(walls), "cpu_s": spread(cpus)}


def build_cold(example: Path, work: Path, greenmine: list[str], runs: int,
               empty_cache: Path | None = None) -> dict[str, Any]:
    """``greenmine build EXAMPLE -o OUT --force`` in a new process, ``runs`` times (with
    ``empty_cache``: that folder removed before each, as the user's cache of a first build)."""
    walls, cpus = [], []
    out = work / "out-build-cold"
    for _ in range(runs):
        if empty_cache is not None:
            shutil.rmtree(empty_cache, ignore_errors=True)
        r = command([*greenmine, "build", str(example), "-o", str(out), "--force"])
        walls.append(r["wall_s"])
        cpus.append(r["cpu_s"])
    shutil.rmtree(out, ignore_errors=True)
    return {"wall_s": spread(walls), "cpu_s": spread(cpus)}


def timed(say: Callable[[str], None], label: str, f: Callable[[], Any]) -> Any:
    say(label)
    return f()


if __name__ == "__main__":  # a quick look at one figure: python real_inputs.py photos WORKDIR
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if sys.argv[1] == "photos":
        print(photo_ratio(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3))
