from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from cme_tracker.core.forms import DateField, GovukForm, GovukModelForm
from cme_tracker.core.uploads import too_large

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
        fields = ["polarity", "target", "amber_limit", "owner", "benchmark", "benchmark_margin"]
        widgets = {
            "benchmark": forms.Select(attrs={"class": "govuk-select"}),
            "benchmark_margin": forms.NumberInput(
                attrs={"class": "govuk-input govuk-input--width-5"}
            ),
            "polarity": forms.Select(attrs={"class": "govuk-select"}),
            "target": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
            "amber_limit": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
            "owner": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        }

    def __init__(self, *args, benchmarked: bool = False, **kwargs):
        """``benchmarked``: the indicator has the DfE's published figures to be rated
        against (the rate per 10,000); others have only a fixed target."""
        super().__init__(*args, **kwargs)
        if not benchmarked:
            del self.fields["benchmark"], self.fields["benchmark_margin"]

    def clean(self):
        data = super().clean()
        polarity, target, amber = data.get("polarity"), data.get("target"), data.get("amber_limit")
        if data.get("benchmark"):
            if target is not None or amber is not None:
                self.add_error("benchmark", "Rate it against a benchmark or a fixed target, not "
                               "both: clear the target and amber limit")  # fmt: skip
            if polarity == "info":
                self.add_error("polarity", "Choose whether higher or lower is better, to rate it "
                               "against the benchmark")  # fmt: skip
        elif data.get("benchmark_margin") is not None:
            self.add_error("benchmark_margin", "A margin is for a benchmark: choose the benchmark")
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


class BenchmarkLoadForm(GovukForm):
    """The DfE's published CME census file, and when the DfE published it."""

    file = forms.FileField(
        label="The DfE's published file",
        help_text="The CSV from explore education statistics, as downloaded: one row per term, "
        "area and breakdown.",
        error_messages={"required": "Choose the DfE's CSV file to load"},
    )  # fmt: skip
    published_on = DateField(
        label="Date the DfE published this release",
        help_text="On the release's page, for example 12 3 2026.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The file must be the DfE's CSV (a .csv file)")
        if problem := too_large(upload):
            raise ValidationError(problem)
        return upload
