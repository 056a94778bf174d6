from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


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
