"""Development on one machine: `make run`. Embedded servers unless URLs are given."""

from cme_tracker import embedded

from .base import *  # noqa: F403
from .base import (
    DATA_DIR,
    DATABASE_URL,
    REDIS_URL,
    env,
    local_databases,
    redis_dependent_settings,
)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-development-only-not-secret")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Which servers this machine runs itself, so `serve` and the test run know what to stop.
EMBEDDED_SERVERS = {"postgres": not DATABASE_URL, "redis": not REDIS_URL}
DATABASES, DATABASE_ROLES = local_databases(DATA_DIR)
vars().update(redis_dependent_settings(REDIS_URL or embedded.redis_url(DATA_DIR)))

CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# Demo sign-ins skip the second factor on this machine (README); anyone else is asked.
CME_MFA_SKIPPED_FOR = env.str("CME_MFA_SKIPPED_FOR", default="demo.loader.is_demo_user")
