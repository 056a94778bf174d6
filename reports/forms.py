from django import forms

from cme_tracker.core.forms import GovukForm, GovukModelForm

from .models import IndicatorTarget


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
