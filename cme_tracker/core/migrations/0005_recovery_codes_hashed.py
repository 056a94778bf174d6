"""Recovery codes kept as a keyed hash (second_factor.stored_form) rather than as
themselves: each code stored before this is replaced by its hash, so it keeps working. A
stored hash is 16 hex digits; a code as django-otp makes it is 8 letters and digits, so a
second run changes nothing."""

from django.db import migrations


def hash_stored_codes(apps, schema_editor):
    from cme_tracker.core.second_factor import stored_form

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$"):
        token.token = stored_form(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_single_sign_on_subject"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_stored_codes, migrations.RunPython.noop)]
