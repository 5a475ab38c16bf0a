"""Local development: the embedded default (SQLite, eager tasks, console e-mail)."""

import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent.parent

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production"
)
os.environ.setdefault("DJANGO_DEBUG", "true")
# The demo logs staff in with a password only; production requires TOTP.
os.environ.setdefault("STAFF_2FA_REQUIRED", "false")
# Dev-only audit checkpoint key (Ed25519, base64). The deploy check refuses it.
os.environ.setdefault(
    "AUDIT_SIGNING_KEY", "7u+ZHgafu/95u0G/UrUSj3OL+JVnIYGAHFMRmf4lu/Q="
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_BASE_DIR / 'db.sqlite3'}")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ.setdefault(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
os.environ.setdefault(
    "DJANGO_STATICFILES_STORAGE",
    "django.contrib.staticfiles.storage.StaticFilesStorage",
)

from .base import *  # noqa: E402

# Serve static files straight from the apps (no collectstatic on a dev machine).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
