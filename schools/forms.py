"""The school portal's forms, with the same field rules as intake (names, dates, UPN)."""

from crispy_forms_gds.layout import Fieldset, Layout, Size
from django import forms

from cases.fields import PostcodeField, SchoolField, UPNField, name_field
from cases.models import Gender
from cme_tracker.core.forms import DateField, GovukForm
from cme_tracker.core.uploads import spreadsheet_problem

from .grounds import asked_only, ground_problems


def choose_school(form, schools) -> None:
    """A portal form's school: one of the user's own, and no question when they have one."""
    form.fields["school"].queryset = schools
    only = list(schools[:2])
    if len(only) == 1:
        form.fields["school"].initial = only[0].pk
        form.fields["school"].widget = forms.HiddenInput()


class NewPupilNoticeForm(GovukForm):
    school = forms.ModelChoiceField(
        label="School", queryset=None, empty_label=None,
        error_messages={"required": "Choose the school the pupil joined"},
    )  # fmt: skip
    forename = name_field("First name", "pupil")
    surname = name_field("Last name", "pupil")
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 6 2014")
    upn = UPNField(label="UPN (if you have it)")
    admitted_on = DateField(label="Date of admission", help_text="The day the pupil's name "
                            "went on your admission register, for example, 2 9 2026")  # fmt: skip

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        choose_school(self, schools)

    def clean(self):
        data = super().clean()
        born, admitted = data.get("date_of_birth"), data.get("admitted_on")
        if born and admitted and admitted < born:
            self.add_error("admitted_on", "The date of admission must be after the date of birth")
        return data


class InviteForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=150,
                                 error_messages={"required": "Enter their first name"})  # fmt: skip
    last_name = forms.CharField(label="Last name", max_length=150,
                                error_messages={"required": "Enter their last name"})  # fmt: skip
    email = forms.EmailField(
        label="Work email address", help_text="The invitation goes here",
        error_messages={"required": "Enter their work email address",
                        "invalid": "Enter an email address like name@school.sch.uk"},
    )  # fmt: skip
    school = SchoolField(label="School", noun="school they work at")


class NoticeFileForm(GovukForm):
    file = forms.FileField(
        label="File of new pupils", help_text="CSV (UTF-8) or Excel (.xlsx), a row per pupil, "
        "with the columns forename, surname, date_of_birth, admitted_on and, if you have it, upn",
        error_messages={"required": "Choose the file to send"},
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := spreadsheet_problem(upload):
            raise forms.ValidationError(problem)
        return upload


class GroundChoice(forms.ModelChoiceField):
    def label_from_instance(self, ground):
        return f"({ground.code}) {ground.label}"


class DeletionNoticeForm(GovukForm):
    """Regulation 13(4): the pupil, the parents they normally live with, where they went if
    known, the date of deletion and its regulation 9(1) ground, with what the ground needs
    (``grounds.ground_problems``)."""

    school = forms.ModelChoiceField(
        label="School", queryset=None, empty_label=None,
        error_messages={"required": "Choose the school that deleted the pupil"},
    )  # fmt: skip
    forename = name_field("First name", "pupil")
    surname = name_field("Last name", "pupil")
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 6 2014")
    upn = UPNField(label="UPN (if you have it)")
    gender = forms.ChoiceField(
        label="Sex, as on your admission register", choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the pupil's sex, or Not known"},
    )  # fmt: skip
    address_line_1 = forms.CharField(
        label="Pupil's address line 1", max_length=200,
        error_messages={"required": "Enter the first line of the pupil's address"},
    )  # fmt: skip
    address_line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200,
                                     required=False)  # fmt: skip
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = PostcodeField(label="Postcode")
    parent_name = forms.CharField(
        label="Full name of a parent the pupil normally lives with", max_length=200,
        error_messages={"required": "Enter the full name of a parent the pupil lives with"},
    )  # fmt: skip
    parent_address = forms.CharField(
        label="Their address, if not the pupil's", max_length=400, required=False
    )
    parent_phone = forms.CharField(
        label="Their emergency phone number", max_length=40,
        error_messages={"required": "Enter a phone number the parent can be reached on in an "
                        "emergency"},
    )  # fmt: skip
    second_parent_name = forms.CharField(label="Full name of another parent they live with "
                                         "(optional)", max_length=200, required=False)  # fmt: skip
    second_parent_address = forms.CharField(label="Their address, if not the pupil's",
                                            max_length=400, required=False)  # fmt: skip
    second_parent_phone = forms.CharField(label="Their emergency phone number", max_length=40,
                                          required=False)  # fmt: skip
    deleted_on = DateField(label="Date of deletion", help_text="The day the pupil's name came "
                           "off your admission register, for example, 27 11 2026")  # fmt: skip
    ground = GroundChoice(
        label="Ground for deletion (regulation 9(1))", queryset=None, widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": "Choose the ground for the deletion"},
    )  # fmt: skip
    destination_school = SchoolField(
        label="School the pupil is now registered at, if it is one of ours", required=False,
        noun="school the pupil is now registered at",
    )  # fmt: skip
    destination_elsewhere = forms.CharField(
        label="Or a school or local authority elsewhere", max_length=200, required=False,
        help_text="For example, Hillside Academy, Leeds",
    )  # fmt: skip
    new_address = forms.CharField(label="New address, if the family told you", max_length=400,
                                  required=False)  # fmt: skip
    leave_ended_on = DateField(label="Last day of the leave of absence", required=False,
                               help_text="Ground (h) only")  # fmt: skip
    absence_started_on = DateField(label="First day of continuous absence", required=False,
                                   help_text="Ground (i) only")  # fmt: skip
    conditions_met = forms.BooleanField(
        label="I confirm the ground's conditions are met: the pupil has not attended, no "
        "absence in the period was authorised, and we have no reasonable grounds to believe "
        "the pupil is unable to attend because of sickness or an unavoidable cause",
        required=False, help_text="Grounds (h) and (i) only",
    )  # fmt: skip
    joint_enquiries = forms.CharField(
        label="The enquiries the school and the council made together to find the child",
        widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text="Grounds (h) and (i) only: who did what, and when",
    )  # fmt: skip

    def __init__(self, *args, schools, grounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].queryset = grounds
        choose_school(self, schools)
        self.helper.layout = Layout(
            "school",
            Fieldset(*PUPIL, legend="The pupil", legend_size=Size.MEDIUM),
            Fieldset(*PARENTS, legend="Parents", legend_size=Size.MEDIUM),
            Fieldset("deleted_on", "ground", legend="The deletion", legend_size=Size.MEDIUM),
            Fieldset(*DESTINATION, legend="Where the pupil went, if you know",
                     legend_size=Size.MEDIUM),
            Fieldset(*JOINT, legend="For grounds (h) and (i)", legend_size=Size.MEDIUM),
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        born, deleted, ground = (data.get(name) for name in ("date_of_birth", "deleted_on",
                                                              "ground"))  # fmt: skip
        if born and deleted and deleted < born:
            self.add_error("deleted_on", "The date of deletion must be after the date of birth")
        if data.get("second_parent_name") and not data.get("second_parent_phone"):
            self.add_error("second_parent_phone", "Enter an emergency phone number for the "
                           "other parent")  # fmt: skip
        if ground is not None:
            for name, problem in ground_problems(ground, data).items():
                if name not in self.errors:
                    self.add_error(name, problem)
            data = asked_only(ground, data)
        data.pop("conditions_met", None)
        return data


PUPIL = ("forename", "surname", "date_of_birth", "upn", "gender", "address_line_1",
         "address_line_2", "town", "postcode")  # fmt: skip
PARENTS = ("parent_name", "parent_address", "parent_phone", "second_parent_name",
           "second_parent_address", "second_parent_phone")  # fmt: skip
DESTINATION = ("destination_school", "destination_elsewhere", "new_address")
JOINT = ("leave_ended_on", "absence_started_on", "conditions_met", "joint_enquiries")


class DeletionFileForm(NoticeFileForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "File of deletions"
        self.fields[
            "file"
        ].help_text = (
            "CSV (UTF-8) or Excel (.xlsx), a row per deletion. The columns are listed above"
        )


class JointEnquiryForm(GovukForm):
    """A school starts a joint enquiry with the council before a deletion on (h) or (i)."""

    school = forms.ModelChoiceField(
        label="School", queryset=None, empty_label=None,
        error_messages={"required": "Choose the school the pupil is on the roll of"},
    )  # fmt: skip
    forename = name_field("First name", "pupil")
    surname = name_field("Last name", "pupil")
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 6 2014")
    upn = UPNField(label="UPN (if you have it)")
    address = forms.CharField(
        label="Last known address", max_length=400,
        error_messages={"required": "Enter the pupil's last known address"},
    )  # fmt: skip
    parent_name = forms.CharField(
        label="Full name of a parent the pupil normally lives with", max_length=200,
        error_messages={"required": "Enter the full name of a parent the pupil lives with"},
    )  # fmt: skip
    parent_phone = forms.CharField(
        label="Their phone number", max_length=40,
        error_messages={"required": "Enter the parent's phone number"},
    )  # fmt: skip
    ground = GroundChoice(
        label="The ground you expect to delete on", queryset=None, widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": "Choose the ground"},
    )  # fmt: skip
    clock_started_on = DateField(
        label="When the clock started",
        help_text="For (h), the last day of the leave of absence; for (i), the first day of "
        "continuous absence",
    )

    def __init__(self, *args, schools, grounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].queryset = grounds
        choose_school(self, schools)

    def clean(self):
        data = super().clean()
        born, started = data.get("date_of_birth"), data.get("clock_started_on")
        if born and started and started < born:
            self.add_error("clock_started_on", "The date the clock started must be after the "
                           "date of birth")  # fmt: skip
        return data


class EnquiryStepForm(GovukForm):
    made_on = DateField(label="Date of the enquiry", help_text="For example, 2 11 2026")
    made = forms.CharField(
        label="What was done", max_length=300,
        help_text="For example, a home visit, a call to the parent, a letter",
        error_messages={"required": "Say what was done"},
    )  # fmt: skip
    found = forms.CharField(label="What it found", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ConclusionForm(GovukForm):
    FOUND, NOT_FOUND = "FOUND", "NOT_FOUND"
    outcome = forms.ChoiceField(
        label="The council's conclusion", widget=forms.RadioSelect,
        choices=[(FOUND, "The child is found, or the school should keep them on roll"),
                 (NOT_FOUND, "The child cannot be found: authorise the deletion (managers)")],
        error_messages={"required": "Choose the council's conclusion"},
    )  # fmt: skip
    conclusion = forms.CharField(
        label="What to tell the school", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The school sees this. Do not write where the child is",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("outcome") == self.FOUND and not (data.get("conclusion") or "").strip():
            self.add_error("conclusion", "Say what the council concluded, for the school")
        return data
