"""Settings for the catalog benchmark (bench/settings.py) over Redis, plus the bare
``/bench/hello/`` view. The runner passes CACHE_URL and ANONYMOUS_PAGE_CACHE_SECONDS.
"""

import os

from bench.settings import loopback

# A Redis database of its own: the runner clears the bench's keys between scenarios.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Media where the site keeps them: the cached 5,000 template refers to them.
loopback(
    "catalog",
    "bench-catalog-7qXvR2mN9pLk4sT8wZ1yB6cF3hJ0dG5aE",
    "ventanilla_bench",
    scratch_files=False,
)

from cms.settings.base import *  # noqa: E402, F403

ROOT_URLCONF = "bench.catalog.urls"
# Keys of their own, so the runner can delete exactly the bench's entries.
CACHES["default"]["KEY_PREFIX"] = "ventanilla-bench"  # noqa: F405
