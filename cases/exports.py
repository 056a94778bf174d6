"""The case list as CSV: what the list shows, for a manager's own analysis. Names and
references only, as on screen: no address, school or note of any case, sensitive or not."""

import csv

from cme_tracker.core.spreadsheets import csv_row

from . import access, reference_lists, reviews, selectors

COLUMNS = [
    "case", "child", "referred", "status", "officer", "locality", "next_enquiry_due",
    "overdue_enquiries", "presenting_need", "sensitive", "last_reviewed", "next_review_due",
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
    first_due: dict = {}  # by day referred: the working days are counted once for each
    for episode in episodes.select_related("child__family").iterator(chunk_size=2000):
        if episode.is_open and episode.review_due_on is None:
            if episode.referral_date not in first_due:
                first_due[episode.referral_date] = reviews.due_on(episode)
            review_due = first_due[episode.referral_date]
        else:
            review_due = episode.review_due_on if episode.is_open else None
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
            episode.last_reviewed_on.isoformat() if episode.last_reviewed_on else "",
            review_due.isoformat() if review_due else "",
        ]))  # fmt: skip
