"""Small facts about a request that several apps record."""


def client_address(request) -> str | None:
    """The address the request came from, as the server saw it."""
    return request.META.get("REMOTE_ADDR") or None


def page(request) -> str:
    """The page's address without its query string (which may hold a searched-for name)."""
    return request.path
