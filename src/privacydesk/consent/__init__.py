"""Consent: the append-only ledger, the suppression list, the newsletter and the cookie banner."""
