import re

from django.contrib import admin

from cme_tracker.core import http
from cme_tracker.core.admin import ListedLookupsOnly, ReadOnlyAdmin, ReferenceItemAdmin

from . import access, models, selectors, services
from .timeline import describe


@admin.register(models.ClosureOutcome)
class ClosureOutcomeAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "needs", "is_historical_only"]


@admin.register(models.EnquiryType)
class EnquiryTypeAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "days_to_respond", "is_core"]
    list_editable = [*ReferenceItemAdmin.list_editable, "days_to_respond", "is_core"]


@admin.register(models.DfeReason)
class DfeReasonAdmin(ReferenceItemAdmin):
    """The DfE's categories: when the DfE adds one, add it here and remap local reasons."""


@admin.register(models.MissingReason)
class MissingReasonAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "dfe_reason"]
    list_editable = [*ReferenceItemAdmin.list_editable, "dfe_reason"]
    list_filter = ["dfe_reason", "is_active"]
    list_select_related = ["dfe_reason"]


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
class SchoolAdmin(ListedLookupsOnly, admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "local_authority", "is_open"]
    list_filter = ["phase", "is_open", "local_authority"]
    search_fields = ["name", "=urn"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail, readable and never editable. What an event says is shown as History
    shows it, withheld on a sensitive case from those without need to know; opening one of a
    sensitive case goes in the access log."""

    list_display = ["created_at", "verb", "episode", "actor"]
    list_filter = ["verb"]
    list_select_related = ["episode", "actor"]
    date_hierarchy = "created_at"
    fields = ["created_at", "verb", "episode", "actor", "what_it_says"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("episode__child__family")

    @admin.display(description="What it says")
    def what_it_says(self, event):
        return "\n".join(getattr(event, "described", None) or []) or "–"

    def get_object(self, request, object_id, from_field=None):
        """The event, described for this person; a look at a sensitive case's is logged."""
        event = super().get_object(request, object_id, from_field)
        if event is None:
            return None
        episode = event.episode
        show = episode is None or access.shows_sensitive(request.user, episode)
        event.described = describe(event, selectors.history_names([event]), show_sensitive=show)[
            "lines"
        ]
        if episode is not None and access.is_sensitive(episode):
            services.access_log_record(
                user=request.user, episodes=[episode], page=http.page(request),
                client_address=http.client_address(request), details_shown=show,
            )  # fmt: skip
        return event


@admin.register(models.AccessLogEntry)
class AccessLogAdmin(ReadOnlyAdmin):
    """Who looked at which sensitive case, when, on which page and from where: searchable by
    person, case reference (CME000123) and date."""

    list_display = ["viewed_at", "user", "episode", "page", "details_shown", "client_address"]
    list_filter = ["details_shown"]  # people by search: a filter would read the whole log
    list_select_related = ["user", "episode"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "page"]
    search_help_text = "A person's name or username, a case reference (CME000123) or a page."
    date_hierarchy = "viewed_at"

    def get_search_results(self, request, queryset, search_term):
        reference = re.fullmatch(r"(?i)\s*cme0*(\d+)\s*", search_term or "")
        if reference:
            return queryset.filter(episode_id=int(reference.group(1))), False
        return super().get_search_results(request, queryset, search_term)
