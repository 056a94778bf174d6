"""Case notes: written on a case (a family note on every brother's and sister's open case at
once), corrected by their author inside the correction window, then only added to. Each is a
change to the case: it locks the case, moves it on a version and writes History, which keeps
every version of the text."""

import uuid
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q

from cme_tracker.core import clock

from ..errors import CaseError
from ..models import CaseNote, CaseNoteAddition, Episode
from ..selectors import open_sibling_episodes
from .events import apply_changes, event_record
from .locking import bump_version, episode_for_update


def _checked(kind: str, happened_on: date, text: str) -> dict:
    text = (text or "").strip()
    if not text:
        raise CaseError("Enter what the note says.")
    if kind not in CaseNote.Kind.values:
        raise CaseError("Choose the type of note.")
    if happened_on > clock.today():
        raise CaseError("The date of the note cannot be in the future.")
    return {"kind": kind, "happened_on": happened_on, "text": text}


@transaction.atomic
def note_add(*, episode: Episode, kind: str, happened_on: date, text: str, by,
             siblings: Sequence[Episode] = ()) -> list[CaseNote]:  # fmt: skip
    """Write a note; with ``siblings`` (open cases of the child's brothers and sisters the
    author may work), the same family note on each of them too."""
    fields = _checked(kind, happened_on, text)
    if siblings:
        family = {sibling.pk for sibling in open_sibling_episodes(episode)[1:]}
        if any(sibling.pk not in family for sibling in siblings):
            raise CaseError("A family note goes only on brothers' and sisters' open cases.")
    locked = {pk: episode_for_update(pk) for pk in sorted({episode.pk, *(s.pk for s in siblings)})}
    cases = [locked[episode.pk], *(locked[sibling.pk] for sibling in siblings)]
    if any(not case.is_open for case in cases):
        raise CaseError("Notes can only be added to an open case.")
    group = uuid.uuid4() if len(cases) > 1 else None
    notes = CaseNote.objects.bulk_create(
        [CaseNote(episode=case, author=by, family_group=group, **fields) for case in cases]
    )
    for case, note in zip(cases, notes, strict=True):
        event_record(actor=by, verb="note.added", episode=case, payload={
            "version": bump_version(case, []), "note": note.pk, "kind": note.kind,
            "happened_on": note.happened_on, "text": note.text, "family": bool(group),
        })  # fmt: skip
    return notes


def _copies(note: CaseNote) -> list[CaseNote]:
    """The note and, for a family note, its copies: their cases locked first (in a fixed
    order, as every change to several cases does), then the notes."""
    same = Q(pk=note.pk) | (Q(family_group=note.family_group) if note.family_group else Q())
    cases = CaseNote.objects.filter(same).values_list("episode_id", flat=True)
    locked = {pk: episode_for_update(pk) for pk in sorted(set(cases))}
    notes = list(CaseNote.objects.select_for_update(of=("self",)).with_correctable()
                 .filter(same).order_by("pk"))  # fmt: skip
    for each in notes:
        each.episode = locked[each.episode_id]
    return notes


@transaction.atomic
def note_correct(*, note: CaseNote, kind: str, happened_on: date, text: str, by) -> CaseNote:
    """The author's correction inside the correction window; History keeps what it said."""
    fields = _checked(kind, happened_on, text)
    copies = _copies(note)
    if any(each.author_id != by.pk for each in copies):
        raise CaseError("Only the note's author can correct it.")
    if not all(each.correctable for each in copies):
        raise CaseError("A note can be corrected only in the 15 minutes after it is written: "
                        "add to it instead.")  # fmt: skip
    if not all(each.episode.is_open for each in copies):
        raise CaseError("Notes can only be changed on an open case.")
    now = clock.now()
    for each in copies:
        changes = apply_changes(each, fields)
        if not changes:
            continue
        each.corrected_at = now
        each.save(update_fields=[*fields, "corrected_at"])
        event_record(actor=by, verb="note.corrected", episode=each.episode, payload={
            "version": bump_version(each.episode, []), "note": each.pk, **changes,
        })  # fmt: skip
    return next(each for each in copies if each.pk == note.pk)


@transaction.atomic
def note_add_to(*, note: CaseNote, text: str, by) -> list[CaseNoteAddition]:
    """Words added to a note (on each copy of a family note), kept as written."""
    text = (text or "").strip()
    if not text:
        raise CaseError("Enter what you are adding to the note.")
    copies = _copies(note)
    if any(each.author_id != by.pk for each in copies):
        raise CaseError("Only the note's author can add to it: write a note of your own.")
    if not all(each.episode.is_open for each in copies):
        raise CaseError("Notes can only be added to on an open case.")
    additions = CaseNoteAddition.objects.bulk_create(
        [CaseNoteAddition(note=each, text=text, author=by) for each in copies]
    )
    for each in copies:
        event_record(actor=by, verb="note.added_to", episode=each.episode, payload={
            "version": bump_version(each.episode, []), "note": each.pk, "text": text,
        })  # fmt: skip
    return additions
