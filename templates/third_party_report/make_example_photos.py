"""Draw the examples' "site photos" (examples/shanxi-limestone/photos/ and
examples/inner-mongolia-coal/photos/).

The example mines are fictional, so their photos are sketches drawn with Pillow: simple scenes
of an open-pit limestone quarry (benches, crushing plant, truck wash, waste dump, stockpile,
green belt, sign board) and of an underground coal mine (coal yard, mine-water plant, gangue
backfill station, subsidence area, greened industrial site, roadway) with a date stamp, as a
site camera would print. Each file stays under 60 KB. Run from the repository root:

    .venv/bin/python templates/third_party_report/make_example_photos.py

Output is deterministic (fixed random seed), so re-running gives the same files.
"""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
W, H = 800, 600
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)

SKY, SKY_LOW = (168, 198, 226), (222, 232, 240)
ROCK, ROCK_DARK, ROCK_LIGHT = (186, 180, 168), (140, 134, 124), (214, 209, 198)
SOIL, GREEN, GREEN_DARK = (158, 128, 92), (104, 150, 78), (62, 108, 58)
CONCRETE, ROOF, STEEL = (200, 200, 196), (80, 110, 140), (110, 116, 124)


def font(size: int):
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def sky(d: ImageDraw.ImageDraw, horizon: int) -> None:
    for y in range(horizon):
        t = y / max(1, horizon)
        d.line([(0, y), (W, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(SKY, SKY_LOW)))


def hills(d: ImageDraw.ImageDraw, base: int, rnd: random.Random, colour=(150, 158, 140)) -> None:
    pts = [(0, base)]
    for x in range(0, W + 80, 80):
        pts.append((x, base - rnd.randint(40, 110)))
    pts.append((W, base))
    d.polygon(pts, fill=colour)


def tree(d: ImageDraw.ImageDraw, x: int, y: int, s: int) -> None:
    d.rectangle([x - s // 10, y - s // 3, x + s // 10, y], fill=(96, 72, 48))
    d.ellipse([x - s // 2, y - s - s // 3, x + s // 2, y - s // 4], fill=GREEN_DARK)
    d.ellipse([x - s // 3, y - s - s // 2, x + s // 3, y - s // 2], fill=GREEN)


def truck(d: ImageDraw.ImageDraw, x: int, y: int, covered: bool = True) -> None:
    d.rectangle([x, y - 50, x + 120, y - 12], fill=(210, 160, 40))
    if covered:
        d.polygon([(x, y - 50), (x + 120, y - 50), (x + 110, y - 62), (x + 10, y - 62)],
                  fill=(40, 90, 60))
    d.rectangle([x + 120, y - 44, x + 160, y - 12], fill=(200, 60, 50))
    d.rectangle([x + 130, y - 40, x + 152, y - 28], fill=(170, 210, 235))
    for wx in (x + 22, x + 92, x + 140):
        d.ellipse([wx - 12, y - 22, wx + 12, y + 2], fill=(30, 30, 30))


def stamp(d: ImageDraw.ImageDraw, text: str) -> None:
    f = font(20)
    d.text((W - 16, H - 14), text, font=f, fill=(255, 200, 60), anchor="rs",
           stroke_width=2, stroke_fill=(40, 40, 40))


def benches(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H), ROCK_DARK)
    d = ImageDraw.Draw(img)
    sky(d, 200)
    hills(d, 220, rnd)
    d.polygon([(0, 200), (W, 190), (W, H), (0, H)], fill=(124, 118, 108))  # pit wall
    for i in range(6):  # steps of the pit, from the top
        top = 200 + i * 62
        left = 40 + i * 55
        d.polygon([(left, top), (W, top - 10), (W, top + 48), (left + 40, top + 52)],
                  fill=ROCK_LIGHT if i % 2 else ROCK)
        d.line([(left + 40, top + 52), (W, top + 48)], fill=ROCK_DARK, width=3)
    d.rectangle([0, 560, W, H], fill=ROCK_DARK)
    # excavator on the fourth bench
    d.rectangle([430, 380, 510, 420], fill=(230, 180, 30))
    d.rectangle([440, 360, 480, 382], fill=(230, 180, 30))
    d.line([(505, 390), (580, 340), (610, 400)], fill=(200, 150, 20), width=8)
    d.rectangle([425, 420, 520, 436], fill=(40, 40, 40))
    stamp(d, "2023-09-14 09:42  东采区1225平台")
    return img


def crusher(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, 300)
    hills(d, 310, rnd)
    d.rectangle([0, 300, W, H], fill=CONCRETE)
    d.rectangle([180, 150, 520, 470], fill=(226, 228, 230), outline=STEEL, width=3)
    d.polygon([(170, 150), (530, 150), (350, 95)], fill=ROOF)
    for x in range(210, 500, 60):
        d.rectangle([x, 200, x + 34, 240], fill=(150, 190, 220))
    # closed belt gallery to the right
    d.polygon([(520, 330), (790, 190), (790, 230), (520, 370)], fill=(190, 194, 200),
              outline=STEEL)
    # spray mist
    for _ in range(120):
        x, y = rnd.randint(540, 700), rnd.randint(380, 470)
        r = rnd.randint(4, 12)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(235, 240, 245))
    d.rectangle([600, 470, 612, 540], fill=STEEL)
    d.text((200, 110), "破碎站", font=font(30), fill=(255, 255, 255))
    stamp(d, "2023-09-14 10:25  破碎站卸料口及喷雾抑尘")
    return img


def truck_wash(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, 260)
    hills(d, 270, rnd)
    d.rectangle([0, 260, W, H], fill=(120, 124, 120))
    d.polygon([(0, 600), (300, 300), (500, 300), (800, 600)], fill=CONCRETE)
    d.rectangle([230, 330, 570, 350], fill=(90, 130, 170))  # wash trough
    for x in range(240, 570, 30):
        d.line([(x, 330), (x + 8, 300)], fill=(200, 225, 245), width=3)
    truck(d, 300, 470)
    d.rectangle([600, 300, 740, 380], fill=(20, 90, 160))
    d.text((612, 322), "车辆冲洗", font=font(28), fill=(255, 255, 255))
    stamp(d, "2023-09-14 11:08  矿区出入口冲洗设施")
    return img


def waste_dump(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H), SOIL)
    d = ImageDraw.Draw(img)
    sky(d, 180)
    hills(d, 190, rnd)
    for i in range(4):
        top = 180 + i * 100
        colour = GREEN if i < 3 else SOIL
        d.polygon([(0, top), (W, top - 20), (W, top + 80), (0, top + 100)], fill=colour)
        d.line([(0, top + 100), (W, top + 80)], fill=(90, 80, 60), width=4)
        if i < 3:
            for x in range(30, W, 70):
                tree(d, x + rnd.randint(-10, 10), top + 70, 40)
    d.text((520, 520), "未覆土台阶", font=font(26), fill=(255, 255, 255),
           stroke_width=2, stroke_fill=(60, 40, 20))
    stamp(d, "2023-09-14 14:36  北部停用排土场")
    return img


def stockpile(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, 250)
    hills(d, 260, rnd)
    d.rectangle([0, 250, W, H], fill=(150, 146, 136))
    d.polygon([(40, 520), (230, 300), (420, 520)], fill=ROCK_LIGHT)  # uncovered
    d.polygon([(380, 520), (580, 290), (780, 520)], fill=(40, 110, 70))  # netted
    for x in range(400, 770, 24):
        d.line([(x, 520), (580, 292)], fill=(70, 140, 95), width=1)
    d.ellipse([150, 330, 330, 540], outline=(220, 40, 40), width=6)
    stamp(d, "2023-09-14 15:12  成品料场东侧")
    return img


def green_belt(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, 240)
    hills(d, 250, rnd)
    d.rectangle([0, 240, W, H], fill=GREEN)
    d.polygon([(330, 250), (470, 250), (760, 600), (40, 600)], fill=(96, 96, 100))
    d.line([(400, 260), (400, 600)], fill=(240, 240, 240), width=4)
    for y in range(270, 600, 45):
        s = 20 + (y - 250) // 4
        tree(d, 300 - (y - 250) * 8 // 10, y + s // 2, s)
        tree(d, 500 + (y - 250) * 8 // 10, y + s // 2, s)
    stamp(d, "2023-09-15 08:50  进场道路绿化隔离带")
    return img


def sign_board(rnd: random.Random) -> Image.Image:
    """A PNG (drawings are often PNG): the public sign of the green mine construction."""
    img = Image.new("RGB", (W, H), (230, 236, 240))
    d = ImageDraw.Draw(img)
    sky(d, 300)
    hills(d, 320, rnd)
    d.rectangle([0, 320, W, H], fill=(170, 160, 140))
    d.rectangle([150, 120, 650, 420], fill=(20, 100, 60), outline=(230, 230, 230), width=6)
    d.rectangle([250, 420, 270, 560], fill=STEEL)
    d.rectangle([530, 420, 550, 560], fill=STEEL)
    d.text((400, 170), "绿色矿山建设公示牌", font=font(36), fill=(255, 255, 255), anchor="mm")
    f = font(20)
    for i, line in enumerate(("矿山名称：青岚山水泥用灰岩矿", "建设目标：2023年达到绿色矿山标准",
                              "监督电话：0358-3021166")):
        d.text((190, 230 + i * 50), line, font=f, fill=(235, 245, 235))
    return img.quantize(colors=32)


SAND_HILLS = (196, 176, 140)  # the Ordos plateau behind the coal mine's scenes


def landscape(rnd: random.Random, horizon: int, ground, hills_colour=SAND_HILLS,
              base=None):
    """A new photo with sky, hills and ground up to ``horizon``: (image, drawing)."""
    img = Image.new("RGB", (W, H), base) if base else Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, horizon)
    hills(d, horizon + 10, rnd, colour=hills_colour)
    d.rectangle([0, horizon, W, H], fill=ground)
    return img, d


def coal_yard(rnd: random.Random) -> Image.Image:
    """Closed silos on the left, the open temporary coal yard (circled) on the right."""
    img, d = landscape(rnd, 250, (150, 140, 120))
    for x in (60, 180):
        d.rectangle([x, 140, x + 90, 470], fill=CONCRETE, outline=STEEL, width=3)
        d.ellipse([x, 120, x + 90, 160], fill=(210, 210, 206), outline=STEEL, width=3)
    d.polygon([(380, 520), (560, 330), (760, 520)], fill=(38, 38, 40))
    d.ellipse([360, 310, 780, 560], outline=(220, 40, 40), width=6)
    stamp(d, "2024-09-13 09:40  东侧临时储煤场")
    return img


def mine_water(rnd: random.Random) -> Image.Image:
    img, d = landscape(rnd, 230, CONCRETE)
    for x in (80, 330, 580):
        d.rectangle([x, 330, x + 180, 470], fill=(90, 120, 140), outline=STEEL, width=4)
        d.rectangle([x + 10, 340, x + 170, 360], fill=(120, 170, 200))
    d.rectangle([250, 140, 560, 300], fill=(226, 228, 230), outline=STEEL, width=3)
    d.text((405, 200), "矿井水处理站", font=font(30), fill=(40, 60, 90), anchor="mm")
    stamp(d, "2024-09-13 11:20  矿井水处理站")
    return img


def backfill(rnd: random.Random) -> Image.Image:
    img, d = landscape(rnd, 260, (130, 124, 116))
    d.polygon([(40, 520), (200, 330), (360, 520)], fill=(84, 80, 76))  # gangue heap
    d.rectangle([420, 180, 700, 470], fill=(220, 222, 224), outline=STEEL, width=3)
    d.polygon([(360, 470), (460, 300), (480, 310), (380, 480)], fill=(150, 154, 160))
    d.text((560, 230), "矸石充填站", font=font(28), fill=(40, 60, 90), anchor="mm")
    stamp(d, "2024-09-13 14:05  矸石周转场及充填站")
    return img


def subsidence(rnd: random.Random) -> Image.Image:
    img, d = landscape(rnd, 200, (214, 192, 148), (190, 172, 132), base=(206, 184, 140))
    for _ in range(9):  # open cracks
        x, y = rnd.randint(40, 760), rnd.randint(260, 560)
        d.line([(x, y), (x + rnd.randint(-120, 120), y + rnd.randint(10, 60))],
               fill=(90, 70, 50), width=rnd.randint(3, 7))
    for x in range(30, W, 90):  # shrubs planted on the treated part
        if x < 360:
            tree(d, x, 560, 30)
    stamp(d, "2024-09-14 09:15  二盘区地表沉陷区")
    return img


def green_site(rnd: random.Random) -> Image.Image:
    img, d = landscape(rnd, 240, GREEN)
    d.rectangle([260, 170, 540, 330], fill=(226, 228, 230), outline=STEEL, width=3)
    d.polygon([(250, 170), (550, 170), (400, 120)], fill=ROOF)
    for x in range(40, W, 80):
        tree(d, x, 470 + rnd.randint(-10, 10), 46)
    stamp(d, "2024-09-14 10:30  工业场地绿化")
    return img


def roadway(rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H), (34, 34, 38))
    d = ImageDraw.Draw(img)
    d.polygon([(120, 600), (330, 200), (470, 200), (680, 600)], fill=(70, 70, 74))
    d.polygon([(0, 0), (330, 200), (120, 600), (0, 600)], fill=(48, 48, 52))
    d.polygon([(800, 0), (470, 200), (680, 600), (800, 600)], fill=(48, 48, 52))
    for i in range(6):  # lamps along the roof
        y = 200 + i * 50
        x = 400 + (i - 2) * 4
        d.ellipse([x - 6 - i, y - 6, x + 6 + i, y + 6], fill=(250, 240, 190))
    d.polygon([(360, 470), (440, 470), (470, 600), (330, 600)], fill=(110, 120, 130))  # belt
    stamp(d, "2024-09-13 16:40  井下运输大巷")
    return img


PHOTOS = {
    "01-bench.jpg": benches,
    "02-crusher.jpg": crusher,
    "03-truck-wash.jpg": truck_wash,
    "04-waste-dump.jpg": waste_dump,
    "05-stockpile.jpg": stockpile,
    "06-green-belt.jpg": green_belt,
    "07-sign-board.png": sign_board,
}
COAL_PHOTOS = {
    "01-coal-yard.jpg": coal_yard,
    "02-mine-water.jpg": mine_water,
    "03-backfill.jpg": backfill,
    "04-subsidence.jpg": subsidence,
    "05-green-site.jpg": green_site,
    "06-roadway.jpg": roadway,
}
SETS = {"shanxi-limestone": (PHOTOS, 1000), "inner-mongolia-coal": (COAL_PHOTOS, 2000)}


def main() -> None:
    for example, (photos, seed) in SETS.items():
        out = EXAMPLES / example / "photos"
        out.mkdir(parents=True, exist_ok=True)
        for i, (name, draw) in enumerate(photos.items()):
            img = draw(random.Random(seed + i))
            target = out / name
            if name.endswith(".png"):
                img.save(target, format="PNG", optimize=True)
            else:
                img.save(target, format="JPEG", quality=80, optimize=True)
            size = target.stat().st_size
            assert size < 60 * 1024, f"{name} is {size} bytes"
            print(f"{target.relative_to(EXAMPLES.parent)}  {size // 1024} KB")


if __name__ == "__main__":
    main()
