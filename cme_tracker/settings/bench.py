"""Benchmarks (`make bench`): the test servers, and a database of their own made afresh."""

from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["NAME"] = "cme_bench"
DEBUG = False
