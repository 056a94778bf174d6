class CaseError(Exception):
    """A change to a case that the case's current state does not allow. The message is
    plain English, fit to show the person who asked for the change."""


class StaleEdit(CaseError):
    """The case changed after the page the edit came from was loaded."""

    def __init__(self, *, episode, events):
        self.episode = episode
        self.events = events
        who = {str(event.actor or "the system") for event in events} or {"someone else"}
        super().__init__(
            f"{', '.join(sorted(who))} changed this case while you were working on it, "
            "so your changes were not saved. Check what changed below and try again."
        )
