"""The next due date and name parts the database keeps (cases.derived), seen as an officer
sees them: the list's next due date, its overdue filter, and name search."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Child, Enquiry, Episode

from .factories import ChildFactory, ClosedEpisodeFactory, EnquiryFactory, EpisodeFactory

D = dt.date


def _next_due_by_hand(episode_id: int):
    """What the next due date should be, worked out in Python from the enquiries."""
    due = [
        e.due_on for e in Enquiry.objects.filter(episode_id=episode_id) if e.completed_on is None
    ]
    return min(due, default=None)


@pytest.mark.django_db
def test_next_due_date_follows_every_change_to_enquiries():
    episode = EpisodeFactory(referral_date=D(2026, 9, 1))
    other = EpisodeFactory(referral_date=D(2026, 9, 1))

    def check():
        for case in (episode, other):
            assert Episode.objects.get(pk=case.pk).next_due_on == _next_due_by_hand(case.pk)

    check()  # none yet
    first = EnquiryFactory(episode=episode, requested_on=D(2026, 9, 2), due_on=D(2026, 9, 20))
    check()
    second = EnquiryFactory(episode=episode, requested_on=D(2026, 9, 2), due_on=D(2026, 9, 10))
    assert Episode.objects.get(pk=episode.pk).next_due_on == D(2026, 9, 10)
    second.completed_on = D(2026, 9, 5)
    second.save()
    assert Episode.objects.get(pk=episode.pk).next_due_on == D(2026, 9, 20)
    Enquiry.objects.filter(pk=first.pk).update(episode=other)  # moved to another case
    check()
    assert Episode.objects.get(pk=episode.pk).next_due_on is None
    Enquiry.objects.bulk_create([
        Enquiry(episode=episode, enquiry_type=first.enquiry_type, made_to="x",
                requested_on=D(2026, 9, 3), due_on=D(2026, 9, 3 + n)) for n in range(5)
    ])  # fmt: skip
    check()
    Enquiry.objects.filter(episode=episode).delete()
    check()
    assert Episode.objects.get(pk=episode.pk).next_due_on is None


@pytest.mark.django_db
def test_overdue_filter_and_next_due_column_agree_with_the_enquiries(client, manager):
    today = dt.date.today()
    late = EpisodeFactory(referral_date=today - dt.timedelta(days=40))
    EnquiryFactory(episode=late, requested_on=today - dt.timedelta(days=30),
                   due_on=today - dt.timedelta(days=3))  # fmt: skip
    answered = EpisodeFactory(referral_date=today - dt.timedelta(days=40))
    EnquiryFactory(episode=answered, requested_on=today - dt.timedelta(days=30),
                   due_on=today - dt.timedelta(days=3),
                   completed_on=today - dt.timedelta(days=4))  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("cases:list"), {"overdue": "yes"}).content.decode()
    assert late.reference in page and answered.reference not in page
    assert "1 overdue" in page
    page = client.get(reverse("cases:list"), {"overdue": "no"}).content.decode()
    assert answered.reference in page and late.reference not in page


def _found(client, words: str) -> set[str]:
    page = client.get(reverse("cases:list"), {"q": words}).content.decode()
    return {e.reference for e in Episode.objects.all() if f">{e.reference}<" in page}


@pytest.mark.django_db
def test_name_search_finds_the_start_of_any_name_ignoring_case_and_accents(client, officer):
    named = {
        "muller": EpisodeFactory(child=ChildFactory(forename="Zoë", surname="Müller")),
        "briain": EpisodeFactory(child=ChildFactory(forename="Seán", surname="Ó Briain")),
        "lukasz": EpisodeFactory(child=ChildFactory(forename="Łukasz", surname="Wiśniewski")),
        "johnson": EpisodeFactory(child=ChildFactory(forename="Amy", surname="Jóhnson-Hart",
                                                     preferred_name="Aims")),
    }  # fmt: skip
    ref = {key: episode.reference for key, episode in named.items()}
    client.force_login(officer)
    assert _found(client, "muller") == {ref["muller"]}
    assert _found(client, "MÜLL") == {ref["muller"]}
    assert _found(client, "zoe muller") == {ref["muller"]}
    assert _found(client, "zoe briain") == set()  # every word must match
    assert _found(client, "brIAIN") == {ref["briain"]}
    assert _found(client, "sean") == {ref["briain"]}
    assert _found(client, "lukasz wisniewski") == {ref["lukasz"]}
    assert _found(client, "john") == {ref["johnson"]}  # the start of a word
    assert _found(client, "hart") == {ref["johnson"]}  # a double-barrelled name's half
    assert _found(client, "aims") == {ref["johnson"]}  # a preferred name
    assert _found(client, "Mü") == {ref["muller"]}  # two letters: the start of a word
    assert _found(client, "50%") == set()  # not a wildcard


@pytest.mark.django_db
def test_a_renamed_child_is_found_by_the_new_name_only(client, officer):
    episode = EpisodeFactory(child=ChildFactory(forename="Ana", surname="Popescu"))
    client.force_login(officer)
    assert _found(client, "popescu") == {episode.reference}
    Child.objects.filter(pk=episode.child_id).update(surname="Ionescu")
    assert _found(client, "popescu") == set()
    assert _found(client, "ionescu") == {episode.reference}


@pytest.mark.django_db
def test_search_by_upn_and_former_upn(client, officer):
    from cases.upn import expected_check_letter

    def upn(body):
        return expected_check_letter("A" + body) + body

    current, former = upn("999123456789"), upn("999987654321")
    child = ChildFactory(upn=current, former_upn=former)
    episode = EpisodeFactory(child=child)
    other = EpisodeFactory(child=ChildFactory(upn=upn("999111111111")))
    client.force_login(officer)
    for term in (current, former.lower(), f" {former[:4]} {former[4:]} "):
        # One case: the search goes straight to it.
        response = client.get(reverse("cases:list"), {"q": term})
        assert response.status_code == 302, term
        assert response["Location"] == reverse("cases:detail", args=[episode.pk]), term
    assert _found(client, upn("999111111111")) == set()  # the other child's case, not listed
    earlier = ClosedEpisodeFactory(child=child, referral_date=episode.referral_date.replace(2021))
    # The child's two cases: straight to the open one, whose page lists the earlier one.
    response = client.get(reverse("cases:list"), {"q": former}, follow=True)
    assert response.redirect_chain == [(reverse("cases:detail", args=[episode.pk]), 302)]
    page = response.content.decode()
    assert "Other cases of this child" in page
    assert f'href="{reverse("cases:detail", args=[earlier.pk])}">{earlier.reference}</a>' in page
    # Another filter as well: the list, narrowed.
    page = client.get(reverse("cases:list"), {"q": current, "status": "closed"}).content.decode()
    assert f">{earlier.reference}<" in page and f">{episode.reference}<" not in page
    assert f">{other.reference}<" not in page
    # Closed both: straight to the latest.
    Episode.objects.filter(pk=episode.pk).update(
        status="CLOSED", closed_on=episode.referral_date.replace(2025, 1, 20),
        closure_outcome=earlier.closure_outcome,
    )  # fmt: skip
    response = client.get(reverse("cases:list"), {"q": current})
    assert response["Location"] == reverse("cases:detail", args=[episode.pk])
    # The former UPN now another child's UPN: two children, so the list, with both.
    now_held = EpisodeFactory(child=ChildFactory(upn=former))
    assert _found(client, former) == {episode.reference, earlier.reference, now_held.reference}


@pytest.mark.django_db
def test_name_search_reads_an_index_not_every_child():
    """The plan PostgreSQL makes for a name search starts from the name parts' index."""
    ChildFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # tiny tables: ask what it would use
        cursor.execute(
            "EXPLAIN SELECT child_id FROM cases_childnamepart "
            "WHERE part LIKE cme_fold('Müll') || '%'"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "child_name_part" in plan
