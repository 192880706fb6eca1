"""A realistic mine for the benchmark: what a real submission carries that the synthetic mines
(``synth.py``) do not.

* six phone photos: 4032 × 3024 JPEGs (about 3–4 MB each, camera-like content: smooth colour
  fields, edges and grain) with the EXIF orientation a phone writes for a photo taken upright
  (6: turn 90° clockwise), generated here at run time (nothing is downloaded or stored in the
  repository); the seventh photo stays the example's small PNG;
* a long Markdown narrative: the example's ``plan/exploitation.md`` followed by about twenty
  pages of sections, paragraphs, lists and emphasis built from the example's own texts;
* 40 plan tasks: the example's 15 split into sections (标段) whose investments add up to each
  original task's, so totals and funding still match.

:func:`write_realistic_mine` writes the mine (``photos=False``: the same mine without photos,
for ``photo_ratio``); the files are made once per folder (``--workdir`` keeps them).
"""
from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import synth

PHOTO_SIZE = (4032, 3024)
PHOTOS = 6
TASKS = 40
VERSION = "1"  # of what this module writes: a kept workdir with another version is rewritten


def phone_photo(path: Path, seed: int, size: tuple[int, int] = PHOTO_SIZE,
                orientation: int = 6) -> Path:
    """A camera-like JPEG (quality 92, as phones save) with an EXIF orientation."""
    from PIL import Image, ImageChops, ImageFilter

    rnd = random.Random(seed)
    small = Image.frombytes("RGB", (48, 36), rnd.randbytes(48 * 36 * 3))
    img = small.resize(size, Image.Resampling.BICUBIC)
    detail = Image.frombytes("RGB", (size[0] // 16, size[1] // 16),
                             rnd.randbytes(size[0] // 16 * size[1] // 16 * 3))
    detail = detail.resize(size, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(2))
    img = Image.blend(img, detail, 0.25)
    grain = Image.effect_noise(size, 7).convert("RGB")
    img = ImageChops.add(img, grain, offset=-128)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Phone"
    img.save(path, format="JPEG", quality=92, exif=exif.tobytes())
    return path


def _plain_sentences(data: dict[str, Any]) -> list[str]:
    """The narrative's sentences without figures (figures repeated under other headings would
    make the plan contradict itself, which the cross-document checks report)."""
    out = []
    for value in data["plan"]["narrative"].values():
        if not isinstance(value, str) or value.startswith("![") or value.endswith(".md"):
            continue
        for sentence in value.replace("\n", "").split("。"):
            sentence = sentence.strip().lstrip("0123456789. ")
            if len(sentence) > 12 and not any(c.isdigit() for c in sentence) and "*" not in sentence:
                out.append(sentence + "。")
    return out


def long_markdown(base: str, data: dict[str, Any]) -> str:
    """About twenty pages: the example's text, then sections made of the narrative's own
    sentences (without figures), with lists and emphasis."""
    sentences = _plain_sentences(data)
    out = [base.strip()]
    for n in range(1, 25):
        pick = [sentences[(n * 5 + k) % len(sentences)] for k in range(9)]
        out.append(f"# 专题{n}：现状与措施")
        out.append("".join(pick[:4]))
        out.append("主要做法：")
        out.extend(f"- **措施{k + 1}**：{line}" for k, line in enumerate(pick[4:7]))
        out.append("".join(pick[7:]) + "".join(pick[:2]))
    return "\n\n".join(out) + "\n"


def forty_tasks(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's tasks split into :data:`TASKS` sections; each task's sections add up to its
    investment (to the cent). Tasks with a yearly breakdown stay whole."""
    tasks = plan["tasks"]
    whole = [t for t in tasks if t.get("by_year")]
    split = [t for t in tasks if not t.get("by_year")]
    parts = TASKS - len(whole)
    counts = {id(t): parts // len(split) + (1 if i < parts % len(split) else 0)
              for i, t in enumerate(split)}
    out = []
    for task in tasks:
        count = counts.get(id(task), 1)
        cents = round(task["investment"] * 100)
        share = cents // count
        for k in range(count):
            part = copy.deepcopy(task)
            if count > 1:
                part["content"] = f"{task['content']}（第{k + 1}标段）"
                part["investment"] = (share + (cents - share * count if k == count - 1 else 0)) / 100
            out.append(part)
    return out


def mine_data(i: int = 0, *, photos: bool = True) -> dict[str, Any]:
    data = synth.mine_data(synth.example_data(), i)
    data["plan"]["tasks"] = forty_tasks(data["plan"])
    data["plan"]["narrative"]["exploitation"] = "plan/exploitation-long.md"
    a = data["assessment"]
    if photos:
        for n, photo in enumerate(a["photos"][:PHOTOS], 1):
            photo["file"] = f"photos/phone-{n}.jpg"
    else:
        a["photos"] = []
        for entry in a["scores"].values():
            if isinstance(entry, dict):
                entry.pop("photos", None)
    return data


def write_realistic_mine(dest: Path, i: int = 0, *, photos: bool = True,
                         photo_size: tuple[int, int] = PHOTO_SIZE) -> Path:
    """``dest/mine.yaml`` with the example's files, the long narrative and (``photos``) the
    six phone photos beside it; returns the input's path. Made once: a folder that already
    holds this mine (same version, number and options) is used as it is."""
    dest = Path(dest)
    stamp = dest / ".realistic"
    wanted = f"{VERSION} {i} {photos} {photo_size}"
    path = dest / "mine.yaml"
    if stamp.is_file() and stamp.read_text() == wanted and path.is_file():
        return path
    data = mine_data(i, photos=photos)
    for sub in synth.ASSET_DIRS:
        synth._link_tree(synth.EXAMPLE.parent / sub, dest / sub)
    base = (synth.EXAMPLE.parent / "plan" / "exploitation.md").read_text(encoding="utf-8")
    (dest / "plan" / "exploitation-long.md").write_text(long_markdown(base, data),
                                                        encoding="utf-8")
    if photos:
        for n in range(1, PHOTOS + 1):
            phone_photo(dest / "photos" / f"phone-{n}.jpg", seed=1000 * i + n, size=photo_size)
    path.write_text(synth._dump(data), encoding="utf-8")
    stamp.write_text(wanted)
    return path
