"""What every bench's settings share: production settings (base) on PostgreSQL, plain
HTTP on loopback, DEBUG off, staff 2FA off, files in a scratch directory.

Each bench's settings module calls ``loopback`` and then star-imports the base
settings; the runner passes DATABASE_URL (and the rest) explicitly, the defaults only
make a module usable by hand.
"""

import os
import tempfile
import warnings
from pathlib import Path


def loopback(name: str, secret: str, database: str, *, scratch_files=True) -> None:
    scratch = Path(tempfile.gettempdir()) / f"ventanilla-bench-{name}"
    defaults = {
        # Fixed so that gunicorn workers and the runner agree; not a secret, bench only.
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "STAFF_2FA_REQUIRED": "false",
        # The manifest storage needs collectstatic; {% static %} works without it.
        "DJANGO_STATICFILES_STORAGE": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
        # Per-request INFO logs would only measure the console.
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    if scratch_files:
        defaults["AUDIT_CHECKPOINT_DIR"] = str(scratch / "audit-checkpoints")
        defaults["DJANGO_MEDIA_ROOT"] = str(scratch / "media")
        defaults["DJANGO_PRIVATE_MEDIA_ROOT"] = str(scratch / "private-media")
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # Static files are not benchmarked; whitenoise only warns STATIC_ROOT is absent.
    warnings.filterwarnings("ignore", message="No directory at")
