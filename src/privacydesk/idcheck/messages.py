"""What the person reads: which parts of the copy to cover, in Dutch or English."""

from __future__ import annotations

from enum import StrEnum


class Part(StrEnum):
    """A part of an identity document that must be unreadable on a copy."""

    PHOTO = "photo"
    MRZ = "mrz"
    DOCUMENT_NUMBER = "document_number"
    BSN = "bsn"


NAMES = {
    "nl": {
        Part.PHOTO: "de pasfoto",
        Part.MRZ: "de machineleesbare regels onderaan (MRZ, met de tekens <<<)",
        Part.DOCUMENT_NUMBER: "het documentnummer",
        Part.BSN: "het burgerservicenummer (BSN)",
    },
    "en": {
        Part.PHOTO: "the photo",
        Part.MRZ: "the machine-readable lines at the bottom (MRZ, with the <<< characters)",
        Part.DOCUMENT_NUMBER: "the document number",
        Part.BSN: "the citizen service number (BSN)",
    },
}
SHORT = {
    "nl": {Part.PHOTO: "Pasfoto", Part.MRZ: "MRZ", Part.DOCUMENT_NUMBER: "Documentnummer", Part.BSN: "BSN"},
    "en": {Part.PHOTO: "Photo", Part.MRZ: "MRZ", Part.DOCUMENT_NUMBER: "Document number", Part.BSN: "BSN"},
}
LANGS = tuple(NAMES)


def _join(items: list[str], last: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def refusal(parts: list[Part], lang: str) -> str:
    """The friendly refusal: which parts are still readable and what to do."""
    if lang == "nl":
        names = _join([NAMES["nl"][p] for p in parts], "en")
        verb, pronoun = ("is", "dit") if len(parts) == 1 else ("zijn", "deze delen")
        return (
            f"We kunnen deze kopie niet aannemen: {names} {verb} nog leesbaar. Maak {pronoun} "
            "onleesbaar, bijvoorbeeld met de app KopieID van de Rijksoverheid of door een strook papier "
            "erover te leggen, en stuur de kopie opnieuw. We hebben deze kopie niet bewaard."
        )
    names = _join([NAMES["en"][p] for p in parts], "and")
    verb, pronoun = ("is", "it") if len(parts) == 1 else ("are", "them")
    return (
        f"We cannot accept this copy: {names} {verb} still readable. Please cover {pronoun}, "
        "for example with the Dutch government's KopieID app or a strip of paper, and send the copy again. "
        "We have not kept this copy."
    )


def accepted(lang: str) -> str:
    """The message for a copy on which nothing forbidden is readable."""
    if lang == "nl":
        return (
            "Dank je wel. Op deze kopie zijn de pasfoto, de MRZ, het documentnummer en het BSN niet "
            "leesbaar. We gebruiken de kopie alleen om je identiteit te controleren en verwijderen hem "
            "daarna."
        )
    return (
        "Thank you. The photo, the MRZ, the document number and the BSN are not readable on this copy. "
        "We use it only to check your identity and delete it afterwards."
    )
