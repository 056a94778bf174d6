from .selectors import unread_notification_count


def notifications(request):
    """The signed-in person's unread notifications, for the badge in the header (one query)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"unread_notifications": unread_notification_count(user)}
    return {}
