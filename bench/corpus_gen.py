"""Generated corpora for the scanner and mail benchmarks (no `run`: not a benchmark itself).

`pii_corpus(size, seed)` writes Dutch and English correspondence with about one identifier per
100 bytes and returns the ground truth (kind, start, end) of every identifier it planted. The text
also holds look-alikes that are NOT personal data — invoice and order numbers, amounts, dates, KvK
numbers, IBANs with a wrong check digit, nine-digit numbers that fail the 11-check — so precision
means something. `mbox_corpus(path, …)` writes an mbox of many messages, most bytes in attachments.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIRST = [
    "Jan",
    "Sanne",
    "Pieter",
    "Fatima",
    "Mohammed",
    "Emma",
    "Daan",
    "Lotte",
    "Noah",
    "Julia",
    "Sem",
    "Anna",
    "Lucas",
    "Sophie",
    "Liam",
    "Eva",
    "Milan",
    "Tess",
    "Bram",
    "Zoë",
    "Ahmed",
    "Olivia",
    "James",
    "Mary",
    "Robert",
    "Linda",
    "Thijs",
    "Fenna",
    "Ruben",
    "Iris",
]
LAST = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smith",
    "Johnson",
    "Yilmaz",
    "El Amrani",
    "Kaya",
    "van Dijk",
    "Verhoeven",
    "Willems",
    "Kok",
]
STREETS = [
    "Kerkstraat",
    "Dorpsweg",
    "Stationsplein",
    "Molenlaan",
    "Schoolstraat",
    "Havenkade",
    "Lindelaan",
    "Prinsengracht",
    "Church Road",
    "Beukenlaan",
]
CITIES = ["Amsterdam", "Utrecht", "Zwolle", "Groningen", "Eindhoven", "Deventer", "Haarlem", "Leiden"]
DOMAINS = [
    "gmail.com",
    "hotmail.nl",
    "outlook.com",
    "ziggo.nl",
    "kpnmail.nl",
    "example.org",
    "xs4all.nl",
    "bedrijf-bv.nl",
    "mail.co.uk",
]
BANKS = ["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ"]
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Truth:
    kind: str
    start: int
    end: int


def iban_nl(rng: random.Random, valid: bool = True) -> str:
    bban = rng.choice(BANKS) + "".join(rng.choice(string.digits) for _ in range(10))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "NL00")) % 97
    if not valid:
        check = (check + rng.randint(1, 40)) % 97 + 2
    return f"NL{check:02d}{bban}"


def iban_de(rng: random.Random) -> str:
    bban = "".join(rng.choice(string.digits) for _ in range(18))
    check = 98 - int(bban + "131400") % 97
    return f"DE{check:02d}{bban}"


def spaced(value: str) -> str:
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def bsn_number(rng: random.Random, valid: bool = True) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum((9 - i) * d for i, d in enumerate(digits))
        last = total % 11
        if valid and last <= 9:
            return "".join(map(str, digits)) + str(last)
        if not valid and last != 10:
            wrong = (last + rng.randint(1, 9)) % 10
            return "".join(map(str, digits)) + str(wrong)


def phone(rng: random.Random) -> str:
    mobile = "6" + rng.choice("12345") + "".join(rng.choice(string.digits) for _ in range(7))
    area = rng.choice(["20", "30", "38", "50", "40", "570", "23", "71"])
    land = area + "".join(rng.choice(string.digits) for _ in range(9 - len(area)))
    styles: list[Callable[[], str]] = [
        lambda: "0" + mobile,
        lambda: f"06-{mobile[1:]}",
        lambda: f"06 {mobile[1:3]} {mobile[3:5]} {mobile[5:7]} {mobile[7:]}",
        lambda: f"+31 6 {mobile[1:]}",
        lambda: f"+316{mobile[1:]}",
        lambda: f"0{area}-{land[len(area) :]}",
        lambda: f"0{area} {land[len(area) : len(area) + 3]} {land[len(area) + 3 :]}",
        lambda: f"(0{area}) {land[len(area) :]}",
        lambda: f"+31 {area} {land[len(area) :]}",
        lambda: f"0031 {land}",
        lambda: f"+44 20 7946 {rng.randint(1000, 9999)}",
        lambda: (
            f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        ),
    ]
    return rng.choice(styles)()


def email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice(
        [f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}", f"{last}.{first}"]
    )
    local = local.lower().replace(" ", "").replace("ë", "e")
    return f"{local}@{rng.choice(DOMAINS)}"


def postcode(rng: random.Random) -> str:
    letters = rng.choice([a + b for a in "ABCEGHJKLMNPRTVWXZ" for b in "ABCEGHJKLMNPRTVWXZ"])
    return (
        f"{rng.randint(1000, 9999)} {letters}"
        if rng.random() < 0.8
        else f"{rng.randint(1000, 9999)}{letters}"
    )


def date_of_birth(rng: random.Random) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1935, 2008)
    return rng.choice(
        [
            f"{d:02d}-{m:02d}-{y}",
            f"{d}-{m}-{y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{d} {MONTHS_NL[m - 1]} {y}",
            f"{d} {MONTHS_EN[m - 1]} {y}",
            f"{d:02d}/{m:02d}/{y}",
        ]
    )


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# (template, kind) — `{}` is where the identifier goes; other fields are filled with non-PII filler.
SENTENCES: list[tuple[str, str]] = [
    ("Beste {n}, u kunt mij bereiken op {} of later deze week.", "email"),
    ("Dear {n}, please reply to {} before Friday.", "email"),
    ("Mijn nieuwe adres is {} vanaf volgende maand.", "email"),
    ("Bel me gerust op {} als er iets is.", "phone"),
    ("You can call {n} on {} during office hours.", "phone"),
    ("Mijn telefoonnummer is gewijzigd naar {}.", "phone"),
    ("Graag het bedrag overmaken naar {} t.n.v. {n}.", "iban"),
    ("Please refund the amount to account {} in my name.", "iban"),
    ("Het rekeningnummer is {} (ING).", "iban_spaced"),
    ("Mijn BSN is {} voor de belastingaangifte.", "bsn"),
    ("BSN: {} (gevraagd door de gemeente).", "bsn"),
    ("Burgerservicenummer {} staat op mijn paspoort.", "bsn"),
    ("Ik stuur het nummer {} mee, dat hebben jullie nodig toch?", "bsn"),
    ("My citizen service number is {} if you need it.", "bsn"),
    ("Mijn adres: {s} {h}, {} {c}.", "postcode"),
    ("Please send the parcel to {s} {h}, {} {c}.", "postcode"),
    ("Postcode en huisnummer: {} {h}.", "postcode"),
    ("Mijn geboortedatum is {}.", "dob"),
    ("Date of birth: {}.", "dob"),
    ("Geboren op {} te {c}.", "dob"),
    ("I was born on {} in {c}.", "dob"),
]
DISTRACTORS = [
    "Factuur 2024-{i4} van {d} voor een bedrag van € {a}.",
    "Invoice {i6} dated {d}: total EUR {a}, due in 14 days.",
    "Ordernummer {i9b} is verzonden op {d} om 14:30.",
    "Our KvK number is {i8} and VAT NL{i9b}B01.",
    "Het rekeningnummer {bad_iban} klopt volgens mij niet.",
    "Referentie {i9b} graag vermelden bij betaling.",
    "De vergadering is op {d} om 10.00 uur in zaal 3.",
    "Version 2.4.1 was released in 2023 with 1200 fixes.",
    "We hebben 250 dozen van 30 x 40 cm besteld, levering {d}.",
    "Thanks for your message of {d}; we will get back to you.",
]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.size = 0
        self.truth: list[Truth] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def planted(self, template: str, kind: str, value: str) -> None:
        before, after = self._fill(template).split("{}", 1)
        start = self.size + len(before)
        self.truth.append(Truth(kind, start, start + len(value)))
        self.add(before + value + after + " ")

    def _fill(self, template: str) -> str:
        rng = self.rng
        return (
            template.replace("{n}", _name(rng))
            .replace("{s}", rng.choice(STREETS))
            .replace("{h}", str(rng.randint(1, 250)) + rng.choice(["", "", "", "a", "-2"]))
            .replace("{c}", rng.choice(CITIES))
        )


def _value(rng: random.Random, kind: str) -> tuple[str, str]:
    makers: dict[str, Callable[[], tuple[str, str]]] = {
        "email": lambda: ("email", email(rng)),
        "phone": lambda: ("phone", phone(rng)),
        "iban": lambda: ("iban", iban_nl(rng) if rng.random() < 0.8 else iban_de(rng)),
        "iban_spaced": lambda: ("iban", spaced(iban_nl(rng))),
        "bsn": lambda: ("bsn", bsn_number(rng)),
        "postcode": lambda: ("postcode", postcode(rng)),
        "dob": lambda: ("dob", date_of_birth(rng)),
    }
    return makers[kind]()


def _distractor(rng: random.Random) -> str:
    text = rng.choice(DISTRACTORS)
    fills = {
        "{i4}": lambda: f"{rng.randint(0, 9999):04d}",
        "{i6}": lambda: str(rng.randint(100000, 999999)),
        "{i8}": lambda: str(rng.randint(10000000, 99999999)),
        "{i9b}": lambda: bsn_number(rng, valid=False),
        "{d}": lambda: f"{rng.randint(1, 28)}-{rng.randint(1, 12)}-2024",
        "{a}": lambda: f"{rng.randint(1, 9)}.{rng.randint(100, 999)},{rng.randint(10, 99)}",
        "{bad_iban}": lambda: iban_nl(rng, valid=False),
    }
    for key, make in fills.items():
        while key in text:
            text = text.replace(key, make(), 1)
    return text + " "


def pii_text(size: int, seed: int = 4) -> tuple[str, list[Truth]]:
    """About `size` characters of NL/EN correspondence, one planted identifier per ~100 characters."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    while writer.size < size:
        if rng.random() < 0.3:
            writer.add(_distractor(rng))
        template, kind = rng.choice(SENTENCES)
        kind_name, value = _value(rng, kind)
        writer.planted(template, kind_name, value)
        if rng.random() < 0.15:
            writer.add("\n\n")
    return "".join(writer.parts), writer.truth


LOREM_NL = (
    "Bedankt voor uw bericht. Wij hebben de stukken ontvangen en verwerken deze zo snel mogelijk. "
    "Met vriendelijke groet, het team. "
)
LOREM_EN = (
    "Thank you for your message. We received the documents and will process them shortly. Kind regards. "
)


def _message(rng: random.Random, n: int, people: list[tuple[str, str]], attachment: bytes) -> bytes:
    sender, recipient = rng.choice(people), rng.choice(people)
    body_parts = [rng.choice([LOREM_NL, LOREM_EN]) for _ in range(rng.randint(2, 6))]
    if rng.random() < 0.5:
        other = rng.choice(people)
        body_parts.append(f"Zie ook {other[0]} ({other[1]}), bel {phone(rng)}.\n")
    if rng.random() < 0.2:
        body_parts.append(f"Rekening: {iban_nl(rng)}\n")
    body = "".join(body_parts)
    encoded = base64.encodebytes(attachment[: rng.randint(len(attachment) // 2, len(attachment))]).decode()
    return (
        f"From {sender[1]} Mon Mar  4 10:{n % 60:02d}:00 2024\n"
        f"From: {sender[0]} <{sender[1]}>\nTo: {recipient[0]} <{recipient[1]}>\n"
        f"Subject: Bericht {n}\nDate: Mon, 4 Mar 2024 10:{n % 60:02d}:00 +0100\n"
        f"Message-ID: <bench-{n}@example.org>\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="b{n}"\n\n'
        f'--b{n}\nContent-Type: text/plain; charset="utf-8"\n\n{body}\n'
        f'--b{n}\nContent-Type: application/pdf; name="bijlage-{n}.pdf"\n'
        f'Content-Disposition: attachment; filename="bijlage-{n}.pdf"\nContent-Transfer-Encoding: base64\n\n'
        f"{encoded}\n--b{n}--\n\n"
    ).encode()


def known_people(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """`count` distinct (full name, e-mail) pairs."""
    rng = random.Random(seed)
    return [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}", f"person{i}.{rng.randint(0, 999)}@example.org")
        for i in range(count)
    ]


def mbox_corpus(
    path: Path, *, messages: int, people: list[tuple[str, str]], attachment_size: int, seed: int = 11
) -> int:
    """Write an mbox of `messages` messages; returns its size in bytes."""
    rng = random.Random(seed)
    attachment = rng.randbytes(attachment_size)
    with path.open("wb") as out:
        for n in range(messages):
            out.write(_message(rng, n, people, attachment))
    return path.stat().st_size
