"""Single sign-on against a real OpenID Connect provider (Canaille, started by pytest-iam on
loopback): accounts are made at the first sign-in with no role until a group maps one,
roles follow the provider's groups at every sign-in (a leaver has none), a deactivated
account is refused, a local account is never taken over, and the second factor is asked
for unless the provider is trusted to have asked."""

import pytest
from django.urls import reverse

from cme_tracker.core import roles
from cme_tracker.core.models import AccountChange, User
from cme_tracker.core.oidc_discovery import discovered
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

GROUPS = {"officer": "cme-officers", "manager": "cme-managers",
          "head_of_service": "cme-heads", "administrator": "cme-admins"}  # fmt: skip


def provider_client(iam_server, redirect_uri: str):
    """The tracker, registered with the provider as a council's IT team would register it."""
    client = iam_server.models.Client(
        client_id="cme-tracker", client_secret="a-client-secret-for-tests",
        client_name="CME tracker", redirect_uris=[redirect_uri],
        grant_types=["authorization_code"], response_types=["code"],
        token_endpoint_auth_method="client_secret_post",
        scope=["openid", "profile", "email", "groups"],
    )  # fmt: skip
    iam_server.backend.save(client)
    client.audience = [client]
    iam_server.backend.save(client)
    return client


def configure(settings, iam_server):
    """The settings a council sets: the issuer, the client, the groups (endpoints found)."""
    settings.CME_OIDC_ISSUER = iam_server.url
    settings.OIDC_RP_CLIENT_ID = "cme-tracker"
    settings.OIDC_RP_CLIENT_SECRET = "a-client-secret-for-tests"
    for setting, name in [("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
                          ("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
                          ("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
                          ("OIDC_OP_JWKS_ENDPOINT", "jwks_uri")]:  # fmt: skip
        setattr(settings, setting, discovered(iam_server.url, name))
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.CME_OIDC_ROLE_GROUPS = GROUPS


@pytest.fixture
def provider(iam_server, settings):
    registered = provider_client(iam_server, "http://testserver/oidc/callback/")
    configure(settings, iam_server)
    made = []
    yield made
    for item in made:
        iam_server.backend.delete(item)
    iam_server.backend.delete(registered)
    iam_server.logout()


@pytest.fixture
def person(iam_server, provider):
    """Someone in the council's directory."""

    def make(username, groups=(), **fields):
        names = {"given_name": "Dana", "family_name": "Okafor", **fields}
        user = iam_server.random_user(
            user_name=username, emails=[f"{username}@council.example"], **names
        )
        provider.append(user)
        for name in groups:
            group = iam_server.random_group(display_name=name, members=[user])
            provider.append(group)
        return user

    return make


def account(username: str) -> User:
    """The tracker's account for a person in the directory (named by their email, as the
    provider gives no preferred username)."""
    return User.objects.get(email=f"{username}@council.example", sso_subject__endswith=username)


def sign_on(client, iam_server, user, next_page=None):
    """Sign in through the provider: the tracker sends the browser there, the provider (the
    person already signed in to it) sends it back with a code, the tracker trades the code."""
    iam_server.login(user)
    iam_server.consent(user)
    start = client.get(
        reverse("oidc_authentication_init"), {"next": next_page} if next_page else {}
    )
    assert start.status_code == 302 and start.url.startswith(iam_server.url), start
    answer = iam_server.test_client.get(start.url)
    assert answer.status_code == 302, answer.text
    return client.get(answer.location)


def test_the_first_sign_in_makes_an_account_with_the_mapped_role(client, iam_server, person):
    directory = person("dana.okafor", groups=["cme-officers"])
    response = sign_on(client, iam_server, directory)
    assert response.status_code == 302 and response.url == reverse("home")
    user = account("dana.okafor")
    assert user.sso_subject == f"{iam_server.url}|dana.okafor"  # the provider's subject
    assert user.username == "dana.okafor@council.example" and user.first_name == "Dana"
    assert [g.name for g in user.groups.all()] == [roles.CME_OFFICER]
    assert not user.has_usable_password()
    assert client.get("/cases/").status_code == 200
    change = AccountChange.objects.get(user=user)
    assert change.actor is None and change.changes["groups"]["after"] == [roles.CME_OFFICER]


def test_someone_in_no_mapped_group_gets_an_account_with_no_role(client, iam_server, person):
    response = sign_on(client, iam_server, person("pat.lee", groups=["finance"]))
    assert response.status_code == 302
    user = account("pat.lee")
    assert not user.groups.exists()
    home = client.get("/").content.decode()
    assert "You have no role in this service yet" in home
    assert client.get("/cases/").status_code == 403


def test_roles_follow_the_groups_and_a_leaver_has_none_at_the_next_sign_in(
    client, iam_server, person
):
    directory = person("sam.ng", groups=["cme-managers"])
    sign_on(client, iam_server, directory)
    user = account("sam.ng")
    assert user.has_perm("cases.allocate_episode")
    client.logout()
    for group in iam_server.backend.query(iam_server.models.Group, display_name="cme-managers"):
        group.members = []
        iam_server.backend.save(group)
    sign_on(client, iam_server, directory)
    user = User.objects.get(pk=user.pk)
    assert not user.groups.exists()
    assert client.get("/cases/").status_code == 403
    assert AccountChange.objects.filter(user=user).count() == 2  # given, then taken away


def test_an_administrator_group_makes_staff_for_the_admin(client, iam_server, person):
    sign_on(client, iam_server, person("ade.admin", groups=["cme-admins"]))
    user = account("ade.admin")
    assert user.is_staff and user.groups.get().name == roles.ADMINISTRATOR
    assert client.get("/admin/").status_code == 200


def test_an_account_deactivated_here_cannot_sign_in(client, iam_server, person):
    directory = person("kim.left", groups=["cme-officers"])
    sign_on(client, iam_server, directory)
    User.objects.filter(pk=account("kim.left").pk).update(is_active=False)
    client.logout()
    response = sign_on(client, iam_server, directory)
    assert response.url == "/sign-in/?single-sign-on=failed"
    assert not client.get("/").wsgi_request.user.is_authenticated
    page = client.get(response.url).content.decode()
    assert "Signing in with your council account did not work" in page


def test_a_local_account_is_never_taken_over(client, iam_server, person):
    local = UserFactory(username="jwalker", email="jo.walker@council.example")
    response = sign_on(client, iam_server, person("jo.walker", groups=["cme-admins"]))
    assert response.url == "/sign-in/?single-sign-on=failed"
    local.refresh_from_db()
    assert not local.is_staff and not local.sso_subject and not local.groups.exists()
    assert User.objects.count() == 1


def test_the_second_factor_is_asked_unless_the_provider_is_trusted(
    client, iam_server, person, settings
):
    settings.CME_MFA_REQUIRED = True
    directory = person("rae.mfa", groups=["cme-officers"])
    sign_on(client, iam_server, directory)
    assert client.get("/cases/").url.startswith(reverse("set_up_app"))
    settings.CME_MFA_TRUST_IDENTITY_PROVIDER = True
    assert client.get("/cases/").status_code == 200


def test_the_sign_in_page_offers_the_council_account(client, provider):
    html = client.get(reverse("login")).content.decode()
    assert "Sign in with your council account" in html


def test_without_single_sign_on_its_addresses_are_not_found(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "council account" not in client.get(reverse("login")).content.decode()


def test_a_provider_that_does_not_answer_sends_you_back_with_a_message(client, settings):
    settings.OIDC_RP_CLIENT_ID = "cme-tracker"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovered(
        "http://127.0.0.1:9", "authorization_endpoint"
    )
    response = client.get(reverse("oidc_authentication_init"))
    assert response.url == "/sign-in/?single-sign-on=failed"
