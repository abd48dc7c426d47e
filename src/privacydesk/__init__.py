"""privacydesk: a privacy statement kept as a set of promises the system keeps and proves."""

__version__ = "0.1.0"
