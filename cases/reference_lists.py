"""The reference lists each process keeps: localities, presenting needs, outcomes and the rest.

They are a few rows each and change only when an administrator edits one, yet every case page
joined eight of them (planning an 18-table join cost more than running it) and every list
read three. Each process keeps them and reads them again only when the database's reference
version has moved: a trigger on every list sets it, in the changing transaction, to that
transaction's id, which never repeats, so a process never mistakes old lists for new ones
(not after a rollback, nor after the database is emptied and filled again). The version is
read at most once a request (``request_started`` clears the mark), and on every use outside
a request.

The rows kept are shared by every request of the process: read them, never change them.
"""

import threading

from django.apps import apps
from django.core.signals import request_finished, request_started

# The lists kept, as app_label.Model; each one's table has the trigger (``install``).
KEPT = (
    "cases.ClosureOutcome", "cases.PresentingNeed", "cases.MissingReason",
    "cases.EthnicityGroup", "cases.Ethnicity", "cases.EnquiryType", "cases.OpenToService",
    "cases.Locality", "cases.Area", "referrals.ReferralSource",
)  # fmt: skip

_SET_VERSION = """
INSERT INTO cases_referenceversion (id, version) VALUES (1, pg_current_xact_id()::text::bigint)
ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version
"""
_CHANGED = f"""
CREATE OR REPLACE FUNCTION cme_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_SET_VERSION}; RETURN NULL; END;
$$;
"""
_TRIGGER = """
CREATE OR REPLACE TRIGGER cme_reference_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION cme_reference_changed();
"""


def install(cursor) -> None:
    """The trigger on each list's table, and a first version (lists loaded before it)."""
    cursor.execute(_CHANGED)
    for table in (apps.get_model(name)._meta.db_table for name in KEPT):
        cursor.execute(_TRIGGER.format(table=table))
    cursor.execute(_SET_VERSION)


class _RequestMark(threading.local):
    """This thread's mark that its request has read the version."""

    checked = None  # None outside a request, False until the request reads, True after


_local = _RequestMark()
_lock = threading.Lock()
# (version, {list: [entries]}, {list: {pk: entry}}), replaced whole so threads read one state
_state: tuple = (None, {}, {})


def _request_started(**kwargs) -> None:
    _local.checked = False


def _request_finished(**kwargs) -> None:
    _local.checked = None  # outside a request: the version is read on every use


request_started.connect(_request_started, dispatch_uid="cases.reference_lists")
request_finished.connect(_request_finished, dispatch_uid="cases.reference_lists")


def _current_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM cases_referenceversion WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else row[0]


def _read_all() -> dict[str, list]:
    """Every kept list read afresh, each Ethnicity with its group, each Area its locality."""
    rows = {name: list(apps.get_model(name).objects.all()) for name in KEPT}
    groups = {group.pk: group for group in rows["cases.EthnicityGroup"]}
    for ethnicity in rows["cases.Ethnicity"]:
        ethnicity.group = groups[ethnicity.group_id]
    localities = {locality.pk: locality for locality in rows["cases.Locality"]}
    for area in rows["cases.Area"]:
        area.locality = localities[area.locality_id]
    return rows


def _now() -> tuple:
    global _state
    if _local.checked and _state[0] is not None:
        return _state
    version = _current_version()
    with _lock:
        if version is None or version != _state[0]:
            rows = _read_all()
            _state = (version, rows, {name: {e.pk: e for e in entries}
                                      for name, entries in rows.items()})  # fmt: skip
        if _local.checked is False:  # in a request: asked again only by the next one
            _local.checked = True
        return _state


def items(model) -> list:
    """Every entry of the list, in its order (retired ones too: history and filters use them)."""
    return _now()[1][model._meta.label]


def attach(instances, *fields: str) -> None:
    """Give each instance its entry of each named list (a foreign key, or a path like
    ``child__ethnicity``) from the lists kept, as a join or ``select_related`` would."""
    kept = _now()[2]
    for path in fields:
        *through, name = path.split("__")
        for instance in instances:
            owner = instance
            for step in through:
                owner = getattr(owner, step) if owner is not None else None
            if owner is None:
                continue
            field = owner._meta.get_field(name)
            key = getattr(owner, field.attname)
            entry = None if key is None else kept[field.related_model._meta.label].get(key)
            if key is not None and entry is None:
                continue  # added since this request read the lists: the descriptor reads it
            field.set_cached_value(owner, entry)
