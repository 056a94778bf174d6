from datetime import date

from django import forms

from cme_tracker.core.forms import GovukForm, GovukModelForm

from .models import IndicatorTarget
from .snapshots import quarter_name, quarters_ended


class CommentaryForm(GovukForm):
    section = forms.CharField(widget=forms.HiddenInput)
    quarter = forms.TypedChoiceField(
        label="Quarter", coerce=int, choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)]
    )
    text = forms.CharField(
        label="Performance analysis",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the performance analysis"},
    )


class TargetForm(GovukModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["polarity", "target", "amber_limit", "owner"]
        widgets = {
            "polarity": forms.Select(attrs={"class": "govuk-select"}),
            "target": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
            "amber_limit": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
            "owner": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        }

    def clean(self):
        data = super().clean()
        polarity, target, amber = data.get("polarity"), data.get("target"), data.get("amber_limit")
        if polarity != "info" and amber is not None and target is None:
            self.add_error("target", "Enter the target the amber limit is measured from")
        if polarity == "higher" and None not in (target, amber) and amber > target:
            self.add_error("amber_limit", "When higher is better, the amber limit must be at or "
                           "below the target")  # fmt: skip
        if polarity == "lower" and None not in (target, amber) and amber < target:
            self.add_error("amber_limit", "When lower is better, the amber limit must be at or "
                           "above the target")  # fmt: skip
        return data


class SnapshotForm(GovukForm):
    """Which ended quarter to freeze, and why when it has been frozen before."""

    quarter = forms.ChoiceField(
        label="Quarter", widget=forms.RadioSelect,
        error_messages={"required": "Choose the quarter to take a snapshot of",
                        "invalid_choice": "Choose one of the quarters that have ended"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason for taking it again", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when the quarter already has a snapshot: the new one replaces "
        "it, and both are kept.",
    )  # fmt: skip

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            (f"{q.year}-{q.number}", quarter_name(q)) for q in quarters_ended(today)
        ]

    def clean_quarter(self):
        year, number = self.cleaned_data["quarter"].split("-")
        return int(year), int(number)


class DfeSubmissionForm(GovukForm):
    """Which census date's return was submitted, and why when it was marked before."""

    census_date = forms.TypedChoiceField(
        label="Census date", coerce=date.fromisoformat, widget=forms.RadioSelect,
        error_messages={"required": "Choose the census date of the return you submitted",
                        "invalid_choice": "Choose one of the census dates in the list"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason for submitting it again", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when this census date's return was marked submitted before: "
        "the new one replaces it, and both are kept.",
    )  # fmt: skip

    def __init__(self, *args, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["census_date"].choices = [
            (day.isoformat(), f"{term} {day:%-d %B %Y}") for term, day in dates
        ]
