"""The referral form: the referral, a sibling group of children, the family, the case."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from cases.fields import AreaField, PostcodeField, SchoolField
from cases.models import (
    MissingReason,
    OpenToService,
    PresentingNeed,
)
from cases.names import names_match
from cases.record_forms import ChildFields
from cases.school_age import (
    compulsory_school_age_ends,
    compulsory_school_age_starts,
    is_compulsory_school_age,
)
from cme_tracker.core.forms import DateField, GovukForm
from schools.models import DeletionNotice

from .models import ReferralSource


class ReferralForm(GovukForm):
    # One per form shown; the referral it saves keeps it (unique), so a second submission of
    # the same form saves nothing more.
    form_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    source = forms.ModelChoiceField(
        label="Who made the referral?",
        queryset=ReferralSource.objects.filter(is_active=True),
        empty_label="Choose where the referral came from",
        error_messages={"required": "Choose where the referral came from"},
    )
    sending_local_authority = forms.CharField(
        label="The council that sent the case", max_length=200, required=False,
        help_text="Only for a case handed over by another local authority.",
    )  # fmt: skip
    referrer_name = forms.CharField(label="Referrer's name", max_length=200, required=False)
    referrer_organisation = forms.CharField(
        label="Referrer's organisation", max_length=200, required=False
    )
    referrer_contact = forms.CharField(
        label="Referrer's phone number or email address", max_length=200, required=False
    )
    received_on = DateField(
        label="Date the referral was received", help_text="For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Reason for the referral",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the referral"},
    )
    deletion_notice = forms.ModelChoiceField(
        queryset=DeletionNotice.objects.filter(status=DeletionNotice.Status.RECEIVED),
        required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": "The school's deletion notice this referral was made "
                        "from has been dealt with since: check the deletion notices"},
    )  # fmt: skip
    last_school = SchoolField(label="Last school", required=False, noun="last school")
    left_school_on = DateField(label="Date the children left the last school", required=False)

    def clean_form_token(self):
        return self.cleaned_data["form_token"] or uuid.uuid4()  # a form that lost its own

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source is not None and not source.names_sending_council:
            data["sending_local_authority"] = ""  # kept only for a case another council sent
        elif source is not None and not data.get("sending_local_authority", "").strip():
            # Asked of a referral made here; history imported from elsewhere may not say.
            self.add_error("sending_local_authority", "Enter the council that sent the case")
        received, left = data.get("received_on"), data.get("left_school_on")
        if received and left and left > received:
            self.add_error(
                "left_school_on", "The date the children left school must be on or before the "
                "date the referral was received",
            )  # fmt: skip
        return data


class ChildForm(ChildFields):
    """A child on a referral: who they are (``cases.record_forms.ChildFields``) and, when the
    dates say so, the officer's word that they are of an age to refer."""

    confirm_outside_school_age = forms.BooleanField(
        label="I have checked: this child is outside compulsory school age on the referral date, "
        "and the referral is still right",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        confirm = self.fields["confirm_outside_school_age"]
        if not (self.is_bound and self.data.get(self.add_prefix("confirm_outside_school_age"))):
            confirm.widget = forms.HiddenInput()  # asked only when the age needs confirming

    def check_school_age(self, referral_date):
        """Outside compulsory school age needs the officer's confirmation, never silence."""
        born = self.cleaned_data.get("date_of_birth")
        if not born or not referral_date or self.cleaned_data.get("confirm_outside_school_age"):
            return
        if born > referral_date:
            self.add_error("date_of_birth", "The date of birth must be before the referral date")
        elif not is_compulsory_school_age(born, referral_date):
            starts, ends = compulsory_school_age_starts(born), compulsory_school_age_ends(born)
            self.fields["confirm_outside_school_age"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_outside_school_age",
                f"{self.cleaned_data.get('forename') or 'This child'} is not of compulsory school "
                f"age on the referral date (that runs from {starts:%-d %B %Y} to "
                f"{ends:%-d %B %Y}). Confirm the referral is still right, or correct the date "
                "of birth",
            )


class BaseChildFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index:  # the first child stays; others can be taken off again
            form.fields["DELETE"].label = "Remove this child from the referral"
        else:
            del form.fields["DELETE"]

    def clean(self):
        if any(self.errors):
            return
        children = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if not children:
            raise ValidationError("Add at least one child")
        upns = [f.cleaned_data["upn"] for f in children if f.cleaned_data.get("upn")]
        if len(upns) != len(set(upns)):
            raise ValidationError("Two children have the same UPN; check them")
        details = [f.cleaned_data for f in children]
        for first, one in enumerate(details, start=1):
            for second, other in enumerate(details[first:], start=first + 1):
                if one["date_of_birth"] == other["date_of_birth"] and names_match(
                    one["forename"], one["surname"], other["forename"], other["surname"]
                ):
                    raise ValidationError(
                        f"Child {first} and child {second} have the same date of birth and a "
                        "similar name. If they are one child, remove one of them"
                    )


ChildFormSet = formset_factory(
    ChildForm, formset=BaseChildFormSet, extra=0, min_num=1, can_delete=True, max_num=12,
    validate_max=True,
)  # fmt: skip


class FamilyForm(GovukForm):
    carer_name = forms.CharField(label="Parent or carer's name", max_length=200, required=False)
    carer_relationship = forms.CharField(
        label="Relationship to the children", max_length=60, required=False,
        help_text="For example, mother or grandfather",
    )  # fmt: skip
    carer_phone = forms.CharField(label="Phone number", max_length=40, required=False)
    carer_email = forms.EmailField(
        label="Email address", required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )  # fmt: skip
    line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = PostcodeField(label="Postcode")
    area = AreaField(
        empty_label="Work it out from the postcode",
        help_text="Sets the locality. With no area and a postcode outside the borough, the "
        "case counts as No Locality Registered.",
    )

    def clean(self):
        data = super().clean()
        if data.get("carer_name") and not data.get("carer_relationship"):
            self.add_error("carer_relationship", "Enter the carer's relationship to the children")
        if (data.get("postcode") or data.get("town")) and not data.get("line_1"):
            self.add_error("line_1", "Enter the first line of the address")
        return data


class CaseDetailsForm(GovukForm):
    presenting_need = forms.ModelChoiceField(
        label="Predominant presenting need",
        queryset=PresentingNeed.objects.filter(is_active=True),
        required=False,
        empty_label="No data / not recorded",
        help_text="What the referrer or system checks showed: not an assessed need.",
    )
    missing_reason = forms.ModelChoiceField(
        label="Why the children are missing education",
        queryset=MissingReason.objects.filter(is_active=True),
        empty_label="Choose a reason",
        error_messages={"required": "Choose why the children are missing education"},
    )
    open_to_services = forms.ModelMultipleChoiceField(
        label="Services the family is open to",
        queryset=OpenToService.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked if none.",
    )
    allocate_to_me = forms.BooleanField(
        label="Allocate the new cases to me",
        required=False,
        initial=True,
        help_text="Untick to leave them for a manager to allocate.",
    )
    is_sensitive = forms.BooleanField(
        label="Sensitive: the family's addresses, carers, schools and notes are shown only to "
        "the allocated officer, the team's managers and people given sensitive access (for "
        "example, a family in a refuge). Only a manager can lift it",
        required=False,
    )
