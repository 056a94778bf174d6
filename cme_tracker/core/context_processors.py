from django.conf import settings


def service(request):
    return {"service_name": settings.CME_SERVICE_NAME}
