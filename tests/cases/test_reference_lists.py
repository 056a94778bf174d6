"""The reference lists each process keeps (cases.reference_lists): never out of date on a page.

Each test reads a page (the lists are then kept), changes a list the way an administrator or
another process would, and reads the page again.
"""

import pytest
from django.db import connection, transaction

from cases import reference_lists
from cases.models import Locality, PresentingNeed
from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


def _case_list(client) -> str:
    return client.get("/cases/").content.decode()


def test_a_renamed_locality_shows_on_the_next_page(client, manager):
    locality = Locality.objects.order_by("order").first()
    EpisodeFactory(locality=locality)
    client.force_login(manager)
    assert locality.label in _case_list(client)
    Locality.objects.filter(pk=locality.pk).update(label="Riverside and Docks")
    page = _case_list(client)
    assert "Riverside and Docks" in page
    assert f">{locality.label}<" not in page


def test_a_change_made_outside_django_is_seen_too(client, manager):
    client.force_login(manager)
    assert "Home life needs" not in _case_list(client)
    with connection.cursor() as cursor:  # as another process, or an administrator's SQL, would
        cursor.execute(
            'INSERT INTO cases_presentingneed (code, label, "order", is_active) '
            "VALUES ('HOME_LIFE', 'Home life needs', 99, true)"
        )
    assert "Home life needs" in _case_list(client)


def test_a_change_rolled_back_is_forgotten(client, manager):
    client.force_login(manager)
    _case_list(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        PresentingNeed.objects.create(code="UNDONE", label="A need never saved", order=98)
        assert "A need never saved" in [
            need.label for need in reference_lists.items(PresentingNeed)
        ]
        raise RuntimeError
    assert "A need never saved" not in _case_list(client)


def test_outside_a_request_each_use_reads_the_version(django_assert_num_queries):
    reference_lists.items(Locality)
    with django_assert_num_queries(1):  # the version only: the lists are kept
        reference_lists.items(Locality)
    Locality.objects.create(code="NEW", label="New Town", order=50)
    assert "New Town" in [locality.label for locality in reference_lists.items(Locality)]


def test_a_case_page_shows_its_lists_from_those_kept(client, manager):
    need = PresentingNeed.objects.order_by("order").first()
    episode = EpisodeFactory(presenting_need=need)
    client.force_login(manager)
    assert need.label in client.get(f"/cases/{episode.pk}/").content.decode()
    PresentingNeed.objects.filter(pk=need.pk).update(label="Needs a specialist place")
    assert "Needs a specialist place" in client.get(f"/cases/{episode.pk}/").content.decode()
