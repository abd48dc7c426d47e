"""Import customers from CSV or XLSX. English and Dutch header names are recognised without a mapping;
`--map 'Klantnaam=name'` covers the rest. Streaming: rows are read one at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from privacydesk.errors import UnusableInput
from privacydesk.identifiers import InvalidIdentifier, is_bsn
from privacydesk.imports.batch import Matcher, Summary, file_digest, finish_batch, start_batch
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.subjects import default_purpose, normalised_pairs, store_record

FIELDS = ("first_name", "last_name", "name", "email", "phone", "street", "postcode", "city", "iban")
ALIASES: dict[str, str] = {
    "first_name": "first_name",
    "firstname": "first_name",
    "first name": "first_name",
    "given name": "first_name",
    "voornaam": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "last name": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "achternaam": "last_name",
    "name": "name",
    "naam": "name",
    "full name": "name",
    "volledige naam": "name",
    "email": "email",
    "e-mail": "email",
    "e-mailadres": "email",
    "emailadres": "email",
    "email address": "email",
    "mail": "email",
    "phone": "phone",
    "telephone": "phone",
    "telefoon": "phone",
    "telefoonnummer": "phone",
    "mobile": "phone",
    "mobiel": "phone",
    "tel": "phone",
    "street": "street",
    "straat": "street",
    "adres": "street",
    "address": "street",
    "postcode": "postcode",
    "postal code": "postcode",
    "zip": "postcode",
    "city": "city",
    "plaats": "city",
    "woonplaats": "city",
    "town": "city",
    "iban": "iban",
    "rekeningnummer": "iban",
    "bankrekeningnummer": "iban",
    "bank account": "iban",
    "account": "iban",
}


def parse_map(options: list[str]) -> dict[str, str]:
    """`--map 'Column=field'` options as {column (lower case): field}."""
    mapping: dict[str, str] = {}
    for option in options:
        column, sep, target = option.partition("=")
        if not sep or target.strip() not in FIELDS:
            raise UnusableInput(
                f"--map '{option}' is not COLUMN=FIELD", hint="FIELD is one of " + ", ".join(FIELDS)
            )
        mapping[column.strip().lower()] = target.strip()
    return mapping


def header_fields(header: list[str], mapping: dict[str, str], where: str) -> list[str | None]:
    fields = [mapping.get(h.strip().lower()) or ALIASES.get(h.strip().lower()) for h in header]
    if not any(f in ("name", "first_name", "last_name", "email") for f in fields):
        raise UnusableInput(
            f"{where}:1: no name or e-mail column found in the header",
            hint="name the columns (e.g. naam, e-mail) or use --map 'Column=name'",
        )
    return fields


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as raw:
        head = raw.read(4096)
        if b"\x00" in head:
            raise UnusableInput(f"{path}: a binary file, not CSV")
    encoding = "utf-8-sig"
    try:
        with path.open(encoding=encoding, newline="") as fh:
            sample = fh.read(8192)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
            fh.seek(0)
            reader = csv.reader(fh, dialect)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError as exc:
        raise UnusableInput(
            f"{path}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise UnusableInput(
            f"{path}: not readable as CSV: {exc}", hint="check quoting on that line"
        ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise UnusableInput(f"{path}: not a readable XLSX workbook", hint="save it again as .xlsx") from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if v is None else str(v) for v in values]
    finally:
        book.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    return _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)


def row_values(fields: list[str | None], row: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, cell in zip(fields, row, strict=False):
        if name and cell.strip():
            values[name] = cell.strip()
    if "name" not in values and ("first_name" in values or "last_name" in values):
        values["name"] = " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)
    return values


def _identifiers(values: dict[str, str]) -> list[tuple[str, str]]:
    pairs = [(k, values[k]) for k in ("name", "email", "phone", "iban", "postcode") if k in values]
    if "street" in values:
        pairs.append(("address", " ".join(values[k] for k in ("street", "postcode", "city") if k in values)))
    return normalised_pairs(pairs)


def _records(values: dict[str, str], pairs: list[tuple[str, str]]) -> list[tuple[str, dict[str, str]]]:
    norm = dict(pairs)
    out: list[tuple[str, dict[str, str]]] = []
    if "name" in values:
        out.append(("name", {"name": values["name"]}))
    for kind, category in (("email", "email"), ("phone", "phone"), ("iban", "bank_account")):
        if kind in norm:
            out.append((category, {kind: norm[kind]}))
    if "street" in values or "postcode" in values:
        address = {
            "street": values.get("street", ""),
            "postcode": norm.get("postcode", values.get("postcode", "")),
            "city": values.get("city", ""),
        }
        out.append(("address", address))
    return out


def import_customers(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    path: Path,
    mapping: dict[str, str],
    today: date,
    actor: str,
) -> Summary:
    """Import one customer file in the caller's transaction; bad rows are skipped and reported."""
    digest = file_digest(path)
    batch = start_batch(session, kind="customers", path=path, digest=digest)
    summary = Summary(str(path))
    matcher = Matcher(session, keyring, register, actor, "customer")
    rows = read_rows(path)
    first = next(rows, None)
    if first is None:
        raise UnusableInput(f"{path}: the file is empty")
    fields = header_fields(first[1], mapping, str(path))
    for line, row in rows:
        _import_row(
            session,
            keyring,
            register,
            matcher,
            summary,
            fields,
            row,
            f"{path.name}:{line}",
            today,
            f"import:{batch.id}",
            actor,
        )
    finish_batch(session, batch=batch, summary=summary, actor=actor)
    return summary


def _import_row(
    session: Session,
    keyring: Keyring,
    register: Register,
    matcher: Matcher,
    summary: Summary,
    fields: list[str | None],
    row: list[str],
    where: str,
    today: date,
    source_ref: str,
    actor: str,
) -> None:
    values = row_values(fields, row)
    if not values:
        return
    if any(is_bsn(v) for k, v in values.items() if k not in ("phone", "iban")):
        summary.skipped.append(
            f"{where}: holds a BSN, which may not be kept (UAVG art. 46); row not imported"
        )
        return
    try:
        pairs = _identifiers(values)
    except InvalidIdentifier as exc:
        summary.skipped.append(f"{where}: {exc.field}: {exc.reason}; row not imported")
        return
    if not any(k in ("name", "email", "phone") for k, _ in pairs):
        summary.skipped.append(f"{where}: no name, e-mail or phone; row not imported")
        return
    subject, created = matcher.match_or_create(pairs)
    summary.added += created
    summary.matched += not created
    for category, payload in _records(values, pairs):
        purpose = default_purpose(register, category=category, subject_type="customer")
        _, new = store_record(
            session,
            keyring=keyring,
            register=register,
            subject=subject,
            kind="contact",
            category=category,
            purpose=purpose,
            source="data_subject",
            payload=payload,
            event_on=today,
            source_ref=source_ref,
            actor=actor,
            audit_each=False,
        )
        summary.records += new
