"""The time services take as now. It is the real time, except inside ``set_to``, which the
demo uses to record years of invented history as if each step happened on its own day. So
backdating never reaches a service's signature, and nothing a person does can backdate."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_set: ContextVar[datetime | None] = ContextVar("clock_set", default=None)


def now() -> datetime:
    return _set.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def set_to(moment: datetime):
    """Services in the block take ``moment`` as now."""
    token = _set.set(moment)
    try:
        yield
    finally:
        _set.reset(token)
