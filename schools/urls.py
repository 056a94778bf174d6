from django.urls import path

from . import views

app_name = "schools"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("new-pupil/", views.new_pupil, name="new_pupil"),
    path("new-pupils-file/", views.new_pupils_file, name="new_pupils_file"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("users/", views.school_users, name="users"),
    path("users/<int:pk>/remove/", views.school_user_remove, name="remove_user"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("suggestions/<int:pk>/confirm/", views.suggestion_decide, {"decision": "confirm"},
         name="confirm"),
    path("suggestions/<int:pk>/reject/", views.suggestion_decide, {"decision": "reject"},
         name="reject"),
]  # fmt: skip
