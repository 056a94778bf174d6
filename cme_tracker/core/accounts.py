"""Who may make whom more powerful, and the record of every change to what someone may do.

Only a superuser may grant superuser or staff status, a permission of its own to anyone, or a
role that carries a privileged permission (sensitive access, or managing users): the Team
manager and Administrator roles as shipped. Anyone else with the admin's user permissions may
give the other roles, and change people who hold none of those powers; they cannot set a
password on someone else's account (that would let them sign in as that person).
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from .models import AccountChange

# Permissions only a superuser may hand out, directly or inside a role.
PRIVILEGED_PERMISSIONS = {
    ("cases", "view_sensitive_episode"),
    ("core", "add_user"),
    ("core", "change_user"),
    ("auth", "change_group"),
    ("auth", "add_group"),
}
_PRIVILEGED = Q()
for _app, _codename in PRIVILEGED_PERMISSIONS:
    _PRIVILEGED |= Q(permissions__content_type__app_label=_app, permissions__codename=_codename)


def privileged_groups():
    return Group.objects.filter(_PRIVILEGED).distinct()


def grantable_groups(by):
    """The roles ``by`` may give someone."""
    groups = Group.objects.all()
    return groups if by.is_superuser else groups.exclude(pk__in=privileged_groups())


def is_privileged(user) -> bool:
    """Holds a power only a superuser may grant: then only a superuser may change them."""
    if user.is_superuser or user.is_staff or user.user_permissions.exists():
        return True
    return user.groups.filter(pk__in=privileged_groups()).exists()


def may_change(by, user) -> bool:
    return by.is_superuser or (user is not None and not is_privileged(user))


def access_of(user) -> dict:
    """What ``user`` may do, as recorded before and after a change."""
    if user.pk is None:
        return {"groups": [], "permissions": [], "is_active": None, "is_staff": None,
                "is_superuser": None}  # fmt: skip
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


@transaction.atomic
def account_change_record(*, actor, user, before: dict) -> AccountChange | None:
    """Compare ``user`` now with ``before``; record what moved, if anything."""
    after = access_of(user)
    changes = {key: {"before": before.get(key), "after": value}
               for key, value in after.items() if before.get(key) != value}  # fmt: skip
    if not changes:
        return None
    return AccountChange.objects.create(actor=actor, user=user, changes=changes)
