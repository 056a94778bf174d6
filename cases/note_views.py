"""Case notes from a case: write one (a family note on the brothers' and sisters' open cases
too), correct it in its first minutes, add to it after. Each page is a case page
(``case_view``): the same access log and record scope."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from . import services
from .access import Action
from .errors import CaseError
from .models import CaseNote
from .note_forms import NoteAdditionForm, NoteForm
from .views import _form_page, _siblings_for, case_view


def _note(episode, note_pk: int) -> CaseNote:
    return get_object_or_404(CaseNote.objects.with_correctable().select_related("author"),
                             pk=note_pk, episode=episode)  # fmt: skip


@case_view(Action.ADD_NOTE)
def note_add(request, episode):
    siblings = _siblings_for(request, episode, Action.ADD_NOTE)
    form = NoteForm(request.POST or None, siblings_open=bool(siblings),
                    initial={"happened_on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.note_add(
                episode=episode, kind=data["kind"], happened_on=data["happened_on"],
                text=data["text"], siblings=siblings if data.get("for_family") else (),
                by=request.user,
            )  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            extra = f" on {len(added)} cases in the family" if len(added) > 1 else ""
            messages.success(request, f"Note saved{extra}")
            return redirect(episode.get_absolute_url() + "#notes")
    return _form_page(request, episode, form, title="Add a note", submit="Save note",
                      siblings=siblings)  # fmt: skip


@case_view(Action.ADD_NOTE)
def note_correct(request, episode, note_pk):
    note = _note(episode, note_pk)
    if note.author_id != request.user.pk or not note.correctable:
        messages.error(request, "A note can be corrected only by its author in the 15 minutes "
                       "after it is written: add to it instead.")  # fmt: skip
        return redirect(episode.get_absolute_url() + "#notes")
    form = NoteForm(request.POST or None, initial={
        "kind": note.kind, "happened_on": note.happened_on, "text": note.text})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.note_correct(note=note, kind=data["kind"], happened_on=data["happened_on"],
                                  text=data["text"], by=request.user)  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Note corrected: History keeps what it said before")
            return redirect(episode.get_absolute_url() + "#notes")
    return _form_page(request, episode, form, title="Correct your note", submit="Save correction")


@case_view(Action.ADD_NOTE)
def note_add_to(request, episode, note_pk):
    note = _note(episode, note_pk)
    form = NoteAdditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add_to(note=note, text=form.cleaned_data["text"], by=request.user)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Added to the note")
            return redirect(episode.get_absolute_url() + "#notes")
    return _form_page(request, episode, form, title="Add to a note", submit="Save addition",
                      note=note)  # fmt: skip
