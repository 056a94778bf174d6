"""Case notes and managers' reviews from a case: write a note (a family note on the brothers'
and sisters' open cases too), correct it in its first minutes, add to it after; record a
review. Each page is a case page (``case_view``): the same access log and record scope."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from . import reviews, selectors, services
from .access import Action
from .errors import CaseError
from .models import CaseNote
from .note_forms import NoteAdditionForm, NoteForm, ReviewForm
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


@case_view(Action.REVIEW)
def review_add(request, episode):
    """A manager's case review: the decision or direction, and when the next one is due."""
    latest = reviews.latest_next_review(timezone.localdate())
    form = ReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    form.fields["next_review_on"].help_text = (
        f"Leave blank for the latest allowed: {reviews.every_working_days()} working days after "
        f"the review ({latest:%-d %B %Y} for a review today)."
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.case_review_record(
                episode=episode, reviewed_on=data["reviewed_on"], decision=data["decision"],
                next_review_on=data["next_review_on"], by=request.user,
            )  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Review recorded: next due {review.due_on:%-d %B %Y}")
            return redirect(episode.get_absolute_url() + "#oversight")
    last = selectors.reviews_for(episode)[:1]
    return _form_page(request, episode, form, title="Record a case review", submit="Save review",
                      last_review=last[0] if last else None)  # fmt: skip
