from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import views as case_views
from cme_tracker.core import second_factor_views
from cme_tracker.core import views as core_views
from cme_tracker.core.sign_in import SignIn

admin.site.site_header = "CME tracker administration"
admin.site.site_title = "CME tracker"

urlpatterns = [
    path("", case_views.caseload, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("sign-in/", SignIn.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "sign-in/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/set_password.html",
            success_url="/sign-in/?password-set=1",
        ),
        name="set_password",
    ),  # fmt: skip
    path("sign-in/code/", second_factor_views.code, name="sign_in_code"),
    path("sign-in/recovery-code/", second_factor_views.recovery, name="sign_in_recovery"),
    path("sign-in/set-up/", second_factor_views.set_up, name="set_up_app"),
    path("account/sign-in-security/", second_factor_views.security, name="security"),
    path(
        "account/sign-in-security/recovery-codes/",
        second_factor_views.replace_recovery_codes,
        name="replace_recovery_codes",
    ),  # fmt: skip
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("reports/", include("reports.urls")),
    path("school/", include("schools.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cme_tracker.core.views.bad_request"
handler500 = "cme_tracker.core.views.server_error"
