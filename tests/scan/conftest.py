"""Scanner fixtures: the keyring and register of the store, and documents of every supported type."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from tests.conftest import OCQTO_REGISTER

LETTER = (
    "Beste mevrouw,\n"
    "Hierbij mijn gegevens. Mijn BSN is 111222333.\n"
    "Bel gerust op 06-12345678 of mail naar jan.jansen@example.nl.\n"
)


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


@pytest.fixture
def register() -> Register:
    return load_register(OCQTO_REGISTER).register


@pytest.fixture
def store_cli(cli, settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The CLI against the test database, with its master key."""
    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(settings.key_file))

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return cli("--db", settings.database_url, *args)

    return invoke


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "brief.txt"
    path.write_text(LETTER, encoding="utf-8")
    return path


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica, written by hand (no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
