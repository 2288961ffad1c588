"""The portal's French date formats (settings.FORMAT_MODULE_PATH), over Django's own French ones: dates and times
printed without an explicit format — the back office's lists and pages, form values — read 03/12/2026 17:20, as
the portals and the guides write them (Django's French default spells the month: "3 décembre 2026 17:20")."""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
