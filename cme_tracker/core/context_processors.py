from django.conf import settings


def service(request):
    """The service's name on every page, and whether the council's single sign-on is on."""
    return {
        "service_name": settings.CME_SERVICE_NAME,
        "single_sign_on": bool(settings.OIDC_RP_CLIENT_ID),
    }
