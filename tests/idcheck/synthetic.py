"""Synthetic Dutch ID-card (TD1) and passport (TD3) specimens, drawn with Pillow, for tests and bench.

Each specimen has a face photo (scikit-image's public-domain `astronaut`), a document number, a BSN
and an MRZ with correct check digits; any part can be blacked out, and the image can be rotated,
"photographed" (perspective, uneven light, noise, JPEG) or shrunk. All numbers are made up.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from skimage import data as skdata

from privacydesk.idcheck.messages import Part
from privacydesk.idcheck.mrz import check_digit

FONTS = "/usr/share/fonts/truetype/dejavu/"
SURNAMES = ["DE VRIES", "JANSEN", "BAKKER", "VISSER", "SMIT", "MEIJER", "DE BOER", "MULDER", "BOS", "VOS"]
GIVEN = ["ANNA MARIA", "WILLEMIJN", "SOPHIE", "EMMA", "JULIA", "LOTTE", "FLEUR", "SANNE ELISABETH"]
ALNUM = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789"  # never the letter O
ALL_PARTS = frozenset(Part)
TRANSFORMS = ("flat", "rotated", "photo", "lowres")


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS + name, size)


@cache
def face_photo() -> Image.Image:
    """Head and shoulders of the astronaut test image (public domain, shipped with scikit-image)."""
    return Image.fromarray(skdata.astronaut()).crop((110, 0, 340, 300))


def make_bsn(rng: random.Random) -> str:
    """A 9-digit number that passes the 11-check (9·d1 + … + 2·d8 − d9 ≡ 0 mod 11)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if total < 10:
            return "".join(map(str, digits)) + str(total)


def make_document_number(rng: random.Random) -> str:
    letters = ALNUM[:25]
    return (
        rng.choice(letters)
        + rng.choice(letters)
        + "".join(rng.choice(ALNUM) for _ in range(6))
        + str(rng.randint(0, 9))
    )


@dataclass(frozen=True)
class Person:
    surname: str
    given: str
    birth: str  # YYMMDD
    expiry: str
    sex: str
    number: str
    bsn: str

    @staticmethod
    def random(rng: random.Random) -> Person:
        birth = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        expiry = f"{rng.randint(27, 35):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return Person(
            rng.choice(SURNAMES),
            rng.choice(GIVEN),
            birth,
            expiry,
            rng.choice("FM"),
            make_document_number(rng),
            make_bsn(rng),
        )


def _name_field(p: Person, width: int) -> str:
    return (p.surname.replace(" ", "<") + "<<" + p.given.replace(" ", "<")).ljust(width, "<")[:width]


def td1_lines(p: Person) -> list[str]:
    """The three 30-character lines of a Dutch identity card's MRZ (the BSN in the optional data)."""
    line1 = f"I<NLD{p.number}{check_digit(p.number)}{p.bsn}".ljust(30, "<")
    head = f"{p.birth}{check_digit(p.birth)}{p.sex}{p.expiry}{check_digit(p.expiry)}NLD"
    line2 = head.ljust(29, "<")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    return [line1, line2 + str(check_digit(composite)), _name_field(p, 30)]


def td3_lines(p: Person) -> list[str]:
    """The two 44-character lines of a Dutch passport's MRZ (the BSN as personal number)."""
    personal = p.bsn.ljust(14, "<")
    line2 = (
        f"{p.number}{check_digit(p.number)}NLD{p.birth}{check_digit(p.birth)}{p.sex}"
        f"{p.expiry}{check_digit(p.expiry)}{personal}{check_digit(personal)}"
    )
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return ["P<NLD" + _name_field(p, 39), line2 + str(check_digit(composite))]


@dataclass
class Specimen:
    """A generated image and the parts still readable on it (the ground truth)."""

    kind: str
    transform: str
    visible: frozenset[Part]
    data: bytes = field(repr=False)
    filename: str = "specimen.png"


@dataclass(frozen=True)
class Layout:
    """A document's size in mm, where its parts go (mm), and its MRZ lines."""

    kind: str
    size: tuple[float, float]
    title: str
    photo: tuple[float, float, float, float]
    fields_at: tuple[float, float]
    number_at: tuple[float, float]
    mrz_top: float


CARD = Layout(
    "card", (85.6, 66.0), "IDENTITEITSKAART / IDENTITY CARD", (4, 11, 24, 31), (31, 11), (31, 33.4), 46.5
)
PASSPORT = Layout(
    "passport", (125.0, 88.0), "PASPOORT / PASSPORT", (5, 14, 32, 42), (42, 14), (88, 6.5), 70.0
)
PX_PER_MM = {"card": 12.8, "passport": 11.2}


def _background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    width, height = size
    tint = np.array([rng.randint(225, 245), rng.randint(232, 248), rng.randint(238, 252)], dtype=np.float32)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    waves = (np.sin(x / 9.0 + 6 * np.sin(y / 47.0)) > 0.93).astype(np.float32)[..., None]
    pixels = tint - waves * np.array([18, 12, 6], dtype=np.float32)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


class Drawer:
    """Draws one document in mm coordinates and remembers where each part went (in pixels)."""

    def __init__(self, layout: Layout, rng: random.Random) -> None:
        self.layout, self.s = layout, PX_PER_MM[layout.kind]
        w, h = layout.size
        self.image = _background((round(w * self.s), round(h * self.s)), rng)
        self.draw = ImageDraw.Draw(self.image)
        self.boxes: dict[Part, tuple[int, int, int, int]] = {}

    def text(
        self,
        at: tuple[float, float],
        text: str,
        size_mm: float,
        name: str = "DejaVuSans.ttf",
        fill: tuple[int, int, int] = (20, 20, 30),
    ) -> tuple[int, int, int, int]:
        xy = (round(at[0] * self.s), round(at[1] * self.s))
        f = font(name, round(size_mm * self.s))
        self.draw.text(xy, text, font=f, fill=fill)
        left, top, right, bottom = self.draw.textbbox(xy, text, font=f)
        return (left, top, right, bottom)

    def field(self, at: tuple[float, float], label: str, value: str) -> tuple[int, int, int, int]:
        self.text(at, label, 1.9, fill=(70, 80, 110))
        return self.text((at[0], at[1] + 2.4), value, 2.9, "DejaVuSans-Bold.ttf")

    def photo(self) -> None:
        x, y, w, h = (round(v * self.s) for v in self.layout.photo)
        self.image.paste(face_photo().resize((w, h), Image.Resampling.LANCZOS), (x, y))
        self.boxes[Part.PHOTO] = (x, y, x + w, y + h)

    def mrz(self, lines: list[str]) -> None:
        width_mm = self.layout.size[0] - 8
        size_mm = width_mm / (len(lines[0]) * 0.602)
        boxes = [
            self.text(
                (4, self.layout.mrz_top + i * size_mm * 1.3),
                line,
                size_mm,
                "DejaVuSansMono.ttf",
                fill=(10, 10, 10),
            )
            for i, line in enumerate(lines)
        ]
        self.boxes[Part.MRZ] = (boxes[0][0], boxes[0][1], max(b[2] for b in boxes), boxes[-1][3])

    def black_out(self, hidden: frozenset[Part]) -> None:
        pad = round(0.8 * self.s)
        for part in hidden:
            left, top, right, bottom = self.boxes[part]
            self.draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), fill=(0, 0, 0))


def _bsn_text(bsn: str, rng: random.Random) -> str:
    return rng.choice([f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}", bsn, f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}"])


def draw_document(layout: Layout, person: Person, hidden: frozenset[Part], rng: random.Random) -> Image.Image:
    """The document with every part in `hidden` blacked out."""
    d = Drawer(layout, rng)
    d.text((4, 2.2), "KONINKRIJK DER NEDERLANDEN", 3.0, "DejaVuSans-Bold.ttf")
    d.text((4, 6.2), layout.title, 2.3)
    d.photo()
    x, y = layout.fields_at
    d.field((x, y), "Naam / Surname", person.surname)
    d.field((x, y + 5.6), "Voornamen / Given names", person.given)
    d.field(
        (x, y + 11.2),
        "Geboortedatum / Date of birth",
        f"{person.birth[4:]}.{person.birth[2:4]}.19{person.birth[:2]}",
    )
    bsn_at = (x, y + 16.8) if layout.kind == "card" else (x, y + 22.4)
    if layout.kind == "passport":
        d.field((x, y + 16.8), "Nationaliteit / Nationality", "NEDERLANDSE")
    d.boxes[Part.BSN] = d.field(bsn_at, "Persoonsnummer / Personal no.", _bsn_text(person.bsn, rng))
    d.boxes[Part.DOCUMENT_NUMBER] = d.field(layout.number_at, "Documentnummer / Document no.", person.number)
    d.mrz(td1_lines(person) if layout.kind == "card" else td3_lines(person))
    d.black_out(hidden)
    return d.image


def _encode(image: Image.Image, fmt: str, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=quality)
    return buffer.getvalue()


def rotate(image: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.choice([-1, 1]) * rng.uniform(2, 5)
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(250, 250, 250))


def photograph(
    image: Image.Image, rng: random.Random, *, canvas: tuple[int, int] | None = None
) -> Image.Image:
    """The document photographed at an angle on a table: perspective, uneven light, blur and noise."""
    doc = np.asarray(image).astype(np.float32)
    h, w = doc.shape[:2]
    cw, ch = canvas or (round(w * 1.3), round(h * 1.35))
    scale = min(cw / w, ch / h) * rng.uniform(0.72, 0.82)
    ox, oy = (cw - w * scale) / 2, (ch - h * scale) / 2
    j = 0.05 * w * scale
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32(
        [[ox + rng.uniform(-j, j) + x * scale, oy + rng.uniform(-j, j) + y * scale] for x, y in corners]
    )
    matrix = cv2.getPerspectiveTransform(corners, target)
    table = np.full(
        (ch, cw, 3), [rng.randint(90, 150), rng.randint(70, 120), rng.randint(50, 90)], np.float32
    )
    out = cv2.warpPerspective(doc, matrix, (cw, ch), dst=table, borderMode=cv2.BORDER_TRANSPARENT)
    light = np.linspace(rng.uniform(0.75, 0.9), rng.uniform(1.0, 1.1), cw, dtype=np.float32)[None, :, None]
    out = cv2.GaussianBlur(out * light, (0, 0), 0.8)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(4, 8), out.shape)
    return Image.fromarray((out + noise).clip(0, 255).astype(np.uint8))


def shrink(image: Image.Image, rng: random.Random) -> Image.Image:
    width = rng.randint(620, 720) if image.width < 1200 else rng.randint(760, 860)
    return image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)


def make_specimen(kind: str, visible: frozenset[Part], transform: str, seed: int) -> Specimen:
    """One generated document: `visible` parts readable, the rest blacked out, then transformed."""
    rng = random.Random(seed)
    layout = CARD if kind == "card" else PASSPORT
    image = draw_document(layout, Person.random(rng), ALL_PARTS - visible, rng)
    if transform == "rotated":
        data, name = _encode(rotate(image, rng), "PNG"), "rotated.png"
    elif transform == "photo":
        data, name = _encode(photograph(image, rng), "JPEG", rng.randint(60, 80)), "photo.jpg"
    elif transform == "lowres":
        data, name = _encode(shrink(image, rng), "JPEG", 85), "lowres.jpg"
    else:
        data, name = _encode(image, "PNG"), "flat.png"
    return Specimen(kind, transform, visible, data, name)


VARIANTS: dict[str, frozenset[Part]] = {
    "readable": ALL_PARTS,
    "redacted": frozenset(),
    **{f"no_{p.value}": ALL_PARTS - {p} for p in Part},
}


def specimen_set(copies: int, *, first_seed: int = 0) -> list[tuple[str, Specimen]]:
    """Every kind × variant × transform, `copies` times with different people and noise."""
    out, seed = [], first_seed
    for _ in range(copies):
        for kind in ("card", "passport"):
            for variant, visible in VARIANTS.items():
                for transform in TRANSFORMS:
                    seed += 1
                    out.append((variant, make_specimen(kind, visible, transform, seed)))
    return out


def phone_photo(seed: int = 0) -> bytes:
    """A 12-megapixel (4000×3000) JPEG of an unredacted card on a table, as a phone takes it."""
    rng = random.Random(seed)
    image = draw_document(CARD, Person.random(rng), frozenset(), rng)
    big = image.resize((image.width * 3, image.height * 3), Image.Resampling.BICUBIC)
    return _encode(photograph(big, rng, canvas=(4000, 3000)), "JPEG", 88)
