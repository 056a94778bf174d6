from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("scorecard/", views.scorecard_page, name="scorecard"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("scorecard/commentary/", views.commentary_save, name="commentary"),
    path("targets/", views.targets_page, name="targets"),
    path("dfe-return/", views.dfe_return_page, name="dfe_return"),
    re_path(
        r"^scorecard/download\.(?P<format>csv|json|xlsx|pdf)$",
        views.scorecard_download,
        name="scorecard_download",
    ),
]
