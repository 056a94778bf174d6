from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from cme_tracker.core import views as core_views

admin.site.site_header = "CME tracker administration"
admin.site.site_title = "CME tracker"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
