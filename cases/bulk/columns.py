"""The history file's columns, defined once (``COLUMNS``): how each value is read, the
staging table's columns it is read into, the episode fields it gives, and how an export
writes it. Errors are plain English.

Reference lookups are loaded once per import into dicts, so a row costs no queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .. import access
from ..forms import officer_choices
from ..models import (
    Area,
    Child,
    ClosureOutcome,
    DfeReason,
    Episode,
    Ethnicity,
    EthnicityGroup,
    Family,
    Gender,
    Locality,
    MissingReason,
    OpenToService,
    PresentingNeed,
    SchoolPhase,
)
from ..upn import upn_problem

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_GENDERS = {
    "male": Gender.MALE, "m": Gender.MALE, "female": Gender.FEMALE, "f": Gender.FEMALE,
    "other": Gender.OTHER, "o": Gender.OTHER, "not known": Gender.NOT_KNOWN,
    "u": Gender.NOT_KNOWN, "unknown": Gender.NOT_KNOWN, "not_known": Gender.NOT_KNOWN,
}  # fmt: skip
_PHASES = {
    "primary": SchoolPhase.PRIMARY, "secondary": SchoolPhase.SECONDARY,
    "special/inclusion": SchoolPhase.SPECIAL, "special": SchoolPhase.SPECIAL,
    "inclusion": SchoolPhase.SPECIAL, "unknown": SchoolPhase.UNKNOWN, "": SchoolPhase.UNKNOWN,
}  # fmt: skip
_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}
GENDER_LABELS = dict(Gender.choices)
PHASE_LABELS = dict(SchoolPhase.choices)


class Problem(ValueError):
    """What is wrong with one value, to be shown after `line N, column "value": `."""


def parse_date(text: str) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # explained below
    match = _ISO.match(text) or _UK.match(text)
    if not match:
        raise Problem("is not a date: use YYYY-MM-DD or DD/MM/YYYY")
    a, b, c = (int(part) for part in match.groups())
    year, month, day = (a, b, c) if match.re is _ISO else (c, b, a)
    try:
        return date(year, month, day)
    except ValueError:
        raise Problem("is not a real date") from None


def _by_code_and_label(items) -> dict:
    lookup = {}
    for item in items:
        lookup[item.label.casefold()] = item.pk
        lookup[item.code.casefold()] = item.pk
    return lookup


@dataclass
class Lookups:
    """Every reference list, keyed by code and by label, lower case."""

    ethnicity: dict
    locality: dict  # name -> (locality_id, area_id)
    presenting_need: dict
    closure_outcome: dict
    outcome_needs: dict  # outcome id -> needs
    open_to: dict
    referral_source: dict
    cme_reason: dict
    officers: dict

    @classmethod
    def load(cls) -> Lookups:
        from referrals.models import ReferralSource

        ethnicity = _by_code_and_label(Ethnicity.objects.all())
        for group in EthnicityGroup.objects.prefetch_related("codes"):
            codes = sorted(group.codes.all(), key=lambda e: (e.label != group.label, e.order))
            # A group label stands for the group's own code (blank for Not known).
            ethnicity[group.label.casefold()] = (
                None if group.code == "NOT_KNOWN" else (codes[0].pk if codes else None)
            )
        locality: dict = {"no locality registered": (None, None)}
        for loc in Locality.objects.all():
            locality[loc.label.casefold()] = locality[loc.code.casefold()] = (loc.pk, None)
        for area in Area.objects.all():
            locality[area.label.casefold()] = locality[area.code.casefold()] = (
                area.locality_id, area.pk,
            )  # fmt: skip
        outcomes = list(ClosureOutcome.objects.all())
        users = officer_choices()  # cases go only to those who may hold them
        officers = {u.username.casefold(): u.pk for u in users}
        officers.update({u.email.casefold(): u.pk for u in users if u.email})
        return cls(
            ethnicity=ethnicity,
            locality=locality,
            presenting_need=_by_code_and_label(PresentingNeed.objects.all()),
            closure_outcome=_by_code_and_label(outcomes),
            outcome_needs={o.pk: (o.code, o.needs) for o in outcomes},
            open_to=_by_code_and_label(OpenToService.objects.all()),
            referral_source=_by_code_and_label(ReferralSource.objects.all()),
            # The DfE's Not recorded is no reason: the return counts a blank as that.
            cme_reason={
                **_by_code_and_label(MissingReason.objects.all()),
                **dict.fromkeys(
                    _by_code_and_label(DfeReason.objects.filter(code=DfeReason.NOT_RECORDED))
                ),
            },
            officers=officers,
        )


def coded(text: str, lookup: dict, what: str):
    try:
        return lookup[text.casefold()]
    except KeyError:
        raise Problem(f"is not a known {what}: use a code or label from the list") from None


def parse_gender(text: str) -> str:
    try:
        return _GENDERS[text.casefold()]
    except KeyError:
        raise Problem("is not a gender: use Male, Female, Other or Not known") from None


def parse_phase(text: str) -> str:
    try:
        return _PHASES[text.casefold()]
    except KeyError:
        raise Problem(
            "is not a school phase: use Primary, Secondary, Special/Inclusion or Unknown"
        ) from None


def parse_yes_no(text: str) -> bool | None:
    lowered = text.casefold()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    if lowered == "":
        return None
    raise Problem("is not Y or N")


@lru_cache(maxsize=4096)  # a child's UPN repeats on each of their rows, usually together
def parse_upn(text: str) -> str:
    upn = text.replace(" ", "").upper()
    problem = upn_problem(upn)
    if problem:
        raise Problem(problem)
    return upn


# The columns --------------------------------------------------------------------------------


def _coded(lookup: str, what: str) -> Callable[[str, Lookups], object]:
    return lambda text, lookups: coded(text, getattr(lookups, lookup), what)


def _services(text: str, lookups: Lookups) -> list:
    return [coded(part.strip(), lookups.open_to, "service")
            for part in text.split(";") if part.strip()]  # fmt: skip


def _array(ids: list[int] | None) -> tuple[str]:
    """A PostgreSQL array literal, which COPY takes as it is (cheaper than adapting a list)."""
    return ("{" + ",".join(map(str, ids)) + "}" if ids else "{}",)


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _yes_no(value) -> str:
    return {True: "Y", False: "N"}.get(value, "")


def _code(item) -> str:
    return item.code if item else ""


@dataclass(frozen=True)
class Column:
    """A column of the file.

    ``read`` turns its text into a value (None: the text as it is); ``staged`` are the
    staging table's columns (name, type) the value is written to, and ``stage`` turns the
    value into them (None: the value itself). ``child`` marks what describes the child,
    taken from the child's latest row. ``episode`` are the episode fields it gives, as SQL
    over the staged row ``r``: an episode keeps its own when the file has no such column,
    unless ``kept`` is False. ``export`` writes an episode's value back in this format.
    """

    name: str
    staged: tuple[tuple[str, str], ...]
    export: Callable
    read: Callable[[str, Lookups], object] | None = None
    stage: Callable[[object], tuple] | None = None
    required: bool = False
    child: bool = False
    episode: tuple[tuple[str, str], ...] = ()
    kept: bool = True
    longest: int = 0  # text kept as it is: the most characters its field holds


def _date(text: str, lookups: Lookups) -> date:
    return parse_date(text)


def _longest(model, field: str) -> int:
    return model._meta.get_field(field).max_length


COLUMNS = [
    Column("episode_ref", (("episode_ref", "text"),),
           lambda e: e.episode_ref or e.reference, longest=_longest(Episode, "episode_ref")),
    Column("child_ref", (("child_ref", "text"),),
           lambda e: e.child.child_ref or e.child.reference, required=True,
           longest=_longest(Child, "child_ref")),
    Column("upn", (("upn", "text"),), lambda e: e.child.upn,
           read=lambda text, _: parse_upn(text), stage=lambda upn: (upn or "",), child=True),
    Column("forename", (("forename", "text"),), lambda e: e.child.forename, required=True,
           child=True, longest=_longest(Child, "forename")),
    Column("surname", (("surname", "text"),), lambda e: e.child.surname, required=True,
           child=True, longest=_longest(Child, "surname")),
    Column("date_of_birth", (("dob", "date"),), lambda e: _iso(e.child.date_of_birth),
           read=_date, required=True, child=True),
    Column("gender", (("gender", "text"),), lambda e: GENDER_LABELS[e.child.gender],
           read=lambda text, _: parse_gender(text), required=True, child=True),
    Column("ethnicity", (("ethnicity_id", "bigint"),), lambda e: _code(e.child.ethnicity),
           read=_coded("ethnicity", "ethnicity code or group"), child=True),
    Column("family_ref", (("family_ref", "text"),),
           lambda e: (e.child.family.family_ref or e.child.family.reference)
           if e.child.family else "", child=True, longest=_longest(Family, "family_ref")),
    Column("locality", (("locality_id", "bigint"), ("area_id", "bigint")),
           lambda e: _code(e.area or e.locality), read=_coded("locality", "locality or area"),
           stage=lambda place: place or (None, None),
           episode=(("locality_id", "r.locality_id"), ("area_id", "r.area_id"))),
    Column("school_phase", (("school_phase", "text"),),
           lambda e: PHASE_LABELS[e.school_phase], read=lambda text, _: parse_phase(text),
           stage=lambda phase: (phase or "UNKNOWN",),
           episode=(("school_phase", "r.school_phase"),)),
    Column("referral_date", (("referral_date", "date"),), lambda e: _iso(e.referral_date),
           read=_date, required=True, episode=(("referral_date", "r.referral_date"),),
           kept=False),
    Column("presenting_need", (("presenting_need_id", "bigint"),),
           lambda e: _code(e.presenting_need), read=_coded("presenting_need", "presenting need"),
           episode=(("presenting_need_id", "r.presenting_need_id"),)),
    Column("fsm_eligible", (("fsm", "boolean"),), lambda e: _yes_no(e.fsm_at_referral),
           read=lambda text, _: parse_yes_no(text), child=True,
           episode=(("fsm_at_referral", "r.fsm"),)),
    Column("open_to", (("open_to", "bigint[]"),),
           lambda e: ";".join(sorted(s.code for s in e.open_to_services.all())),
           read=_services, stage=_array),
    # A file without closed dates says its episodes are open: these are never kept.
    Column("closed_date", (("closed_on", "date"),), lambda e: _iso(e.closed_on), read=_date,
           episode=(("status", "CASE WHEN r.closed_on IS NULL THEN 'OPEN' ELSE 'CLOSED' END"),
                    ("closed_on", "r.closed_on")), kept=False),
    Column("closure_outcome", (("outcome_id", "bigint"),), lambda e: _code(e.closure_outcome),
           read=_coded("closure_outcome", "closure outcome"),
           episode=(("closure_outcome_id", "r.outcome_id"),), kept=False),
    Column("removal_from_roll_authorised_date", (("removal_on", "date"),),
           lambda e: _iso(e.removal_from_roll_authorised_on), read=_date,
           episode=(("removal_from_roll_authorised_on", "r.removal_on"),)),
    Column("allocated_officer", (("officer_id", "bigint"),),
           lambda e: e.allocated_officer.username if e.allocated_officer else "",
           read=_coded("officers", "active CME officer or team manager (username or email)"),
           episode=(("allocated_officer_id", "r.officer_id"),)),
    Column("referral_source", (("source_id", "bigint"),), lambda e: _code(e.referral_source),
           read=_coded("referral_source", "referral source"),
           episode=(("referral_source_id", "r.source_id"),)),
    Column("cme_reason", (("reason_id", "bigint"),), lambda e: _code(e.missing_reason),
           read=_coded("cme_reason", "reason for missing education"),
           episode=(("missing_reason_id", "r.reason_id"),)),
    Column("sensitive", (("sensitive", "boolean"),),
           lambda e: "Y" if access.is_sensitive(e) else "N",
           read=lambda text, _: parse_yes_no(text), stage=lambda value: (bool(value),),
           episode=(("is_sensitive", "r.sensitive"),)),
]  # fmt: skip
NAMES = [column.name for column in COLUMNS]
REQUIRED = [column.name for column in COLUMNS if column.required]
NAMED = ("forename", "surname")  # a child's names, which need a letter (cases.names)
# The staging table: each row's line, then every column's staged values, in order.
STAGED = [("line", "integer"), *(staged for column in COLUMNS for staged in column.staged)]
CHILD_STAGED = [name for column in COLUMNS if column.child for name, _ in column.staged]
