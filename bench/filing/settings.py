"""Settings for the filing benchmark: production settings (base) on PostgreSQL, plain
HTTP on loopback, e-mail kept in memory, staff 2FA off.

Celery follows production: tasks run eagerly only when CELERY_BROKER_URL is unset. The
runner (run.py) sets DATABASE_URL, and CELERY_BROKER_URL (Redis database 13, no worker)
for the "broker" runs, so a filing only enqueues its tasks, as in production; mix.py
sets it to a broker by default too (``--tasks eager`` empties it).
"""

import os
import tempfile
import warnings
from pathlib import Path

SCRATCH = Path(tempfile.gettempdir()) / "ventanilla-bench-filing"

os.environ.setdefault(
    # Fixed so that gunicorn workers and the runner agree; not a secret, bench only.
    "DJANGO_SECRET_KEY",
    "bench-filing-Qm4vT8xL2pR7nK1sW9cY5hB3dF6gJ0zA",
)
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_filing"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("STAFF_2FA_REQUIRED", "false")
os.environ.setdefault(
    "DJANGO_STATICFILES_STORAGE",
    "django.contrib.staticfiles.storage.StaticFilesStorage",
)
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("AUDIT_CHECKPOINT_DIR", str(SCRATCH / "audit-checkpoints"))
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(SCRATCH / "media"))
os.environ.setdefault("DJANGO_PRIVATE_MEDIA_ROOT", str(SCRATCH / "private-media"))

from cms.settings.base import *  # noqa: E402, F403

# Nothing leaves the machine; the eager runs count the messages in mail.outbox.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Per process: nothing measured here depends on a shared cache (the login throttle
# only needs one), and the benchmark touches no Redis database but its broker's.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ANONYMOUS_PAGE_CACHE_SECONDS = 0

# Static files are not benchmarked; whitenoise only warns that STATIC_ROOT is absent.
warnings.filterwarnings("ignore", message="No directory at")
# Eager runs (no broker) make kombu warn that no broker host was given; noise here.
LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}  # noqa: F405
