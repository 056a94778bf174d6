"""Synthetic demo data: a CME service's last three financial years, in the proportions the
seed scorecards show (mostly Central, many Gypsy/Roma and Not known, sibling groups, repeat
episodes, every outcome, overdue enquiries).

Everything is invented and seeded, so the same seed and the same day give the same data.
Names come from Faker; UPNs use LA number 999, which no authority has; phone numbers are in
Ofcom's drama range; email addresses are at example.org.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from cases import services as case_services
from cases.models import (
    Area,
    Child,
    ClosureOutcome,
    EnquiryType,
    Ethnicity,
    Gender,
    Locality,
    MissingReason,
    OpenToService,
    PresentingNeed,
    School,
    SchoolPhase,
    SENStatus,
)
from cases.school_age import academic_year_start, is_compulsory_school_age, year_group
from cases.upn import expected_check_letter
from cme_tracker.core import accounts, clock, roles
from referrals import services as referral_services
from referrals.models import ReferralSource
from reports.services import snapshot_take
from reports.snapshots import quarters_ended

DEMO_PASSWORD = "cme-demo-password"
DEMO_CHILD_PREFIX = "DEMO-"
DEMO_LOCAL_AUTHORITY = "Demo Borough"
DEMO_USERS = [
    # username, forename, surname, role
    ("officer", "Sam", "Taylor", roles.CME_OFFICER),
    ("officer2", "Priya", "Shah", roles.CME_OFFICER),
    ("officer3", "Tom", "Green", roles.CME_OFFICER),
    ("manager", "Jo", "Walker", roles.TEAM_MANAGER),
    ("head", "Alex", "Morgan", roles.HEAD_OF_SERVICE),
    ("admin", "Chris", "Lee", roles.ADMINISTRATOR),
    ("school", "Ola", "Bello", roles.SCHOOL_USER),  # Riverside Academy's (demo/schools.py)
]
TARGET_CHILDREN = 600

FAMILY_SIZES = {1: 40, 2: 28, 3: 18, 4: 9, 5: 5}
LOCALITY_WEIGHTS = {"CENTRAL": 72, "SOUTH": 15, "NORTH": 8, None: 5}
# Ethnicity code (None = left blank) and weight, close to the seed scorecards.
ETHNICITY_WEIGHTS = {
    "WROM": 38, None: 22, "NOBT": 16, "REFU": 3, "WBRI": 6, "WOTH": 4, "WIRI": 0.5,
    "WIRT": 1, "APKN": 3, "AIND": 0.8, "ABAN": 1.5, "AOTH": 1, "BAFR": 1.2, "BCRB": 0.5,
    "BOTH": 0.5, "MWBC": 0.8, "MWBA": 0.3, "MWAS": 0.3, "MOTH": 0.3, "CHNE": 0.3, "OOTH": 0.3,
}  # fmt: skip
# Faker locales for families' names, by ethnicity: invented names of a plausible shape.
NAME_LOCALES = {"WROM": ["sk_SK", "cs_CZ", "ro_RO"], "NOBT": ["sk_SK", "ro_RO", "pl_PL"],
                None: ["sk_SK", "cs_CZ", "en_GB"], "WOTH": ["pl_PL", "lt_LT"]}  # fmt: skip
SOURCE_WEIGHTS = {"SCHOOL": 45, "ADMISSIONS": 10, "S2S": 10, "OTHER_LA": 9, "HEALTH": 5,
                  "SOCIAL_CARE": 5, "EARLY_HELP": 5, "POLICE": 2, "HOUSING": 3, "PUBLIC": 3,
                  "OTHER": 3}  # fmt: skip
NEED_WEIGHTS = {"NO_DATA": 48, "NEGLECT": 16, "DOMESTIC_ABUSE": 7, "ATTENDANCE": 6,
                "PARENTING": 4, "WORK_MONEY": 2, "CSE_VULNERABILITY": 1.5, "EXPLOITATION": 1,
                "MENTAL_HEALTH": 1, "FAMILY_RELATIONSHIPS": 1, "ALCOHOL_SUBSTANCE_MISUSE": 1,
                "BEREAVEMENT": 1, "NEET": 1, "LEARNING_NEEDS": 0.7, "DISABILITY": 0.5,
                "PHYSICAL_HEALTH": 0.5, "HOUSING_CONDITIONS": 0.5, "HOMELESSNESS": 0.5,
                "ATTAINMENT": 0.5, "ENGAGEMENT_LOCAL_SERVICES": 0.5, "ASB_CRIME": 0.3,
                "SEXUAL_HEALTH": 0.3, "SOCIAL_ISOLATION": 0.3, "EXCLUSION": 0.3, "RUNAWAYS": 0.2,
                "NO_ADDITIONAL_NEEDS": 3}  # fmt: skip
# DfE categories (cases migration 0019), roughly as the DfE's published census spreads them
REASON_WEIGHTS = {"UNKNOWN": 24, "BELIEVED_MOVED_ABROAD": 14, "BELIEVED_MOVED_OTHER_LA": 10,
                  "MOVED_IN_FROM_ABROAD": 12, "MOVED_IN_FROM_OTHER_LA": 8,
                  "APPLICATION_AWAITING_OUTCOME": 8, "WAITING_SCHOOL_START": 4,
                  "OFFERED_NOT_ACCEPTED": 2, "DID_NOT_APPLY": 4, "PARENTAL_DECISION": 3,
                  "UNSUITABLE_EHE": 3, "DIFFICULTY_ACCESSING_PLACE": 2,
                  "SCHOOL_DISSATISFACTION": 1, "MENTAL_HEALTH": 1, "OTHER": 2, None: 2}  # fmt: skip
OUTCOME_WEIGHTS = {"ENQUIRIES_EXHAUSTED": 31, "OTHER_LA_ACCEPTED": 20,
                   "FOUND_SCHOOL_THIS_LA": 14, "FOUND_SCHOOL_OTHER_LA": 13,
                   "FOUND_TRANSFERRED_TRACKING": 11, "LEFT_UK_VERIFIED": 8, "FOUND_EHE": 2,
                   "FOUND_ALTERNATIVE_PROVISION": 3}  # fmt: skip
OTHER_LAS = ["Sheffield", "Doncaster", "Barnsley", "Leeds", "Bradford", "Derby", "Peterborough"]
ENQUIRY_TARGETS = {
    "LAST_SCHOOL": "Headteacher, last school",
    "OTHER_SCHOOLS": "Schools in the family's last area",
    "ADMISSIONS": "School admissions team",
    "OTHER_LA": "CME officer, {la}",
    "COUNCIL_TAX": "Council tax team",
    "HOUSING": "Housing options and housing benefit",
    "HEALTH": "GP practice and school nursing",
    "DWP": "DWP data sharing team",
    "HOME_OFFICE": "Home Office / Border Force",
    "POLICE": "Police safeguarding hub",
    "SOCIAL_CARE": "Children's social care front door",
    "EARLY_HELP": "Early help locality team",
    "S2S": "School-to-school lost pupil database",
    "HOME_VISIT": "Home visit to last known address",
    "LETTER": "Letter to last known address",
    "PHONE_CALL": "Phone call to parent's last known number",
}
# What officers and managers write on open cases (all invented).
NOTES = [
    "Rang the last known number: no answer, left a voicemail asking the family to call back.",
    "Emailed the school's attendance officer: no contact from the family since the holiday.",
    "Strategy meeting with the school and early help: agreed a joint home visit.",
    "Spoke to a neighbour by phone: the family may have moved in with relatives.",
]
DIRECTIONS = [
    "Carry on: complete the S2S check and chase the admissions reply this week.",
    "Make a second home visit at a different time of day, and check council tax.",
    "Ask the previous local authority's CME team to check their records.",
]
REMINDERS = ["Chase the admissions reply", "Ring the school back", "Check the S2S result"]
RESPONSES = [
    "No record held.",
    "No trace of the family at this address.",
    "Family known until recently; no forwarding address given.",
    "Neighbours report the family travelled abroad.",
    "Child registered with a GP in another area.",
    "Claim closed; new address not disclosed.",
    "No response at the address; calling card left.",
    "Number not in service.",
    "Application received for a place at a local school.",
    "Record found on S2S; pupil uploaded by last school.",
]
SCHOOL_NAMES = {
    SchoolPhase.PRIMARY: ["Oakwood", "Meadowbank", "Brook Lane", "St Anne's", "Hillside",
                          "Ashfield", "Kiln Road", "Greenfield", "Church View", "Old Mill",
                          "Rosehill", "Valley View", "Beechwood", "Canal Side", "Larch Grove",
                          "Holly Bank", "Fernlea", "Wharf Street"],
    SchoolPhase.SECONDARY: ["Riverside Academy", "Northgate School", "Castle Hill Academy",
                            "Abbey Grange School", "Westfield Academy", "Moorland School",
                            "St Hilda's Catholic School", "Pennine Way Academy"],
    SchoolPhase.SPECIAL: ["Willow Tree Special School", "Sunnyside Learning Centre",
                          "Bridgeway Pupil Referral Unit"],
}  # fmt: skip


@dataclass
class DemoResult:
    users: int = 0
    schools: int = 0
    families: int = 0
    children: int = 0
    episodes: int = 0
    enquiries: int = 0
    open_episodes: int = 0
    snapshots: int = 0
    by_year: dict = field(default_factory=dict)


def financial_year_start(on: date) -> date:
    return date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def demo_loaded() -> bool:
    return Child.objects.filter(child_ref__startswith=DEMO_CHILD_PREFIX).exists()


def is_demo_user(user) -> bool:
    """A demo sign-in, which may skip the second factor locally (``CME_MFA_SKIPPED_FOR``)."""
    return user.get_username() in {username for username, *_ in DEMO_USERS}


def ensure_demo_users() -> list:
    """The demo sign-ins, one or more per role. Only the demo loader creates them."""
    User = get_user_model()
    users = []
    for username, forename, surname, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": forename,
                "last_name": surname,
                "email": f"{username}@example.org",
                "is_staff": role == roles.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        before = accounts.access_of(user) if not created else accounts.access_of(User())
        user.groups.add(Group.objects.get(name=role))
        accounts.account_change_record(actor=None, user=user, before=before)
        users.append(user)
    return users


def load_demo(
    *,
    today: date | None = None,
    seed: int = 2026,
    children: int = TARGET_CHILDREN,
    progress: Callable[[int, int], None] | None = None,
    snapshots: bool = True,
) -> DemoResult | None:
    """Load the demo data once; None when it is already there.

    ``progress(done, target)`` hears of each tenth of the children made, so a first start
    shows it is working. ``snapshots`` freezes each quarter ended (about a second each)."""
    if demo_loaded():
        ensure_demo_users()
        return None
    from . import benchmarks

    today = today or timezone.localdate()
    with transaction.atomic():
        benchmarks.load(today, seed)  # first, so the snapshots taken show the benchmarks
        return _Generator(today, seed, children, progress, snapshots).run()


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Generator:
    def __init__(self, today: date, seed: int, children: int, progress=None, snapshots=True):
        self.today = today
        self.snapshots = snapshots
        self.progress = progress
        self.target_children = children
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        self.seed = seed
        self.start = date(financial_year_start(today).year - 2, 4, 1)
        self.result = DemoResult()
        self.child_number = 0
        self.upn_serial = 0

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            fake = Faker(locale)
            fake.seed_instance(self.seed + len(self.fakers))
            self.fakers[locale] = fake
        return self.fakers[locale]

    # Set-up ---------------------------------------------------------------------------------

    def run(self) -> DemoResult:
        users = ensure_demo_users()
        self.result.users = len(users)
        by_role = {role: [] for role in roles.ROLES}
        for user, (_, _, _, role) in zip(users, DEMO_USERS, strict=True):
            by_role[role].append(user)
        self.officers = by_role[roles.CME_OFFICER]
        self.manager = by_role[roles.TEAM_MANAGER][0]
        self._load_reference()
        self._create_schools()
        step, reported = max(self.target_children // 10, 1), 0
        if self.progress:
            self.progress(0, self.target_children)
        while self.result.children < self.target_children:
            self._family()
            if self.progress and self.result.children // step > reported:
                reported = self.result.children // step
                self.progress(min(self.result.children, self.target_children),
                              self.target_children)  # fmt: skip
        from .schools import load_school_demo

        riverside = next(school for school in self.schools[SchoolPhase.SECONDARY]
                         if school.name == "Riverside Academy")  # fmt: skip
        load_school_demo(school_user=by_role[roles.SCHOOL_USER][0], school=riverside,
                         today=self.today)  # fmt: skip
        self._snapshots()
        return self.result

    def _snapshots(self):
        """Each quarter that has ended frozen, as the schedule would have done."""
        if not self.snapshots:
            return
        ended = [q for q in quarters_ended(min(self.today, timezone.localdate()))
                 if q.start >= self.start]  # fmt: skip
        taken = [snapshot_take(year=quarter.year, quarter=quarter.number, scheduled=True)
                 for quarter in reversed(ended)]  # fmt: skip
        self.result.snapshots = sum(snapshot is not None for snapshot in taken)

    def _load_reference(self):
        self.localities = {loc.code: loc for loc in Locality.objects.all()}
        self.areas = {code: list(Area.objects.filter(locality=loc)) for code, loc in
                      self.localities.items()}  # fmt: skip
        self.ethnicities = {e.code: e for e in Ethnicity.objects.all()}
        self.sources = {s.code: s for s in ReferralSource.objects.all()}
        self.needs = {n.code: n for n in PresentingNeed.objects.all()}
        self.reasons = {r.code: r for r in MissingReason.objects.all()}
        self.outcomes = {o.code: o for o in ClosureOutcome.objects.all()}
        self.enquiry_types = {t.code: t for t in EnquiryType.objects.all()}
        self.open_to = list(OpenToService.objects.all())

    def _create_schools(self):
        self.schools = {phase: [] for phase in SCHOOL_NAMES}
        self.other_la_schools = []
        urn = 990000  # URNs from a block kept clear of real schools' numbers
        for phase, names in SCHOOL_NAMES.items():
            for name in names:
                urn += 1
                full = name if phase != SchoolPhase.PRIMARY else f"{name} Primary School"
                school, _ = School.objects.get_or_create(
                    urn=urn,
                    defaults={"name": full, "phase": phase,
                              "local_authority": DEMO_LOCAL_AUTHORITY},
                )  # fmt: skip
                self.schools[phase].append(school)
        for la in OTHER_LAS:
            for phase, suffix in ((SchoolPhase.PRIMARY, "Primary School"),
                                  (SchoolPhase.SECONDARY, "Academy")):  # fmt: skip
                urn += 1
                school, _ = School.objects.get_or_create(
                    urn=urn,
                    defaults={"name": f"{la} {self.rng.choice(['Park', 'Road', 'Vale'])} {suffix}",
                              "phase": phase, "local_authority": la},
                )  # fmt: skip
                self.other_la_schools.append(school)
        self.result.schools = School.objects.count()

    # Families -------------------------------------------------------------------------------

    def _referral_date(self, earliest: date) -> date | None:
        if earliest >= self.today:
            return None
        span = (self.today - earliest).days
        for _ in range(20):
            day = earliest + timedelta(days=self.rng.randrange(span + 1))
            # Referrals peak after the summer, when children fail to return in September.
            weight = {9: 1.0, 10: 0.75, 1: 0.6, 7: 0.55, 8: 0.3, 12: 0.4}.get(day.month, 0.5)
            if day.weekday() < 5 and self.rng.random() < weight:
                return day
        return None

    def _family(self):
        rng = self.rng
        ethnicity_code = _weighted(rng, ETHNICITY_WEIGHTS)
        locale = rng.choice(NAME_LOCALES.get(ethnicity_code, ["en_GB"]))
        fake = self.faker(locale)
        surname = fake.last_name()
        size = _weighted(rng, FAMILY_SIZES)
        if size == 5:
            size = rng.choice([5, 5, 6, 7])
        first_referral = self._referral_date(self.start)
        if first_referral is None:
            return
        locality_code = _weighted(rng, LOCALITY_WEIGHTS)
        area = rng.choice(self.areas[locality_code]) if locality_code else None
        sensitive = rng.random() < 0.03
        en = self.faker("en_GB")
        carer_count = rng.choice([1, 1, 2])
        carers = []
        for number in range(carer_count):
            female = number == 0
            carers.append({
                "name": f"{fake.first_name_female() if female else fake.first_name_male()} "
                        f"{surname}",
                "relationship": "Mother" if female else rng.choice(["Father", "Stepfather"]),
                "phone": f"01632 960{rng.randrange(1000):03d}",
                "email": f"carer{self.result.families + 1}.{number + 1}@example.org"
                if rng.random() < 0.4 else "",
            })  # fmt: skip
        family = case_services.family_create(
            by=rng.choice(self.officers),
            carers=carers,
            addresses=[{
                "line_1": en.street_address(), "town": "Demo Town",
                "postcode": self._postcode(area),
                "area": area, "start_date": first_referral - timedelta(days=rng.randrange(60, 900)),
                "is_sensitive": sensitive,
            }],
        )  # fmt: skip
        self.result.families += 1
        children = self._children(family, fake, surname, size, ethnicity_code, first_referral)
        referral_on = first_referral
        for repeat in range(3):
            closed_on = self._referral_episodes(
                family, children, referral_on, locality_code, area, sensitive, repeat
            )
            if closed_on is None or rng.random() > 0.35:
                break
            referral_on = self._referral_date(closed_on + timedelta(days=rng.randrange(30, 300)))
            if referral_on is None:
                break
            locality_code = _weighted(rng, LOCALITY_WEIGHTS)
            area = rng.choice(self.areas[locality_code]) if locality_code else None

    def _postcode(self, area) -> str:
        """In the invented DB postcode area for the demo borough; elsewhere when out of area."""
        if area is None or not area.postcode_districts:
            return self.faker("en_GB").postcode()
        district = self.rng.choice(area.postcode_districts.split())
        letters = "".join(self.rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        return f"{district} {self.rng.randrange(10)}{letters}"

    def _children(self, family, fake, surname, size, ethnicity_code, referral_on):
        rng = self.rng
        academic_year = academic_year_start(referral_on)
        eldest = rng.choice(range(min(11, size + 2), 12))
        children = []
        group = eldest
        for _ in range(size):
            if group < 0:
                break
            cohort = academic_year - group - 4  # born 1 Sep (cohort - 1) to 31 Aug cohort
            born = date(cohort - 1, 9, 1) + timedelta(days=rng.randrange(365))
            if not is_compulsory_school_age(born, referral_on):
                group -= 1
                continue
            gender = rng.choices([Gender.MALE, Gender.FEMALE, Gender.NOT_KNOWN],
                                 weights=[49, 49, 2])[0]  # fmt: skip
            forename = fake.first_name_female() if gender == Gender.FEMALE else (
                fake.first_name_male())  # fmt: skip
            self.child_number += 1
            child = case_services.child_create(
                by=rng.choice(self.officers),
                family=family,
                child_ref=f"{DEMO_CHILD_PREFIX}{self.child_number:05d}",
                forename=forename,
                surname=surname,
                date_of_birth=born,
                gender=gender,
                ethnicity=self.ethnicities.get(ethnicity_code),
                upn=self._upn(referral_on),
                fsm_eligible=rng.choice([True, True, False, None]),
                sen_status=rng.choices(list(SENStatus), weights=[70, 12, 3, 15])[0],
                first_language=rng.choice(
                    ["English", "Slovak", "Czech", "Romanian", "Polish", "Urdu", "Not known"]
                ),  # fmt: skip
            )
            children.append(child)
            self.result.children += 1
            group -= rng.choice([1, 1, 2, 2, 3])
        return children

    def _upn(self, on: date) -> str:
        """Most children have a UPN from LA 999 (no real authority); new arrivals often none."""
        roll = self.rng.random()
        if roll < 0.25:
            return ""
        self.upn_serial += 1
        establishment = 2000 + self.rng.randrange(400)
        year = f"{on.year % 100:02d}"
        if roll < 0.3:  # a temporary UPN: a check-alphabet letter in the last place
            tail = f"{self.upn_serial % 100:02d}" + self.rng.choice("ABCDEFGHJKLMN")
        else:
            tail = f"{self.upn_serial % 1000:03d}"
        body = f"999{establishment:04d}{year}{tail}"
        candidate = "A" + body
        upn = expected_check_letter(candidate) + body
        return "" if Child.objects.filter(upn=upn).exists() else upn

    # Episodes -------------------------------------------------------------------------------

    def _duration(self) -> int:
        band = _weighted(self.rng, {0: 48, 1: 24, 2: 14, 3: 14})
        low, high = [(7, 90), (90, 180), (180, 365), (365, 1000)][band]
        return self.rng.randrange(low, high)

    def _referral_episodes(self, family, children, referral_on, locality_code, area, sensitive,
                           repeat):  # fmt: skip
        """One referral of the sibling group; returns the last closure date, None if open."""
        rng = self.rng
        source = self.sources[_weighted(rng, SOURCE_WEIGHTS)]
        officer = rng.choice(self.officers)
        referral = referral_services.referral_record(
            source=source,
            received_on=referral_on,
            by=officer,
            referrer_name=self.faker("en_GB").name(),
            referrer_organisation=source.label,
            referrer_contact=f"01632 960{rng.randrange(1000):03d}",
            reason="Pupil not attending; family not seen at the address."
            if repeat == 0 else "Family re-referred: not on any school roll again.",
        )  # fmt: skip
        need = self.needs[_weighted(rng, NEED_WEIGHTS)]
        reason = self.reasons.get(_weighted(rng, REASON_WEIGHTS))  # None: not recorded
        open_to = [s for s in self.open_to if rng.random() < 0.1]
        family_duration = self._duration()
        family_outcome = _weighted(rng, OUTCOME_WEIGHTS)
        allocated = referral_on < self.today - timedelta(days=14) or rng.random() < 0.3
        last_closed = referral_on
        still_open = False
        for child in children:
            if not is_compulsory_school_age(child.date_of_birth, referral_on):
                continue
            group = year_group(child.date_of_birth, referral_on)
            phase = SchoolPhase.PRIMARY if group <= 6 else SchoolPhase.SECONDARY
            roll = rng.random()
            if roll < 0.03:
                phase = SchoolPhase.SPECIAL
            elif roll < 0.17:
                phase = SchoolPhase.UNKNOWN
            last_school = rng.choice(self.schools[phase]) if phase in self.schools else None
            episode = case_services.episode_open(
                child=child,
                referral=referral,
                referral_date=referral_on,
                referral_source=source,
                by=officer,
                open_to_services=open_to,
                locality=self.localities[locality_code] if locality_code else None,
                area=area,
                last_school=last_school,
                school_phase=phase,
                presenting_need=need,
                missing_reason=reason,
                fsm_at_referral=child.fsm_eligible,
                is_sensitive=sensitive,
                left_school_on=referral_on - timedelta(days=rng.randrange(1, 30))
                if last_school and rng.random() < 0.5 else None,
            )  # fmt: skip
            referral_services.referral_add_child(referral=referral, child=child, episode=episode)
            self.result.episodes += 1
            if allocated:
                case_services.episode_allocate(
                    episode=episode, officer=officer, by=self.manager, notify=False
                )
            duration = family_duration if rng.random() < 0.85 else self._duration()
            closes_on = referral_on + timedelta(days=duration)
            if closes_on > self.today:
                closes_on = None
            if last_school and source.code == "SCHOOL" and rng.random() < 0.35:
                authorised = referral_on + timedelta(days=rng.randrange(3, 25))
                if authorised <= (closes_on or self.today):
                    case_services.removal_from_roll_authorise(
                        episode=episode, authorised_on=authorised, school=last_school,
                        by=self.manager,
                    )  # fmt: skip
            outcome = family_outcome if rng.random() < 0.85 else _weighted(rng, OUTCOME_WEIGHTS)
            self._enquiries(episode, referral_on, closes_on, officer, outcome)
            if closes_on is None:
                self.result.open_episodes += 1
                still_open = True
                self._casework(episode, referral_on, officer)
                old = referral_on < self.today - timedelta(days=120)
                if outcome == "ENQUIRIES_EXHAUSTED" and old and rng.random() < 0.4:
                    self._propose_closure(episode, officer)
                continue
            if group >= 11 and rng.random() < 0.3:
                outcome = "NO_LONGER_CSA"
            if repeat == 0 and referral_on < self.start + timedelta(days=90) and rng.random() < 0.1:
                outcome = "NOT_RECORDED"
            self._close(episode, outcome, closes_on, officer, phase)
            last_closed = max(last_closed, closes_on)
        return None if still_open else last_closed

    def _enquiries(self, episode, referral_on, closes_on, officer, outcome):
        rng = self.rng
        types = ["S2S", "ADMISSIONS", "HOME_VISIT"]
        if episode.last_school_id:
            types.insert(0, "LAST_SCHOOL")
        if outcome == "ENQUIRIES_EXHAUSTED":
            types += [t for t, kind in self.enquiry_types.items() if kind.is_core]
        extras = [t for t in self.enquiry_types if t not in types]
        types += rng.sample(extras, rng.randrange(0, 4))
        types = list(dict.fromkeys(types))
        end = closes_on or self.today
        span = max((end - referral_on).days, 1)
        records = []
        for index, code in enumerate(types):
            kind = self.enquiry_types[code]
            offset = min(span - 1, int(span * index / (len(types) + 1)) + rng.randrange(3))
            requested = referral_on + timedelta(days=max(offset, 0))
            made_to = ENQUIRY_TARGETS[code].format(la=rng.choice(OTHER_LAS))
            answered = requested + timedelta(days=rng.randrange(0, kind.days_to_respond + 12))
            if closes_on is not None:
                answered = min(answered, closes_on)
            elif answered > self.today or rng.random() < 0.04:
                answered = None  # still outstanding: overdue when its due date has passed
            response = rng.choice(RESPONSES) if answered else ""
            records.append({
                "enquiry_type": kind, "made_to": made_to, "requested_on": requested,
                "completed_on": max(answered, requested) if answered else None,
                "response": response,
            })  # fmt: skip
        case_services.enquiries_record(episode=episode, records=records, by=officer)
        self.result.enquiries += len(records)

    def _casework(self, episode, referral_on, officer):
        """What an open case's officer and manager wrote on it: a note, for most a manager's
        review, and for some a reminder due today."""
        rng = self.rng
        with clock.set_to(_at(self.today, 11)):
            written = max(referral_on, self.today - timedelta(days=rng.randrange(1, 30)))
            case_services.note_add(
                episode=episode,
                kind=rng.choice(["PHONE_CALL", "EMAIL", "MEETING"]),
                happened_on=written,
                text=rng.choice(NOTES),
                by=officer,
            )
            if rng.random() < 0.6:
                reviewed = max(referral_on, self.today - timedelta(days=rng.randrange(0, 40)))
                case_services.case_review_record(episode=episode, reviewed_on=reviewed,
                                                 decision=rng.choice(DIRECTIONS),
                                                 by=self.manager)  # fmt: skip
            if rng.random() < 0.2:
                case_services.reminder_set(episode=episode, due_on=self.today,
                                           text=rng.choice(REMINDERS), by=officer)  # fmt: skip

    def _propose_closure(self, episode, officer):
        """Leave a case waiting for a manager: its core enquiries done, closure proposed today."""
        for enquiry in episode.enquiries.filter(
            completed_on__isnull=True, enquiry_type__is_core=True
        ):
            with clock.set_to(_at(self.today, 9)):
                case_services.enquiry_complete(
                    enquiry=enquiry, completed_on=self.today,
                    response=self.rng.choice(RESPONSES), by=officer,
                )  # fmt: skip
        with clock.set_to(_at(self.today, 10)):
            case_services.closure_propose(episode=episode, closed_on=self.today, by=officer)

    def _close(self, episode, outcome_code, closes_on, officer, phase):
        rng = self.rng
        details: dict = {}
        destination = None
        if outcome_code == "FOUND_SCHOOL_THIS_LA":
            destination = rng.choice(self.schools.get(phase) or self.schools[SchoolPhase.PRIMARY])
            details["start_date"] = (closes_on - timedelta(days=rng.randrange(0, 10))).isoformat()
        elif outcome_code == "FOUND_SCHOOL_OTHER_LA":
            destination = rng.choice(self.other_la_schools)
            details["start_date"] = (closes_on - timedelta(days=rng.randrange(0, 20))).isoformat()
        elif outcome_code == "OTHER_LA_ACCEPTED":
            details["local_authority"] = rng.choice(OTHER_LAS)
            details["accepted_by"] = f"CME officer, {details['local_authority']}"
        elif outcome_code == "LEFT_UK_VERIFIED":
            details["how_verified"] = rng.choice([
                "Border Force travel record", "Confirmed by school in the destination country",
                "Home Office confirmation",
            ])  # fmt: skip
        elif outcome_code == "FOUND_EHE":
            details["notified_on"] = closes_on.isoformat()
        elif outcome_code == "ENQUIRIES_EXHAUSTED":
            with clock.set_to(_at(closes_on, 13)):
                proposal = case_services.closure_propose(
                    episode=episode, closed_on=closes_on, by=officer
                )
            with clock.set_to(_at(closes_on, 16)):
                case_services.closure_approve(proposal=proposal, by=self.manager)
            return
        with clock.set_to(_at(closes_on, 16)):
            case_services.episode_close(
                episode=episode, outcome=self.outcomes[outcome_code], closed_on=closes_on,
                by=officer, details=details, destination_school=destination,
            )  # fmt: skip
