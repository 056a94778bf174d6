from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from . import accounts, second_factor
from .models import AccountChange, JobRun, OutboxMessage, User


class ListedLookupsOnly:
    """A list page filters only on what its own filters and date drill-down offer. Django
    would also take a filter on any field in the address (``?episode=291`` on the areas list,
    ``?payload__made_to__icontains=`` on events), each a yes-or-no answer about something a
    case page withholds."""

    def lookup_allowed(self, lookup, value, request=None):
        offered = {entry if isinstance(entry, str) else entry[0] for entry in self.list_filter}
        if self.date_hierarchy:
            offered.add(self.date_hierarchy)
        if lookup.split("__", 1)[0] not in offered:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(User)
class UserAdmin(ListedLookupsOnly, DjangoUserAdmin):
    """People and their roles. Only a superuser may make anyone more powerful than the roles
    an administrator may give (``accounts``), and every change to what someone may do is
    recorded (Account changes)."""

    list_display = ["username", "first_name", "last_name", "email", "is_active", "role_names"]
    list_filter = ["is_active", "groups"]
    actions = ["reset_second_factor"]

    @admin.action(description="Reset sign-in security (they set up their app again)",
                  permissions=["change"])  # fmt: skip
    def reset_second_factor(self, request, queryset):
        people = [user for user in queryset if accounts.may_change(request.user, user)]
        for user in people:
            second_factor.reset(request.user, user)
        self.message_user(request, f"Sign-in security reset for {len(people)} people. Each "
                          "sets up an authenticator app at their next sign-in.")  # fmt: skip

    @admin.display(description="Roles")
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_delete_permission(self, request, obj=None):
        # People leave; their accounts are deactivated so the case history still names them.
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or accounts.may_change(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = accounts.grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied  # setting someone's password is signing in as them
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        before = User.objects.get(pk=obj.pk) if change else User()
        request._access_before = accounts.access_of(before)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        recorded = accounts.account_change_record(
            actor=request.user, user=form.instance, before=request._access_before
        )
        if recorded:
            messages.info(request, "The change to what this person may do is recorded.")


class ReferenceItemAdmin(ListedLookupsOnly, admin.ModelAdmin):
    """Reference lists: edit labels, order and retire entries; never delete them."""

    list_display = ["label", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "code"]

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ListedLookupsOnly, admin.ModelAdmin):
    """A record kept by the system: administrators read it, nobody edits it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReadOnlyAdmin, DjangoGroupAdmin):
    """Roles hold the permissions ``roles.py`` gives them, set again by every migrate: they are
    read here, changed in code."""


@admin.register(AccountChange)
class AccountChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "user", "actor", "changes"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "actor"]
    search_fields = ["user__username", "actor__username"]
    date_hierarchy = "changed_at"


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
