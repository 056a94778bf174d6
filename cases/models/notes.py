"""Case notes: what happened that is not an enquiry (a phone call, an email, a meeting), each
with its date, author and text. A note can be corrected by its author for a short while after
it is written; after that it is only added to, so what others read stays what they read."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Now

from .episodes import Episode

# How long the author may correct a note, by the database's clock.
CORRECTION_WINDOW = timedelta(minutes=15)


class CaseNoteQuerySet(models.QuerySet):
    def with_correctable(self):
        """Each note with ``correctable``: still inside its correction window."""
        return self.annotate(correctable=ExpressionWrapper(
            Q(created_at__gte=Now() - CORRECTION_WINDOW), output_field=BooleanField()
        ))  # fmt: skip


class NoteKind(models.TextChoices):
    PHONE_CALL = "PHONE_CALL", "Phone call"
    EMAIL = "EMAIL", "Email"
    MEETING = "MEETING", "Meeting"
    VISIT = "VISIT", "Visit"
    OTHER = "OTHER", "Other"


class CaseNote(models.Model):
    Kind = NoteKind

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField("type of note", max_length=20, choices=Kind.choices)
    happened_on = models.DateField("date")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="case_notes")  # fmt: skip
    family_group = models.UUIDField(
        null=True, blank=True,
        help_text="Shared by the copies of one family note on each brother's and sister's case.",
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now())
    corrected_at = models.DateTimeField(null=True, blank=True)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["episode", "-happened_on"], name="note_episode_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_has_text"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind for kind, _ in NoteKind.choices]), name="note_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} note {self.pk}"


class CaseNoteAddition(models.Model):
    """Words added to a note after its correction window: kept as written, never changed
    (``APPEND_ONLY``: the database refuses updates and deletes)."""

    APPEND_ONLY = True
    RECORDED_AT = "added_at"

    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="additions")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    added_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="note_addition_has_text")]

    def __str__(self):
        return f"Addition to note {self.note_id}"
