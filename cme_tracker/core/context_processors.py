from django.conf import settings


def service(request):
    """The service name, and the signed-in person's unread notifications (one query)."""
    context = {"service_name": settings.CME_SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from cases.selectors import unread_notification_count

        context["unread_notifications"] = unread_notification_count(user)
    return context
