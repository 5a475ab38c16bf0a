"""Settings for every environment. Values come from the environment (django-environ).

Production is this module plus real environment variables; ``dev`` and ``test`` only
set safe defaults or speed things up.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "formtools",
    "django_otp",
    "django_otp.plugins.otp_totp",
]
LOCAL_APPS = [
    "audit",
    "catalog",
    "procedures",
    "formalization",
    "cms",
]
INSTALLED_APPS = (
    LOCAL_APPS[-1:] + DJANGO_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + LOCAL_APPS[:-1]
)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cms.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.admin_language.AdminLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.two_factor.StaffTwoFactorMiddleware",
    "audit.context.AuditContextMiddleware",
    "audit.receivers.AuthorizationDenialMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The working set lives in memory or on SSD, where a random read costs about what
    # a sequential one does. With PostgreSQL's default (4.0, spinning disks) the planner
    # scans every catalog page, de-TOASTing its search text, rather than use the
    # trigram index: 52 ms against 18 ms for a search at 5,000 procedures.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        "-c random_page_cost=" + env("DATABASE_RANDOM_PAGE_COST", default="1.1"),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Seconds an anonymous page stays cached; publishing invalidates earlier.
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=300)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ModelBackend behind the login throttle, for every login path (site, admin, API).
AUTHENTICATION_BACKENDS = ["procedures.accounts.ThrottledModelBackend"]
LOGIN_URL = "cuenta:login"
# Staff accounts need a TOTP second factor; only the local demo turns this off.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Ventanilla Bogotá"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Internationalisation: Spanish (Colombia) first, English available.
LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", "Español (Colombia)"), ("en", "English")]
# locale/: the English catalogue of our own strings (``make messages``; a string not
# yet translated shows in Spanish). cms/locale_overrides/: Spanish for Wagtail strings
# its own ``es`` catalogue lacks; es-co falls back to es for both Django and Wagtail.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "cms" / "locale_overrides"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
# The admin is Spanish unless a user picks English in their profile
# (cms.admin_language.AdminLanguageMiddleware ignores the browser's language).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILADMIN_USER_LOGIN_FORM = "cms.admin_forms.AdminLoginForm"
WAGTAIL_CONTENT_LANGUAGES = [("es-co", "Español (Colombia)")]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "static_collected")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Citizens' documents: outside MEDIA_ROOT, served only by views that check access.
PRIVATE_MEDIA_ROOT = env.path(
    "DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media"
)
# Filings after this local time count as received the next business day.
PROCEDURES_FILING_CUTOFF = env("PROCEDURES_FILING_CUTOFF", default="16:30")
PRIVACY_NOTICE_VERSION = "2026-11"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL",
    default="Ventanilla Bogotá <no-responder@ventanilla.bogota.gov.co>",
)

# Security: safe by default; dev.py relaxes what plain HTTP on localhost needs.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Celery: tasks run eagerly in-process when no broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint": {
        "task": "audit.tasks.create_checkpoint",
        "schedule": env.int("AUDIT_CHECKPOINT_SECONDS", default=300),
    },
    "warn-due-soon": {
        "task": "procedures.tasks.warn_due_soon",
        "schedule": crontab(hour=7, minute=0),
    },
    "declare-desistimientos": {
        "task": "procedures.tasks.declare_desistimientos",
        "schedule": crontab(hour=6, minute=0),
    },
    "sweep-notifications": {
        "task": "procedures.tasks.sweep_notifications",
        "schedule": 120.0,
    },
    "publish-scheduled-pages": {
        "task": "catalog.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
    "purge-abandoned-drafts": {
        "task": "formalization.tasks.purge_abandoned_drafts",
        "schedule": crontab(hour=3, minute=30),
    },
    # Formalization: file what waits on an approved prerequisite if a task was lost.
    "advance-applications": {
        "task": "formalization.tasks.advance_applications",
        "schedule": 600.0,
    },
}

# Audit trail: checkpoints are signed with an Ed25519 key (base64 of the 32-byte seed)
# and appended to a file outside the database that another system collects.
AUDIT_SIGNING_KEY = env("AUDIT_SIGNING_KEY", default="")
# Wraps each person's key for the personal values sealed in audit payloads (base64 of
# 32 random bytes). Keep it apart from the database backups.
AUDIT_DATA_KEY = env("AUDIT_DATA_KEY", default="")
# A wizard run never submitted keeps its answers and uploads this long after its
# last save (reliability.md P-4).
FORMALIZATION_DRAFT_RETENTION_DAYS = env.int(
    "FORMALIZATION_DRAFT_RETENTION_DAYS", default=60
)
AUDIT_VERIFY_KEYS = env.list("AUDIT_VERIFY_KEYS", default=[])
AUDIT_CHECKPOINT_DIR = env.path(
    "AUDIT_CHECKPOINT_DIR", default=BASE_DIR / "var" / "audit-checkpoints"
)

# Wagtail
WAGTAIL_SITE_NAME = "Ventanilla Bogotá"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The public pages API is anonymous and read-only. Taking no credentials means no
    # password-guessing surface and no way round the staff's second factor (HTTP Basic
    # would sign an officer in with the password alone). Wagtail's admin API keeps its
    # own session authentication.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
