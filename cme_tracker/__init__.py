"""The CME tracker project package: settings, URLs, the Celery app and shared parts."""

from .celery import app as celery_app

__all__ = ["celery_app"]
