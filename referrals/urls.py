from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("new/", views.referral_new, name="new"),
    path("new/check/<uuid:token>/", views.referral_check, name="check"),
]
