"""Documents attached to a case: what kinds are accepted (by their contents), the optional
virus scan, and where the files are kept."""
