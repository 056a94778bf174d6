"""Home visits: one record of the visit, which is the case's home-visit enquiry, made and
answered on the day, with any photos taken attached to that enquiry. All or nothing."""

from datetime import date, time

from django.db import transaction

from cme_tracker.core import clock

from ..documents import kinds
from ..errors import CaseError
from ..models import EnquiryType, Episode, HomeVisit
from .documents import document_attach
from .enquiries import enquiries_record
from .events import event_record

PHOTO_KINDS = {kinds.JPEG, kinds.PNG, kinds.HEIC}


@transaction.atomic
def home_visit_record(*, episode: Episode, visited_on: date, visitors: str, outcome: str,
                      calling_card_left: bool, by, visited_at: time | None = None,
                      address=None, other_address: str = "", information: str = "",
                      photos=()) -> HomeVisit:  # fmt: skip
    """Record a visit to one of the family's addresses (``address``) or another
    (``other_address``): the home-visit enquiry, the visit, and its photos."""
    other_address, visitors = other_address.strip(), visitors.strip()
    if (address is None) == (not other_address):
        raise CaseError("Choose one of the family's addresses, or enter the address visited.")
    if address is not None and address.family_id != episode.child.family_id:
        raise CaseError("That address is not one of the family's.")
    if not visitors:
        raise CaseError("Say who visited.")
    if outcome not in HomeVisit.Outcome.values:
        raise CaseError("Choose what happened at the visit.")
    if visited_on > clock.today():
        raise CaseError("The date of the visit cannot be in the future.")
    for photo in photos:
        if kinds.kind_of(photo) not in PHOTO_KINDS:
            raise CaseError(f"{photo.name} is not a photo: photos must be JPEG, PNG or HEIC.")
    said = HomeVisit.Outcome(outcome).label + (", calling card left" if calling_card_left
                                               else "")  # fmt: skip
    where = other_address or ", ".join(p for p in (address.line_1, address.postcode) if p)
    [enquiry] = enquiries_record(episode=episode, by=by, records=[{
        "enquiry_type": EnquiryType.objects.get(code="HOME_VISIT"),
        "made_to": f"Home visit: {where}"[:200], "requested_on": visited_on,
        "completed_on": visited_on,
        "response": said + (f". {information.strip()}" if information.strip() else ""),
    }])  # fmt: skip
    visit = HomeVisit.objects.create(
        episode=episode, enquiry=enquiry, visited_on=visited_on, visited_at=visited_at,
        address=address, other_address=other_address, visitors=visitors, outcome=outcome,
        calling_card_left=calling_card_left, information=information.strip(), recorded_by=by,
    )  # fmt: skip
    event_record(actor=by, verb="home_visit.recorded", episode=episode, payload={
        "visit": visit.pk, "visited_on": visited_on, "outcome": outcome,
        "calling_card_left": calling_card_left, "photos": len(photos),
    })  # fmt: skip
    for photo in photos:
        document_attach(
            episode=episode,
            upload=photo,
            by=by,
            enquiry=enquiry,
            description=f"Photo from the home visit on {visited_on:%-d %B %Y}",
        )
    return visit
