"""Managers and administrators invite school users: the account (role School user, the
school, no password) is made at once, the invitation goes by email through the outbox with
a link to choose a password and nothing about any child, and the link works once."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cme_tracker.core import roles
from cme_tracker.core.models import AccountChange, OutboxMessage, User
from schools.models import SchoolMembership
from schools.tasks import send_invitation
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside():
    return SchoolFactory(name="Riverside Academy", urn=990201)


def invite(client, who, school, email="a.teacher@riverside.sch.uk"):
    client.force_login(who)
    return client.post(reverse("schools:users"), {
        "first_name": "Amal", "last_name": "Teacher", "email": email,
        "school": f"{school.name} ({school.urn})",
    })  # fmt: skip


def run_outbox():
    for message in OutboxMessage.objects.filter(task="schools.tasks.send_invitation"):
        send_invitation.apply(args=message.args)


def test_a_manager_invites_a_school_user_who_chooses_a_password_and_signs_in(
    client, manager, riverside
):
    EpisodeFactory(child=ChildFactory(forename="Secret", surname="Child"))
    response = invite(client, manager, riverside)
    assert response.status_code == 302
    user = User.objects.get(email="a.teacher@riverside.sch.uk")
    assert [g.name for g in user.groups.all()] == [roles.SCHOOL_USER]
    assert not user.has_usable_password()
    assert SchoolMembership.objects.get(user=user).school == riverside
    assert AccountChange.objects.get(user=user).actor == manager
    listing = client.get(reverse("schools:users")).content.decode()
    assert "a.teacher@riverside.sch.uk" in listing and "Invited" in listing
    run_outbox()
    [email] = mail.outbox
    assert email.to == ["a.teacher@riverside.sch.uk"] and "Riverside Academy" in email.body
    assert "Secret" not in email.body and "Child" not in email.body
    link = re.search(r"https?://\S+/sign-in/set-password/\S+/", email.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    form = client.get("/" + path, follow=True)
    assert "Choose your password" in form.content.decode()
    chosen = "bicycle lantern orchard 7"
    saved = client.post(form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
                        {"new_password1": chosen, "new_password2": chosen})  # fmt: skip
    assert saved.status_code == 302 and saved.url == "/sign-in/?password-set=1"
    signed_in = client.post(reverse("login"), {"username": user.username, "password": chosen})
    assert signed_in.status_code == 302
    assert client.get("/").url == reverse("schools:home")
    again = client.get("/" + path, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_password_that_is_too_short_is_refused_in_plain_words(client, manager, riverside):
    invite(client, manager, riverside)
    run_outbox()
    path = "/" + re.search(r"/(sign-in/set-password/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    form = client.get(path, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "short",
                                                        "new_password2": "short"})  # fmt: skip
    html = response.content.decode()
    assert "There is a problem" in html and "too short" in html


def test_administrators_may_invite_and_officers_may_not(client, officer, administrator, riverside):
    client.force_login(officer)
    assert client.get(reverse("schools:users")).status_code == 403
    assert invite(client, administrator, riverside).status_code == 302


def test_someone_in_the_team_cannot_be_made_a_school_user(client, manager, officer, riverside):
    officer.email = "sam@council.example"
    officer.save()
    response = invite(client, manager, riverside, email="SAM@council.example")
    assert response.status_code == 400
    assert "belongs to someone with a role in the council&#x27;s team" in response.content.decode()
    assert not SchoolMembership.objects.exists()


def test_a_school_user_can_be_given_a_second_school_once(client, manager, riverside):
    invite(client, manager, riverside)
    hillside = SchoolFactory(name="Hillside School", urn=990202)
    assert invite(client, manager, hillside).status_code == 302
    user = User.objects.get(email="a.teacher@riverside.sch.uk")
    assert SchoolMembership.objects.filter(user=user).count() == 2
    twice = invite(client, manager, hillside)
    assert twice.status_code == 400 and "already a school user for Hillside School" in (
        twice.content.decode()
    )


def test_the_form_names_what_is_missing(client, manager):
    client.force_login(manager)
    response = client.post(reverse("schools:users"), {"email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 400
    for message in ["Enter their first name", "Enter an email address like",
                    "Enter the school they work at"]:  # fmt: skip
        assert message in html


def test_a_manager_removes_a_school_and_the_last_one_deactivates_the_account(
    client, manager, riverside
):
    invite(client, manager, riverside)
    hillside = SchoolFactory(name="Hillside School", urn=990202)
    invite(client, manager, hillside)
    user = User.objects.get(email="a.teacher@riverside.sch.uk")
    first, second = SchoolMembership.objects.filter(user=user).order_by("pk")
    client.post(reverse("schools:remove_user", args=[first.pk]))
    user.refresh_from_db()
    assert user.is_active and list(SchoolMembership.objects.filter(user=user)) == [second]
    response = client.post(reverse("schools:remove_user", args=[second.pk]), follow=True)
    assert "Their account is deactivated" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    change = AccountChange.objects.filter(user=user).latest("pk")
    assert change.actor == manager and change.changes["is_active"] == {
        "before": True,
        "after": False,
    }


def test_only_school_users_schools_are_managed_here(client, manager, officer, riverside):
    membership = SchoolMembership.objects.create(user=officer, school=riverside)
    client.force_login(manager)
    client.post(reverse("schools:remove_user", args=[membership.pk]))
    officer.refresh_from_db()
    assert officer.is_active and SchoolMembership.objects.filter(pk=membership.pk).exists()
    client.force_login(officer)
    assert client.post(reverse("schools:remove_user", args=[membership.pk])).status_code == 403
