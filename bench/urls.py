"""The project's URLs plus a trivial view: the baseline of the catalog's gunicorn runs."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

import cms.urls

# Through every middleware (the anonymous-cache lookup too) but never stored: the
# fixed cost of a Django request.
hello = never_cache(lambda request: HttpResponse("hello", content_type="text/plain"))
urlpatterns = [path("bench/hello/", hello), *cms.urls.urlpatterns]
