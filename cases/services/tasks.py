"""Reminders and tasks: an officer sets a reminder on a case they work; a manager gives an
officer a task; its person marks it done. Each is a change to the case (locked, a new
version, History's entry); the daily alert run tells its person on the day."""

from datetime import date

from django.db import transaction

from cme_tracker.core import clock

from .. import access
from ..errors import CaseError
from ..models import CaseTask, Episode
from .events import event_record
from .locking import bump_version, episode_for_update


def _checked(episode: Episode, due_on: date, text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CaseError("Enter what it is about.")
    if len(text) > CaseTask._meta.get_field("text").max_length:
        raise CaseError("Keep it to 200 characters: write the detail in a note.")
    if due_on < clock.today():
        raise CaseError("The date must be today or later.")
    if not episode.is_open:
        raise CaseError("Reminders and tasks are only set on an open case.")
    return text


def _made(task: CaseTask, verb: str, by) -> CaseTask:
    event_record(actor=by, verb=verb, episode=task.episode, payload={
        "version": bump_version(task.episode, []), "task": task.pk, "owner": task.owner_id,
        "due_on": task.due_on, "text": task.text,
    })  # fmt: skip
    return task


@transaction.atomic
def reminder_set(*, episode: Episode, due_on: date, text: str, by) -> CaseTask:
    """A reminder for oneself on a case one works."""
    episode = episode_for_update(episode.pk)
    text = _checked(episode, due_on, text)
    task = CaseTask.objects.create(episode=episode, kind=CaseTask.Kind.REMINDER, owner=by,
                                   set_by=by, due_on=due_on, text=text)  # fmt: skip
    return _made(task, "task.reminder_set", by)


@transaction.atomic
def task_assign(*, episode: Episode, owner, due_on: date, text: str, by) -> CaseTask:
    """A manager gives an officer a task on a case: one who may work it and see it."""
    if not by.has_perm("cases.assign_casetask"):
        raise CaseError("Only a manager gives an officer a task.")
    episode = episode_for_update(episode.pk)
    text = _checked(episode, due_on, text)
    if not owner.is_active or not access.may(owner, access.Action.ADD_NOTE, episode):
        raise CaseError(f"{owner.get_full_name() or owner.username} does not work this case: "
                        "allocate it to them first, or choose its officer.")  # fmt: skip
    task = CaseTask.objects.create(episode=episode, kind=CaseTask.Kind.TASK, owner=owner,
                                   set_by=by, due_on=due_on, text=text)  # fmt: skip
    return _made(task, "task.assigned", by)


@transaction.atomic
def task_done(*, task: CaseTask, by) -> CaseTask:
    """Its person (or a manager, for a task they gave) marks a reminder or task done."""
    episode = episode_for_update(task.episode_id)
    task = CaseTask.objects.select_for_update().get(pk=task.pk)
    if task.done_on is not None:
        raise CaseError("This is already marked done.")
    if by.pk not in (task.owner_id, task.set_by_id):
        raise CaseError("Only the person it is for marks it done.")
    task.done_on, task.done_by = clock.today(), by
    task.save(update_fields=["done_on", "done_by"])
    task.episode = episode
    event_record(actor=by, verb="task.done", episode=episode, payload={
        "version": bump_version(episode, []), "task": task.pk, "text": task.text,
    })  # fmt: skip
    return task
