from django.contrib import admin

from cme_tracker.core.admin import ReadOnlyAdmin, ReferenceItemAdmin

from . import models


@admin.register(models.ClosureOutcome)
class ClosureOutcomeAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "needs", "is_historical_only"]


@admin.register(models.EnquiryType)
class EnquiryTypeAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "days_to_respond", "is_core"]
    list_editable = [*ReferenceItemAdmin.list_editable, "days_to_respond", "is_core"]


@admin.register(models.MissingReason)
class MissingReasonAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "dfe_category"]


@admin.register(models.Ethnicity)
class EthnicityAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "group"]
    list_filter = ["group", "is_active"]
    list_select_related = ["group"]


@admin.register(models.Area)
class AreaAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "locality"]
    list_select_related = ["locality"]


for model in (models.PresentingNeed, models.EthnicityGroup, models.OpenToService, models.Locality):
    admin.site.register(model, ReferenceItemAdmin)


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "local_authority", "is_open"]
    list_filter = ["phase", "is_open", "local_authority"]
    search_fields = ["name", "=urn"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail, readable and never editable."""

    list_display = ["created_at", "verb", "episode", "actor"]
    list_filter = ["verb"]
    list_select_related = ["episode", "actor"]
    date_hierarchy = "created_at"
