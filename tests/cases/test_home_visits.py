"""A home visit: one structured record (when, where, who, what happened, a calling card, what
was said, photos) that counts as the case's home-visit enquiry; the case shows the last."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Document, Enquiry, EnquiryType, HomeVisit
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 200


@pytest.fixture
def case(officer):
    family = FamilyFactory()
    family.addresses.create(line_1="14 Mill Road", town="Dunmore", postcode="DB3 1AA",
                            start_date=TODAY - datetime.timedelta(days=100))  # fmt: skip
    return EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer)


def visit_data(case, **changes):
    address = case.child.family.addresses.get()
    return {"visited_on_0": str(TODAY.day), "visited_on_1": str(TODAY.month),
            "visited_on_2": str(TODAY.year), "visited_at": "16:45", "address": str(address.pk),
            "visitors": "Sam Taylor and a colleague", "outcome": "FAMILY_MOVED",
            "calling_card_left": "yes",
            "information": "Neighbour says they moved to Leeds in October.", **changes}  # fmt: skip


def test_a_home_visit_is_the_home_visit_enquiry_with_its_photos(client, officer, case):
    EnquiryType.objects.filter(code="HOME_VISIT").update(is_core=True)
    client.force_login(officer)
    response = client.post(reverse("cases:home_visit_add", args=[case.pk]), {
        **visit_data(case), "photos": [SimpleUploadedFile("door.jpg", JPEG),
                                       SimpleUploadedFile("card.jpg", JPEG)]})  # fmt: skip
    assert response.status_code == 302
    visit = HomeVisit.objects.get()
    assert (visit.outcome, visit.calling_card_left, visit.visited_at) == (
        "FAMILY_MOVED",
        True,
        datetime.time(16, 45),
    )
    enquiry = visit.enquiry
    assert (enquiry.enquiry_type.code, enquiry.requested_on, enquiry.completed_on) == (
        "HOME_VISIT",
        TODAY,
        TODAY,
    )
    assert enquiry.response.startswith("Family moved, calling card left")
    assert "HOME_VISIT" not in [k.code for k in services.missing_core_enquiries(case)]
    photos = Document.objects.filter(enquiry=enquiry)
    assert photos.count() == 2 and {p.kind for p in photos} == {"JPEG image"}
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"{TODAY:%-d %B %Y} at 16:45: Family moved, calling card left" in page
    assert "14 Mill Road, Dunmore, DB3 1AA, by Sam Taylor and a colleague" in page
    history = client.get(reverse("cases:history", args=[case.pk])).content.decode()
    assert "Home visit recorded" in history and "2 photo(s)" in history


def test_a_visit_to_another_address_and_clear_refusals(client, officer, case):
    client.force_login(officer)
    url = reverse("cases:home_visit_add", args=[case.pk])
    missing = client.post(url, visit_data(case, address="other", other_address=""))
    assert "Enter the address visited" in missing.content.decode()
    late = client.post(url, visit_data(case, visited_at="25:00"))
    assert "Enter the time as hours and minutes" in late.content.decode()
    not_a_photo = client.post(
        url, {**visit_data(case), "photos": [SimpleUploadedFile("x.jpg", b"%PDF-1.4 x")]}
    )
    assert "x.jpg is not a photo" in not_a_photo.content.decode()
    assert not HomeVisit.objects.exists() and not Enquiry.objects.exists()
    assert not Document.objects.exists()
    other = client.post(
        url,
        visit_data(
            case,
            address="other",
            other_address="Flat 2, 3 Hill St",
            outcome="NO_ANSWER",
            calling_card_left="no",
        ),
    )
    assert other.status_code == 302
    assert HomeVisit.objects.get().where == "Flat 2, 3 Hill St"


def test_a_sensitive_cases_visit_hides_where_and_what_was_said(client, officer, case):
    case.is_sensitive = True
    case.save()
    services.home_visit_record(episode=case, visited_on=TODAY, visitors="Sam Taylor",
                               outcome="CHILD_SEEN", calling_card_left=False, by=officer,
                               other_address="The refuge, 1 Secret Lane",
                               information="Mum asked us not to call.")  # fmt: skip
    client.force_login(_user_with_role(roles.CME_OFFICER))
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Child seen" in page
    assert "Secret Lane" not in page and "not to call" not in page
