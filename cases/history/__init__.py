"""Case history in and out: the import and export of one row per CME episode."""
