"""Tests: the dev defaults, made faster. DATABASE_URL may point at PostgreSQL."""

from .dev import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run in-process; the worker integration test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
ANONYMOUS_PAGE_CACHE_SECONDS = 300
# pytest-xdist runs one process per core; each gets its own files (and database).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = BASE_DIR / "var" / _WORKER / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / _WORKER / "test-private-media"
AUDIT_CHECKPOINT_DIR = BASE_DIR / "var" / _WORKER / "test-audit-checkpoints"

# The suite seeds once per worker: no demo history there (its own test seeds some).
DEMO_HISTORY_CASES = 0
