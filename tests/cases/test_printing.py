"""The printable case: a print page and a PDF of the summary, family, enquiries, notes,
reviews, reminders and History, each page marked OFFICIAL-SENSITIVE with the reference,
withholding what the person printing may not see, and every print in the access log."""

import datetime
import io

import pytest
from django.urls import reverse

from cases import services
from cases.models import AccessLogEntry
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, EnquiryFactory, EpisodeFactory, FamilyFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def pages_of(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def case(officer, manager):
    family = FamilyFactory()
    family.carers.create(name="Grace Obi", relationship="Mother", phone="01632 960111")
    family.addresses.create(line_1="9 Orchard Way", postcode="DB2 7XY")
    episode = EpisodeFactory(child=ChildFactory(forename="Tobi", surname="Obi", family=family),
                             allocated_officer=officer, referral_date=TODAY)  # fmt: skip
    EnquiryFactory(episode=episode, made_to="Head of Oakwood Primary",
                   requested_on=TODAY, due_on=TODAY)  # fmt: skip
    services.note_add(episode=episode, kind="PHONE_CALL", happened_on=TODAY,
                      text="Grandmother says they went to Leeds.", by=officer)  # fmt: skip
    services.case_review_record(episode=episode, reviewed_on=TODAY,
                                decision="Ask Leeds CME to check.", by=manager)  # fmt: skip
    services.home_visit_record(episode=episode, visited_on=TODAY, visitors="Sam Taylor",
                               outcome="NO_ANSWER", calling_card_left=True, by=officer,
                               address=family.addresses.get(),
                               information="Curtains drawn, post piling up.")  # fmt: skip
    return episode


def test_the_print_page_holds_the_whole_case_and_is_marked(client, officer, case):
    client.force_login(officer)
    response = client.get(reverse("cases:print", args=[case.pk]))
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert page.count("OFFICIAL-SENSITIVE") == 2 and page.count(f"Case {case.reference}") >= 2
    for shown in (
        "Tobi Obi",
        "Grace Obi, Mother, 01632 960111",
        "9 Orchard Way",
        "Head of Oakwood Primary",
        "Grandmother says they went to Leeds.",
        "Ask Leeds CME to check.",
        "No answer, calling card left",
        "Curtains drawn, post piling up.",
        "Case reviewed by a manager",
        "Note added",
    ):
        assert shown in page, shown
    entry = AccessLogEntry.objects.get(episode=case)
    assert (entry.user, entry.details_shown) == (officer, True)
    assert entry.page == reverse("cases:print", args=[case.pk])


def test_the_pdf_marks_every_page_with_the_reference(client, officer, case):
    for n in range(40):  # enough History to run over several pages
        services.note_add(episode=case, kind="OTHER", happened_on=TODAY,
                          text=f"Checked again, number {n}.", by=officer)  # fmt: skip
    client.force_login(officer)
    response = client.get(reverse("cases:print_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pages = pages_of(response.content)
    assert len(pages) > 1
    for text in pages:
        assert "OFFICIAL-SENSITIVE" in text and f"Case {case.reference}" in text
        assert f"Printed by {officer}" in text
    whole = " ".join(pages)
    assert "Grandmother says they went to Leeds." in whole and "9 Orchard Way" in whole
    assert AccessLogEntry.objects.filter(episode=case, page__endswith="print.pdf").count() == 1


def test_a_sensitive_case_prints_without_what_the_person_may_not_see(client, case):
    case.is_sensitive = True
    case.save()
    colleague = _user_with_role(roles.CME_OFFICER)
    client.force_login(colleague)
    page = client.get(reverse("cases:print", args=[case.pk])).content.decode()
    pdf = " ".join(pages_of(client.get(reverse("cases:print_pdf", args=[case.pk])).content))
    for copy in (page, pdf):
        for withheld in (
            "9 Orchard Way",
            "Grace Obi",
            "Head of Oakwood Primary",
            "went to Leeds",
            "Ask Leeds CME",
            "Curtains drawn",
        ):
            assert withheld not in copy, withheld
        assert "Hidden: sensitive case" in copy and "Tobi Obi" in copy
    looks = AccessLogEntry.objects.filter(episode=case, user=colleague)
    assert looks.count() == 2 and not any(entry.details_shown for entry in looks)


def test_anyone_without_the_case_cannot_print_it(client, school_user, case):
    client.force_login(school_user)
    assert client.get(reverse("cases:print", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:print_pdf", args=[case.pk])).status_code == 403


def test_an_address_marked_sensitive_on_its_own_stays_out_of_history_and_prints(
    client, officer, case, mailoutbox
):
    """A refuge's address kept hidden after a lift: its History entry says only that it
    changed, on the page, in the print and in a handover sent to another council."""
    from cases.services.events import event_record

    refuge = case.child.family.addresses.create(line_1="7 Refuge Row", postcode="DB9 9ZZ",
                                                is_sensitive=True)  # fmt: skip
    event_record(
        actor=officer,
        verb="family.address_added",
        episode=case,
        payload={"address": refuge.pk, "line_1": {"before": None, "after": "7 Refuge Row"}},
    )
    client.force_login(officer)
    history = client.get(reverse("cases:history", args=[case.pk])).content.decode()
    assert "Family moved to a new address" in history and "7 Refuge Row" not in history
    printed = client.get(reverse("cases:print", args=[case.pk])).content.decode()
    assert "7 Refuge Row" not in printed
    services.handover_send(episode=case, local_authority="Leeds City Council",
                           contact_name="Pat Reid", contact_email="cme@leeds.example",
                           share_sensitive=False, by=officer)  # fmt: skip
    services.handover_email(case.handovers.get().pk)
    assert "7 Refuge Row" not in " ".join(pages_of(mailoutbox[0].attachments[0][1]))
