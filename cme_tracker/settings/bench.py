"""Benchmarks (`make bench`): the test servers, and a database of their own made afresh."""

import secrets

from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["NAME"] = "cme_bench"
DEBUG = False

# The load test hands this key to gunicorn on production settings, which refuse a weak one;
# made afresh each run, as nothing signed with it outlives the run.
SECRET_KEY = secrets.token_urlsafe(50)
