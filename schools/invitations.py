"""Inviting school users: a team manager or administrator names someone at a school; the
tracker makes their account (role School user, the school, no password) and emails them,
through the outbox, a link to choose a password. The email carries the link and the
school's name, never a child's details. They then sign in like anyone else, second factor
included."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cases.errors import CaseError
from cme_tracker.core import accounts, http, outbox, roles

from .models import SchoolMembership

INVITES = "schools.invite_school_users"


@transaction.atomic
def school_user_invite(*, by, email: str, first_name: str, last_name: str, school):
    """Make (or extend) a school user's account for ``school`` and send the invitation."""
    if not by.has_perm(INVITES):
        raise CaseError("You cannot invite school users.")
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    role = Group.objects.get(name=roles.SCHOOL_USER)
    if user is not None and set(user.groups.values_list("name", flat=True)) - {role.name}:
        raise CaseError(
            "That email address belongs to someone with a role in the council's team: a "
            "school user needs an account of their own"
        )
    if user is not None and SchoolMembership.objects.filter(user=user, school=school).exists():
        raise CaseError(f"{email} is already a school user for {school.name}")
    if user is None:
        user = User.objects.create_user(
            email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )  # an unusable password until they choose one from the link
        before = accounts.access_of(User())
        user.groups.add(role)
        accounts.account_change_record(actor=by, user=user, before=before)
    SchoolMembership.objects.create(user=user, school=school, added_by=by)
    outbox.enqueue("schools.tasks.send_invitation", user.pk, school.pk)
    return user


def invitation_send(user_id: int, school_id: int) -> bool:
    """Email the invitation (the outbox's task: sending twice sends a second, still-good link)."""
    from cases.models import School

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    school = School.objects.filter(pk=school_id).first()
    if user is None or school is None or not user.email:
        return False
    link = http.site_link(reverse("set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }))  # fmt: skip
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    body = (
        f"You have been given an account for {school.name} on the {settings.CME_LOCAL_AUTHORITY} "
        "children missing education service, to tell the council about new pupils and pupils "
        "leaving your school.\n\n"
        f"Choose your password within {days} days: {link}\n\n"
        "You will then set up an authenticator app on your phone for signing in.\n"
    )
    EmailMessage(subject="Your account on the children missing education service", body=body,
                 from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]).send()  # fmt: skip
    return True


@transaction.atomic
def school_user_remove(*, by, membership: SchoolMembership) -> bool:
    """Take a school from a school user (someone who left, or moved school). With no school
    left, the account is deactivated, recorded as any change to what someone may do.
    True when the account was deactivated."""
    if not by.has_perm(INVITES):
        raise CaseError("You cannot manage school users.")
    user = membership.user
    if set(user.groups.values_list("name", flat=True)) != {roles.SCHOOL_USER}:
        raise CaseError("Only a school user's schools are managed here.")
    membership.delete()
    if SchoolMembership.objects.filter(user=user).exists():
        return False
    before = accounts.access_of(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    accounts.account_change_record(actor=by, user=user, before=before)
    return True
