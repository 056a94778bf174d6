"""The case list as CSV: what the list shows, for a manager's own analysis. Names and
references only, as on screen: no address, school or note of any case, sensitive or not."""

import csv

from cme_tracker.core.spreadsheets import csv_row

from . import access, reference_lists, selectors

COLUMNS = [
    "case", "child", "referred", "status", "officer", "locality", "next_enquiry_due",
    "overdue_enquiries", "presenting_need", "sensitive",
]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def _status(episode) -> str:
    if not episode.is_open:
        return "Closed"
    return "Closure awaiting approval" if episode.awaiting_approval else "Open"


def case_list_csv_lines(episodes):
    """``episodes`` from ``selectors.episode_list``, a line at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for episode in episodes.select_related("child__family").iterator(chunk_size=2000):
        reference_lists.attach([episode], *selectors.LIST_REFERENCE_LISTS)
        yield writer.writerow(csv_row([
            episode.reference,
            episode.child.full_name,
            episode.referral_date.isoformat(),
            _status(episode),
            str(episode.allocated_officer or ""),
            str(episode.locality or "No Locality Registered"),
            episode.next_due_on.isoformat() if episode.next_due_on else "",
            episode.overdue_count,
            str(episode.presenting_need or ""),
            "Y" if access.is_sensitive(episode) else "N",
        ]))  # fmt: skip
