"""Table definitions, one module per area; store.db imports every module here."""
