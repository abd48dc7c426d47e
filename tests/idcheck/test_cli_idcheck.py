"""`privacydesk idcheck FILE`: exit 0 accepted, 1 refused, 2 unusable; --json, --lang, --annotate."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from tests.idcheck.synthetic import Specimen


def _write(tmp_path: Path, specimen: Specimen, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(specimen.data)
    return path


def test_an_unredacted_copy_exits_1_with_what_to_cover(cli, tmp_path: Path, readable_card: Specimen) -> None:  # type: ignore[no-untyped-def]
    result = cli("idcheck", str(_write(tmp_path, readable_card, "id.png")), "--lang", "en")
    assert result.code == 1
    assert "refused" in result.out and "the photo" in result.out and "BSN" in result.out


def test_a_redacted_copy_exits_0(cli, tmp_path: Path, redacted_card: Specimen) -> None:  # type: ignore[no-untyped-def]
    result = cli("idcheck", str(_write(tmp_path, redacted_card, "id.png")))
    assert result.code == 0 and "accepted" in result.out and "Dank je wel" in result.out


def test_json_output_lists_each_part_with_its_region(cli, tmp_path: Path, readable_card: Specimen) -> None:  # type: ignore[no-untyped-def]
    result = cli("idcheck", str(_write(tmp_path, readable_card, "id.png")), "--json")
    data = json.loads(result.out)
    assert data["accepted"] is False
    assert set(data["parts"]) == {"photo", "mrz", "document_number", "bsn"}
    assert all(set(f["region"]) == {"x", "y", "width", "height"} for f in data["findings"])


def test_annotate_writes_the_image_with_boxes(cli, tmp_path: Path, readable_card: Specimen) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "boxes.png"
    result = cli("idcheck", str(_write(tmp_path, readable_card, "id.png")), "--annotate", str(out))
    with Image.open(out) as image:
        assert result.code == 1 and image.format == "PNG"


def test_a_file_that_is_not_an_image_exits_2_with_a_fix(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.txt"
    path.write_text("not an image")
    result = cli("idcheck", str(path))
    assert result.code == 2 and "notes.txt" in result.err and "fix:" in result.err


def test_a_missing_file_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("idcheck", str(tmp_path / "absent.jpg"))
    assert result.code == 2 and "no such file" in result.err


def test_an_unknown_language_exits_2(cli, tmp_path: Path, redacted_card: Specimen) -> None:  # type: ignore[no-untyped-def]
    result = cli("idcheck", str(_write(tmp_path, redacted_card, "id.png")), "--lang", "fr")
    assert result.code == 2 and "--lang" in result.err
