"""Roles are groups with permissions; this module is the one statement of who may do what."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CME_OFFICER = "CME officer"
TEAM_MANAGER = "Team manager"
HEAD_OF_SERVICE = "Head of service"
ADMINISTRATOR = "Administrator"
# Staff at a school, who send the council notices through the portal for their own
# schools (schools.SchoolMembership) and see nothing else.
SCHOOL_USER = "School user"
ROLES = [CME_OFFICER, TEAM_MANAGER, HEAD_OF_SERVICE, ADMINISTRATOR, SCHOOL_USER]

_CASE_RECORDS = ["child", "family", "carer", "address", "episode", "enquiry", "casenote",
                 "casetask", "document", "handover"]  # fmt: skip
_REFERENCE_DATA = [
    "cases.closureoutcome",
    "cases.presentingneed",
    "cases.missingreason",
    "cases.dfereason",
    "cases.ethnicitygroup",
    "cases.ethnicity",
    "cases.enquirytype",
    "cases.opentoservice",
    "cases.locality",
    "cases.area",
    "cases.school",
    "referrals.referralsource",
    "schools.deletionground",
]
_READ_ALL = (
    [f"cases.view_{m}" for m in _CASE_RECORDS]
    + [
        "cases.view_event",
        "cases.view_casereview",
        "referrals.view_referral",
    ]
    + [f"{ref.split('.')[0]}.view_{ref.split('.')[1]}" for ref in _REFERENCE_DATA]
)

_OFFICER = [
    *_READ_ALL,
    *[f"cases.add_{m}" for m in _CASE_RECORDS],
    *[f"cases.change_{m}" for m in _CASE_RECORDS],
    "cases.close_episode",
    "referrals.add_referral",
    "referrals.change_referral",
    "schools.triage_deletion_notices",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SCHOOL_USER: ["schools.send_notices"],
    CME_OFFICER: _OFFICER,
    TEAM_MANAGER: [
        *_OFFICER,
        "cases.allocate_episode",
        "cases.approve_closure",
        "cases.add_casereview",
        "cases.assign_casetask",
        "cases.reopen_episode",
        "cases.view_sensitive_episode",
        "cases.work_every_episode",
        "cases.lift_sensitivity",
        "cases.view_accesslogentry",
        "cases.authorise_removal_from_roll",
        "cases.import_cases",
        "reports.view_reports",
        "schools.invite_school_users",
    ],
    HEAD_OF_SERVICE: [
        *_READ_ALL,
        "reports.view_reports",
        "reports.manage_scorecard",
        "reports.submit_dfe_return",
        "reports.load_benchmarks",
    ],
    ADMINISTRATOR: [
        *_READ_ALL,
        "core.add_user",
        "core.change_user",
        "core.view_user",
        "core.view_jobrun",
        "core.view_outboxmessage",
        "core.view_accountchange",
        "cases.view_accesslogentry",
        # Failed sign-ins (cme_tracker/core/throttle.py): seen, and cleared to lift a refusal.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "auth.view_group",
        # School users and their schools (the portal).
        "schools.view_schoolmembership",
        "schools.add_schoolmembership",
        "schools.delete_schoolmembership",
        "schools.view_newpupilnotice",
        "schools.invite_school_users",
        "cases.import_cases",
        "reports.change_indicatortarget",
        "reports.view_indicatortarget",
        "reports.add_censusdate",
        "reports.change_censusdate",
        "reports.view_censusdate",
        # The DfE's published figures: loaded, and who the council compares itself with.
        "reports.load_benchmarks",
        "reports.view_benchmarkrelease",
        "reports.add_benchmarksettings",
        "reports.change_benchmarksettings",
        "reports.view_benchmarksettings",
        "reports.add_childpopulation",
        "reports.change_childpopulation",
        "reports.view_childpopulation",
        *[f"{ref.split('.')[0]}.add_{ref.split('.')[1]}" for ref in _REFERENCE_DATA],
        *[f"{ref.split('.')[0]}.change_{ref.split('.')[1]}" for ref in _REFERENCE_DATA],
    ],
}


def sync_roles(apps=global_apps) -> None:
    """Make each role's group hold exactly its permissions. Safe to run any number of times."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = set()
        for name in names:
            app_label, codename = name.split(".")
            wanted.add((app_label, codename))
        permissions = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise LookupError(f"role {role!r} names unknown permissions: {sorted(missing)}")
        group.permissions.set(permissions)
