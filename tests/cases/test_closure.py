"""Closing a case: one service owns every rule; today is the Europe/London date at any hour;
enquiries still awaiting a response are settled; changes to enquiries move the case on."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.errors import CaseError, StaleEdit
from cases.models import ClosureOutcome, EnquiryType, Episode
from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
UTC = datetime.UTC


def outcome(code):
    return ClosureOutcome.objects.get(code=code)


@pytest.mark.parametrize(
    ("utc", "london_today"),
    [
        (datetime.datetime(2026, 7, 14, 23, 30, tzinfo=UTC), D(2026, 7, 15)),  # 00:30 BST
        (datetime.datetime(2026, 1, 14, 23, 30, tzinfo=UTC), D(2026, 1, 14)),  # 23:30 GMT
        (datetime.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), D(2026, 3, 29)),  # clocks go forward
        (datetime.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), D(2026, 10, 25)),  # 00:30 BST
    ],
)
def test_a_closure_dated_today_is_today_in_london_at_any_hour(officer, utc, london_today):
    episode = EpisodeFactory(allocated_officer=officer, referral_date=D(2026, 1, 5))
    with time_machine.travel(utc, tick=False):
        closed, _ = services.case_close(
            episode=episode, outcome=outcome("LEFT_UK_VERIFIED"), closed_on=london_today,
            answers={"how_verified": "Border Force record"}, by=officer,
        )  # fmt: skip
        assert closed == [episode]
        tomorrow = EpisodeFactory(allocated_officer=officer, referral_date=D(2026, 1, 5))
        with pytest.raises(services.ClosureRefused) as refused:
            services.case_close(
                episode=tomorrow, outcome=outcome("LEFT_UK_VERIFIED"),
                closed_on=london_today + datetime.timedelta(days=1),
                answers={"how_verified": "Border Force record"}, by=officer,
            )  # fmt: skip
        assert refused.value.problems == {
            "closed_on": "The closure date must be today or in the past"
        }


def test_what_each_outcome_needs_is_refused_by_the_service_field_by_field(officer):
    episode = EpisodeFactory(allocated_officer=officer)
    with pytest.raises(services.ClosureRefused) as refused:
        services.case_close(
            episode=episode, outcome=outcome("FOUND_SCHOOL_THIS_LA"),
            closed_on=D(2024, 10, 1), answers={}, by=officer,
        )  # fmt: skip
    assert set(refused.value.problems) == {"closed_on", "school", "school_start_date"}
    assert Episode.objects.get(pk=episode.pk).is_open


def test_enquiries_awaiting_a_response_are_settled_as_asked(client, officer):
    episode = EpisodeFactory(allocated_officer=officer, referral_date=D(2024, 10, 7))
    [waiting] = services.enquiry_add(
        episode=episode, enquiry_type=EnquiryType.objects.get(code="S2S"), made_to="S2S",
        requested_on=D(2024, 10, 8), by=officer,
    )  # fmt: skip
    client.force_login(officer)
    page = client.get(reverse("cases:close", args=[episode.pk])).content.decode()
    assert "What becomes of the enquiries still awaiting a response?" in page
    episode.refresh_from_db()
    response = client.post(reverse("cases:close", args=[episode.pk]), {
        "version": episode.version, "outcome": outcome("LEFT_UK_VERIFIED").pk,
        "closed_on_0": "1", "closed_on_1": "11", "closed_on_2": "2024",
        f"how_verified_for_{outcome('LEFT_UK_VERIFIED').pk}": "Border Force record",
        "outstanding": "close",
    })  # fmt: skip
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.completed_on == D(2024, 11, 1)
    assert waiting.response == services.closure.NO_RESPONSE
    assert not Episode.objects.get(pk=episode.pk).is_open


def test_enquiries_exhausted_too_early_says_so_once_and_links_to_the_core_enquiries(
    client, officer
):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    html = client.post(reverse("cases:close", args=[episode.pk]), {
        "version": episode.version, "outcome": outcome("ENQUIRIES_EXHAUSTED").pk,
        "closed_on_0": "1", "closed_on_1": "11", "closed_on_2": "2024",
    }).content.decode()  # fmt: skip
    assert html.count("Enquiries are not exhausted") == 1
    summary = html[html.index("govuk-error-summary") :]
    target = summary.split('href="', 1)[1].split('"', 1)[0]
    assert target == reverse("cases:core_enquiries", args=[episode.pk])  # to the page that helps


def test_adding_or_answering_an_enquiry_moves_the_case_on(officer):
    episode = EpisodeFactory(allocated_officer=officer)
    seen = episode.version
    [enquiry] = services.enquiry_add(
        episode=episode, enquiry_type=EnquiryType.objects.get(code="S2S"), made_to="S2S",
        requested_on=D(2024, 10, 8), by=officer,
    )  # fmt: skip
    assert Episode.objects.get(pk=episode.pk).version == seen + 1
    services.enquiry_complete(enquiry=enquiry, completed_on=D(2024, 10, 9), response="None",
                              by=officer)  # fmt: skip
    assert Episode.objects.get(pk=episode.pk).version == seen + 2
    with pytest.raises(StaleEdit) as stale:  # a page loaded before the enquiry is out of date
        services.episode_update(
            episode=episode, expected_version=seen, by=officer, fsm_at_referral=True
        )
    assert [e.verb for e in stale.value.events] == ["enquiry.added", "enquiry.completed"]


def test_several_enquiries_recorded_at_once_are_one_change_each_in_history(officer):
    episode = EpisodeFactory(allocated_officer=officer, referral_date=D(2024, 10, 7))
    kinds = {kind.code: kind for kind in EnquiryType.objects.filter(code__in=["S2S", "DWP"])}
    records = [
        {"enquiry_type": kinds["S2S"], "made_to": "S2S", "requested_on": D(2024, 10, 8),
         "completed_on": D(2024, 10, 9), "response": "No trace"},
        {"enquiry_type": kinds["DWP"], "made_to": "DWP", "requested_on": D(2024, 10, 8)},
    ]  # fmt: skip
    wrong = [records[0], {**records[1], "completed_on": D(2024, 10, 1), "response": "Early"}]
    with pytest.raises(CaseError, match="cannot be before the enquiry was made"):
        services.enquiries_record(episode=episode, records=wrong, by=officer)
    assert not episode.enquiries.exists()  # all or none
    services.enquiries_record(episode=episode, records=records, by=officer)
    assert Episode.objects.get(pk=episode.pk).version == episode.version + 1
    dwp = episode.enquiries.get(enquiry_type__code="DWP")
    assert dwp.completed_on is None and dwp.due_on > D(2024, 10, 8)
    history = [(e.verb, e.payload["type"]) for e in episode.events.order_by("pk")
               if e.verb.startswith("enquiry.")]  # fmt: skip
    assert history == [("enquiry.added", "S2S"), ("enquiry.completed", "S2S"),
                       ("enquiry.added", "DWP")]  # fmt: skip


def test_the_core_enquiries_not_yet_done_are_recorded_on_one_page(client, officer):
    from cases.models import EnquiryType

    EnquiryType.objects.update(is_core=False)
    EnquiryType.objects.filter(code__in=["LAST_SCHOOL", "S2S", "COUNCIL_TAX"]).update(is_core=True)
    episode = EpisodeFactory(allocated_officer=officer, referral_date=D(2024, 10, 7))
    client.force_login(officer)
    refused = client.post(reverse("cases:close", args=[episode.pk]), {
        "version": episode.version, "outcome": outcome("ENQUIRIES_EXHAUSTED").pk,
        "closed_on_0": "1", "closed_on_1": "11", "closed_on_2": "2024",
    }).content.decode()  # fmt: skip
    url = reverse("cases:core_enquiries", args=[episode.pk])
    assert f'href="{url}"' in refused  # the refusal leads to the page
    page = client.get(url).content.decode()
    assert all(label in page for label in ("Last school", "Council tax"))
    kinds = {kind.code: kind.pk for kind in EnquiryType.objects.filter(is_core=True)}
    data = {}
    for code, made_to in [("LAST_SCHOOL", "Head, Oakwood"), ("S2S", "S2S")]:
        prefix = f"core-{kinds[code]}"
        data |= {f"{prefix}-record": "on", f"{prefix}-made_to": made_to,
                 f"{prefix}-requested_on_0": "8", f"{prefix}-requested_on_1": "10",
                 f"{prefix}-requested_on_2": "2024", f"{prefix}-completed_on_0": "9",
                 f"{prefix}-completed_on_1": "10", f"{prefix}-completed_on_2": "2024",
                 f"{prefix}-response": "No trace"}  # fmt: skip
    broken = {**data, f"core-{kinds['S2S']}-response": ""}
    assert "Enter the response to the" in client.post(url, broken).content.decode()
    assert not episode.enquiries.exists()  # nothing half-saved
    assert client.post(url, data).status_code == 302
    assert episode.enquiries.filter(completed_on=D(2024, 10, 9)).count() == 2
    assert [k.code for k in services.missing_core_enquiries(episode)] == ["COUNCIL_TAX"]


def test_each_outcome_reveals_only_what_it_needs_and_a_shared_need_works_for_each(
    client, officer, caplog
):
    from tests.cases.factories import SchoolFactory

    SchoolFactory(name="Far Academy", urn=990777)
    episode = EpisodeFactory(allocated_officer=officer, referral_date=D(2024, 10, 7))
    client.force_login(officer)
    page = client.get(reverse("cases:close", args=[episode.pk])).content.decode()
    assert page.count("govuk-radios__conditional") >= 4
    assert "should only be rendered once" not in caplog.text
    # Both school outcomes ask for a school: each through copies of its own.
    chosen = outcome("FOUND_SCHOOL_OTHER_LA")
    assert f'name="school_for_{chosen.pk}"' in page
    assert f'name="school_for_{outcome("FOUND_SCHOOL_THIS_LA").pk}"' in page
    response = client.post(reverse("cases:close", args=[episode.pk]), {
        "version": episode.version, "outcome": chosen.pk,
        "closed_on_0": "1", "closed_on_1": "11", "closed_on_2": "2024",
        f"school_for_{chosen.pk}": "990777",
        f"school_start_date_for_{chosen.pk}_0": "28",
        f"school_start_date_for_{chosen.pk}_1": "10",
        f"school_start_date_for_{chosen.pk}_2": "2024",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    episode.refresh_from_db()
    assert episode.destination_school.urn == 990777
    assert episode.closure_details["start_date"] == "2024-10-28"
