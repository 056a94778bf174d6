"""The case list's filters and search. Every option is a plain GET form: no script needed."""

import re

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from . import access, aging
from .forms import officer_choices
from .models import Episode, EthnicityGroup, Locality, PresentingNeed, SchoolPhase

TIME_OPEN = [(key, label) for key, label, *_ in aging.TIME_OPEN]
DAYS_MISSING = [(key, label) for key, label, *_ in aging.DAYS_MISSING]
STATUS = [
    ("open", "Open"),
    ("awaiting_approval", "Closure awaiting approval"),
    ("closed", "Closed"),
]


class _FigureField(forms.CharField):
    """A scorecard figure named in a link (``reports.figures.Figure``), read once."""

    widget = forms.HiddenInput

    def to_python(self, value):
        from reports.figures import Figure, NotAFigure

        value = super().to_python(value)
        if not value:
            return None
        try:
            figure = Figure.parse(value)
            figure.cases(timezone.localdate())  # a row the figure does not have is refused
        except NotAFigure as error:
            raise forms.ValidationError(str(error)) from error
        return figure


class _FigureFilter(filters.Filter):
    field_class = _FigureField


class EpisodeFilter(filters.FilterSet):
    q = filters.CharFilter(
        label="Name, UPN or case reference",
        method="search",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    status = filters.ChoiceFilter(
        label="Status",
        choices=STATUS,
        method="by_status",
        empty_label="Any",
    )
    officer = filters.ChoiceFilter(
        label="Officer",
        method="by_officer",
        empty_label="Anyone",
    )
    locality = filters.ChoiceFilter(
        label="Locality",
        method="by_locality",
        empty_label="Any",
    )
    school_phase = filters.ChoiceFilter(
        label="School phase",
        choices=SchoolPhase.choices,
        empty_label="Any",
    )
    time_open = filters.ChoiceFilter(
        label="Time open", choices=TIME_OPEN, method="by_time_open", empty_label="Any",

    )  # fmt: skip
    days_missing = filters.ChoiceFilter(
        label="Days missing education",
        choices=DAYS_MISSING,
        method="by_days_missing",
        empty_label="Any",
    )
    overdue = filters.ChoiceFilter(
        label="Overdue enquiries",
        choices=[("yes", "Has overdue enquiries"), ("no", "None overdue")],
        method="by_overdue",
        empty_label="Any",
    )
    presenting_need = filters.ModelChoiceFilter(
        label="Presenting need",
        queryset=PresentingNeed.objects.all(),
        empty_label="Any",
    )
    ethnicity_group = filters.ChoiceFilter(
        label="Ethnicity group",
        method="by_ethnicity_group",
        empty_label="Any",
    )
    referred_from = filters.DateFilter(
        label="Referred on or after",
        field_name="referral_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    referred_to = filters.DateFilter(
        label="Referred on or before",
        field_name="referral_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    figure = _FigureFilter(method="by_figure")  # a scorecard figure followed: its cases
    sort = filters.OrderingFilter(
        label="Sort by",
        fields=[
            ("referral_date", "referral_date"),
            ("child__surname", "surname"),
            ("next_due_on", "next_due"),
            ("overdue_count", "overdue"),
        ],
        field_labels={
            "referral_date": "Referral date (oldest first)",
            "-referral_date": "Referral date (newest first)",
            "surname": "Surname",
            "next_due": "Next enquiry due",
            "-overdue": "Most overdue enquiries",
        },
        empty_label="Newest referral first",
    )

    class Meta:
        model = Episode
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        people = [(str(u.pk), str(u)) for u in officer_choices()]
        self.filters["officer"].extra["choices"] = [
            ("mine", "My cases"), ("none", "Unallocated"), *people,
        ]  # fmt: skip
        self.filters["locality"].extra["choices"] = [
            *[(loc.code, loc.label) for loc in Locality.objects.all()],
            ("none", "No Locality Registered"),
        ]
        self.filters["ethnicity_group"].extra["choices"] = [
            (group.code, group.label) for group in EthnicityGroup.objects.all()
        ]
        for field in self.form.fields.values():  # GOV.UK styles; the filters set the widgets
            css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            field.widget.attrs["class"] = css

    def search(self, queryset, name, value):
        value = value.strip()
        reference = re.fullmatch(r"(?i)cme0*(\d+)", value)
        if reference:
            return queryset.filter(pk=int(reference.group(1)))
        upn = value.replace(" ", "").upper()
        if re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
            return queryset.filter(Q(child__upn=upn) | Q(child__former_upn=upn))
        for word in value.split():
            queryset = queryset.filter(
                Q(child__forename__icontains=word)
                | Q(child__surname__icontains=word)
                | Q(child__preferred_name__icontains=word)
                | Q(child__other_names__icontains=word)
            )
        return queryset

    def by_status(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(status=Episode.Status.CLOSED)
        if value == "awaiting_approval":
            return queryset.filter(awaiting_approval=True)
        return queryset.filter(status=Episode.Status.OPEN)

    def by_officer(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(allocated_officer=self.user)
        if value == "none":
            return queryset.filter(allocated_officer__isnull=True)
        return queryset.filter(allocated_officer_id=value)

    def by_locality(self, queryset, name, value):
        if value == "none":
            return queryset.filter(locality__isnull=True)
        return queryset.filter(locality__code=value)

    def by_time_open(self, queryset, name, value):
        """Whole months from referral to today, as the scorecard counts them."""
        return queryset.filter(aging.time_open_q(value, timezone.localdate()))

    def by_days_missing(self, queryset, name, value):
        queryset = queryset.annotate(missing_since=aging.MISSING_SINCE)
        return queryset.filter(aging.days_missing_q(value, timezone.localdate()))

    def by_overdue(self, queryset, name, value):
        return (
            queryset.filter(overdue_count__gt=0)
            if value == "yes"
            else queryset.filter(overdue_count=0)
        )

    @property
    def figure_followed(self):
        """The scorecard figure whose cases these are, and what it counts, if one was named."""
        if not self.is_bound or not self.form.is_valid():
            return None
        figure = self.form.cleaned_data.get("figure")
        if figure is None:
            return None
        today = timezone.localdate()
        withheld = (
            self.queryset.filter(figure.cases(today) & access.area_withheld_q(self.user)).count()
            if figure.names_area() else 0
        )  # fmt: skip
        return {"text": figure.describe(today), "back": figure.scorecard_link(),
                "withheld": withheld}  # fmt: skip

    def by_figure(self, queryset, name, figure):
        cases = queryset.filter(figure.cases(timezone.localdate()))
        if figure.names_area():  # never a list of whose areas this person may not see
            cases = cases.exclude(access.area_withheld_q(self.user))
        return cases

    def by_ethnicity_group(self, queryset, name, value):
        match = Q(child__ethnicity__group__code=value)
        if value == "NOT_KNOWN":
            match |= Q(child__ethnicity__isnull=True)
        return queryset.filter(match)
