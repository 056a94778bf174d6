"""Forms for documents. They validate and explain; ``services.documents`` checks the file."""

from django import forms

from cme_tracker.core.forms import GovukForm

from .documents.kinds import ACCEPTED


class DocumentForm(GovukForm):
    file = forms.FileField(
        label="File", help_text=f"It can be {ACCEPTED}.",
        error_messages={"required": "Choose a file to attach",
                        "empty": "The file is empty", "invalid": "Choose a file to attach"},
    )  # fmt: skip
    description = forms.CharField(
        label="What it is (optional)", max_length=200, required=False,
        help_text="For example, letter from the last school.",
    )  # fmt: skip
    attached_to = forms.ChoiceField(label="Attach it to", initial="case")

    def __init__(self, *args, enquiries=(), notes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enquiries = {str(e.pk): e for e in enquiries}
        self.notes = {str(n.pk): n for n in notes}
        self.fields["attached_to"].choices = [
            ("case", "The case"),
            *((f"enquiry-{pk}", f"Enquiry: {e.enquiry_type} to {e.made_to}")
              for pk, e in self.enquiries.items()),
            *((f"note-{pk}", f"Note: {n.get_kind_display()}, {n.happened_on:%-d %B %Y}")
              for pk, n in self.notes.items()),
        ]  # fmt: skip

    def clean_attached_to(self) -> dict:
        chosen = self.cleaned_data["attached_to"]
        kind, _, pk = chosen.partition("-")
        return {"enquiry": self.enquiries.get(pk) if kind == "enquiry" else None,
                "note": self.notes.get(pk) if kind == "note" else None}  # fmt: skip


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the document being withdrawn?", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, attached to the wrong case. The document is kept, not deleted.",
        error_messages={"required": "Say why the document is being withdrawn"},
    )  # fmt: skip
