"""Forms for the child's and family's own details: the same fields and checks at intake
(referrals.forms builds on ``ChildFields``) and when an officer corrects the record."""

from django import forms

from cme_tracker.core.forms import DateField, GovukForm

from .fields import AreaField, PostcodeField, UPNField, name_field
from .forms import VersionedForm
from .models import Ethnicity, Gender, SENStatus
from .services.corrections import ADDRESS_FIELDS, CARER_FIELDS, CHILD_FIELDS

YES_NO_NOT_KNOWN = [("yes", "Yes"), ("no", "No"), ("", "Not known")]


class ChildFields(GovukForm):
    """Who the child is, as intake asks it."""

    forename = name_field("First name", "child")
    surname = name_field("Last name", "child")
    preferred_name = forms.CharField(label="Known as (optional)", max_length=100, required=False)
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 6 2014")
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the child's gender, or Not known"},
    )  # fmt: skip
    ethnicity = forms.ModelChoiceField(
        label="Ethnicity",
        queryset=Ethnicity.objects.filter(is_active=True).select_related("group"),
        required=False,
        empty_label="Not known or not given",
        help_text="Parents need not say: Not known is a full answer.",
    )
    upn = UPNField(label="UPN")
    fsm_eligible = forms.TypedChoiceField(
        label="Eligible for free school meals",
        choices=YES_NO_NOT_KNOWN,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    sen_status = forms.ChoiceField(
        label="Special educational needs", choices=SENStatus.choices, initial=SENStatus.NOT_KNOWN
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].label_from_instance = lambda e: f"{e.label} ({e.group.label})"


class ChildDetailsForm(ChildFields, VersionedForm):
    """Correcting the child's record from a case."""

    other_names = forms.CharField(
        label="Other names (optional)", max_length=200, required=False,
        help_text="Names the child has been known by, for finding them again",
    )  # fmt: skip
    former_upn = UPNField(label="Former UPN")
    first_language = forms.CharField(label="First language (optional)", max_length=60,
                                     required=False)  # fmt: skip

    FIELDS = CHILD_FIELDS

    @classmethod
    def initial_for(cls, child, version) -> dict:
        initial = {name: getattr(child, name) for name in cls.FIELDS}
        initial["fsm_eligible"] = {True: "yes", False: "no"}.get(child.fsm_eligible, "")
        return {**initial, "version": version}


class CarerForm(VersionedForm):
    name = forms.CharField(
        label="Name", max_length=200,
        error_messages={"required": "Enter the parent or carer's name"},
    )  # fmt: skip
    relationship = forms.CharField(
        label="Relationship to the children", max_length=60,
        help_text="For example, mother or grandfather",
        error_messages={"required": "Enter the carer's relationship to the children"},
    )  # fmt: skip
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    email = forms.EmailField(
        label="Email address (optional)", required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )  # fmt: skip
    ended_on = DateField(
        label="No longer a carer from", required=False,
        help_text="Only if they have left the family. They stay on record for earlier cases.",
    )  # fmt: skip

    FIELDS = CARER_FIELDS

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            del self.fields["ended_on"]


class AddressForm(VersionedForm):
    line_1 = forms.CharField(
        label="Address line 1", max_length=200,
        error_messages={"required": "Enter the first line of the address"},
    )  # fmt: skip
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city (optional)", max_length=100, required=False)
    postcode = PostcodeField(label="Postcode (optional)")
    area = AreaField(empty_label="Not in the borough, or not known")
    start_date = DateField(label="Date the family moved there")
    end_date = DateField(label="Date the family left (optional)", required=False)

    FIELDS = ADDRESS_FIELDS

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            del self.fields["end_date"]
        else:
            self.fields["start_date"].required = False

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The date the family left must be on or after the date "
                           "they moved there")  # fmt: skip
        return data
