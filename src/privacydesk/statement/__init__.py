"""The privacy statement: rendered from the register (NL/EN; Markdown, HTML, PDF), versioned,
served on the portal, and a gap report for an existing statement (GDPR art. 13/14)."""
