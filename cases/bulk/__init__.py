"""Cases in bulk: the import and export of one row per CME episode, in one file format
(docs/case-history-format.md). Named apart from a case's history, which is its event log."""
