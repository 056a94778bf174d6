"""No one makes themselves, or anyone else, more powerful than their own role allows; every
change to what someone may do is recorded."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cme_tracker.core import roles
from cme_tracker.core.models import AccountChange, User
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db


def change_form(user, **changes) -> dict:
    """The admin's change form for ``user`` as it stands, with ``changes``."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on" if user.is_active else "",
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
        "groups": [group.pk for group in user.groups.all()],
    }  # fmt: skip
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


@pytest.fixture
def administrator(db):
    return _user_with_role(roles.ADMINISTRATOR, is_staff=True)


def role(name):
    return Group.objects.get(name=name)


def test_an_administrator_cannot_make_themselves_a_superuser(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:core_user_change", args=[administrator.pk])
    response = client.post(url, change_form(administrator, is_superuser="on", is_staff="on"))
    assert response.status_code == 403  # their own account holds powers only a superuser grants
    administrator.refresh_from_db()
    assert not administrator.is_superuser


@pytest.mark.parametrize("name", [roles.ADMINISTRATOR, roles.TEAM_MANAGER])
def test_an_administrator_cannot_give_a_role_that_carries_sensitive_access_or_user_admin(
    client, administrator, name
):
    officer = _user_with_role(roles.CME_OFFICER)
    client.force_login(administrator)
    url = reverse("admin:core_user_change", args=[officer.pk])
    response = client.post(url, change_form(officer, groups=[role(name).pk]))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(officer.groups.values_list("name", flat=True)) == [roles.CME_OFFICER]


def test_an_administrator_cannot_grant_a_permission_or_staff_status(client, administrator):
    officer = _user_with_role(roles.CME_OFFICER)
    sensitive = Permission.objects.get(codename="view_sensitive_episode")
    client.force_login(administrator)
    url = reverse("admin:core_user_change", args=[officer.pk])
    response = client.post(
        url, change_form(officer, user_permissions=[sensitive.pk], is_staff="on",
                         is_superuser="on")
    )  # fmt: skip
    assert response.status_code == 302  # saved: those fields are not theirs to change
    officer.refresh_from_db()
    assert not (officer.is_staff or officer.is_superuser or officer.user_permissions.exists())


def test_an_administrator_cannot_change_a_manager_or_set_anyone_s_password(client, administrator):
    manager, officer = _user_with_role(roles.TEAM_MANAGER), _user_with_role(roles.CME_OFFICER)
    client.force_login(administrator)
    url = reverse("admin:core_user_change", args=[manager.pk])
    assert client.post(url, change_form(manager, is_active="")).status_code == 403
    manager.refresh_from_db()
    assert manager.is_active
    for person in (manager, officer):
        password = reverse("admin:auth_user_password_change", args=[person.pk])
        new = "A-new-pass-9876"
        response = client.post(password, {"password1": new, "password2": new})
        assert response.status_code == 403
    assert officer.check_password("a-test-password-1")


def test_an_administrator_gives_the_ordinary_roles_and_it_is_recorded(client, administrator):
    officer = _user_with_role(roles.CME_OFFICER)
    client.force_login(administrator)
    url = reverse("admin:core_user_change", args=[officer.pk])
    response = client.post(url, change_form(officer, groups=[role(roles.HEAD_OF_SERVICE).pk]))
    assert response.status_code == 302
    change = AccountChange.objects.get(user=officer)
    assert change.actor == administrator
    assert change.changes == {
        "groups": {"before": [roles.CME_OFFICER], "after": [roles.HEAD_OF_SERVICE]}
    }


def test_a_superuser_may_grant_sensitive_access_and_it_is_recorded(client):
    superuser = User.objects.create_superuser("root", "root@example.org", "a-test-password-1")
    officer = _user_with_role(roles.CME_OFFICER)
    sensitive = Permission.objects.get(codename="view_sensitive_episode")
    client.force_login(superuser)
    url = reverse("admin:core_user_change", args=[officer.pk])
    response = client.post(url, change_form(officer, user_permissions=[sensitive.pk]))
    assert response.status_code == 302
    assert officer.has_perm("cases.view_sensitive_episode")
    change = AccountChange.objects.get(user=officer)
    assert change.actor == superuser
    assert change.changes["permissions"] == {
        "before": [],
        "after": ["cases.view_sensitive_episode"],
    }


def test_roles_are_read_in_the_admin_never_changed_there(client):
    superuser = User.objects.create_superuser("root", "root@example.org", "a-test-password-1")
    client.force_login(superuser)
    group = role(roles.CME_OFFICER)
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = client.post(url, {"name": "Anything", "permissions": []})
    assert response.status_code == 403
    assert Group.objects.get(pk=group.pk).permissions.exists()


def test_the_record_of_account_changes_cannot_be_rewritten():
    from django.db import ProgrammingError, transaction

    officer = _user_with_role(roles.CME_OFFICER)
    AccountChange.objects.create(user=officer, changes={"groups": {}})
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        AccountChange.objects.update(changes={})
