"""Forms for case notes, reminders and tasks, and managers' case reviews. They validate and
explain; services make the changes."""

from django import forms
from django.utils import timezone

from cme_tracker.core.forms import DateField, GovukForm

from .forms import officer_choices
from .models import CaseNote, CaseTask

TEXT_LIMIT = 10_000  # a long email pasted in fits; a document is attached, not pasted


class NoteForm(GovukForm):
    kind = forms.ChoiceField(
        label="Type of note", choices=CaseNote.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of note"},
    )  # fmt: skip
    happened_on = DateField(label="Date of the note", help_text="For example, 27 3 2026")
    text = forms.CharField(
        label="Note", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the note says",
                        "max_length": f"The note must be {TEXT_LIMIT:,} characters or fewer"},
    )  # fmt: skip
    for_family = forms.BooleanField(
        label="Record this note on every brother's and sister's open case too", required=False
    )

    def __init__(self, *args, siblings_open: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not siblings_open:
            del self.fields["for_family"]


class NoteAdditionForm(GovukForm):
    text = forms.CharField(
        label="What you are adding", max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The note stays as it was written; this is shown after it, with today's date.",
        error_messages={"required": "Enter what you are adding to the note",
                        "max_length": f"The addition must be {TEXT_LIMIT:,} characters or fewer"},
    )  # fmt: skip


class ReviewForm(GovukForm):
    reviewed_on = DateField(label="Date of the review", help_text="For example, 27 3 2026")
    decision = forms.CharField(
        label="Decision or direction", max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the officer is to do next, or what was decided, and why.",
        error_messages={"required": "Enter the decision or direction given",
                        "max_length": f"The decision must be {TEXT_LIMIT:,} characters or fewer"},
    )  # fmt: skip
    next_review_on = DateField(
        label="Date of the next review", required=False, not_in_future=False,
        help_text="Leave blank for the latest allowed.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        reviewed, following = data.get("reviewed_on"), data.get("next_review_on")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review_on", "The next review must be after this one")
        return data


def _today_or_later(form, field: str) -> None:
    day = form.cleaned_data.get(field)
    if day and day < timezone.localdate():
        form.add_error(field, "The date must be today or later")


class ReminderForm(GovukForm):
    due_on = DateField(label="Date to be reminded", not_in_future=False,
                       help_text="For example, 27 3 2026")  # fmt: skip
    text = forms.CharField(
        label="What to remember", max_length=CaseTask._meta.get_field("text").max_length,
        help_text="A line: write the detail in a note.",
        error_messages={"required": "Enter what to remember",
                        "max_length": "Keep it to 200 characters: write the detail in a note"},
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        _today_or_later(self, "due_on")
        return data


class TaskForm(ReminderForm):
    owner = forms.ModelChoiceField(
        label="Officer", queryset=officer_choices(), empty_label="Choose an officer",
        error_messages={"required": "Choose the officer the task is for"},
    )  # fmt: skip
    due_on = DateField(label="Date the task is due", not_in_future=False)
    text = forms.CharField(
        label="What is to be done", max_length=CaseTask._meta.get_field("text").max_length,
        help_text="A line: write the detail in a note.",
        error_messages={"required": "Enter what is to be done",
                        "max_length": "Keep it to 200 characters: write the detail in a note"},
    )  # fmt: skip
    field_order = ["owner", "due_on", "text"]


class HandoverForm(GovukForm):
    local_authority = forms.CharField(
        label="Council the family has moved to",
        max_length=200,
        error_messages={"required": "Enter the council"},
    )
    contact_name = forms.CharField(
        label="Its CME contact",
        max_length=200,
        error_messages={"required": "Enter the CME contact's name"},
    )
    contact_email = forms.EmailField(
        label="Their email address", help_text="Use the council's secure email address.",
        error_messages={"required": "Enter the CME contact's email address",
                        "invalid": "Enter an email address like name@council.gov.uk"},
    )  # fmt: skip
    share_sensitive = forms.BooleanField(
        label="I confirm this case's sensitive details (addresses, carers, schools, notes) may "
        "be shared with this council", required=False,
    )  # fmt: skip

    def __init__(self, *args, sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sensitive:
            del self.fields["share_sensitive"]


class AcknowledgementForm(GovukForm):
    acknowledged_on = DateField(label="Date the council acknowledged the handover")
    accepted_by = forms.CharField(
        label="Who accepted responsibility",
        max_length=200,
        help_text="Their name and role, for example CME officer.",
        error_messages={"required": "Enter who accepted responsibility"},
    )
