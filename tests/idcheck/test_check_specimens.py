"""check_id_document on generated specimens: readable parts refused with their boxes, redacted accepted."""

from __future__ import annotations

import base64
import io
import random

import pytest
from PIL import Image

from privacydesk.idcheck import IdCheckResult, Part, check_id_document
from tests.idcheck.conftest import all_but
from tests.idcheck.synthetic import ALL_PARTS, Person, Specimen, make_specimen


def test_an_unredacted_id_card_is_refused_for_all_four_parts(readable_card_result: IdCheckResult) -> None:
    result = readable_card_result
    assert not result.accepted
    assert set(result.parts) == ALL_PARTS
    assert all(f.region is not None and f.region.width > 0 for f in result.findings)


def test_the_mrz_finding_says_which_layout_and_check_digits(readable_card_result: IdCheckResult) -> None:
    result = readable_card_result
    [finding] = [f for f in result.findings if f.part == Part.MRZ]
    assert finding.detail.startswith("TD1") and "document_number" in finding.detail


def test_the_mrz_box_lies_in_the_bottom_of_the_card(readable_card_result: IdCheckResult) -> None:
    result = readable_card_result
    [finding] = [f for f in result.findings if f.part == Part.MRZ]
    _, height = result.page_sizes[0]
    assert finding.region is not None and finding.region.y > height * 0.6


def test_a_fully_redacted_card_is_accepted(redacted_card: Specimen) -> None:
    result = check_id_document(redacted_card.data, filename="card.png")
    assert result.accepted and result.findings == ()
    assert "Dank je wel" in result.message("nl") and "Thank you" in result.message("en")


@pytest.mark.parametrize("part", list(Part))
def test_a_blacked_out_part_is_not_reported_and_the_others_are(part: Part) -> None:
    specimen = make_specimen("passport", all_but(part), "flat", seed=40 + list(Part).index(part))
    result = check_id_document(specimen.data, filename="passport.png")
    assert set(result.parts) == all_but(part)


def test_a_passport_photographed_at_an_angle_is_refused_for_its_mrz_and_bsn(
    readable_passport_photo: Specimen,
) -> None:
    result = check_id_document(readable_passport_photo.data, filename="photo.jpg")
    assert {Part.MRZ, Part.BSN, Part.PHOTO} <= set(result.parts)


@pytest.mark.parametrize("transform", ["rotated", "lowres"])
def test_a_rotated_or_low_resolution_card_is_still_refused(transform: str) -> None:
    specimen = make_specimen("card", ALL_PARTS, transform, seed=21)
    result = check_id_document(specimen.data, filename="card.jpg")
    assert {Part.MRZ, Part.BSN, Part.PHOTO} <= set(result.parts)


def test_the_refusal_names_each_part_to_cover_in_dutch_and_english(
    readable_card_result: IdCheckResult,
) -> None:
    result = readable_card_result
    nl, en = result.message("nl"), result.message("en")
    assert all(word in nl for word in ("pasfoto", "MRZ", "documentnummer", "BSN", "niet bewaard"))
    assert all(word in en for word in ("photo", "MRZ", "document number", "BSN", "not kept"))


def test_the_preview_is_the_image_with_red_boxes_drawn_on_it(readable_card_result: IdCheckResult) -> None:
    result = readable_card_result
    preview = Image.open(io.BytesIO(result.previews[0])).convert("RGB")
    assert preview.size == result.page_sizes[0]
    finding = result.findings[0]
    assert finding.region is not None
    assert preview.getpixel((finding.region.x + finding.region.width // 2, finding.region.y)) == (220, 0, 40)


def test_findings_as_json_hold_no_number_or_name_from_the_document(
    readable_card_result: IdCheckResult,
) -> None:
    person = Person.random(random.Random(11))  # the person make_specimen drew for seed 11
    text = str(readable_card_result.as_dict("en"))
    assert person.bsn not in text and person.number not in text and person.surname not in text


def test_the_preview_for_a_web_page_is_a_small_jpeg_data_uri(readable_card_result: IdCheckResult) -> None:
    preview = readable_card_result.web_preview(max_side=600)
    assert preview.uri.startswith("data:image/jpeg;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(preview.uri.split(",", 1)[1])))
    assert image.size == (preview.width, preview.height) and max(image.size) == 600
