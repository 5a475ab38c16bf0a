"""Settings for every environment. Values come from the environment (django-environ).

Production is this module plus real environment variables; ``dev`` and ``test`` only
set safe defaults or speed things up.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

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
    "wagtail.contrib.search_promotions",
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
    "csp",
]
LOCAL_APPS = [
    "audit",
    "catalog",
    "accounts",
    "procedures",
    "formalization",
    "oversight",
    "cms",
]
INSTALLED_APPS = (
    LOCAL_APPS[-1:] + DJANGO_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + LOCAL_APPS[:-1]
)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so a cached page gets a fresh header too.
    "cms.csp.SiteCSPMiddleware",
    "cms.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: a search served from the cache is counted too.
    "catalog.search_log.SearchLogMiddleware",
    "cms.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.admin_language.AdminLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.context.AuditContextMiddleware",
    "audit.receivers.AuthorizationDenialMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it ends staff sessions past their limits and says so.
    "cms.two_factor.StaffTwoFactorMiddleware",
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

# Without CACHE_URL (Redis in docker compose) the cache is a table of the database, so
# the login throttle's counters are shared by every gunicorn worker; ``migrate``
# creates the table (cms/apps.py).
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}
# A servant's repeated views of one case within these minutes are recorded once.
ACCESS_VIEW_DEDUP_MINUTES = env.int("ACCESS_VIEW_DEDUP_MINUTES", default=5)
# Seconds an anonymous page stays cached; publishing invalidates earlier.
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=300)
# New entries per such period at most (pages x languages x catalog queries).
ANONYMOUS_PAGE_CACHE_MAX_NEW_ENTRIES = env.int(
    "ANONYMOUS_PAGE_CACHE_MAX_NEW_ENTRIES", default=2000
)

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
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "cuenta:login"
# Staff accounts need a TOTP second factor; only the local demo turns this off.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
# Staff sessions end after this long without a request, and this long after login
# whatever they do (ASVS 3.3.2 L2); citizens keep SESSION_COOKIE_AGE.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=8 * 60 * 60)
OTP_TOTP_ISSUER = "Ventanilla Bogotá"
# Proxies in front of gunicorn that append the client's address to X-Forwarded-For
# (1 behind nginx). 0 trusts only REMOTE_ADDR: a client could write the header itself.
TRUSTED_PROXY_HOPS = env.int("DJANGO_TRUSTED_PROXY_HOPS", default=0)
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
# The file-based backend's folder (the broker-outage test counts e-mails there).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
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
# The __Host- prefix binds a cookie to this exact host over HTTPS (no Domain, Path=/):
# a sibling subdomain cannot plant or overwrite it. Browsers refuse it without Secure,
# so plain-HTTP development keeps Django's names.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
if CSRF_COOKIE_SECURE:
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp, cms/csp.py). Public pages: no inline code
# without the request's nonce, nothing from another origin, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # The sandbox bank is a page of ours; a real PSE's checkout host goes here.
        "form-action": [SELF],
    }
}
# /admin/: Wagtail 8 still writes inline scripts without a nonce (date pickers,
# inline panels: 4 blocked on a page's edit view under the strict policy), and shows
# previews in a frame of its own. Styles stay strict.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "frame-ancestors": [SELF],
    }
}
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
# A task a lost worker left unacknowledged is delivered again after 5 minutes (not an
# hour); no task may run longer than that, or it would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 300,
    "socket_connect_timeout": 2,
}
CELERY_TASK_TIME_LIMIT = 280
# With the broker down a request gives up publishing in well under a second: what it
# wanted done is committed, and the sweepers below enqueue it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
# Sweepers (beat) redo from committed state what a lost task or a broker outage left
# undone: e-mails, acknowledgements, output documents, consolidated receipts.
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=60)
# How long a pending item is left to its own task before a sweep enqueues it again.
SWEEP_AFTER_SECONDS = env.int("SWEEP_AFTER_SECONDS", default=60)
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
        "schedule": float(SWEEP_INTERVAL_SECONDS),
    },
    "sweep-case-documents": {
        "task": "procedures.tasks.sweep_documents",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
    },
    "sweep-application-receipts": {
        "task": "formalization.tasks.sweep_receipts",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
    },
    "publish-scheduled-pages": {
        "task": "catalog.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
    "purge-abandoned-drafts": {
        "task": "formalization.tasks.purge_abandoned_drafts",
        "schedule": crontab(hour=3, minute=30),
    },
    # Risk flags: the trail's events since the last position (issue 14).
    "scan-risk-events": {
        "task": "oversight.tasks.scan_new_events",
        "schedule": env.float("RISK_SCAN_SECONDS", default=60.0),
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
# last save (docs/reliability.md P-4).
FORMALIZATION_DRAFT_RETENTION_DAYS = env.int(
    "FORMALIZATION_DRAFT_RETENTION_DAYS", default=60
)
AUDIT_VERIFY_KEYS = env.list("AUDIT_VERIFY_KEYS", default=[])
AUDIT_CHECKPOINT_DIR = env.path(
    "AUDIT_CHECKPOINT_DIR", default=BASE_DIR / "var" / "audit-checkpoints"
)
# The checkpoints' witness outside the database (audit/sinks.py): the file sink above,
# or audit.sinks.SyslogSink to AUDIT_CHECKPOINT_SYSLOG (tcp://host:514) in production.
AUDIT_CHECKPOINT_SINK = env("AUDIT_CHECKPOINT_SINK", default="audit.sinks.FileSink")
AUDIT_CHECKPOINT_SYSLOG = env("AUDIT_CHECKPOINT_SYSLOG", default="")

# Wagtail
WAGTAIL_SITE_NAME = "Ventanilla Bogotá"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: no third-party requests (CSP, Ley 1581 art. 26).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
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

# Cases `seed_demo` files as a year of demo history (`--history N` overrides it).
DEMO_HISTORY_CASES = env.int("DEMO_HISTORY_CASES", default=300)
