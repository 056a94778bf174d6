"""Documents attached to a case (a school's letter, an email, a photo from a home visit),
optionally to one of its enquiries or notes. Never deleted: a document put on the wrong case
is withdrawn with a reason, and its file kept."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from .episodes import Enquiry, Episode
from .notes import CaseNote


def _documents_storage():
    return storages["documents"]


def _stored_name(document, filename: str) -> str:
    """A name of the tracker's own: the file's own name (which may name a child) stays in
    the database, never in the storage's paths."""
    return f"documents/{uuid.uuid4().hex}"


class Document(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="documents")
    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="documents")  # fmt: skip
    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="documents")  # fmt: skip
    file = models.FileField(storage=_documents_storage, upload_to=_stored_name, max_length=200)
    name = models.CharField("file name", max_length=255)
    description = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=60, help_text="What its contents are (cases.documents).")
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scanned = models.BooleanField(help_text="Checked clean by the virus scanner.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(db_default=Now())
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")  # fmt: skip
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="document_has_name"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True,
                            withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                   & ~Q(withdrawn_reason="")),
                name="document_withdrawn_with_a_reason",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"Document {self.pk} on case {self.episode_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
