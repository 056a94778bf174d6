"""What every form here shares: GOV.UK rendering through crispy-forms-gds, and dates."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class GovukFormMixin:
    """Renders with the GOV.UK template pack; pages supply the <form> tag and buttons, so
    several forms can share one page and one error summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class DateField(DateInputField):
    """A GOV.UK date input that names the date in its messages and can refuse the future.

    ``label`` is used in messages, lower-cased: "Enter the date of birth".
    """

    def __init__(self, *, label: str, not_in_future: bool = True, **kwargs):
        self.not_in_future = not_in_future
        self.noun = label[0].lower() + label[1:]
        super().__init__(label=label, **kwargs)
        self.require_all_fields = False
        self.error_messages["required"] = f"Enter the {self.noun}"
        self.error_messages["incomplete"] = f"Enter the {self.noun}"
        for subfield, part in zip(self.fields, ("day", "month", "year"), strict=True):
            subfield.error_messages["incomplete"] = f"The {self.noun} must include a {part}"
            subfield.validators[0].message = f"The {self.noun} must be a real date"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError(f"The year of the {self.noun} must have 4 digits, like 2025")
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"The {self.noun} must be a real date") from error

    def validate(self, value):
        super().validate(value)
        if value and self.not_in_future and value > timezone.localdate():
            raise ValidationError(f"The {self.noun} must be today or in the past")
