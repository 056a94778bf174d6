"""Case notes: an officer writes what happened that is not an enquiry; it shows on the case
and in History; a family note goes on every brother's and sister's open case; the author
corrects a note in its first 15 minutes and only adds to it after; sensitive cases hide it."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from cases import services
from cases.errors import CaseError
from cases.models import CaseNote, CaseNoteAddition, Event
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, ClosedEpisodeFactory, EpisodeFactory, FamilyFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def note_data(text="Rang mum: says they moved to Leeds in the summer.", kind="PHONE_CALL",
              day=TODAY, **extra):  # fmt: skip
    return {"kind": kind, "happened_on_0": str(day.day), "happened_on_1": str(day.month),
            "happened_on_2": str(day.year), "text": text, **extra}  # fmt: skip


def written_minutes_ago(note, minutes):
    """The note as if written ``minutes`` ago by the database's clock (its window's clock)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_casenote SET created_at = now() - %s WHERE id = %s",
                       [datetime.timedelta(minutes=minutes), note.pk])  # fmt: skip


def test_an_officer_writes_a_note_and_it_shows_on_the_case_and_in_history(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    response = client.post(reverse("cases:note_add", args=[episode.pk]), note_data())
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.episode, note.author, note.kind, note.happened_on) == (
        episode,
        officer,
        "PHONE_CALL",
        TODAY,
    )
    page = client.get(episode.get_absolute_url()).content.decode()
    assert f"Phone call, {TODAY:%-d %B %Y}" in page
    assert "Rang mum: says they moved to Leeds in the summer." in page
    assert f"By {officer}" in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Note added" in history and "moved to Leeds" in history
    assert Event.objects.get(verb="note.added").actor == officer


def test_a_note_with_nothing_in_it_or_a_future_date_is_refused_and_nothing_saved(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    url = reverse("cases:note_add", args=[episode.pk])
    empty = client.post(url, note_data(text="  ", kind=""))
    page = empty.content.decode()
    assert empty.status_code == 200
    assert "Enter what the note says" in page and "Choose the type of note" in page
    future = client.post(url, note_data(day=TODAY + datetime.timedelta(days=2)))
    assert "The date of the note must be today or in the past" in future.content.decode()
    assert not CaseNote.objects.exists() and not Event.objects.exists()


def test_a_family_note_goes_on_every_brothers_and_sisters_open_case(client, officer):
    family = FamilyFactory()
    episode = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer)
    sister = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer)
    ClosedEpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer)
    client.force_login(officer)
    form = client.get(reverse("cases:note_add", args=[episode.pk])).content.decode()
    assert "Record this note on every brother" in form and sister.reference in form
    response = client.post(
        reverse("cases:note_add", args=[episode.pk]),
        note_data("Family seen at the library.", for_family="on"),
    )
    assert response.status_code == 302
    notes = CaseNote.objects.order_by("episode_id")
    assert [n.episode for n in notes] == [episode, sister]
    assert notes[0].family_group and notes[0].family_group == notes[1].family_group
    sisters_page = client.get(sister.get_absolute_url()).content.decode()
    assert "Family seen at the library." in sisters_page and "family note" in sisters_page
    history = client.get(reverse("cases:history", args=[sister.pk])).content.decode()
    assert "Recorded on every brother&#x27;s and sister&#x27;s open case" in history


def test_the_author_corrects_a_note_in_its_first_15_minutes_and_history_keeps_both(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    client.post(reverse("cases:note_add", args=[episode.pk]), note_data("Rang mum: no answr."))
    note = CaseNote.objects.get()
    written_minutes_ago(note, 14)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert reverse("cases:note_correct", args=[episode.pk, note.pk]) in page
    response = client.post(
        reverse("cases:note_correct", args=[episode.pk, note.pk]),
        note_data("Rang mum: no answer.", kind="EMAIL"),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.kind) == ("Rang mum: no answer.", "EMAIL") and note.corrected_at
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Note corrected" in history
    assert "Was: Rang mum: no answr." in history and "Now: Rang mum: no answer." in history
    assert "Type of note: Phone call → Email" in history


def test_after_15_minutes_a_note_is_only_added_to(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    [note] = services.note_add(
        episode=episode,
        kind="MEETING",
        happened_on=TODAY,
        text="Strategy meeting: police to check.",
        by=officer,
    )
    written_minutes_ago(note, 16)
    client.force_login(officer)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert reverse("cases:note_correct", args=[episode.pk, note.pk]) not in page
    assert reverse("cases:note_add_to", args=[episode.pk, note.pk]) in page
    refused = client.post(
        reverse("cases:note_correct", args=[episode.pk, note.pk]),
        note_data("Something else"),
        follow=True,
    )
    assert "add to it instead" in refused.content.decode()
    with pytest.raises(CaseError, match="add to it instead"):
        services.note_correct(note=note, kind="MEETING", happened_on=TODAY, text="Changed",
                              by=officer)  # fmt: skip
    note.refresh_from_db()
    assert note.text == "Strategy meeting: police to check."
    response = client.post(
        reverse("cases:note_add_to", args=[episode.pk, note.pk]),
        {"text": "Police confirm the family left the country."},
    )
    assert response.status_code == 302
    addition = CaseNoteAddition.objects.get()
    assert (addition.note, addition.author) == (note, officer)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Strategy meeting: police to check." in page
    assert "Police confirm the family left the country." in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Added to a note" in history and "Police confirm" in history
    empty = client.post(reverse("cases:note_add_to", args=[episode.pk, note.pk]), {"text": ""})
    assert "Enter what you are adding to the note" in empty.content.decode()
    assert CaseNoteAddition.objects.count() == 1


def test_only_the_author_corrects_or_adds_to_a_note(client, officer, manager):
    episode = EpisodeFactory(allocated_officer=officer)
    [note] = services.note_add(
        episode=episode,
        kind="OTHER",
        happened_on=TODAY,
        text="Checked the GP register.",
        by=officer,
    )
    client.force_login(manager)  # works every case, but the note is the officer's
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Checked the GP register." in page
    assert reverse("cases:note_correct", args=[episode.pk, note.pk]) not in page
    refused = client.post(
        reverse("cases:note_correct", args=[episode.pk, note.pk]),
        note_data("Rewritten by someone else"),
        follow=True,
    )
    assert "only by its author" in refused.content.decode()
    added = client.post(
        reverse("cases:note_add_to", args=[episode.pk, note.pk]),
        {"text": "A manager's words in the officer's note"},
    )
    assert "Only the note&#x27;s author can add to it" in added.content.decode()
    note.refresh_from_db()
    assert note.text == "Checked the GP register." and not CaseNoteAddition.objects.exists()


def test_a_sensitive_cases_notes_are_hidden_from_those_without_need_to_know(client, officer):
    episode = EpisodeFactory(allocated_officer=officer, is_sensitive=True)
    services.note_add(episode=episode, kind="PHONE_CALL", happened_on=TODAY,
                      text="Mum is at the refuge on Mill Lane.", by=officer)  # fmt: skip
    colleague = _user_with_role(roles.CME_OFFICER)
    client.force_login(colleague)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Mill Lane" not in page and f"Phone call, {TODAY:%-d %B %Y}" in page
    assert "Hidden: sensitive case" in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Note added" in history and "Mill Lane" not in history
    assert client.get(reverse("cases:note_add", args=[episode.pk])).status_code == 403


def test_a_closed_case_takes_no_note(client, officer):
    closed = ClosedEpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    response = client.post(reverse("cases:note_add", args=[closed.pk]), note_data())
    assert response.status_code == 302 and response.url == closed.get_absolute_url()
    assert not CaseNote.objects.exists()
