"""Recovery codes kept as a keyed hash (second_factor.stored_form) rather than as
themselves: each code stored before this is replaced by its hash, so it keeps working. A
stored hash is 16 hex digits; a code as django-otp makes it is 8 letters and digits, so a
second run changes nothing.

The hash is written out here, not imported, so this step means what it meant when written.
It cannot be undone (a hash gives no code back): to go back to the code before it, replace
everyone's recovery codes afterwards. Stop the web servers before migrating, so none still
checks codes as they were."""

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "cme_tracker.core.second_factor.recovery_code"


def hash_stored_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$"):
        digest = salted_hmac(SALT, token.token, secret=settings.SECRET_KEY, algorithm="sha256")
        token.token = digest.hexdigest()[:16]
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_single_sign_on_subject"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_stored_codes)]
