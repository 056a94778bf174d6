"""The history file's columns and how each value is read. Errors are plain English.

Reference lookups are loaded once per import into dicts, so a row costs no queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..forms import officer_choices
from ..models import (
    Area,
    ClosureOutcome,
    DfeReason,
    Ethnicity,
    EthnicityGroup,
    Gender,
    Locality,
    MissingReason,
    OpenToService,
    PresentingNeed,
    SchoolPhase,
)
from ..upn import upn_problem

COLUMNS = [
    "episode_ref", "child_ref", "upn", "forename", "surname", "date_of_birth", "gender",
    "ethnicity", "family_ref", "locality", "school_phase", "referral_date", "presenting_need",
    "fsm_eligible", "open_to", "closed_date", "closure_outcome",
    "removal_from_roll_authorised_date", "allocated_officer", "referral_source", "cme_reason",
    "sensitive",
]  # fmt: skip
REQUIRED = ["child_ref", "forename", "surname", "date_of_birth", "gender", "referral_date"]

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
