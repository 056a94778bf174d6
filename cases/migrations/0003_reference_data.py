"""The reference lists the product ships, from the domain notes. Admins may edit them later;
this migration only adds what is missing, so it never overwrites a council's changes."""

from django.db import migrations

CLOSURE_OUTCOMES = [
    ("ENQUIRIES_EXHAUSTED", "Enquiries exhausted", "ENQUIRIES", False),
    ("FOUND_ALTERNATIVE_PROVISION", "Found - alternative provision", "", False),
    ("FOUND_EHE", "Found - elective home education", "EHE", False),
    ("FOUND_SCHOOL_OTHER_LA", "Found - in school in another local authority", "SCHOOL", False),
    ("FOUND_TRANSFERRED_TRACKING", "Found - transferred to admissions and tracking", "", False),
    ("FOUND_SCHOOL_THIS_LA", "Found - in school in this local authority", "SCHOOL", False),
    ("OTHER_LA_ACCEPTED", "Other local authority accepted responsibility", "OTHER_LA", False),
    ("LEFT_UK_VERIFIED", "Verified left UK", "LEFT_UK", False),
    ("NO_LONGER_CSA", "No longer of compulsory school age", "", False),
    ("NOT_RECORDED", "Not recorded (imported history only)", "", True),
]

PRESENTING_NEEDS = [
    ("ALCOHOL_SUBSTANCE_MISUSE", "Alcohol and substance misuse"),
    ("ATTAINMENT", "Attainment and achievement"),
    ("ATTENDANCE", "Attendance and school engagement"),
    ("ASB_CRIME", "ASB and crime"),
    ("BEREAVEMENT", "Bereavement"),
    ("DISABILITY", "Disability"),
    ("DOMESTIC_ABUSE", "Domestic abuse"),
    ("ENGAGEMENT_LOCAL_SERVICES", "Engagement in local services"),
    ("EXCLUSION", "Exclusion"),
    ("EXPLOITATION", "Exploitation"),
    ("FAMILY_RELATIONSHIPS", "Family relationships"),
    ("HOMELESSNESS", "Homelessness"),
    ("HOUSING_CONDITIONS", "Housing conditions"),
    ("LEARNING_NEEDS", "Learning needs"),
    ("MENTAL_HEALTH", "Mental health"),
    ("NEET", "NEET"),
    ("NEGLECT", "Neglect"),
    ("NO_DATA", "No data / other"),
    ("NO_ADDITIONAL_NEEDS", "No additional needs noted"),
    ("PARENTING", "Parenting"),
    ("PHYSICAL_HEALTH", "Physical health"),
    ("RUNAWAYS", "Runaways"),
    ("SEXUAL_HEALTH", "Sexual health"),
    ("SOCIAL_ISOLATION", "Social isolation"),
    ("CSE_VULNERABILITY", "Vulnerability to CSE"),
    ("WORK_MONEY", "Work and money"),
]

# code, label, DfE category (configurable: the DfE's categories change between collections)
MISSING_REASONS = [
    ("WHEREABOUTS_UNKNOWN", "Whereabouts unknown", "Whereabouts unknown"),
    ("LEFT_NO_DESTINATION", "Left school, destination unknown", "Whereabouts unknown"),
    ("NOT_RETURNED_AFTER_LEAVE", "Did not return after a leave of absence", "Whereabouts unknown"),
    (
        "NEW_ARRIVAL_NOT_APPLIED",
        "New arrival, no school application",
        "Not applied for a school place",
    ),
    ("AWAITING_PLACE", "Applied, awaiting a school place", "Awaiting a school place"),
    ("OFFERED_NOT_STARTED", "Offered a place, not yet started", "Offered a place, not yet started"),
    (
        "UNSUITABLE_EHE",
        "Home education assessed as unsuitable",
        "Unsuitable elective home education",
    ),
    ("NO_PROVISION_AFTER_EXCLUSION", "Excluded, no provision in place", "Other"),
    ("OTHER", "Other", "Other"),
]

# Report groups in the order the scorecards list them, then the codes in each.
ETHNICITY_GROUPS = [
    ("WHITE_BRITISH", "White British", [("WBRI", "White - British")]),
    ("ASIAN_PAKISTANI", "Asian Pakistani", [("APKN", "Pakistani")]),
    ("ASIAN_INDIAN", "Asian Indian", [("AIND", "Indian")]),
    (
        "OTHER_ASIAN",
        "Any other Asian background",
        [("ABAN", "Bangladeshi"), ("AOTH", "Any other Asian background")],
    ),
    ("BLACK_AFRICAN", "Black African", [("BAFR", "Black - African")]),
    (
        "OTHER_BLACK",
        "Any other Black background",
        [("BCRB", "Black - Caribbean"), ("BOTH", "Any other Black background")],
    ),
    ("GYPSY_ROMA", "Gypsy/Roma", [("WROM", "Gypsy/Roma")]),
    (
        "NOT_KNOWN",
        "Not known",
        [("REFU", "Refused"), ("NOBT", "Information not yet obtained")],
    ),
    (
        "OTHER_WHITE",
        "Any other White background",
        [
            ("WIRI", "White - Irish"),
            ("WIRT", "Traveller of Irish heritage"),
            ("WOTH", "Any other White background"),
        ],
    ),
    (
        "OTHER_ETHNIC_GROUP",
        "Any other ethnic group",
        [
            ("MWBC", "White and Black Caribbean"),
            ("MWBA", "White and Black African"),
            ("MWAS", "White and Asian"),
            ("MOTH", "Any other mixed background"),
            ("CHNE", "Chinese"),
            ("OOTH", "Any other ethnic group"),
        ],
    ),
]

# code, label, days to respond, core (must be done before closing as enquiries exhausted)
ENQUIRY_TYPES = [
    ("LAST_SCHOOL", "Last school", 5, True),
    ("OTHER_SCHOOLS", "Other schools", 10, False),
    ("ADMISSIONS", "School admissions", 5, True),
    ("OTHER_LA", "Other local authority CME team", 10, True),
    ("COUNCIL_TAX", "Council tax", 10, True),
    ("HOUSING", "Housing and housing benefit", 10, True),
    ("HEALTH", "Health (GP, health visitor, school nurse)", 10, True),
    ("DWP", "DWP", 15, False),
    ("HOME_OFFICE", "Home Office / Border Force", 20, False),
    ("POLICE", "Police", 10, False),
    ("SOCIAL_CARE", "Children's social care", 5, True),
    ("EARLY_HELP", "Early help", 5, False),
    ("S2S", "School-to-school lost pupil database (S2S)", 2, True),
    ("HOME_VISIT", "Home visit", 5, True),
    ("LETTER", "Letter", 10, False),
    ("PHONE_CALL", "Phone call", 2, False),
]

OPEN_TO_SERVICES = [
    ("CHILDRENS_SOCIAL_CARE", "Children's Social Care"),
    ("EARLY_HELP_LOCALITY", "Early Help Locality"),
    ("EARLY_HELP_PARTNERS", "Early Help Partners"),
]

LOCALITIES = [
    (
        "NORTH",
        "North",
        [
            ("DALTON_THRYBERGH_RAWMARSH", "Dalton/Thrybergh/Rawmarsh"),
            ("WATH_SWINTON", "Wath/Swinton"),
        ],
    ),
    (
        "SOUTH",
        "South",
        [
            ("ASTON_BRINSWORTH", "Aston/Brinsworth"),
            ("MALTBY_WICKERSLEY", "Maltby/Wickersley"),
            ("WALES_DINNINGTON", "Wales/Dinnington"),
        ],
    ),
    (
        "CENTRAL",
        "Central",
        [
            ("CLIFTON", "Clifton"),
            ("OAKWOOD_TOWN_CENTRE", "Oakwood/Town Centre"),
            ("WINGFIELD", "Wingfield"),
            ("WINTERHILL", "Winterhill"),
        ],
    ),
]


def _add(model, order, code, label, **extra):
    model.objects.get_or_create(code=code, defaults={"label": label, "order": order, **extra})


def load(apps, schema_editor):
    ClosureOutcome = apps.get_model("cases", "ClosureOutcome")
    for order, (code, label, needs, historical) in enumerate(CLOSURE_OUTCOMES):
        _add(ClosureOutcome, order, code, label, needs=needs, is_historical_only=historical)
    PresentingNeed = apps.get_model("cases", "PresentingNeed")
    for order, (code, label) in enumerate(PRESENTING_NEEDS):
        _add(PresentingNeed, order, code, label)
    MissingReason = apps.get_model("cases", "MissingReason")
    # Only before migration 0019 (the DfE's categories), which maps these: a reload of the
    # lists into emptied tables (tests) takes the DfE's categories from 0019 instead.
    if any(field.name == "dfe_category" for field in MissingReason._meta.get_fields()):
        for order, (code, label, category) in enumerate(MISSING_REASONS):
            _add(MissingReason, order, code, label, dfe_category=category)
    EthnicityGroup = apps.get_model("cases", "EthnicityGroup")
    Ethnicity = apps.get_model("cases", "Ethnicity")
    code_order = 0
    for order, (code, label, codes) in enumerate(ETHNICITY_GROUPS):
        _add(EthnicityGroup, order, code, label)
        group = EthnicityGroup.objects.get(code=code)
        for ethnicity_code, ethnicity_label in codes:
            _add(Ethnicity, code_order, ethnicity_code, ethnicity_label, group=group)
            code_order += 1
    EnquiryType = apps.get_model("cases", "EnquiryType")
    for order, (code, label, days, core) in enumerate(ENQUIRY_TYPES):
        _add(EnquiryType, order, code, label, days_to_respond=days, is_core=core)
    OpenToService = apps.get_model("cases", "OpenToService")
    for order, (code, label) in enumerate(OPEN_TO_SERVICES):
        _add(OpenToService, order, code, label)
    Locality = apps.get_model("cases", "Locality")
    Area = apps.get_model("cases", "Area")
    area_order = 0
    for order, (code, label, areas) in enumerate(LOCALITIES):
        _add(Locality, order, code, label)
        locality = Locality.objects.get(code=code)
        for area_code, area_label in areas:
            _add(Area, area_order, area_code, area_label, locality=locality)
            area_order += 1


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
