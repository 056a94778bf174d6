"""Production settings refuse to start half-configured and pass Django's deploy checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "SECRET", "DATABASE", "REDIS"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "cme_tracker.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env():
    db = settings.DATABASES["default"]
    return {
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-the-test-0123456789",
        "DATABASE_URL": f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "cme.example.org",
    }


def test_production_refuses_to_start_without_its_secrets():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_missing_redis_url():
    env = production_env()
    del env["REDIS_URL"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "key",
    ["changeme", "x" * 49, "ab" * 40, "django-insecure-" + "q7#m" * 12, "CHANGEME" + "0" * 50],
    ids=["placeholder", "49 characters", "two characters repeated", "django's", "changeme..."],
)
def test_production_refuses_a_weak_secret_key(key):
    result = manage("check", **{**production_env(), "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr
    assert key not in result.stderr  # the key itself is never printed


def test_production_refuses_a_weak_former_key_and_takes_a_strong_one():
    strong = "y" * 10 + "a-former-production-secret-key-being-replaced-9876543210"
    weak = manage("check", **{**production_env(), "SECRET_KEY_FALLBACKS": f"{strong},changeme"})
    assert weak.returncode != 0
    assert "a key in SECRET_KEY_FALLBACKS is too weak for production" in weak.stderr
    assert strong not in weak.stderr
    spaced = manage("check", **{**production_env(), "SECRET_KEY_FALLBACKS": f" {strong} , "})
    assert spaced.returncode == 0, spaced.stderr


@pytest.mark.parametrize("hosts", ["*", "cme.example.org,*"])
def test_production_refuses_any_host(hosts):
    result = manage("check", **{**production_env(), "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the service's host names in production, not '*'" in (
        result.stderr
    )


def test_deploy_check_reports_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_replica_url_gives_the_reports_a_read_only_connection_with_the_web_s_timeout():
    env = production_env()
    script = (
        "from django.conf import settings as s; r = s.DATABASES['replica'];"
        "print(s.REPORTS_DATABASE, r['NAME'], r['OPTIONS']['options'])"
    )
    result = manage("shell", "-c", script, **env, CME_PROCESS="web",
                    DATABASE_REPLICA_URL=env["DATABASE_URL"].replace("?", "_replica?"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    name = settings.DATABASES["default"]["NAME"]
    assert result.stdout.splitlines()[-1].split() == [
        "replica", f"{name}_replica", "-c", "default_transaction_read_only=on", "-c",
        "statement_timeout=10000",
    ]  # fmt: skip
    without = manage("shell", "-c", "from django.conf import settings as s;"
                     "print(s.REPORTS_DATABASE, sorted(s.DATABASES))", **env)  # fmt: skip
    assert without.stdout.splitlines()[-1].split() == ["default", "['default']"]


def test_production_has_no_demo_data_command_unless_a_training_instance_asks():
    refused = manage("load_demo", "--children", "1", **production_env())
    assert refused.returncode != 0 and "Unknown command: 'load_demo'" in refused.stderr
    allowed = manage("help", "load_demo", **production_env(), CME_DEMO_DATA="true")
    assert allowed.returncode == 0 and "synthetic demo data" in allowed.stdout


def test_documents_go_to_object_storage_when_configured_and_the_filesystem_otherwise():
    """The production image keeps documents on its data volume unless told to use S3."""
    show = ["shell", "-c", "from django.core.files.storage import storages; "
            "s = storages['documents']; print(type(s).__module__, type(s).__name__, "
            "getattr(s, 'bucket_name', ''))"]  # fmt: skip
    filesystem = manage(*show, **production_env())
    assert filesystem.returncode == 0, filesystem.stderr
    shown = filesystem.stdout.splitlines()[-1].split()
    assert shown[:2] == ["django.core.files.storage.filesystem", "FileSystemStorage"]
    s3 = manage(*show, **production_env(), CME_DOCUMENT_STORAGE="s3",
                CME_DOCUMENTS_BUCKET="cme-documents")  # fmt: skip
    assert s3.returncode == 0, s3.stderr
    assert s3.stdout.splitlines()[-1].split()[:3] == [
        "storages.backends.s3",
        "S3Storage",
        "cme-documents",
    ]
