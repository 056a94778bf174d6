"""Each rule the database enforces, tried directly against PostgreSQL."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from cases.models import Child, ClosureOutcome, Enquiry, Episode, Event, School
from tests.cases.factories import (
    ChildFactory,
    ClosedEpisodeFactory,
    EnquiryFactory,
    EpisodeFactory,
    FamilyFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


def rejected(**kwargs):
    return pytest.raises(IntegrityError, **kwargs)


def test_a_child_has_at_most_one_open_episode():
    child = ChildFactory()
    EpisodeFactory(child=child)
    with rejected(match="episode_one_open_per_child"), transaction.atomic():
        EpisodeFactory(child=child, referral_date=datetime.date(2025, 1, 6))


def test_a_child_may_have_a_closed_episode_and_an_open_one():
    child = ChildFactory()
    ClosedEpisodeFactory(child=child)
    EpisodeFactory(child=child, referral_date=datetime.date(2025, 6, 2))
    assert child.episodes.count() == 2


def test_closure_date_cannot_be_before_the_referral_date():
    with rejected(match="episode_closed_on_or_after_referral"), transaction.atomic():
        ClosedEpisodeFactory(
            referral_date=datetime.date(2025, 3, 10), closed_on=datetime.date(2025, 3, 9)
        )


def test_closure_on_the_referral_date_is_allowed():
    episode = ClosedEpisodeFactory(
        referral_date=datetime.date(2025, 3, 10), closed_on=datetime.date(2025, 3, 10)
    )
    assert episode.pk


def test_a_closed_episode_needs_an_outcome():
    with rejected(match="episode_outcome_exactly_when_closed"), transaction.atomic():
        ClosedEpisodeFactory(closure_outcome=None)


def test_an_open_episode_cannot_have_an_outcome():
    outcome = ClosureOutcome.objects.get(code="LEFT_UK_VERIFIED")
    with rejected(match="episode_outcome_exactly_when_closed"), transaction.atomic():
        EpisodeFactory(closure_outcome=outcome)


def test_an_open_episode_cannot_have_a_closure_date():
    with rejected(match="episode_outcome_exactly_when_closed"), transaction.atomic():
        EpisodeFactory(closed_on=datetime.date(2025, 1, 1))


def test_upn_is_unique_where_present():
    ChildFactory(upn="A999200025001")
    with rejected(match="child_upn_unique"), transaction.atomic():
        ChildFactory(upn="A999200025001")


def test_many_children_may_have_no_upn():
    ChildFactory(upn="")
    ChildFactory(upn="")
    assert Child.objects.filter(upn="").count() == 2


def test_upn_must_have_the_upn_shape():
    for bad in [" ", "a999200025001", "I999200025001", "A99920002500"]:
        with rejected(match="child_upn_format"), transaction.atomic():
            ChildFactory(upn=bad)


def test_child_ref_is_unique_where_present():
    ChildFactory(child_ref="C-1")
    with rejected(match="child_ref_unique"), transaction.atomic():
        ChildFactory(child_ref="C-1")


def test_enquiry_cannot_be_due_before_it_was_requested():
    with rejected(match="enquiry_due_on_or_after_request"), transaction.atomic():
        EnquiryFactory(requested_on=datetime.date(2024, 10, 8), due_on=datetime.date(2024, 10, 7))


def test_enquiry_cannot_be_completed_before_it_was_requested():
    with rejected(match="enquiry_completed_on_or_after_request"), transaction.atomic():
        EnquiryFactory(completed_on=datetime.date(2024, 10, 1))


def test_removal_authorisation_needs_a_date(officer):
    with rejected(match="episode_removal_authorisation_dated"), transaction.atomic():
        EpisodeFactory(removal_from_roll_authorised_by=officer)


def test_address_cannot_end_before_it_starts():
    family = FamilyFactory()
    with rejected(match="address_ends_after_it_starts"), transaction.atomic():
        family.addresses.create(
            line_1="1 Test Street",
            start_date=datetime.date(2024, 5, 1),
            end_date=datetime.date(2024, 4, 1),
        )


def test_records_that_must_be_kept_are_protected():
    episode = EpisodeFactory()
    EnquiryFactory(episode=episode)
    with pytest.raises(ProtectedError):
        episode.child.delete()
    with pytest.raises(ProtectedError):
        episode.delete()
    school = SchoolFactory()
    EpisodeFactory(last_school=school, child=ChildFactory())
    with pytest.raises(ProtectedError):
        school.delete()
    assert Episode.objects.count() == 2 and Enquiry.objects.count() == 1
    assert School.objects.filter(pk=school.pk).exists()


def test_the_event_log_refuses_updates_and_deletes():
    """As the application's role: not permitted (and the owner meets a trigger: see
    tests/core/test_database_roles.py)."""
    from django.db import ProgrammingError

    event = Event.objects.create(verb="episode.opened", episode=EpisodeFactory(), payload={})
    refused = {"match": "permission denied for table cases_event"}
    with pytest.raises(ProgrammingError, **refused), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(verb="something else")
    with pytest.raises(ProgrammingError, **refused), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(ProgrammingError, **refused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM cases_event")
    assert Event.objects.get(pk=event.pk).verb == "episode.opened"
