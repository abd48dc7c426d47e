"""The data-breach register: record, assess (art. 33/34), prepare the AP notification, tell people."""
