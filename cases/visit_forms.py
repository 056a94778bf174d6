"""The home visit form. It validates and explains; ``services.visits`` records the visit."""

import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from cme_tracker.core.forms import DateField, GovukForm

from .models import HomeVisit

OTHER = "other"


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos, or none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", PhotosInput(attrs={"accept": "image/jpeg,image/png,image/heic"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(one, initial) for one in files]


class HomeVisitForm(GovukForm):
    visited_on = DateField(label="Date of the visit", help_text="For example, 27 3 2026")
    visited_at = forms.CharField(label="Time of the visit (optional)", required=False,
                                 max_length=5, help_text="For example, 14:30")  # fmt: skip
    address = forms.ChoiceField(
        label="Address visited",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the address visited"},
    )
    other_address = forms.CharField(label="The address visited, if it is not one above",
                                    max_length=300, required=False)  # fmt: skip
    visitors = forms.CharField(
        label="Who visited", max_length=200, error_messages={"required": "Enter who visited"}
    )
    outcome = forms.ChoiceField(
        label="What happened",
        choices=HomeVisit.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    calling_card_left = forms.TypedChoiceField(
        label="Was a calling card left?", choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        error_messages={"required": "Say whether a calling card was left"},
    )  # fmt: skip
    information = forms.CharField(
        label="What neighbours or the occupant said (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(
        label="Photos (optional)",
        required=False,
        help_text="JPEG, PNG or HEIC. You can choose several.",
    )

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {str(a.pk): a for a in addresses}
        self.fields["address"].choices = [
            *((pk, ", ".join(p for p in (a.line_1, a.town, a.postcode) if p))
              for pk, a in self.addresses.items()),
            (OTHER, "Another address"),
        ]  # fmt: skip

    def clean_visited_at(self) -> time | None:
        text = self.cleaned_data["visited_at"].strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Enter the time as hours and minutes, for example 14:30")
        return time(int(match[1]), int(match[2]))

    def clean(self):
        data = super().clean()
        if data.get("address") == OTHER and not data.get("other_address", "").strip():
            self.add_error("other_address", "Enter the address visited")
        return data

    def visit_address(self) -> dict:
        chosen = self.cleaned_data["address"]
        if chosen == OTHER:
            return {"address": None, "other_address": self.cleaned_data["other_address"]}
        return {"address": self.addresses[chosen], "other_address": ""}
