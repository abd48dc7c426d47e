"""Imports: customers (CSV/XLSX), a customer's contact list (vCard, Google CSV), mail, WhatsApp."""
