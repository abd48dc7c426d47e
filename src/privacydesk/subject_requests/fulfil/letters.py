"""The part of an answer letter that says what was done: erased, kept (why, until when), notified.

The workflow's letter templates put these lines in; every fact comes from the `Summary`.
"""

from __future__ import annotations

from privacydesk.register.model import Register
from privacydesk.subject_requests.fulfil.result import Summary

_WORDS = {
    "erased": {
        "nl": "Verwijderd: {cat} ({purpose}), {n} gegeven(s).",
        "en": "Erased: {cat} ({purpose}), {n} item(s).",
    },
    "kept": {
        "nl": "Bewaard: {cat} ({purpose}), {n} gegeven(s), omdat {reason}; alleen nog daarvoor gebruikt "
        "en verwijderd op {until}.",
        "en": "Kept: {cat} ({purpose}), {n} item(s), because {reason}; used for that alone and deleted "
        "on {until}.",
    },
    "notified": {
        "nl": "Wij hebben {name} gevraagd hetzelfde te doen (AVG art. 19).",
        "en": "We asked {name} to do the same (GDPR art. 19).",
    },
    "changed": {"nl": "Verbeterd: {fields}.", "en": "Corrected: {fields}."},
    "stopped": {
        "nl": "Wij gebruiken je gegevens niet meer voor: {purpose}.",
        "en": "We no longer use your data for: {purpose}.",
    },
    "suppressed": {
        "nl": "Je e-mailadres staat alleen nog als onleesbare code op onze blokkeerlijst, zodat je nooit "
        "meer reclame van ons krijgt.",
        "en": "Your e-mail address is kept only as an unreadable code on our block list, so that you never "
        "receive marketing from us again.",
    },
    "key": {
        "nl": "De sleutel van je versleutelde gegevens is vernietigd: ook back-ups zijn niet meer leesbaar.",
        "en": "The key to your encrypted data was destroyed: backups cannot be read any more either.",
    },
    "contacts": {
        "nl": "De {n} personen uit de contactenlijst die je ons gaf, verwijderen wij ook: die lijst "
        "gebruikten we alleen voor jou.",
        "en": "We also delete the {n} people from the contact list you gave us: we used that list for "
        "you alone.",
    },
    "unknown_until": {"nl": "het einde van die termijn", "en": "the end of that period"},
}


def _cat(reg: Register, key: str, lang: str) -> str:
    cat = reg.category(key)
    return cat.name.get(lang) if cat else key


def _purpose(reg: Register, key: str, lang: str) -> str:
    purpose = reg.purpose(key)
    return purpose.name.get(lang) if purpose else key


def _done_lines(reg: Register, summary: Summary, w: dict[str, str], lang: str) -> list[str]:
    lines = [
        w["erased"].format(
            cat=_cat(reg, e.category, lang), purpose=_purpose(reg, e.purpose, lang), n=e.records
        )
        for e in summary.erased
    ]
    for k in summary.kept:
        until = k.until.strftime("%d-%m-%Y") if k.until else w["unknown_until"]
        lines.append(
            w["kept"].format(
                cat=_cat(reg, k.category, lang),
                purpose=_purpose(reg, k.purpose, lang),
                n=k.records,
                reason=k.reason,
                until=until,
            )
        )
    if summary.changed_fields:
        lines.append(w["changed"].format(fields=", ".join(summary.changed_fields)))
    return lines + [w["stopped"].format(purpose=_purpose(reg, p, lang)) for p in summary.purposes_stopped]


def summary_lines(reg: Register, summary: Summary, *, lang: str) -> list[str]:
    """The sentences an answer letter states for `summary`, in `lang`."""
    w = {k: v[lang] for k, v in _WORDS.items()}
    lines = _done_lines(reg, summary, w, lang)
    if summary.suppressed:
        lines.append(w["suppressed"])
    if summary.key_destroyed:
        lines.append(w["key"])
    if summary.contacts_ended:
        lines.append(w["contacts"].format(n=summary.contacts_ended))
    for key in summary.notify_recipients:
        recipient = reg.recipient(key)
        lines.append(w["notified"].format(name=recipient.name if recipient else key))
    return lines
