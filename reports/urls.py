from django.urls import path, re_path

from . import benchmark_views, dfe_views, views

app_name = "reports"

urlpatterns = [
    path("scorecard/", views.scorecard_page, name="scorecard"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("scorecard/commentary/", views.commentary_save, name="commentary"),
    path("targets/", views.targets_page, name="targets"),
    path("dfe-return/", dfe_views.dfe_return_page, name="dfe_return"),
    path("dfe-return/submit/", dfe_views.dfe_return_submit, name="dfe_return_submit"),
    path(
        "dfe-return/submitted/<int:pk>/download.csv",
        dfe_views.dfe_submission_download,
        name="dfe_submission_download",
    ),
    path("benchmarks/", benchmark_views.benchmarks_page, name="benchmarks"),
    path("snapshots/", views.snapshots_page, name="snapshots"),
    path("snapshots/take/", views.snapshot_take, name="snapshot_take"),
    path("snapshots/<int:pk>/", views.snapshot_page, name="snapshot"),
    re_path(
        r"^snapshots/(?P<pk>\d+)/download\.(?P<format>csv|xlsx|pdf)$",
        views.snapshot_download,
        name="snapshot_download",
    ),
    re_path(
        r"^scorecard/download\.(?P<format>csv|json|xlsx|pdf)$",
        views.scorecard_download,
        name="scorecard_download",
    ),
]
