"""Handing a case to another council: the handover recorded and queued (the outbox), the
email with the printable case sent by a worker, and the acknowledgement, which closes the case
as the other authority having accepted responsibility. Chased when not acknowledged within
``CME_HANDOVER_CHASE_WORKING_DAYS`` working days (``cases.selectors.handovers_to_chase``)."""

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from cme_tracker.core import clock, outbox

from .. import access, printing, printing_pdf
from ..errors import CaseError
from ..models import ClosureOutcome, Episode, Handover
from .closure import episode_close
from .events import event_record
from .locking import bump_version, episode_for_update


@transaction.atomic
def handover_send(*, episode: Episode, local_authority: str, contact_name: str,
                  contact_email: str, share_sensitive: bool, by) -> Handover:  # fmt: skip
    """Record the handover and queue its email to the other council's CME contact."""
    local_authority, contact_name = local_authority.strip(), contact_name.strip()
    if not (local_authority and contact_name and contact_email.strip()):
        raise CaseError("Enter the council, its CME contact and their email address.")
    episode = episode_for_update(episode.pk)
    if not episode.is_open:
        raise CaseError("Only an open case is handed over.")
    if episode.handovers.filter(acknowledged_on__isnull=True).exists():
        raise CaseError("This case's handover is still waiting for its acknowledgement.")
    shared = share_sensitive and access.is_sensitive(episode)
    handover = Handover.objects.create(
        episode=episode, local_authority=local_authority, contact_name=contact_name,
        contact_email=contact_email.strip(), sensitive_shared=shared, sent_on=clock.today(),
        sent_by=by,
    )  # fmt: skip
    event_record(actor=by, verb="handover.sent", episode=episode, payload={
        "version": bump_version(episode, []), "handover": handover.pk,
        "local_authority": local_authority, "sensitive_shared": shared,
    })  # fmt: skip
    outbox.enqueue("cases.tasks.send_handover", handover.pk)
    return handover


def handover_email(handover_id: int) -> int:
    """Email the handover (once): the printable case as its sender may see it, without
    sensitive details unless they confirmed they may be shared. Returns emails sent."""
    with transaction.atomic():
        handover = (Handover.objects.select_for_update(of=("self",))
                    .select_related("episode__child", "sent_by").get(pk=handover_id))  # fmt: skip
        if handover.emailed_at is not None:
            return 0
        from ..selectors import episode_detail

        episode = episode_detail(handover.episode_id)
        printed = printing.printed_case(
            handover.sent_by, episode, withhold_sensitive=not handover.sensitive_shared
        )
        council = settings.CME_LOCAL_AUTHORITY
        message = EmailMessage(
            subject=f"CME handover from {council}: case {episode.reference} (OFFICIAL-SENSITIVE)",
            body=(f"Dear {handover.contact_name},\n\n{council}'s Children Missing Education "
                  f"service is handing case {episode.reference} over to {handover.local_authority}"
                  ": the family has moved to your area. The case record is attached "
                  "(OFFICIAL-SENSITIVE).\n\nPlease acknowledge this handover to "
                  f"{handover.sent_by.get_full_name()} ({handover.sent_by.email}), saying who "
                  "accepts responsibility for the child.\n"),
            from_email=settings.DEFAULT_FROM_EMAIL, to=[handover.contact_email],
            reply_to=[handover.sent_by.email] if handover.sent_by.email else None,
        )  # fmt: skip
        message.attach(
            f"case-{episode.reference}.pdf",
            printing_pdf.printed_case_pdf(printed),
            "application/pdf",
        )
        message.send()
        handover.emailed_at = clock.now()
        handover.save(update_fields=["emailed_at"])
    return 1


@transaction.atomic
def handover_acknowledge(*, handover: Handover, acknowledged_on: date, accepted_by: str,
                         by) -> Handover:  # fmt: skip
    """The other council acknowledged: record who accepted, and close the case as the other
    authority having accepted responsibility."""
    accepted_by = accepted_by.strip()
    if not accepted_by:
        raise CaseError("Enter who accepted responsibility.")
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.acknowledged_on is not None:
        raise CaseError("This handover's acknowledgement is already recorded.")
    if acknowledged_on < handover.sent_on:
        raise CaseError("The acknowledgement cannot be before the handover was sent.")
    handover.acknowledged_on, handover.accepted_by = acknowledged_on, accepted_by
    handover.acknowledgement_recorded_by = by
    handover.save(update_fields=["acknowledged_on", "accepted_by",
                                 "acknowledgement_recorded_by"])  # fmt: skip
    outcome = ClosureOutcome.objects.get(needs=ClosureOutcome.Needs.OTHER_LA, is_active=True)
    episode_close(episode=handover.episode, outcome=outcome, closed_on=acknowledged_on, by=by,
                  details={"local_authority": handover.local_authority,
                           "accepted_by": accepted_by})  # fmt: skip
    return handover
