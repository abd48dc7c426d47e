"""Route modules of later areas (requests, consent, …): each defines `router`; app.py includes them all."""
