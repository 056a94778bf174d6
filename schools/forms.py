"""The school portal's forms, with the same field rules as intake (names, dates, UPN)."""

from django import forms

from cases.fields import SchoolField, UPNField, name_field
from cme_tracker.core.forms import DateField, GovukForm
from cme_tracker.core.uploads import spreadsheet_problem


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
        self.fields["school"].queryset = schools
        only = list(schools[:2])
        if len(only) == 1:  # one school: nothing to choose
            self.fields["school"].initial = only[0].pk
            self.fields["school"].widget = forms.HiddenInput()

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
