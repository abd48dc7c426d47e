"""Cookie scans: what `privacydesk cookies scan` found on the live website, kept so that
`privacydesk check` can name the cookie, storage key or third party and the page.

A finding names a cookie or key name, a host and a page of the business's own website: no personal
data. The scan itself is its COOKIES_SCANNED audit entry; findings point to it by its number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class CookieScanFinding(Base):
    """One finding of one cookie scan: its code, the cookie, key or host, and the page."""

    __tablename__ = "cookie_scan_findings"
    __table_args__ = (Index("ix_cookie_scan_findings_scan_seq", "scan_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_seq: Mapped[int] = mapped_column()  # the scan's COOKIES_SCANNED audit entry
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    url: Mapped[str] = mapped_column(String(1000))
    code: Mapped[str] = mapped_column(String(32))
    item: Mapped[str] = mapped_column(String(500))
    page: Mapped[str] = mapped_column(String(1000))
    message: Mapped[str] = mapped_column(String(500))
