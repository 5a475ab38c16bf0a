"""The project's URLs plus a trivial view: the baseline of the catalog's gunicorn runs."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

import cms.urls


@never_cache
def hello(request):
    # Goes through the whole middleware stack (including the anonymous-cache lookup)
    # but is never stored: it measures the fixed cost of a Django request.
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *cms.urls.urlpatterns]
