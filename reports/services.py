"""Writes for reports: the head of service's commentary and indicators' targets."""

from django.db import transaction

from .models import Commentary, IndicatorTarget


@transaction.atomic
def commentary_save(*, year: int, quarter: int, section: str, text: str, by) -> Commentary:
    """Write (or rewrite) a section's performance analysis for one quarter."""
    commentary, _ = Commentary.objects.select_for_update().get_or_create(
        year=year, quarter=quarter, section=section, defaults={"text": text, "updated_by": by}
    )
    if commentary.text != text or commentary.updated_by_id != by.pk:
        commentary.text, commentary.updated_by = text, by
        commentary.save(update_fields=["text", "updated_by", "updated_at"])
    return commentary


@transaction.atomic
def target_save(*, indicator: str, by, **fields) -> IndicatorTarget:
    target, _ = IndicatorTarget.objects.select_for_update().get_or_create(indicator=indicator)
    for name, value in fields.items():
        setattr(target, name, value)
    target.updated_by = by
    target.full_clean()
    target.save()
    return target
