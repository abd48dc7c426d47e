"""Fulfilment of data-subject requests: access, portability, rectification, erasure, restriction,
objection and consent withdrawal, each exact and explained (what was done, what was kept and why).

Each step is a function `(session, *, keyring, register, subject_id, …, actor) -> Result`; the
request workflow (`requests fulfil ID`) calls them and puts `Result.summary` in the answer letter
(`letters.summary_lines`). After an erasure commits, call `wipe.scrub_storage(engine)`. The consent
services need the settings on the session (`privacydesk.consent.keys.bind_settings`).
"""

from privacydesk.subject_requests.fulfil.access import fulfil_access
from privacydesk.subject_requests.fulfil.consent import fulfil_consent_withdrawal
from privacydesk.subject_requests.fulfil.downloads import claim_download, create_download
from privacydesk.subject_requests.fulfil.erasure import fulfil_erasure
from privacydesk.subject_requests.fulfil.letters import summary_lines
from privacydesk.subject_requests.fulfil.portability import PortabilityResult, fulfil_portability
from privacydesk.subject_requests.fulfil.processor_tasks import complete_processor_task, list_processor_tasks
from privacydesk.subject_requests.fulfil.rectification import fulfil_rectification
from privacydesk.subject_requests.fulfil.restriction import fulfil_objection, fulfil_restriction, may_use
from privacydesk.subject_requests.fulfil.result import Erased, Kept, Result, Summary, Withheld
from privacydesk.subject_requests.fulfil.wipe import scrub_storage

__all__ = [
    "Erased",
    "Kept",
    "PortabilityResult",
    "Result",
    "Summary",
    "Withheld",
    "claim_download",
    "complete_processor_task",
    "create_download",
    "fulfil_access",
    "fulfil_consent_withdrawal",
    "fulfil_erasure",
    "fulfil_objection",
    "fulfil_portability",
    "fulfil_rectification",
    "fulfil_restriction",
    "list_processor_tasks",
    "may_use",
    "scrub_storage",
    "summary_lines",
]
