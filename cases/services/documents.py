"""Attaching documents to a case, and withdrawing one put there in error. A file is taken only
when its contents are a kind a case holds (``cases.documents.kinds``), it is within the upload
limit, and the virus scan (when on) finds it clean; nothing is kept of a refused one."""

import hashlib

from django.db import transaction

from cme_tracker.core import clock
from cme_tracker.core.uploads import too_large

from ..documents import kinds, scanning
from ..errors import CaseError
from ..models import Document, Episode
from .events import event_record
from .locking import bump_version, episode_for_update


def _digest(upload) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_attach(*, episode: Episode, upload, by, enquiry=None, note=None,
                    description: str = "") -> Document:  # fmt: skip
    """Check the file, keep it, and record it on the case (and its enquiry or note)."""
    name = (upload.name or "").strip()[:255]
    if not name:
        raise CaseError("Choose a file to attach.")
    if problem := too_large(upload):
        raise CaseError(problem + ".")
    if upload.size == 0:
        raise CaseError("The file is empty.")
    kind, problem = kinds.problem(upload, name)
    if problem:
        raise CaseError(problem + ".")
    if enquiry is not None and enquiry.episode_id != episode.pk:
        raise CaseError("That enquiry is not this case's.")
    if note is not None and note.episode_id != episode.pk:
        raise CaseError("That note is not this case's.")
    try:
        scanned = scanning.scan(upload)
    except scanning.ScanRefused as refused:
        raise CaseError(f"{refused}.") from None
    return _recorded(episode, upload, by=by, name=name, kind=kind, scanned=scanned,
                     enquiry=enquiry, note=note, description=description.strip())  # fmt: skip


@transaction.atomic
def _recorded(episode, upload, *, by, name, kind, scanned, enquiry, note, description):
    episode = episode_for_update(episode.pk)
    if not episode.is_open:
        raise CaseError("Documents can only be attached to an open case.")
    document = Document(
        episode=episode, enquiry=enquiry, note=note, name=name, description=description,
        kind=kind.label, content_type=kind.content_type, size=upload.size,
        sha256=_digest(upload), scanned=scanned, uploaded_by=by,
    )  # fmt: skip
    document.file.save(name, upload, save=False)
    stored = document.file.name
    try:
        document.save()
        event_record(actor=by, verb="document.attached", episode=episode, payload={
            "version": bump_version(episode, []), "document": document.pk, "name": name,
            "kind": kind.label, "enquiry": enquiry.pk if enquiry else None,
            "note": note.pk if note else None,
        })  # fmt: skip
    except Exception:
        document.file.storage.delete(stored)  # no row: no file left behind
        raise
    return document


@transaction.atomic
def document_withdraw(*, document: Document, reason: str, by) -> Document:
    """Withdraw a document (attached in error, to the wrong case): it stays, with who
    withdrew it, when and why, and is no longer offered."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("Say why the document is being withdrawn.")
    episode = episode_for_update(document.episode_id)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_withdrawn:
        raise CaseError("This document has already been withdrawn.")
    document.withdrawn_at, document.withdrawn_by = clock.now(), by
    document.withdrawn_reason = reason
    document.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    event_record(actor=by, verb="document.withdrawn", episode=episode, payload={
        "version": bump_version(episode, []), "document": document.pk, "name": document.name,
        "reason": reason,
    })  # fmt: skip
    return document
