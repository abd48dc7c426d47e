"""Data-subject requests (GDPR art. 7(3), 15–21): intake, identity check, clocks, letters, fulfilment."""
