"""Forms for case notes. They validate and explain; ``services.notes`` makes the changes."""

from django import forms

from cme_tracker.core.forms import DateField, GovukForm

from .models import CaseNote

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
