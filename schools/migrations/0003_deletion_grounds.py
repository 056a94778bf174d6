"""The regulation 9(1) grounds the product ships, and the referral source for a case opened
from a deletion notice. Adds what is missing; never overwrites an administrator's edits.

Only (a) to (d) carry the regulation's wording, checked against the regulation as made; the
rest carry a plain summary for an administrator to complete (README, "Grounds for deletion")."""

from django.db import migrations

NEW_SCHOOL, MOVED, LEAVE, ABSENCE = "NEW_SCHOOL", "MOVED", "LEAVE", "ABSENCE"

WORDING = {
    "a": "the pupil has been registered at another school, unless— (i) a school attendance "
    "order naming the school is in force in relation to the pupil; (ii) the pupil is a mobile "
    "child and the school is their main school; or (iii) the proprietor has agreed with a "
    "person with control of the pupil's attendance at the other school, or is such a person "
    "and has decided, that the pupil should be registered at more than one school;",
    "b": "the pupil was admitted to the school for nursery education and— (i) they have "
    "completed such education and would, if they continued attending the school, be "
    "transferred to a reception, or more senior, class at the school; but (ii) the proprietor "
    "does not have reasonable grounds to believe that the pupil will attend the school again;",
    "c": "the pupil is also registered as a pupil at one or more other schools and— (i) the "
    "proprietor does not have reasonable grounds to believe that the pupil will attend the "
    "school again; (ii) the proprietor of each other school where the pupil is registered has "
    "consented to the deletion; (iii) there is no school attendance order naming the school in "
    "force in relation to the pupil; and (iv) the pupil is not a mobile child or, if they are, "
    "the school is not their main school;",
    "d": "a school attendance order relating to the pupil and formerly naming the school has "
    "been amended by the relevant local authority to substitute the name of the school with "
    "that of another school;",
}

GROUNDS = [  # letter, summary, what it needs, joint enquiries first
    ("a", "Registered at another school", NEW_SCHOOL, False),
    ("b", "Finished nursery education and not expected to attend again", "", False),
    (
        "c",
        "Registered at other schools too, each of which agrees to the deletion",
        NEW_SCHOOL,
        False,
    ),
    ("d", "School attendance order changed to name another school", NEW_SCHOOL, False),
    (
        "e",
        "School attendance order revoked: education arranged otherwise than at school",
        "",
        False,
    ),
    ("f", "A parent has told the school in writing the pupil will be educated at home", "", False),
    ("g", "No longer lives within a reasonable distance of the school", MOVED, False),
    ("h", "Not back within 10 school days after a leave of absence", LEAVE, True),
    ("i", "Continuously absent for 20 school days", ABSENCE, True),
    ("j", "Detained under a sentence of detention", "", False),
    ("k", "Has died", "", False),
    (
        "l",
        "Will stop being of compulsory school age and is not staying for the sixth form",
        "",
        False,
    ),
    ("m", "A boarder whose boarding charges have not been paid", "", False),
    ("n", "No longer a pupil at an independent or non-maintained special school", "", False),
    ("o", "Permanently excluded", "", False),
]

# The reason a case opened from a notice starts with: where the child is matters most.
MISSING_REASONS = {"g": "BELIEVED_MOVED_OTHER_LA", "h": "UNKNOWN", "i": "UNKNOWN"}  # fmt: skip


def load(apps, schema_editor):
    DeletionGround = apps.get_model("schools", "DeletionGround")
    for order, (letter, label, needs, joint) in enumerate(GROUNDS):
        DeletionGround.objects.get_or_create(code=letter, defaults={
            "label": label, "order": order, "needs": needs, "joint_enquiries": joint,
            "wording": WORDING.get(letter, ""), "wording_checked": letter in WORDING,
        })  # fmt: skip
    MissingReason = apps.get_model("cases", "MissingReason")
    for letter, code in MISSING_REASONS.items():
        DeletionGround.objects.filter(code=letter, missing_reason=None).update(
            missing_reason=MissingReason.objects.filter(code=code, is_active=True).first()
        )
    ReferralSource = apps.get_model("referrals", "ReferralSource")
    ReferralSource.objects.get_or_create(
        code="SCHOOL_DELETION_NOTICE", defaults={"label": "School: deletion notice", "order": 1}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0002_deletion_notices"),
        ("referrals", "0003_referral_form_token"),
        ("cases", "0022_name_needs_a_letter"),  # the DfE's reasons (0019) are there
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
