"""`python -m privacydesk` runs the command line."""

from privacydesk.cli import main

main()
