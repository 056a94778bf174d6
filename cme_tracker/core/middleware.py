from django.utils.cache import patch_cache_control


class NoStoreForSignedInUsers:
    """Pages for signed-in users hold children's details: browsers and proxies keep no copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
