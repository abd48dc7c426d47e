"""The personal-data scanner: detectors, text extraction, known-subject matching, all cores."""

from privacydesk.scan.detectors import Hit, Kind, detect
from privacydesk.scan.parallel import scan_text_parallel

__all__ = ["Hit", "Kind", "detect", "scan_text_parallel"]
