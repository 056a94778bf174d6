"""Production: every secret and server comes from the environment; nothing is embedded."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DATABASE_OWNER_URL,
    DATABASE_REPLICA_URL,
    DATABASE_URL,
    DEBUG,
    LOGGING,
    MIDDLEWARE,
    REDIS_URL,
    SECRET_KEY,
    SECRET_KEY_FALLBACKS,
    database_roles,
    database_settings,
    env,
    redis_dependent_settings,
    replica_settings,
)

_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("DATABASE_URL", DATABASE_URL),
        ("REDIS_URL", REDIS_URL),
        ("ALLOWED_HOSTS", ALLOWED_HOSTS),
    )
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )
if DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on in production")

# Values copied from examples and tutorials, which anyone can look up.
_PLACEHOLDERS = {
    "changeme", "change-me", "change_me", "secret", "secretkey", "secret-key", "replace-me",
    "replaceme", "your-secret-key", "insecure", "development",
}  # fmt: skip


def _weak(key: str) -> bool:
    folded = key.strip().lower()
    return (
        len(key) < 50
        or len(set(key)) < 5
        or folded in _PLACEHOLDERS
        or folded.startswith(("django-insecure", "changeme", "change-me"))
    )


# A former key still signs in whoever holds a session or a link made under it.
for _name, _value in [("SECRET_KEY", SECRET_KEY)] + [
    ("a key in SECRET_KEY_FALLBACKS", key) for key in SECRET_KEY_FALLBACKS
]:
    if _weak(_value):
        raise ImproperlyConfigured(
            f"{_name} is too weak for production: use at least 50 random characters, for "
            "example from: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the service's host names in production, not '*': "
        "a wildcard lets a forged Host header into password-reset links and redirects"
    )

MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
# No demo data or demo sign-ins on a live service: the demo app (load_demo, serve) is left
# out unless an instance for training asks for it.
if not env.bool("CME_DEMO_DATA", default=False):
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "demo"]  # noqa: F405

DATABASES = {"default": database_settings(DATABASE_URL)}
# In the web server (gunicorn.conf.py sets CME_PROCESS=web), a statement the database has
# not answered within this many milliseconds is cancelled: the page answers 503 and the
# worker is free again. The worker, beat and migrate have no such limit.
WEB_STATEMENT_TIMEOUT_MS = env.int("WEB_STATEMENT_TIMEOUT_MS", default=10_000)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_settings(DATABASE_REPLICA_URL)
    REPORTS_DATABASE = "replica"
if env.str("CME_PROCESS", default="") == "web":
    for _database in DATABASES.values():
        _options = _database["OPTIONS"].get("options", "")
        _database["OPTIONS"]["options"] = (
            f"{_options} -c statement_timeout={WEB_STATEMENT_TIMEOUT_MS}".strip()
        )
# The web server, worker and beat need only DATABASE_URL; `migrate` needs DATABASE_OWNER_URL.
DATABASE_ROLES = database_roles(DATABASE_URL, DATABASE_OWNER_URL or None)
# A system check refuses to start when the application's role could rewrite the audit trail.
CME_CHECK_DATABASE_ROLE = True
vars().update(redis_dependent_settings(REDIS_URL))

STORAGES = {
    **STORAGES,  # noqa: F405 (the documents' storage, as base chose it)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = env.path("STATIC_ROOT", default="/app/staticfiles")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING["loggers"]["django.security.DisallowedHost"] = {"level": "ERROR"}
