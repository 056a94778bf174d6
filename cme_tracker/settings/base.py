"""Settings shared by every environment.

The environment is read here and only here; local, test and production settings decide
what happens when a value is missing.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from cme_tracker.core.http import proxy_networks
from cme_tracker.core.oidc_discovery import discovered

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Environment --------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
# Former keys, while a new SECRET_KEY comes in: sessions, signed links and the recovery codes'
# hashes (core/second_factor.py) made under them keep working until they are dropped.
SECRET_KEY_FALLBACKS = [
    key.strip() for key in env.list("SECRET_KEY_FALLBACKS", default=[]) if key.strip()
]
# The admin never shows an authenticator app's key or a recovery code's stored form.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
# A PostgreSQL streaming replica the reports read from (docs/replica.md); none by default.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
DATA_DIR = (BASE_DIR / env.str("CME_DATA_DIR", default="var")).resolve()
PORT = env.int("PORT", default=8000)
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cme-tracker@localhost")
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}")
CME_LOCAL_AUTHORITY = env.str("CME_LOCAL_AUTHORITY", default="Demo Borough Council")
# Officers may also change colleagues' cases (not sensitive ones they have no need to know);
# History marks each such change. Off: officers change only their own (see cases.access).
CME_TEAM_WIDE_WORKING = env.bool("CME_TEAM_WIDE_WORKING", default=False)
# The proxies in front of the web server (addresses or networks), each adding the address it
# saw to X-Forwarded-For. Only a request from one of them is believed about its client's
# address (the access log, sign-in throttling); none: every request is its own address.
CME_TRUSTED_PROXIES = env.list("CME_TRUSTED_PROXIES", default=[])
proxy_networks(CME_TRUSTED_PROXIES)  # refuse a wrong entry at start-up, saying which
# Uploaded files of cases are untrusted: the largest upload taken, the most rows one file
# may hold, and how far a workbook (.xlsx, a zip) may expand when opened.
CME_UPLOAD_MAX_MB = env.int("CME_UPLOAD_MAX_MB", default=20)
CME_IMPORT_MAX_ROWS = env.int("CME_IMPORT_MAX_ROWS", default=1_000_000)
CME_XLSX_MAX_UNCOMPRESSED_MB = env.int("CME_XLSX_MAX_UNCOMPRESSED_MB", default=200)
FILE_UPLOAD_HANDLERS = ["cme_tracker.core.uploads.LimitedUploadHandler"]
# Production turns on the check that the application's database role owns nothing.
CME_CHECK_DATABASE_ROLE = False


# Local and test settings start their own servers when a URL is missing; production never.
EMBEDDED_SERVERS = {"postgres": False, "redis": False}


def database_settings(url: str) -> dict:
    """Django's DATABASES entry for a postgresql:// URL, Unix sockets (``?host=/dir``) included."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError("DATABASE_URL must be a postgresql:// URL")
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or parts.hostname or ""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


# What differs between the application's connection and the owner's: the database is one.
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def database_roles(application_url: str, owner_url: str | None) -> dict:
    """The two roles' credentials: the application's, which every process uses, and the
    owner's, which only schema commands use (``migrate``, ``flush``); None when not given."""
    roles = {"application": application_url, "owner": owner_url}
    return {
        name: {key: database_settings(url)[key] for key in CREDENTIALS} if url else None
        for name, url in roles.items()
    }


def local_databases(data_dir: Path) -> tuple[dict, dict]:
    """DATABASES and DATABASE_ROLES off production: the URLs given (the owner's defaulting to
    the application's), else the embedded server's two roles."""
    if DATABASE_URL:
        application, owner = DATABASE_URL, DATABASE_OWNER_URL or DATABASE_URL
    else:
        from cme_tracker import embedded

        urls = embedded.postgres_urls(data_dir)
        application, owner = urls.application, urls.owner
    return {"default": database_settings(application)}, database_roles(application, owner)


def replica_settings(url: str) -> dict:
    """The reports' read-only connection: a replica refuses writes anyway; a second
    connection to the primary (for a test) refuses them too."""
    replica = database_settings(url)
    options = replica["OPTIONS"].get("options", "")
    replica["OPTIONS"]["options"] = f"{options} -c default_transaction_read_only=on".strip()
    return replica


def celery_broker_url(url: str) -> str:
    """Kombu spells a Redis Unix socket ``redis+socket://``; redis-py spells it ``unix://``."""
    return "redis+socket://" + url.removeprefix("unix://") if url.startswith("unix://") else url


# Django -------------------------------------------------------------------------------------
# Reports read inside cme_tracker.core.reads.one_snapshot from REPORTS_DATABASE: the
# replica when one is configured (production.py), else the default.
DATABASE_ROUTERS = ["cme_tracker.core.reads.ReportsRouter"]
REPORTS_DATABASE = "default"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "cme_tracker.core",
    "cases",
    "referrals",
    "reports",
    "schools",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cme_tracker.core.middleware.ServiceUnavailableWithoutTheDatabase",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cme_tracker.core.middleware.SecondFactorRequired",
    "mozilla_django_oidc.middleware.SessionRefresh",
    "cme_tracker.core.middleware.SessionKeptAlive",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cme_tracker.core.middleware.NoStoreForSignedInUsers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cme_tracker.urls"
WSGI_APPLICATION = "cme_tracker.wsgi.application"
ASGI_APPLICATION = "cme_tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cme_tracker.core.context_processors.service",
                "cases.context_processors.notifications",
            ],
        },
    },
]

# A strict content security policy on every response: scripts and styles only from this
# server, an inline script only with the response's nonce, no inline style, no plugins, no
# <base>, never framed, forms posted only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Widgets render from the project's templates too (cases/widgets/...).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cme_tracker.core.backends.OneQueryModelBackend",
    "cme_tracker.core.single_sign_on.CouncilSignOn",
]
# Sign-in throttling (cme_tracker/core/throttle.py): five wrong passwords in a row for a
# username slow it (30 seconds, doubling with each further failure, at most 15 minutes);
# 20 failures from one client address within 15 minutes refuse that address's sign-ins for
# 15 minutes. Administrators see and clear the attempts in the admin (Access attempts), or
# with `manage.py axes_reset_username`.
AXES_HANDLER = "cme_tracker.core.throttle.SignInThrottle"
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = timedelta(days=1)  # failures are forgotten a day after the last
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a refused try is not counted
AXES_CLIENT_IP_CALLABLE = "cme_tracker.core.http.client_address"
AXES_LOCKOUT_CALLABLE = "cme_tracker.core.throttle.refused_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
CME_SIGN_IN_LONGEST_WAIT = timedelta(
    minutes=env.int("CME_SIGN_IN_LONGEST_WAIT_MINUTES", default=15)
)
CME_SIGN_IN_FAILURES_PER_ADDRESS = env.int("CME_SIGN_IN_FAILURES_PER_ADDRESS", default=20)
CME_SIGN_IN_ADDRESS_WINDOW = timedelta(minutes=15)
# Multi-factor sign-in (cme_tracker/core/second_factor.py): a code from an authenticator app,
# or a recovery code, after the password. Required for everyone unless turned off here;
# CME_MFA_SKIPPED_FOR names a test of a user who may skip it (local demo sign-ins only).
CME_MFA_REQUIRED = env.bool("CME_MFA_REQUIRED", default=True)
CME_MFA_TRUST_IDENTITY_PROVIDER = env.bool("CME_MFA_TRUST_IDENTITY_PROVIDER", default=False)
CME_MFA_SKIPPED_FOR = ""
OTP_TOTP_ISSUER = env.str("CME_LOCAL_AUTHORITY", default="Demo Borough Council") + " CME"
OTP_TOTP_THROTTLE_FACTOR = 1  # after a wrong code, 1, 2, 4... seconds before the next

# Single sign-on with the council's identity provider (cme_tracker/core/single_sign_on.py,
# mozilla-django-oidc): on when CME_OIDC_CLIENT_ID is set. The endpoints are read from the
# issuer's discovery document unless given. Each role names the provider's group that holds
# it; someone in none of them signs in with no role.
CME_OIDC_ISSUER = env.str("CME_OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env.str("CME_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("CME_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = discovered(
    CME_OIDC_ISSUER, "authorization_endpoint", env.str("CME_OIDC_AUTHORIZATION_ENDPOINT", "")
)
OIDC_OP_TOKEN_ENDPOINT = discovered(
    CME_OIDC_ISSUER, "token_endpoint", env.str("CME_OIDC_TOKEN_ENDPOINT", "")
)
OIDC_OP_USER_ENDPOINT = discovered(
    CME_OIDC_ISSUER, "userinfo_endpoint", env.str("CME_OIDC_USERINFO_ENDPOINT", "")
)
OIDC_OP_JWKS_ENDPOINT = discovered(CME_OIDC_ISSUER, "jwks_uri", env.str("CME_OIDC_JWKS_URI", ""))
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env.str("CME_OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# A single sign-on session is checked with the provider again after this long (a leaver the
# provider has disabled is then signed out).
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 15 * 60
OIDC_AUTHENTICATE_CLASS = "cme_tracker.core.single_sign_on_views.SignOnStart"
OIDC_CALLBACK_CLASS = "cme_tracker.core.single_sign_on_views.SignOnReturn"
LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?single-sign-on=failed"
CME_OIDC_GROUPS_CLAIM = env.str("CME_OIDC_GROUPS_CLAIM", default="groups")
CME_OIDC_ROLE_GROUPS = {
    "officer": env.str("CME_OIDC_GROUP_OFFICER", default=""),
    "manager": env.str("CME_OIDC_GROUP_MANAGER", default=""),
    "head_of_service": env.str("CME_OIDC_GROUP_HEAD_OF_SERVICE", default=""),
    "administrator": env.str("CME_OIDC_GROUP_ADMINISTRATOR", default=""),
}

# A suggested closure from a school's new-pupil notice waiting longer than this for its
# officer is flagged to managers on caseload aging.
CME_SUGGESTION_FLAG_WORKING_DAYS = env.int("CME_SUGGESTION_FLAG_WORKING_DAYS", default=5)
# A school's deletion notice not triaged within this many working days is flagged to managers.
CME_DELETION_NOTICE_FLAG_WORKING_DAYS = env.int("CME_DELETION_NOTICE_FLAG_WORKING_DAYS",
                                                default=2)  # fmt: skip
# A joint enquiry with no council enquiry recorded within this many working days is chased.
CME_JOINT_ENQUIRY_FIRST_STEP_WORKING_DAYS = env.int("CME_JOINT_ENQUIRY_FIRST_STEP_WORKING_DAYS",
                                                    default=3)  # fmt: skip

# A case is due a manager's review after this many working days without one, and when open
# this many weeks with no review since (cases.reviews).
CME_REVIEW_WORKING_DAYS = env.int("CME_REVIEW_WORKING_DAYS", default=20)
CME_REVIEW_OPEN_WEEKS = env.int("CME_REVIEW_OPEN_WEEKS", default=12)
# A handover to another council not acknowledged within this many working days is chased.
CME_HANDOVER_CHASE_WORKING_DAYS = env.int("CME_HANDOVER_CHASE_WORKING_DAYS", default=5)

# Axes warns when its lockout is not keyed on the address: the address limit is the
# throttle's own, and keying axes on it would let a good sign-in from an address clear
# that address's failures.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signed-in sessions end after 30 minutes without a request: their expiry is renewed at most
# once a minute by core.middleware.SessionKeptAlive, so they end 29 to 30 minutes after.
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Documents attached to cases: on the filesystem under the data directory, or, with
# CME_DOCUMENT_STORAGE=s3, in S3-compatible object storage through django-storages (its
# credentials from the usual AWS_* environment). Never at a public URL: the tracker serves
# each one to those who may see its case (cases.documents).
_DOCUMENTS = {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"location": str(DATA_DIR / "documents"), "base_url": None}}  # fmt: skip
if env.str("CME_DOCUMENT_STORAGE", default="filesystem") == "s3":
    _DOCUMENTS = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env.str("CME_DOCUMENTS_BUCKET"),
        "endpoint_url": env.str("CME_DOCUMENTS_S3_ENDPOINT", default="") or None,
        "region_name": env.str("CME_DOCUMENTS_S3_REGION", default="") or None,
        "default_acl": None, "querystring_auth": True, "file_overwrite": False,
    }}  # fmt: skip
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": _DOCUMENTS,
}
# The optional virus scan of documents (ClamAV's daemon): a Unix socket, or host:port.
CME_CLAMD_SOCKET = env.str("CME_CLAMD_SOCKET", default="")
CME_CLAMD_ADDRESS = env.str("CME_CLAMD_ADDRESS", default="")
CME_CLAMD_TIMEOUT_SECONDS = env.int("CME_CLAMD_TIMEOUT_SECONDS", default=30)
MEDIA_ROOT = DATA_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

vars().update(env.email_url_config(EMAIL_URL))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Celery -------------------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task a killed worker had taken is handed out again after this long; it must be
    # longer than any task may run (the hard time limit above).
    "visibility_timeout": 900,
    # A broker that has gone away fails a publish quickly rather than hanging it.
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_BEAT_SCHEDULE = {
    "overdue-alerts": {
        "task": "cases.tasks.send_overdue_alerts",
        # 07:00 Europe/London, Monday to Friday; the task skips bank holidays itself.
        "schedule": crontab(
            hour=env.int("CME_ALERTS_HOUR", default=7), minute=0, day_of_week="mon-fri"
        ),
    },
    "scorecard-snapshot": {
        "task": "reports.tasks.snapshot_scorecard",
        # Daily; it acts only on the first working day after a quarter ends.
        "schedule": crontab(hour=6, minute=30),
    },
    "scorecard-counts": {
        "task": "reports.tasks.count_changes",
        "args": ["schedule"],
        # The day's case changes counted overnight, so the morning's first scorecard is quick.
        "schedule": crontab(hour=6, minute=0),
    },
    "joint-enquiry-chase": {
        "task": "schools.tasks.chase_joint_enquiries",
        # With the overdue alerts: joint enquiries waiting on the council, to its managers.
        "schedule": crontab(
            hour=env.int("CME_ALERTS_HOUR", default=7), minute=5, day_of_week="mon-fri"
        ),
    },
    "new-pupil-notices": {
        "task": "schools.tasks.match_waiting_notices",
        # New-pupil notices no case matched, tried against the cases opened since.
        "schedule": crontab(minute=15),
    },
    "outbox-sweep": {
        "task": "cme_tracker.core.tasks.publish_outbox",
        # Work saved while Redis was down goes out within a minute of its return.
        "schedule": 60.0,
    },
}


def redis_dependent_settings(redis_url: str) -> dict:
    """Settings that follow from the Redis URL, applied once it is known."""
    return {
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": celery_broker_url(redis_url),
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "cme",
                "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
            }
        },
    }


# Logging: never names, dates of birth, addresses or UPNs; log ids and references only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_query_strings": {"()": "cme_tracker.core.logging.DropQueryStrings"},
        "no_traceback_for_refusals": {"()": "cme_tracker.core.logging.NoTracebackForRefusals"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_strings", "no_traceback_for_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

CME_SERVICE_NAME = "Children missing education"
