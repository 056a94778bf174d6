"""Handing a case to another council: the printable case by email through the outbox (without
the sensitive details unless the officer confirms they may go), chased after 5 working days,
and on acknowledgement the case closed as the other authority having accepted."""

import datetime
import io

import pytest
from django.urls import reverse

from cases import services
from cases.models import Episode, Handover
from cme_tracker.core.models import OutboxMessage
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def case(officer):
    family = FamilyFactory()
    family.addresses.create(line_1="5 Quay Street", postcode="DB4 2BB")
    return EpisodeFactory(child=ChildFactory(forename="Ines", surname="Silva", family=family),
                          allocated_officer=officer)  # fmt: skip


def send(client, case, **extra):
    return client.post(reverse("cases:handover_send", args=[case.pk]), {
        "local_authority": "Leeds City Council", "contact_name": "Pat Reid",
        "contact_email": "cme@leeds.example", **extra})  # fmt: skip


def test_a_handover_is_emailed_with_the_printable_case(client, officer, case, mailoutbox):
    client.force_login(officer)
    assert send(client, case).status_code == 302
    handover = Handover.objects.get()
    assert OutboxMessage.objects.filter(task="cases.tasks.send_handover",
                                        args=[handover.pk]).exists()  # fmt: skip
    assert services.handover_email(handover.pk) == 1
    assert services.handover_email(handover.pk) == 0  # a task run twice sends once
    [email] = mailoutbox
    assert email.to == ["cme@leeds.example"] and case.reference in email.subject
    [(name, pdf, kind)] = email.attachments
    assert name == f"case-{case.reference}.pdf" and kind == "application/pdf"
    assert "Ines Silva" in text_of(pdf) and "5 Quay Street" in text_of(pdf)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Pat Reid, Leeds City Council" in page


def test_a_sensitive_case_goes_without_its_sensitive_details_unless_confirmed(
    client, officer, case, mailoutbox
):
    case.is_sensitive = True
    case.save()
    client.force_login(officer)
    form = client.get(reverse("cases:handover_send", args=[case.pk])).content.decode()
    assert "I confirm this case" in form
    send(client, case)
    services.handover_email(Handover.objects.get().pk)
    unshared = text_of(mailoutbox[0].attachments[0][1])
    assert "5 Quay Street" not in unshared and "Hidden: sensitive case" in unshared
    Handover.objects.update(acknowledged_on=TODAY, accepted_by="x",
                            acknowledgement_recorded_by=officer)  # fmt: skip
    send(client, case, share_sensitive="on")
    shared = Handover.objects.get(acknowledged_on__isnull=True)
    assert shared.sensitive_shared
    services.handover_email(shared.pk)
    assert "5 Quay Street" in text_of(mailoutbox[1].attachments[0][1])


def test_an_unacknowledged_handover_is_chased_after_5_working_days(client, officer, manager,
                                                                   case):  # fmt: skip
    client.force_login(officer)
    send(client, case)
    assert "Chase" not in client.get(case.get_absolute_url()).content.decode()
    Handover.objects.update(sent_on=TODAY - datetime.timedelta(days=10))  # over 5 working days
    assert ">Chase<" in client.get(case.get_absolute_url()).content.decode()
    client.force_login(manager)
    aging = client.get(reverse("reports:caseload")).content.decode()
    assert "Handovers to other councils waiting" in aging and case.reference in aging


def test_the_acknowledgement_closes_the_case_as_the_other_authority_accepting(
    client, officer, case
):
    client.force_login(officer)
    send(client, case)
    handover = Handover.objects.get()
    url = reverse("cases:handover_acknowledge", args=[case.pk, handover.pk])
    refused = client.post(
        url,
        {
            "acknowledged_on_0": str(TODAY.day),
            "acknowledged_on_1": str(TODAY.month),
            "acknowledged_on_2": str(TODAY.year),
            "accepted_by": "",
        },
    )
    assert "Enter who accepted responsibility" in refused.content.decode()
    response = client.post(url, {"acknowledged_on_0": str(TODAY.day),
                                 "acknowledged_on_1": str(TODAY.month),
                                 "acknowledged_on_2": str(TODAY.year),
                                 "accepted_by": "Pat Reid, CME officer"})  # fmt: skip
    assert response.status_code == 302
    episode = Episode.objects.get(pk=case.pk)
    assert (episode.status, episode.closure_outcome.code, episode.closed_on) == (
        "CLOSED",
        "OTHER_LA_ACCEPTED",
        TODAY,
    )
    assert episode.closure_details["local_authority"] == "Leeds City Council"
    assert episode.closure_details["accepted_by"] == "Pat Reid, CME officer"
    handover.refresh_from_db()
    assert handover.accepted_by == "Pat Reid, CME officer"


def test_one_handover_waits_at_a_time(client, officer, case):
    client.force_login(officer)
    send(client, case)
    again = send(client, case)
    assert "still waiting for its acknowledgement" in again.content.decode()
    assert Handover.objects.count() == 1
