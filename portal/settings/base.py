"""Settings shared by every environment.

Every value that differs between machines comes from an environment variable (see README, "Environment
variables"). Unset ``DATABASE_URL`` means SQLite in the project folder; unset ``REDIS_URL`` means Celery tasks run
eagerly in-process and the cache is local memory.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")  # overridden in production
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # ours (portal first: it owns the User model and the shared references)
    "portal",
    "portal.cms",
    "portal.notifications",
    "community",
    "grants",
    "events",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # the rest
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.StaffMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database: PostgreSQL via DATABASE_URL, SQLite otherwise -------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")


def queue_sqlite_writers(database: dict) -> dict:
    """Return ``database`` (a ``DATABASES`` entry), for SQLite with ``transaction_mode`` IMMEDIATE and a 20 s timeout.

    SQLite (the zero-setup default) has no row locks: two requests that both start a transaction with a read and
    then write (two registrations for one event at the same moment) would fail with "database is locked". BEGIN
    IMMEDIATE takes the write lock when the transaction starts, so writers queue (up to ``timeout`` seconds).
    Other engines are returned unchanged.
    """
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    return database


queue_sqlite_writers(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache via REDIS_URL; eager tasks and local memory otherwise ----------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A publish that cannot reach the broker fails fast (about 2 s for a hanging broker, at once for a refused
# connection) instead of hanging the request: one immediate reconnect, then kombu's OperationalError, which
# portal.notifications catches and logs (the outbox row stays pending for the periodic retry).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # the worker itself waits for the broker
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic jobs; django-celery-beat's DatabaseScheduler copies them into the database, where staff can edit them.
CELERY_BEAT_SCHEDULE = {
    "notifications-retry-failed": {
        "task": "portal.notifications.tasks.retry_failed_messages",
        "schedule": 300.0,  # seconds
    },
    "grants-sweep-orphaned-files": {
        "task": "grants.tasks.sweep_orphaned_attachment_files",
        "schedule": 24 * 3600.0,  # seconds
    },
    "grants-activate-started-agreements": {
        "task": "grants.tasks.activate_started_agreements",
        "schedule": 3600.0,  # seconds: start dates are reached at midnight in each call's own time zone
    },
    # Reminders of grantee reports (14 days before, on the day, weekly when overdue); once a day at 06:00 UTC
    # (08:00 in the programme's countries in summer). Safe to run more often: each occasion is mailed once.
    "grants-report-reminders": {
        "task": "grants.tasks.send_report_reminders",
        "schedule": crontab(minute=0, hour=6),
    },
    # Community digests (issue 6): each covers a closed UTC window (up to the last midnight, or Monday 00:00 for the
    # weekly one); a second run mails nothing more.
    "community-daily-digests": {
        "task": "community.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=6),
    },
    "community-weekly-digests": {
        "task": "community.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=6, day_of_week=1),  # Monday
    },
    # Event reminders 24 hours and 1 hour before each meeting (issue 7 item 5); each goes once however often it runs.
    "events-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": 300.0,  # seconds
    },
}

# --- Notification outbox (portal.notifications) -----------------------------------------------------------------
NOTIFICATIONS_SUBJECT_PREFIX = "[Integrity Watch] "
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)  # sends tried before giving up
NOTIFICATIONS_RETRY_AFTER_MINUTES = 5  # a pending row older than this is republished by the periodic retry
NOTIFICATIONS_BACKOFF_MINUTES = 5  # wait after the 1st failure; doubles per failure
NOTIFICATIONS_BACKOFF_MAX_MINUTES = 6 * 60
NOTIFICATIONS_SENDING_LEASE_MINUTES = 15  # a row "sending" longer than this is taken as lost and retried
NOTIFICATIONS_RETRY_BATCH = 500  # rows republished per run of the periodic retry

# Wagtail's own background work (search index, reference index) stays on the immediate backend (GUIDE §1).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Accounts (django-allauth 65.x with allauth.mfa; names checked against allauth/account/app_settings.py) -------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Integrity Watch] "
ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "portal.accounts.forms.SignupForm",
    "login": "portal.accounts.forms.LoginForm",
    "add_email": "portal.accounts.forms.AddEmailForm",
    "reset_password": "portal.accounts.forms.ResetPasswordForm",
}
# allauth's rate limits are on by default; listed here so they are visible and tunable. Keys are allauth's
# (ACCOUNT_RATE_LIMITS in allauth/account/app_settings.py); "login_failed" also limits wrong TOTP codes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "portal.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Integrity Watch Portal"
# Staff (is_staff/is_superuser) must set up TOTP before reaching any page (portal/accounts/middleware.py).
PORTAL_REQUIRE_STAFF_MFA = True
# Email addresses change through allauth (verified), never directly in the Wagtail admin account page.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

# --- Email -----------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Integrity Watch Portal <no-reply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Languages (GUIDE §3) --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("bs", "Bosanski"),
    ("sq", "Shqip"),
    ("mk", "Македонски"),
    ("sr-latn", "Srpski (latinica)"),
    ("tr", "Türkçe"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# locale/: our catalogues (make messages). locale_allauth/: allauth's strings for bs, sq, mk (it ships none).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
USE_I18N = True
# Wagtail keeps the letters of a Cyrillic or Turkish title when it derives a slug (in the admin and in
# Page.full_clean); portal.slugs then transliterates every non-ASCII slug on save with our per-language tables, so
# stored slugs are always ASCII. With False, Wagtail's browser-side tables would run first and they lack Macedonian
# (ѓ, ќ and ѕ are dropped) and give х→x; and a page with a Cyrillic title and no slug would fail validation.
WAGTAIL_ALLOW_UNICODE_SLUGS = True
# wagtail-localize: untranslated pages in every locale are aliases of the English page (portal.i18n.sync_page_trees),
# converted into real translations by the translation editor or portal.i18n.translate_instance.
WAGTAIL_LOCALIZE_DEFAULT_TRANSLATION_MODE = "synced"
WAGTAILLOCALIZE_JOBS = {"BACKEND": "wagtail_localize.tasks.ImmediateBackend"}
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media; S3 via django-storages when AWS_STORAGE_BUCKET_NAME is set ---------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    _public = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"location": "public"}}
    _private = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "private", "default_acl": "private", "querystring_auth": True},
    }
else:
    _public = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-files/"},
    }
STORAGES = {
    "default": _public,
    "private": _private,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_BYTES = env.int("FILE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Sub-grant application attachments (grants.files, grants.services.attachments), in bytes: per file, and the sum
# of one application's files.
GRANTS_ATTACHMENT_MAX_BYTES = env.int("GRANTS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
GRANTS_APPLICATION_MAX_TOTAL_BYTES = env.int("GRANTS_APPLICATION_MAX_TOTAL_BYTES", default=40 * 1024 * 1024)
# Community documents (community.services.workspace.share_document, checked by portal.files), in bytes per file.
COMMUNITY_DOCUMENT_MAX_BYTES = env.int("COMMUNITY_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Event materials (documents, slides: events.services.outcomes.add_material_file, checked by portal.files), in bytes
# per file. Recordings are links, not uploads.
EVENT_MATERIAL_MAX_BYTES = env.int("EVENT_MATERIAL_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail ---------------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Integrity Watch Portal"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = FILE_UPLOAD_MAX_BYTES
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}  # group restrictions only, never shared passwords (GUIDE §3)
# The admin sends refused requests here: anonymous visitors go on to allauth's sign-in, signed-in users without
# admin access get a 403 page (portal.accounts.views.wagtail_admin_login; allauth would send them back: a loop).
WAGTAILADMIN_LOGIN_URL = "portal_wagtailadmin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

PORTAL_CONTACT_EMAIL = env("PORTAL_CONTACT_EMAIL", default="info@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
