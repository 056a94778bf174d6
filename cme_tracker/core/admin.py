from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import JobRun, OutboxMessage, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "role_names"]
    list_filter = ["is_active", "groups"]

    @admin.display(description="Roles")
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_delete_permission(self, request, obj=None):
        # People leave; their accounts are deactivated so the case history still names them.
        return False


class ReferenceItemAdmin(admin.ModelAdmin):
    """Reference lists: edit labels, order and retire entries; never delete them."""

    list_display = ["label", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "code"]

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the system: administrators read it, nobody edits it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "trigger", "status", "started_at", "finished_at", "duration", "counts"]
    list_filter = ["status", "job", "trigger"]
    date_hierarchy = "started_at"
    fields = ["job", "trigger", "task_id", "status", "started_at", "finished_at", "counts", "error"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["task", "args", "created_at", "published_at", "attempts", "last_error"]
    list_filter = [("published_at", admin.EmptyFieldListFilter), "task"]
    date_hierarchy = "created_at"
