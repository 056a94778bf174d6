from django.urls import path

from . import deletion_views, views

app_name = "schools"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("new-pupil/", views.new_pupil, name="new_pupil"),
    path("new-pupils-file/", views.new_pupils_file, name="new_pupils_file"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("deletion/", deletion_views.deletion_new, name="deletion_new"),
    path("deletions-file/", deletion_views.deletions_file, name="deletions_file"),
    path("deletions/<int:pk>/", deletion_views.deletion_detail, name="deletion"),
    path("deletion-notices/", deletion_views.deletions_queue, name="deletions_queue"),
    path("deletion-notices/<int:pk>/", deletion_views.deletion_triage, name="deletion_triage"),
    path("deletion-notices/<int:pk>/attach/", deletion_views.deletion_attach,
         name="deletion_attach"),
    path("deletion-notices/<int:pk>/no-concern/", deletion_views.deletion_no_concern,
         name="deletion_no_concern"),
    path("users/", views.school_users, name="users"),
    path("users/<int:pk>/remove/", views.school_user_remove, name="remove_user"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("suggestions/<int:pk>/confirm/", views.suggestion_decide, {"decision": "confirm"},
         name="confirm"),
    path("suggestions/<int:pk>/reject/", views.suggestion_decide, {"decision": "reject"},
         name="reject"),
]  # fmt: skip
