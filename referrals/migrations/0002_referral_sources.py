"""The referral sources the product ships. Adds what is missing; never overwrites edits."""

from django.db import migrations

REFERRAL_SOURCES = [
    ("SCHOOL", "School (pupil removed from roll)"),
    ("ADMISSIONS", "School admissions"),
    ("HEALTH", "Health"),
    ("POLICE", "Police"),
    ("OTHER_LA", "Another local authority"),
    ("S2S", "School-to-school lost pupil database (S2S)"),
    ("SOCIAL_CARE", "Children's social care"),
    ("EARLY_HELP", "Early help"),
    ("HOUSING", "Housing"),
    ("PUBLIC", "Member of the public"),
    ("OTHER", "Other"),
]


def load(apps, schema_editor):
    ReferralSource = apps.get_model("referrals", "ReferralSource")
    for order, (code, label) in enumerate(REFERRAL_SOURCES):
        ReferralSource.objects.get_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
