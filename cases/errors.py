class CaseError(Exception):
    """A change to a case that the case's current state does not allow. The message is
    plain English, fit to show the person who asked for the change."""
