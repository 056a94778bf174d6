"""The demo loader: synthetic, reproducible, and a second run changes nothing."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cases.models import Child, Enquiry, Episode, Event, Family
from cases.upn import upn_problem
from demo import loader as demo
from referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Child, Family, Episode, Enquiry, Referral, Event, get_user_model())
    }


def test_loading_twice_changes_nothing():
    result = demo.load_demo(today=TODAY, children=40, snapshots=False)
    assert result.children >= 40
    before = counts()
    assert demo.load_demo(today=TODAY, children=40, snapshots=False) is None
    assert counts() == before


def test_same_seed_same_data():
    demo.load_demo(today=TODAY, children=30, seed=7, snapshots=False)
    first = list(Child.objects.order_by("child_ref").values_list("surname", "date_of_birth"))
    Child.objects.update(child_ref="")  # let the loader run again beside the first set
    demo.load_demo(today=TODAY, children=30, seed=7, snapshots=False)
    second = list(
        Child.objects.exclude(child_ref="")
        .order_by("child_ref")
        .values_list("surname", "date_of_birth")
    )
    assert first == second


def test_demo_users_one_per_role_and_they_can_sign_in(client):
    demo.load_demo(today=TODAY, children=10, snapshots=False)
    for username, _, _, role in demo.DEMO_USERS:
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        response = client.post("/sign-in/", {"username": username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post("/sign-out/")


def test_demo_data_looks_like_a_cme_service():
    result = demo.load_demo(today=TODAY, children=250)
    assert result.families < result.children  # sibling groups
    episodes = Episode.objects.all()
    years = {e.referral_date.year - (e.referral_date.month < 4) for e in episodes}
    assert years == {2024, 2025, 2026}  # three financial years
    assert episodes.filter(status="OPEN").exists() and episodes.filter(status="CLOSED").exists()
    assert (
        Child.objects.filter(episodes__status="CLOSED")
        .filter(episodes__referral_date__gt=date(2024, 4, 1))
        .exists()
    )
    repeat_children = [c for c in Child.objects.all() if c.episodes.count() > 1]
    assert repeat_children  # previously CME
    central = episodes.filter(locality__code="CENTRAL").count()
    assert central / episodes.count() > 0.5
    overdue = Enquiry.objects.filter(
        completed_on__isnull=True, due_on__lt=TODAY, episode__status="OPEN"
    )
    assert overdue.exists()
    assert Enquiry.objects.values("enquiry_type").distinct().count() == 16
    for child in Child.objects.exclude(upn=""):
        assert upn_problem(child.upn) is None
        assert child.upn[1:4] == "999"  # no real local authority
    assert (
        Event.objects.filter(verb="episode.closed").count()
        == episodes.filter(status="CLOSED").count()
    )
    assert episodes.exclude(removal_from_roll_authorised_on=None).exists()
    assert episodes.filter(is_sensitive=True).exists()
    # Every enquiry is in its case's History, made and (when answered) answered.
    assert Event.objects.filter(verb="enquiry.added").count() == Enquiry.objects.count()
    assert (
        Event.objects.filter(verb="enquiry.completed").count()
        == Enquiry.objects.exclude(completed_on=None).count()
    )


def test_loading_shows_its_progress_in_tenths(capsys):
    from django.core.management import call_command

    call_command("load_demo", "--today", TODAY.isoformat(), "--children", "30")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Loading synthetic demo data (30 children, under a minute)"
    made = [line.strip() for line in lines if line.strip().endswith("children made")]
    assert len(made) == 10
    assert made[-1] == "30 of 30 children made"
    assert lines[-1].startswith("Loaded demo data: ")
    call_command("load_demo", "--children", "30")
    assert capsys.readouterr().out.strip() == "Demo data is already loaded; nothing changed."


def test_the_demo_has_a_snapshot_of_each_quarter_ended(client):
    from reports.models import ScorecardSnapshot

    result = demo.load_demo(today=TODAY, children=20)
    # 23 November 2026: every quarter from April 2024 to September 2026 has ended.
    taken = list(ScorecardSnapshot.objects.order_by("year", "quarter")
                 .values_list("year", "quarter", "scheduled"))  # fmt: skip
    assert taken == [(y, q, True) for y in (2024, 2025) for q in (1, 2, 3, 4)] + [
        (2026, 1, True),
        (2026, 2, True),
    ]
    assert result.snapshots == 10
