"""Signing in and permissions: Django's own, with a person's permissions read in one query.

Django's ``ModelBackend`` reads a person's own permissions and their groups' permissions in
two queries on every page; the same set read as one union costs one round trip fewer.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                own = Permission.objects.filter(user=user_obj)
                through_groups = Permission.objects.filter(group__user=user_obj)
                rows = own.values_list("content_type__app_label", "codename").union(
                    through_groups.values_list("content_type__app_label", "codename")
                )
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
