"""Settings of every benchmark: production settings (base) on PostgreSQL, plain HTTP
on loopback, DEBUG off, staff 2FA off, e-mail kept in memory; tasks run eagerly only
when the runner sets no CELERY_BROKER_URL, as in production."""

import os
import warnings

for key, value in {
    # Fixed so that gunicorn workers and the runner agree; not a secret, bench only.
    "DJANGO_SECRET_KEY": "bench-Qm4vT8xL2pR7nK1sW9cY5hB3dF6gJ0zA7qXvR2mN9pLk",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_SESSION_COOKIE_SECURE": "false",
    "DJANGO_CSRF_COOKIE_SECURE": "false",
    "STAFF_2FA_REQUIRED": "false",
    # The manifest storage needs collectstatic; {% static %} works without it.
    "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "DJANGO_LOG_LEVEL": "WARNING",  # Per-request INFO logs would measure the console.
    "ANONYMOUS_PAGE_CACHE_SECONDS": "0",
}.items():
    os.environ.setdefault(key, value)
# Static files are not benchmarked; whitenoise only warns STATIC_ROOT is absent.
warnings.filterwarnings("ignore", message="No directory at")

from cms.settings.base import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # Counted, not sent.
if "CACHE_URL" in os.environ:  # The catalog's Redis: keys the runner can delete.
    CACHES["default"]["KEY_PREFIX"] = "ventanilla-bench"  # noqa: F405
else:
    # Per process: nothing measured without CACHE_URL depends on a shared cache, and
    # no Redis database is touched but the broker.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Eager runs (no broker) make kombu warn that no broker host was given; noise here.
LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}  # noqa: F405
