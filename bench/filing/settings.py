"""Settings for the filing benchmark (bench/settings.py), e-mail kept in memory.

Celery follows production: tasks run eagerly only when CELERY_BROKER_URL is unset. The
runner sets it (Redis database 13, no worker) for the "broker" runs, so a filing only
enqueues its tasks, as in production; mix.py sets it to a broker by default too
(``--tasks eager`` empties it).
"""

from bench.settings import loopback

loopback(
    "filing", "bench-filing-Qm4vT8xL2pR7nK1sW9cY5hB3dF6gJ0zA", "ventanilla_bench_filing"
)

from cms.settings.base import *  # noqa: E402, F403

# Nothing leaves the machine; the eager runs count the messages in mail.outbox.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Per process: nothing measured here depends on a shared cache (the login throttle
# only needs one), and the benchmark touches no Redis database but its broker's.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ANONYMOUS_PAGE_CACHE_SECONDS = 0
# Eager runs (no broker) make kombu warn that no broker host was given; noise here.
LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}  # noqa: F405
