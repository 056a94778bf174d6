"""Forms for case work. They validate and explain; services make the changes."""

import copy

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cme_tracker.core import roles
from cme_tracker.core.forms import DateField, GovukForm, GovukModelForm
from cme_tracker.core.uploads import spreadsheet_problem

from .fields import SchoolField
from .models import Address, Carer, ClosureOutcome, EnquiryType, Episode, OpenToService
from .services.closure import OUTCOME_NEEDS, closure_problems

NEEDED_FIELDS = {field for fields in OUTCOME_NEEDS.values() for field in fields}


def officer_choices():
    """People who can hold cases: CME officers and team managers, active accounts only."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.CME_OFFICER, roles.TEAM_MANAGER])
        .distinct()
        .order_by("first_name", "last_name")
    )


class VersionedForm(GovukForm):
    """Carries the version of the case the page showed, so a stale edit is caught."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class EnquiryForm(GovukForm):
    enquiry_type = forms.ModelChoiceField(
        label="Who is the enquiry to?",
        queryset=EnquiryType.objects.filter(is_active=True),
        empty_label="Choose a type of enquiry",
        error_messages={"required": "Choose who the enquiry is to"},
    )
    made_to = forms.CharField(
        label="Name of the person or team asked",
        max_length=200,
        error_messages={"required": "Enter the person or team the enquiry was made to"},
    )
    requested_on = DateField(label="Date the enquiry was made")
    due_on = DateField(
        label="Date a response is due",
        required=False,
        not_in_future=False,
        help_text="Leave blank to use the usual time for this type of enquiry.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    for_family = forms.BooleanField(
        label="Record this enquiry on every brother's and sister's open case too",
        required=False,
    )

    def __init__(self, *args, siblings_open: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not siblings_open:
            del self.fields["for_family"]

    def clean(self):
        data = super().clean()
        requested, due = data.get("requested_on"), data.get("due_on")
        if requested and due and due < requested:
            self.add_error("due_on", "The due date must be on or after the date it was made")
        return data


class EnquiryResponseForm(GovukForm):
    completed_on = DateField(label="Date of the response")
    response = forms.CharField(
        label="What did they say?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the response"},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, enquiry, **kwargs):
        self.enquiry = enquiry
        super().__init__(*args, **kwargs)
        self.fields["notes"].initial = enquiry.notes

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on and completed_on < self.enquiry.requested_on:
            raise ValidationError(
                "The date of the response must be on or after the enquiry was made, "
                f"{self.enquiry.requested_on:%-d %B %Y}"
            )
        return completed_on


class ClosureForm(VersionedForm):
    """The outcome, and the details that outcome needs; optionally for the sibling group."""

    outcome = forms.ModelChoiceField(
        label="Outcome",
        queryset=ClosureOutcome.objects.filter(is_active=True, is_historical_only=False),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the outcome"},
    )
    closed_on = DateField(label="Closure date")
    school = SchoolField(label="School the child is now at", required=False)
    school_start_date = DateField(label="Date the child started at the school", required=False)
    local_authority = forms.CharField(
        label="Local authority that accepted responsibility", required=False, max_length=120
    )
    accepted_by = forms.CharField(
        label="Who accepted it (name and role)", required=False, max_length=200
    )
    how_verified = forms.CharField(
        label="How was leaving the UK verified?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ehe_notified_on = DateField(label="Date home education was notified", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    siblings = forms.ModelMultipleChoiceField(
        label="Close these brothers' and sisters' cases too, with the same outcome",
        queryset=Episode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    outstanding = forms.ChoiceField(
        label="What becomes of the enquiries still awaiting a response?",
        choices=[
            ("close", "Record them as closed with no response, on the closure date"),
            ("keep", "Leave them as they are: a response may still come"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say what becomes of the enquiries awaiting a response"},
    )

    def __init__(self, *args, episode: Episode, siblings=(), **kwargs):
        self.episode = episode
        super().__init__(*args, **kwargs)
        sibling_ids = [sibling.pk for sibling in siblings]
        if sibling_ids:
            self.fields["siblings"].queryset = Episode.objects.filter(
                pk__in=sibling_ids
            ).select_related("child")
            self.fields["siblings"].label_from_instance = lambda e: (
                f"{e.child.full_name} ({e.reference})"
            )
        else:
            del self.fields["siblings"]
        if not any(e.completed_on is None for e in episode.enquiries.all()):
            del self.fields["outstanding"]
        self.helper.layout = self._layout()

    # The conditional radios number their options from 0.
    focus_ids = {"outcome": "id_outcome_0"}

    def _layout(self) -> Layout:
        """Each outcome reveals only what it needs (GOV.UK conditional radios: without script
        every question shows, each under its outcome). A field shows once on a page, so each
        outcome asks through copies of its own, ``<field>_for_<outcome>`` (``_aliases``)."""
        self._aliases: dict[int, dict[str, str]] = {}
        outcomes = []
        for outcome in self.fields["outcome"].queryset:
            needed = list(OUTCOME_NEEDS.get(outcome.needs, {}))
            if not needed:
                outcomes.append(outcome.label)
                continue
            aliases = {name: f"{name}_for_{outcome.pk}" for name in needed}
            for name, alias in aliases.items():
                self.fields[alias] = copy.deepcopy(self.fields[name])
            self._aliases[outcome.pk] = aliases
            outcomes.append(ConditionalQuestion(outcome.label, *aliases.values()))
        for name in NEEDED_FIELDS:
            del self.fields[name]  # asked only through an outcome's own copy
        shown = {"version", "outcome"} | {
            alias for aliases in self._aliases.values() for alias in aliases.values()
        }
        rest = [name for name in self.fields if name not in shown]
        return Layout("version", ConditionalRadios("outcome", *outcomes), *rest)

    def clean(self):
        """The closure's rules are the service's (``services.closure``): here they are only
        shown beside the answers they are about."""
        data = super().clean()
        outcome = data.get("outcome")
        if outcome is None:
            return data
        aliases = self._aliases.get(outcome.pk, {})
        for name, alias in aliases.items():  # this outcome's own copies are its answers
            data[name] = data.get(alias)
        problems = closure_problems(
            episode=self.episode, outcome=outcome, closed_on=data.get("closed_on"), answers=data
        )
        for field, message in problems.items():
            shown_as = aliases.get(field, field)
            if field is None or shown_as in self.fields and shown_as not in self.errors:
                self.add_error(shown_as, message)
            elif field not in self.fields and shown_as not in self.errors:
                self.add_error(None, message)
        if outcome.needs == ClosureOutcome.Needs.ENQUIRIES and None in problems:
            # The refusal leads to the page that records the missing ones at once.
            self.error_link = reverse("cases:core_enquiries", args=[self.episode.pk])
        return data


class ClosureDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve closing this case as enquiries exhausted?",
        choices=[("approve", "Yes, close the case"), ("reject", "No, send it back")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the closure"},
    )
    note = forms.CharField(
        label="Reason (needed if you are sending it back)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    for_family = forms.BooleanField(
        label="Decide the same, with the same reason, for the brothers' and sisters' closures "
        "listed above",
        required=False,
    )

    def __init__(self, *args, siblings_pending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not siblings_pending:
            del self.fields["for_family"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", "Say why the closure is not approved")
        return data


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label="Why does this case need to reopen?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for reopening the case"},
    )


def officer_field(label: str) -> forms.ModelChoiceField:
    # The queryset is lazy and copied for each form, so the list is read when a form renders.
    return forms.ModelChoiceField(
        label=label, queryset=officer_choices(), required=False, empty_label="Unallocated"
    )


class AllocateForm(VersionedForm):
    officer = officer_field("Officer")


class BulkAllocateForm(GovukForm):
    episodes = forms.ModelMultipleChoiceField(
        queryset=Episode.objects.filter(status=Episode.Status.OPEN),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Select the cases to allocate"},
    )
    officer = officer_field("Allocate the selected cases to")


class RemovalFromRollForm(VersionedForm):
    authorised_on = DateField(label="Date the local authority authorised removal")
    school = SchoolField(label="School removing the pupil from its roll")

    def __init__(self, *args, episode: Episode, **kwargs):
        self.episode = episode
        super().__init__(*args, **kwargs)

    def clean_authorised_on(self):
        authorised_on = self.cleaned_data["authorised_on"]
        if authorised_on and authorised_on < self.episode.referral_date:
            raise ValidationError(
                "The authorisation date must be on or after the referral date, "
                f"{self.episode.referral_date:%-d %B %Y}"
            )
        return authorised_on


class EpisodeForm(GovukModelForm):
    """The case's details as recorded at referral, corrected as officers learn more."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    last_school = SchoolField(label="Last school", required=False, noun="last school")
    left_school_on = DateField(label="Date the child left the last school", required=False)
    open_to_services = forms.ModelMultipleChoiceField(
        label="Services the family is open to",
        queryset=OpenToService.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Episode
        fields = list(Episode.OFFICER_EDITS)
        labels = {
            "area": "Area (sets the locality)",
            "fsm_at_referral": "Eligible for free school meals at referral",
        }
        widgets = {
            "school_phase": forms.RadioSelect,
            "fsm_at_referral": forms.RadioSelect(
                choices=[(True, "Yes"), (False, "No"), (None, "Not known")]
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].empty_label = "No locality registered"
        self.fields["area"].queryset = self.fields["area"].queryset.select_related("locality")
        self.fields["area"].label_from_instance = lambda a: f"{a.label} ({a.locality.label})"
        self.fields["presenting_need"].empty_label = "Not recorded"
        self.fields["missing_reason"].empty_label = "Not recorded"

    def clean_left_school_on(self):
        left = self.cleaned_data["left_school_on"]
        if left and left > (self.instance.referral_date or timezone.localdate()):
            raise ValidationError("The date the child left school must be on or before referral")
        return left


class SensitivityMarkForm(GovukForm):
    reason = forms.CharField(
        label="Why is the family's information sensitive? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the family has moved to a refuge. While the family is "
        "sensitive, only those who need to know see this.",
    )


class SensitivityLiftForm(GovukForm):
    reason = forms.CharField(
        label="Why can the family's details now be shown?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for lifting the sensitivity"},
    )
    show_addresses = forms.ModelMultipleChoiceField(
        label="Also show these addresses marked sensitive",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave an address unticked to keep it hidden: a refuge's, for example.",
    )
    show_carers = forms.ModelMultipleChoiceField(
        label="Also show these carers' details, marked sensitive",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, family: dict, **kwargs):
        super().__init__(*args, **kwargs)
        addresses = [a.pk for a in family["addresses"] if a.is_sensitive]
        carers = [c.pk for c in family["carers"] if c.is_sensitive]
        self.fields["show_addresses"].queryset = Address.objects.filter(pk__in=addresses)
        self.fields["show_addresses"].label_from_instance = lambda a: ", ".join(
            part for part in (a.line_1, a.town, a.postcode) if part
        )
        self.fields["show_carers"].queryset = Carer.objects.filter(pk__in=carers)
        self.fields["show_carers"].label_from_instance = lambda c: f"{c.name} ({c.relationship})"
        if not addresses:
            del self.fields["show_addresses"]
        if not carers:
            del self.fields["show_carers"]


class CaseImportForm(GovukForm):
    file = forms.FileField(
        label="Case history file",
        help_text="CSV (UTF-8) or Excel (.xlsx), one row per episode, with a header row.",
        error_messages={"required": "Choose the file to import"},
    )
    dry_run = forms.BooleanField(
        label="Check the file only: do not import anything", required=False, initial=True
    )
    skip_invalid = forms.BooleanField(
        label="Import the valid rows even if some rows have problems", required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := spreadsheet_problem(upload):
            raise ValidationError(problem)
        return upload


class CoreEnquiryForm(GovukForm):
    """One core enquiry not yet done, on the page that records several at once."""

    record = forms.BooleanField(label="Record this enquiry", required=False)
    made_to = forms.CharField(label="Name of the person or team asked", max_length=200,
                              required=False)  # fmt: skip
    requested_on = DateField(label="Date the enquiry was made", required=False)
    completed_on = DateField(label="Date of the response (if there was one)", required=False)
    response = forms.CharField(label="What did they say?", required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, enquiry_type, **kwargs):
        self.enquiry_type = enquiry_type
        super().__init__(*args, **kwargs)
        self.fields["record"].label = f"Record the {enquiry_type} enquiry"

    def clean(self):
        data = super().clean()
        if not data.get("record"):
            return data
        if not data.get("made_to"):
            self.add_error("made_to", f"Enter who the {self.enquiry_type} enquiry was made to")
        if not data.get("requested_on") and "requested_on" not in self.errors:
            self.add_error("requested_on", f"Enter the date the {self.enquiry_type} enquiry "
                           "was made")  # fmt: skip
        made, answered = data.get("requested_on"), data.get("completed_on")
        if answered and not data.get("response"):
            self.add_error("response", f"Enter the response to the {self.enquiry_type} enquiry")
        if data.get("response") and not answered and "completed_on" not in self.errors:
            self.add_error("completed_on", f"Enter the date of the {self.enquiry_type} response")
        if made and answered and answered < made:
            self.add_error("completed_on", "The date of the response must be on or after the "
                           "enquiry was made")  # fmt: skip
        return data
