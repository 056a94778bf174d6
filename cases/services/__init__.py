"""Changes to cases. Each runs in one transaction and writes an event saying who did what.

Checks of the current state raise ``CaseError``; the database constraints stand behind them.
"""

from .access_log import access_log_record
from .alerts import (
    allocation_notify,
    notifications_mark_read,
    overdue_alerts_send,
    overdue_scan,
)
from .closure import (
    ClosureRefused,
    case_close,
    closure_approve,
    closure_propose,
    closure_reject,
    closures_decide,
    episode_close,
    episode_reopen,
    missing_core_enquiries,
)
from .documents import document_attach, document_withdraw
from .enquiries import default_due_date, enquiries_record, enquiry_add, enquiry_complete
from .episodes import (
    episode_allocate,
    episode_attach_referral,
    episode_open,
    episode_update,
    episodes_allocate,
    removal_from_roll_authorise,
)
from .events import event_record
from .handovers import handover_acknowledge, handover_email, handover_send
from .notes import note_add, note_add_to, note_correct
from .people import (
    child_create,
    child_join_family,
    child_move_family,
    family_add_details,
    family_create,
)
from .reviews import case_review_record
from .sensitivity import sensitivity_lift, sensitivity_mark
from .tasks import reminder_set, task_assign, task_done
from .visits import home_visit_record

__all__ = [
    "access_log_record",
    "notifications_mark_read",
    "overdue_alerts_send",
    "allocation_notify",
    "overdue_scan",
    "ClosureRefused",
    "case_close",
    "case_review_record",
    "child_create",
    "child_join_family",
    "child_move_family",
    "closure_approve",
    "closure_propose",
    "closure_reject",
    "closures_decide",
    "enquiries_record",
    "default_due_date",
    "document_attach",
    "document_withdraw",
    "enquiry_add",
    "enquiry_complete",
    "episode_allocate",
    "episode_attach_referral",
    "episode_close",
    "episode_open",
    "episode_reopen",
    "episode_update",
    "episodes_allocate",
    "event_record",
    "family_add_details",
    "family_create",
    "handover_acknowledge",
    "handover_email",
    "handover_send",
    "home_visit_record",
    "missing_core_enquiries",
    "note_add",
    "note_add_to",
    "note_correct",
    "reminder_set",
    "removal_from_roll_authorise",
    "sensitivity_lift",
    "sensitivity_mark",
    "task_assign",
    "task_done",
]
