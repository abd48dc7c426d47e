"""The ID-copy check: an identity-document copy whose photo, MRZ, document number or BSN is readable
is refused, and never kept. `check_id_document(data, filename=…)` is the one entry point."""

from privacydesk.idcheck.check import Finding, IdCheckResult, check_id_document
from privacydesk.idcheck.messages import Part
from privacydesk.idcheck.regions import Box

__all__ = ["Box", "Finding", "IdCheckResult", "Part", "check_id_document"]
