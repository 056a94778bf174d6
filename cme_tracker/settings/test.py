"""The test suite: real PostgreSQL and Redis, embedded under var/test unless URLs are given.

Tests keep their own data directory so `make test` never touches the data `make run` uses.
"""

from cme_tracker import embedded

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    DATABASE_URL,
    REDIS_URL,
    env,
    local_databases,
    redis_dependent_settings,
)

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATA_DIR = (BASE_DIR / env.str("CME_TEST_DATA_DIR", default="var/test")).resolve()
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {**STORAGES, "documents": {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(DATA_DIR / "documents"), "base_url": None},
}}  # fmt: skip

# Which servers this machine runs itself, so `serve` and the test run know what to stop.
EMBEDDED_SERVERS = {"postgres": not DATABASE_URL, "redis": not REDIS_URL}
DATABASES, DATABASE_ROLES = local_databases(DATA_DIR)
# A worker the tests start in another process works on the test run's own database.
if env.str("CME_TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env.str("CME_TEST_DATABASE_NAME")
# A second, read-only connection to the test database, as a replica would be; the reports
# read there only where a test sets REPORTS_DATABASE = "replica".
DATABASES["replica"] = {
    **DATABASES["default"],
    "OPTIONS": {**DATABASES["default"]["OPTIONS"],
                "options": "-c default_transaction_read_only=on"},
    "TEST": {"MIRROR": "default"},
}  # fmt: skip
vars().update(redis_dependent_settings(REDIS_URL or embedded.redis_url(DATA_DIR)))

# Fast hashing: the suite creates many users; Argon2 stays configured for production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A task a killed worker had taken is handed out again within seconds, not minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

# Tests sign people in with force_login, which shows no second factor: the second factor's
# own tests (tests/core/test_second_factor.py) turn it on.
CME_MFA_REQUIRED = False
