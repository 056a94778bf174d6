from django.conf import settings


def service(request):
    """The service's name on every page."""
    return {"service_name": settings.CME_SERVICE_NAME}
