from django.contrib import admin

from cme_tracker.core.admin import ReadOnlyAdmin, ReferenceItemAdmin

from .models import DeletionGround, DeletionNotice, NewPupilNotice, SchoolMembership


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(admin.ModelAdmin):
    """Which schools a school user acts for (managers and administrators manage these)."""

    list_display = ["user", "school", "added_at"]
    list_filter = ["school"]
    autocomplete_fields = ["user", "school"]
    readonly_fields = ["added_by", "added_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NewPupilNotice)
class NewPupilNoticeAdmin(admin.ModelAdmin):
    list_display = ["reference", "school", "sent_at", "status"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in NewPupilNotice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionGround)
class DeletionGroundAdmin(ReferenceItemAdmin):
    """The regulation 9(1) grounds: an administrator completes each one's wording from the
    regulation as made and ticks it checked (README, "Grounds for deletion")."""

    list_display = ["code", "label", "wording_checked", "needs", "joint_enquiries", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["wording_checked", "is_active"]


@admin.register(DeletionNotice)
class DeletionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "school", "sent_at", "ground", "status"]
    list_filter = ["status"]
