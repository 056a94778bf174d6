"""Form fields for case data: schools by name or URN, UPNs with their check letter."""

import re

from django import forms
from django.core.exceptions import ValidationError

from .models import Area, School
from .names import name_validator
from .upn import upn_problem


class SchoolInput(forms.TextInput):
    """A text box with the school list as suggestions (a native datalist: no script needed)."""

    template_name = "cases/widgets/school_input.html"

    def __init__(self, attrs=None):
        super().__init__({"class": "govuk-input", "autocomplete": "off", "spellcheck": "false",
                          **(attrs or {})})  # fmt: skip

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["list_id"] = f"{context['widget']['attrs'].get('id', name)}-schools"
        context["widget"]["attrs"]["list"] = context["widget"]["list_id"]
        context["schools"] = School.objects.filter(is_open=True).only("name", "urn")
        return context

    def format_value(self, value):
        if isinstance(value, School):
            return f"{value.name} ({value.urn})"
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            school = School.objects.filter(pk=value).first()
            return f"{school.name} ({school.urn})" if school else value
        return super().format_value(value)


class SchoolField(forms.CharField):
    """Finds a school from its URN, its name, or the "Name (URN)" a suggestion fills in."""

    widget = SchoolInput

    def __init__(self, *, noun: str = "school", **kwargs):
        self.noun = noun
        kwargs.setdefault("help_text", "Type the school's name or its 6-digit URN")
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter the {noun}"

    def prepare_value(self, value):
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        suffix = re.search(r"\((\d{5,7})\)\s*$", text)
        if suffix or text.strip().isdigit():
            urn = int(suffix.group(1) if suffix else text.strip())
            school = School.objects.filter(urn=urn).first()
            if school is None:
                raise ValidationError(f"There is no school with URN {urn}; check the number")
            return school
        exact = list(School.objects.filter(name__iexact=text.strip())[:2])
        matches = exact or list(School.objects.filter(name__icontains=text.strip())[:6])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(f"No school is called “{text}”; check the name or enter the URN")
        listed = "; ".join(f"{school.name} ({school.urn})" for school in matches[:5])
        raise ValidationError(f"More than one school matches “{text}”: {listed}. Enter the URN")


POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


class PostcodeField(forms.CharField):
    """A UK postcode, written the usual way (``DB1 4AB``) however it was typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        postcode = (super().clean(value) or "").strip()
        if not postcode:
            return ""
        compact = postcode.replace(" ", "").upper()
        if not POSTCODE.match(compact):
            raise ValidationError("Enter a real postcode, like DB1 4AB")
        return f"{compact[:-3]} {compact[-3:]}"


class UPNField(forms.CharField):
    """A Unique Pupil Number: 13 characters with a valid check letter (temporary ones too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", "13 characters, starting with a letter. Leave blank if not known"
        )
        super().__init__(**kwargs)

    def clean(self, value):
        upn = (super().clean(value) or "").replace(" ", "").upper()
        if upn:
            problem = upn_problem(upn)
            if problem:
                raise ValidationError(f"The UPN {problem}")
        return upn


class AreaField(forms.ModelChoiceField):
    """An area of the borough (optional), named with its locality: "Clifton (Central)"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Area")
        super().__init__(
            queryset=Area.objects.filter(is_active=True).select_related("locality"),
            required=False, **kwargs,
        )  # fmt: skip

    def label_from_instance(self, area):
        return f"{area.label} ({area.locality.label})"


def name_field(label: str, whose: str) -> forms.CharField:
    """A first or last name as intake asks it: 100 characters, a letter at least, and a
    blank one named: "Enter the child's first name"."""
    return forms.CharField(
        label=label, max_length=100, validators=[name_validator(label)],
        error_messages={"required": f"Enter the {whose}'s {label.lower()}"},
    )  # fmt: skip
