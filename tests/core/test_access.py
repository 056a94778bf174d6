"""Every page needs sign-in; each role holds exactly the powers it should."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_need_sign_in(client):
    for url in ["/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "sign-in" in response.url or "login" in response.url


def test_sign_in_page_is_public_and_signs_in(client, officer):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "a-test-password-1"}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "My open cases" in home.content.decode()


def test_wrong_password_shows_an_error_summary(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "nope"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_sign_out_needs_post(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


MATRIX = {
    # permission: (officer, manager, head of service, administrator)
    "referrals.add_referral": (True, True, False, False),
    "cases.change_episode": (True, True, False, False),
    "cases.add_enquiry": (True, True, False, False),
    "cases.close_episode": (True, True, False, False),
    "cases.view_episode": (True, True, True, True),
    "cases.allocate_episode": (False, True, False, False),
    "cases.approve_closure": (False, True, False, False),
    "cases.reopen_episode": (False, True, False, False),
    "cases.view_sensitive_episode": (False, True, False, False),
    "reports.view_reports": (False, True, True, False),
    "reports.manage_scorecard": (False, False, True, False),
    "reports.submit_dfe_return": (False, False, True, False),
    "cases.change_dfereason": (False, False, False, True),
    "cases.change_missingreason": (False, False, False, True),
    "core.change_user": (False, False, False, True),
    "cases.change_enquirytype": (False, False, False, True),
    "cases.delete_episode": (False, False, False, False),
    "cases.change_event": (False, False, False, False),
    "cases.delete_event": (False, False, False, False),
}


@pytest.mark.parametrize("permission", MATRIX)
def test_role_permissions(permission, officer, manager, head_of_service, administrator):
    people = (officer, manager, head_of_service, administrator)
    assert tuple(person.has_perm(permission) for person in people) == MATRIX[permission]


def test_permissions_come_from_the_role_and_the_person_and_go_with_them(
    officer, django_assert_num_queries
):
    """Read in one query (cme_tracker.core.backends), a person's permissions are still their
    role's and their own: a permission given to the person counts, and leaving the role or
    being deactivated takes the role's away."""
    from django.contrib.auth.models import Permission

    from cme_tracker.core.models import User

    officer.user_permissions.add(Permission.objects.get(codename="allocate_episode"))
    person = User.objects.get(pk=officer.pk)  # afresh: permissions are read once a request
    with django_assert_num_queries(1):
        assert person.has_perm("cases.allocate_episode")  # their own
        assert person.has_perm("cases.add_enquiry")  # their role's
        assert not person.has_perm("cases.approve_closure")
    officer.groups.clear()
    person = User.objects.get(pk=officer.pk)
    assert person.has_perm("cases.allocate_episode") and not person.has_perm("cases.add_enquiry")
    person = User.objects.get(pk=officer.pk)
    person.is_active = False
    assert not person.has_perm("cases.allocate_episode")


def test_administrators_reach_the_admin_and_others_do_not(client, officer, administrator):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/cases/enquirytype/").status_code == 200
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302


def test_roles_are_restored_by_another_migrate(django_db_blocker):
    from django.contrib.auth.models import Group

    from cme_tracker.core import roles

    Group.objects.get(name=roles.CME_OFFICER).permissions.clear()
    roles.sync_roles()
    assert (
        Group.objects.get(name=roles.CME_OFFICER)
        .permissions.filter(codename="add_referral")
        .exists()
    )
