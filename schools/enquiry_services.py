"""Writes for joint enquiries: a school starts one before a deletion on (h) or (i); each side
records its enquiries; the council links the child's case and concludes. Concluding that the
child cannot be found is a manager's authorisation on the case (``removal_from_roll_authorise``)
and gives the school its removal-from-roll letter. The daily chase tells the council's managers
of an enquiry waiting on the council."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from cases import access
from cases.errors import CaseError
from cases.services import removal_from_roll_authorise
from cases.services.events import event_record
from cme_tracker.core import clock, http, locks, outbox, roles

from .models import JointEnquiry, JointEnquiryChase, JointEnquiryStep
from .selectors import schools_of

Side = JointEnquiryStep.Side


@transaction.atomic
def joint_enquiry_start(*, by, school, ground, **details) -> JointEnquiry:
    if not schools_of(by).filter(pk=school.pk).exists():
        raise CaseError("You can only start enquiries for your own school.")
    if not ground.joint_enquiries:
        raise CaseError(f"Ground ({ground.code}) needs no joint enquiries.")
    return JointEnquiry.objects.create(school=school, started_by=by, ground=ground, **details)


def _open(enquiry: JointEnquiry) -> JointEnquiry:
    enquiry = JointEnquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.status != JointEnquiry.Status.OPEN:
        raise CaseError(f"Joint enquiry {enquiry.reference} has ended.")
    return enquiry


@transaction.atomic
def step_record(*, enquiry: JointEnquiry, side: str, by, made_on, made: str, found: str = ""):
    """One enquiry by the school (a school user of its school) or the council (an officer)."""
    enquiry = _open(enquiry)
    if side == Side.SCHOOL and not schools_of(by).filter(pk=enquiry.school_id).exists():
        raise CaseError("Only the school records the school's enquiries.")
    if made_on < enquiry.clock_started_on:
        raise CaseError("An enquiry cannot be dated before the absence or leave it is about.")
    return JointEnquiryStep.objects.create(enquiry=enquiry, side=side, made_on=made_on,
                                           made=made, found=found, recorded_by=by)  # fmt: skip


@transaction.atomic
def enquiry_link(*, enquiry: JointEnquiry, episode, by) -> JointEnquiry:
    """The council's case for the child: where its authorisation, if any, is recorded."""
    enquiry = _open(enquiry)
    if enquiry.episode_id is not None:
        raise CaseError(f"Joint enquiry {enquiry.reference} is already on case "
                        f"{enquiry.episode.reference}.")  # fmt: skip
    if not episode.is_open:
        raise CaseError(f"Case {episode.reference} is closed.")
    if not access.may(by, access.Action.EDIT, episode) or not access.shows_sensitive(by, episode):
        raise CaseError(f"You cannot add to case {episode.reference}.")
    enquiry.episode = episode
    enquiry.save(update_fields=["episode"])
    event_record(actor=by, verb="joint_enquiry.linked", episode=episode, payload={
        "enquiry": enquiry.reference, "school": enquiry.school.name, "ground": enquiry.ground.code,
    })  # fmt: skip
    return enquiry


def _concluded(enquiry: JointEnquiry, by, status, conclusion: str, tell=True) -> JointEnquiry:
    enquiry.status = status
    enquiry.conclusion = conclusion
    enquiry.concluded_by = by
    enquiry.concluded_at = clock.now()
    enquiry.save(update_fields=["status", "conclusion", "concluded_by", "concluded_at"])
    if tell:
        outbox.enqueue("schools.tasks.tell_school", enquiry.pk, "joint_enquiry")
    return enquiry


@transaction.atomic
def enquiry_conclude_found(*, enquiry: JointEnquiry, conclusion: str, by) -> JointEnquiry:
    """The child is found (or the council has reason to think the school must keep them on
    roll): what it concluded, for the school."""
    if not (conclusion or "").strip():
        raise CaseError("Say what the council concluded, for the school.")
    return _concluded(_open(enquiry), by, JointEnquiry.Status.FOUND, conclusion.strip())


@transaction.atomic
def enquiry_conclude_not_found(*, enquiry: JointEnquiry, conclusion: str, by) -> JointEnquiry:
    """The joint enquiries have not found the child: a manager authorises the deletion on
    the child's case, and the school may download the removal-from-roll letter."""
    enquiry = _open(enquiry)
    if enquiry.episode is None:
        raise CaseError("Add the child's case first: the authorisation is recorded on it.")
    if not access.may(by, access.Action.AUTHORISE_REMOVAL, enquiry.episode):
        raise CaseError("Only a manager can authorise a removal from roll.")
    if not enquiry.steps.filter(side=Side.COUNCIL).exists():
        raise CaseError("Record the council's own enquiries first.")
    authorised_for = enquiry.episode.removal_from_roll_school_id
    if authorised_for is not None and authorised_for != enquiry.school_id:
        raise CaseError(f"Case {enquiry.episode.reference} already records an authorisation "
                        "for another school: look at the case first.")  # fmt: skip
    removal_from_roll_authorise(episode=enquiry.episode, authorised_on=clock.today(),
                                school=enquiry.school, by=by)  # fmt: skip
    words = (conclusion or "").strip() or "The child could not be found after joint enquiries."
    return _concluded(enquiry, by, JointEnquiry.Status.NOT_FOUND, words)


@transaction.atomic
def enquiry_withdraw(*, enquiry: JointEnquiry, by) -> JointEnquiry:
    """The school ends it (the pupil is back, say)."""
    enquiry = _open(enquiry)
    if not schools_of(by).filter(pk=enquiry.school_id).exists():
        raise CaseError("Only the school can end its enquiry.")
    return _concluded(
        enquiry, by, JointEnquiry.Status.WITHDRAWN, "Ended by the school.", tell=False
    )


def _chase_line(timescale, kind) -> str:
    """One enquiry in a chase: its reference, school and ground, never the child's details."""
    enquiry = timescale.enquiry
    waited = settings.CME_JOINT_ENQUIRY_FIRST_STEP_WORKING_DAYS
    said = (f"no council enquiry recorded in the {waited} working days since the school "
            "started it" if kind == JointEnquiryChase.Kind.NO_COUNCIL_ENQUIRY else
            f"the school may delete from {timescale.earliest:%-d %B %Y} and the council has "
            "not concluded")  # fmt: skip
    link = http.site_link(reverse("schools:enquiry_work", args=[enquiry.pk]))
    return (f"{enquiry.reference} ({enquiry.school.name}, ground ({enquiry.ground.code})): "
            f"{said}.\n{link}\n")  # fmt: skip


def _recipients(timescale, managers: list) -> list:
    officer = timescale.enquiry.episode.allocated_officer if timescale.enquiry.episode else None
    extra = [officer] if officer and officer.is_active and officer not in managers else []
    return [person for person in managers + extra if person.email]


@transaction.atomic
def joint_enquiries_chase(*, today: date) -> int:
    """Tell the team's managers (and a linked case's officer) of each open joint enquiry that
    needs the council, once for each reason: no council enquiry within
    ``CME_JOINT_ENQUIRY_FIRST_STEP_WORKING_DAYS``, or the earliest day of deletion come with no
    conclusion. One email a person; the chases are recorded in the same transaction, so a
    failed send is tried again on the next run. Returns how many chases were made."""
    from .enquiry_selectors import open_enquiries

    locks.hold(locks.JOINT_ENQUIRY_CHASE)
    Kind = JointEnquiryChase.Kind
    due = [(timescale, kind) for timescale in open_enquiries(today, limit=None)
           for kind, needed in ((Kind.NO_COUNCIL_ENQUIRY, timescale.slow),
                                (Kind.DELETION_DUE, timescale.due)) if needed]  # fmt: skip
    done = set(JointEnquiryChase.objects.filter(enquiry__in=[t.enquiry for t, _ in due])
               .values_list("enquiry_id", "kind"))  # fmt: skip
    new = [(timescale, kind) for timescale, kind in due if (timescale.enquiry.pk, kind) not in done]
    if not new:
        return 0
    JointEnquiryChase.objects.bulk_create(
        [JointEnquiryChase(enquiry=timescale.enquiry, kind=kind, chased_on=today)
         for timescale, kind in new]
    )  # fmt: skip
    managers = list(get_user_model().objects.filter(
        is_active=True, groups__name=roles.TEAM_MANAGER).distinct().order_by("pk"))  # fmt: skip
    lines: dict = {}
    for timescale, kind in new:
        for person in _recipients(timescale, managers):
            lines.setdefault(person.email, []).append(
                (timescale.enquiry, _chase_line(timescale, kind))
            )
    get_connection().send_messages([_chase_email(address, said) for address, said in lines.items()])
    return len(new)


def _chase_email(address: str, said: list) -> EmailMessage:
    enquiries = {enquiry.reference for enquiry, _ in said}
    subject = (
        f"CME: joint enquiry {next(iter(enquiries))} needs the council"
        if len(enquiries) == 1
        else f"CME: {len(enquiries)} joint enquiries need the council"
    )
    body = (
        "A school may delete a pupil on ground (h) or (i) only after it and the council have "
        "made reasonable enquiries together.\n\n" + "\n".join(line for _, line in said)
    )
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[address])  # fmt: skip
