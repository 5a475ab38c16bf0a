"""Settings for the catalog benchmark: production settings (base) over PostgreSQL and
Redis, plain HTTP on loopback, plus the bare ``/bench/hello/`` view.

The runner (run.py) always passes DATABASE_URL, CACHE_URL and
ANONYMOUS_PAGE_CACHE_SECONDS explicitly; the defaults below only make the module
usable by hand (``DJANGO_SETTINGS_MODULE=bench.catalog.settings``).
"""

import os
import warnings

os.environ.setdefault(
    # Fixed so that both gunicorn workers agree; not a secret, bench only.
    "DJANGO_SECRET_KEY",
    "bench-catalog-7qXvR2mN9pLk4sT8wZ1yB6cF3hJ0dG5aE",
)
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench"
)
# A Redis database of its own: the runner clears it between scenarios.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ.setdefault(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# The manifest storage needs collectstatic; {% static %} works without it here.
os.environ.setdefault(
    "DJANGO_STATICFILES_STORAGE",
    "django.contrib.staticfiles.storage.StaticFilesStorage",
)
# Per-request INFO logs would only measure the console.
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from cms.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.catalog.urls"
# Keys of their own, so the runner can delete exactly the bench's entries.
CACHES["default"]["KEY_PREFIX"] = "ventanilla-bench"  # noqa: F405

# Static files are not benchmarked; whitenoise only warns that STATIC_ROOT is absent.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
