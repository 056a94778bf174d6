"""Case work beside the enquiries: write a note (a family note on the brothers' and sisters'
open cases too), correct it in its first minutes, add to it after; set a reminder, give an
officer a task, mark one done; record a manager's review. Each page is a case page
(``case_view``): the same access log and record scope."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import access, reviews, selectors, services
from .access import Action
from .errors import CaseError
from .models import CaseNote, CaseTask, Handover
from .note_forms import (
    AcknowledgementForm,
    HandoverForm,
    NoteAdditionForm,
    NoteForm,
    ReminderForm,
    ReviewForm,
    TaskForm,
)
from .views import _form_page, _siblings_for, case_view
from .visit_forms import HomeVisitForm


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


@case_view(Action.SET_REMINDER)
def reminder_add(request, episode):
    form = ReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reminder_set(episode=episode, due_on=data["due_on"], text=data["text"],
                                  by=request.user)  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Reminder set for {data['due_on']:%-d %B %Y}")
            return redirect(episode.get_absolute_url() + "#tasks")
    return _form_page(request, episode, form, title="Set a reminder", submit="Set reminder")


@case_view(Action.ASSIGN_TASK)
def task_assign(request, episode):
    form = TaskForm(request.POST or None, initial={"owner": episode.allocated_officer_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_assign(episode=episode, owner=data["owner"], due_on=data["due_on"],
                                 text=data["text"], by=request.user)  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Task given to {data['owner']}")
            return redirect(episode.get_absolute_url() + "#tasks")
    return _form_page(request, episode, form, title="Give an officer a task", submit="Give task")


@require_POST
@case_view(Action.SET_REMINDER)
def task_done(request, episode, task_pk):
    task = get_object_or_404(CaseTask, pk=task_pk, episode=episode)
    try:
        services.task_done(task=task, by=request.user)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{task.get_kind_display()} marked done")
    return redirect(episode.get_absolute_url() + "#tasks")


@case_view(Action.ADD_ENQUIRY)
def home_visit_add(request, episode):
    """A home visit: one form, recorded as the home-visit enquiry, with its photos."""
    family = access.family_shown(request.user, episode, selectors.family_details(episode))
    addresses = [address for address, shown in family["addresses"] if shown]
    form = HomeVisitForm(request.POST or None, request.FILES or None, addresses=addresses,
                         initial={"visited_on": timezone.localdate(),
                                  "visitors": request.user.get_full_name()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.home_visit_record(
                episode=episode, visited_on=data["visited_on"], visited_at=data["visited_at"],
                visitors=data["visitors"], outcome=data["outcome"],
                calling_card_left=data["calling_card_left"], information=data["information"],
                photos=data["photos"], by=request.user, **form.visit_address(),
            )  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Home visit recorded")
            return redirect(episode)
    return _form_page(request, episode, form, title="Record a home visit", submit="Save visit")


@case_view(Action.HAND_OVER)
def handover_send(request, episode):
    """Hand the case to the council the family has moved to: the printable case by email."""
    sensitive = access.is_sensitive(episode)
    form = HandoverForm(request.POST or None, sensitive=sensitive)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.handover_send(
                episode=episode, local_authority=data["local_authority"],
                contact_name=data["contact_name"], contact_email=data["contact_email"],
                share_sensitive=data.get("share_sensitive", False), by=request.user,
            )  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Handover to {data['local_authority']} sent")
            return redirect(episode.get_absolute_url() + "#handover")
    return _form_page(request, episode, form, title="Hand the case to another council",
                      submit="Send handover")  # fmt: skip


@case_view(Action.CLOSE)
def handover_acknowledge(request, episode, handover_pk):
    handover = get_object_or_404(Handover, pk=handover_pk, episode=episode)
    form = AcknowledgementForm(request.POST or None,
                               initial={"acknowledged_on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.handover_acknowledge(handover=handover, by=request.user,
                                          acknowledged_on=data["acknowledged_on"],
                                          accepted_by=data["accepted_by"])  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Case closed: {handover.local_authority} accepted "
                             "responsibility")  # fmt: skip
            return redirect(episode)
    return _form_page(request, episode, form,
                      title=f"Record {handover.local_authority}'s acknowledgement and close",
                      submit="Record and close the case")  # fmt: skip
