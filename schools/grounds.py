"""What each regulation 9(1) ground needs with a deletion notice: the one place these rules
live, for the portal's form and for a school's file alike.

School days are not known here (each school has its own term dates), so the tracker checks
what it can: that at least 10 (or 20) working days lie between the dates, since there are
never fewer working days than school days. The school also confirms the ground's conditions
are met, and says what enquiries were made with the council."""

from datetime import date, timedelta

from cases.working_days import add_working_days, working_days_between

from .models import DeletionGround

Needs = DeletionGround.Needs

LEAVE_DAYS = 10  # regulation 9(1)(h): not back within 10 school days after the leave
ABSENCE_DAYS = 20  # regulation 9(1)(i): continuously absent for 20 school days
# For (h) and (i): the school days to wait, the field the clock starts from, what that field
# is, and what the wait runs from.
WAITS = {
    Needs.LEAVE: (LEAVE_DAYS, "leave_ended_on", "the last day of the leave of absence",
                  "the leave ended"),
    Needs.ABSENCE: (ABSENCE_DAYS, "absence_started_on", "the first day of continuous absence",
                    "the absence began"),
}  # fmt: skip

# The fields each kind of ground asks for, besides the fields every notice has.
ASKS = {
    Needs.NEW_SCHOOL: ("destination_school", "destination_elsewhere"),
    Needs.MOVED: ("new_address", "destination_school", "destination_elsewhere"),
    Needs.LEAVE: ("leave_ended_on", "conditions_met", "joint_enquiries"),
    Needs.ABSENCE: ("absence_started_on", "conditions_met", "joint_enquiries"),
}
# Only these are dropped for a ground that does not ask for them: where the pupil went, if
# known, is worth keeping whatever the ground (regulation 8(3)).
ASKED = {"leave_ended_on", "absence_started_on", "conditions_met", "joint_enquiries"}


def ground_problems(ground: DeletionGround, data: dict) -> dict[str, str]:
    """Each problem with what ``data`` gives for ``ground``, by field name (empty if none)."""
    problems = {}
    deleted = data.get("deleted_on")
    if ground.needs == Needs.NEW_SCHOOL and not (
        data.get("destination_school") or data.get("destination_elsewhere")
    ):
        problems["destination_school"] = (
            f"Ground ({ground.code}) needs the school the pupil is now registered at (one of "
            "ours, or one elsewhere)"
        )
    if ground.needs in WAITS:
        problems |= _waited(ground, data, deleted)
    if ground.needs in (Needs.LEAVE, Needs.ABSENCE) and not data.get("conditions_met"):
        problems["conditions_met"] = (
            f"Confirm the conditions of ground ({ground.code}) are met, or choose another ground"
        )
    if ground.joint_enquiries and not (data.get("joint_enquiries") or "").strip():
        problems["joint_enquiries"] = (
            f"Ground ({ground.code}) needs the enquiries the school and the council made "
            "together to find the child: say what they were"
        )
    return problems


def _waited(ground: DeletionGround, data: dict, deleted: date | None) -> dict[str, str]:
    """Whether the deletion comes no earlier than ``earliest_deletion`` allows."""
    days, field, noun, since = WAITS[ground.needs]
    start = data.get(field)
    if start is None:
        return {field: f"Enter {noun}"}
    if deleted is None:
        return {}
    if start >= deleted:
        return {field: f"{noun[0].upper()}{noun[1:]} must be before the date of deletion"}
    earliest = earliest_deletion(ground, start)
    if deleted < earliest:
        return {field: (
            f"The deletion must come at least {days} school days after {since}, so not "
            f"before {earliest:%-d %B %Y}: there are only "
            f"{working_days_between(_clock(ground, start), deleted - timedelta(days=1))} "
            f"working days from {start:%-d %B %Y} to the day before {deleted:%-d %B %Y}"
        )}  # fmt: skip
    return {}


def asked_only(ground: DeletionGround, data: dict) -> dict:
    """``data`` without the answers ``ground`` does not ask for (kept blank, not kept wrong)."""
    kept = set(ASKS.get(ground.needs, ()))
    if ground.joint_enquiries:
        kept.add("joint_enquiries")
    blank = {"leave_ended_on": None, "absence_started_on": None, "conditions_met": False}
    return {key: (value if key not in ASKED or key in kept else blank.get(key, ""))
            for key, value in data.items()}  # fmt: skip


def _clock(ground: DeletionGround, started_on: date) -> date:
    """The day the count runs from: after the leave's last day for (h); the absence's first
    day counts for (i)."""
    return started_on - timedelta(days=1) if ground.needs == Needs.ABSENCE else started_on


def earliest_deletion(ground: DeletionGround, started_on: date) -> date | None:
    """The first day a deletion on ground (h) or (i) may come: the day after the 10th (or
    20th) working day, counted from when the clock started (the leave's last day for (h),
    the absence's first for (i)). The school's own term dates may make it later, never
    earlier. The one rule for the notice's check and the joint enquiry's timescale."""
    if ground.needs not in WAITS:
        return None
    days = WAITS[ground.needs][0]
    return add_working_days(_clock(ground, started_on), days) + timedelta(days=1)
