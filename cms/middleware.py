"""Requests refused before any view reads them."""

from django.core.exceptions import SuspiciousOperation


class MalformedRequest(SuspiciousOperation):
    """Answered with 400 (cms/templates/400.html) and logged to
    ``django.security.MalformedRequest``."""


class MalformedRequestMiddleware:
    """A NUL character in the path or the query string answers 400, for every view.

    PostgreSQL refuses NUL in text, so a ``?evento=%00`` that reaches a query fails
    deep inside it with a 500; no URL, parameter name or value of this site holds one.
    Cookies with a NUL are dropped instead (the request goes on without them): a
    browser keeps sending a cookie it was given, and a 400 would lock it out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise MalformedRequest("NUL character in the path or the query string")
        for name in [
            name
            for name, value in request.COOKIES.items()
            if "\x00" in name or "\x00" in value
        ]:
            del request.COOKIES[name]
        return self.get_response(request)
