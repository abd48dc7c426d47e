"""The web: public portal, staff admin and JSON API, served by `privacydesk serve`."""
