"""Fulfilment of data-subject requests: access, portability, rectification, erasure, restriction,
objection and consent withdrawal, each exact and explained (what was done, what was kept and why).

Each step is a function `(session, *, keyring, register, subject_id, …, actor) -> Result`; the
request workflow (`requests fulfil ID`) calls them and puts `Result.summary` in the answer letter.
"""
