"""The case list's filters and search. Every option is a plain GET form: no script needed."""

import re

import django_filters as filters
from django import forms
from django.db.models import CharField, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils import timezone

from . import access, aging, reference_lists, reviews, selectors
from .forms import officer_choices
from .models import (
    Child,
    ChildNamePart,
    Episode,
    EthnicityGroup,
    Locality,
    PresentingNeed,
    SchoolPhase,
)  # fmt: skip
from .models.episodes import NEXT_DUE_KEY
from .paging import Sort
from .references import CASE_REF

FEW_CHILDREN = 1000  # a search naming at most this many children lists them by id
TIME_OPEN = [(key, label) for key, label, *_ in aging.TIME_OPEN]
DAYS_MISSING = [(key, label) for key, label, *_ in aging.DAYS_MISSING]
STATUS = [
    ("open", "Open"),
    ("awaiting_approval", "Closure awaiting approval"),
    ("closed", "Closed"),
]


# Each order the list offers, keyed for keyset paging (cases.paging): the last key is unique.
SORTS = {
    "": Sort("Newest referral first", ("referral_date", "id"), descending=True),
    "-referral_date": Sort("Referral date (newest first)", ("referral_date", "id"),
                           descending=True),
    "referral_date": Sort("Referral date (oldest first)", ("referral_date", "id")),
    "surname": Sort("Surname", ("child__surname", "child_id", "id")),
    "next_due": Sort("Next enquiry due (most overdue first)", ("next_due_key", "id"),
                     aliases={"next_due_key": NEXT_DUE_KEY}),
}  # fmt: skip
# The same order for a search's cases, by an expression no index has: PostgreSQL sorts the few
# cases found instead of walking every child in surname order to find them.
SURNAME_OF_FOUND = Sort("Surname", ("surname_key", "child_id", "id"),
                        aliases={"surname_key": Concat("child__surname", Value(""))})  # fmt: skip


def identified_q(value: str) -> Q | None:
    """The cases a case reference (CME123) or a UPN, current or former, names; None when
    ``value`` is neither."""
    value = value.strip()
    case = CASE_REF.typed(value)
    if case is not None:
        return Q(pk=case)
    upn = value.replace(" ", "").upper()
    if re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
        children = (
            Child.objects.filter(upn=upn)
            .values("pk")
            .union(Child.objects.filter(former_upn=upn).values("pk"))
        )  # two index reads, not an OR that reads neither index
        return Q(child_id__in=children)
    return None


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
    task = filters.ChoiceFilter(
        label="Reminders and tasks",
        choices=[("overdue", "Has one overdue")],
        method="by_task",
        empty_label="Any",
    )
    review = filters.ChoiceFilter(
        label="Manager's review",
        choices=[("due", "Due a review"), ("not_due", "Not due")],
        method="by_review",
        empty_label="Any",
    )
    presenting_need = filters.ChoiceFilter(
        label="Presenting need",
        field_name="presenting_need_id",
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
    sort = filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, sort.label) for key, sort in SORTS.items() if key],
        method="by_sort",
        empty_label=SORTS[""].label,
    )

    class Meta:
        model = Episode
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        people = [(str(u.pk), str(u)) for u in officer_choices()]
        self.people = people  # for the page's allocate form too: one query for both
        self.filters["officer"].extra["choices"] = [
            ("mine", "My cases"), ("none", "Unallocated"), *people,
        ]  # fmt: skip
        self.filters["locality"].extra["choices"] = [
            *[(loc.code, loc.label) for loc in reference_lists.items(Locality)],
            ("none", "No Locality Registered"),
        ]
        self.filters["presenting_need"].extra["choices"] = [
            (str(need.pk), str(need)) for need in reference_lists.items(PresentingNeed)
        ]
        self.filters["ethnicity_group"].extra["choices"] = [
            (group.code, group.label) for group in reference_lists.items(EthnicityGroup)
        ]
        for field in self.form.fields.values():  # GOV.UK styles; the filters set the widgets
            css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            field.widget.attrs["class"] = css

    def search(self, queryset, name, value):
        """A case reference, a UPN (current or former), or words each found in the child's
        names: the start of any of the names, ignoring case and accents (``cases.derived``)."""
        named = identified_q(value)
        if named is not None:
            return queryset.filter(named)
        children = None  # those with every word: found among the name parts, then their cases
        words = re.findall(r"[^\W_]+", value)
        longer = [word for word in words if len(word) > 1]
        for word in longer or words:  # "Ó Briain" is Briain: a letter alone matches everyone
            parts = ChildNamePart.objects.filter(
                part__startswith=Func(Value(word), function="cme_fold", output_field=CharField())
            ).values("child_id")
            children = parts if children is None else children.filter(child_id__in=parts)
        if children is None:
            return queryset
        # The children are found once, not again by the count and by the page, when they are
        # few (two names, or a rare one); a common name stays a subquery.
        few = list(children.values_list("child_id", flat=True)[: FEW_CHILDREN + 1])
        if len(few) > FEW_CHILDREN:
            return queryset.filter(child_id__in=children)
        # One array parameter, not a parameter a child for Django to resolve and quote.
        return queryset.filter(child_id__in=RawSQL("SELECT unnest(%s::bigint[])", [few]))

    def by_status(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(status=Episode.Status.CLOSED)
        if value == "awaiting_approval":
            return queryset.filter(selectors.awaiting_approval_q())
        return queryset.filter(status=Episode.Status.OPEN)

    def by_sort(self, queryset, name, value):
        return queryset  # the page reads in this order (cases.paging): see ``sort_chosen``

    @property
    def sort_chosen(self) -> Sort:
        valid = self.is_bound and self.form.is_valid()
        key = (self.form.cleaned_data.get("sort") or "") if valid else ""
        if key == "surname" and valid and self.form.cleaned_data.get("q"):
            return SURNAME_OF_FOUND  # a search's few cases are sorted, not found by walking
        return SORTS[key]

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
        overdue = selectors.has_overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)

    def by_task(self, queryset, name, value):
        return queryset.filter(selectors.overdue_task_q(timezone.localdate()))

    def by_review(self, queryset, name, value):
        due = reviews.due_q(timezone.localdate())
        return queryset.filter(due) if value == "due" else queryset.exclude(due)

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
