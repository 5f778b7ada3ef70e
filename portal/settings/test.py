"""Test settings: fast hashing, in-memory mail, eager Celery unless a test starts a real worker."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"  # noqa: F405
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-files/"},
}
# Rate limits would make repeated logins in tests flaky; a dedicated test turns them back on.
ACCOUNT_RATE_LIMITS = False
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tasks run in-process even when REDIS_URL is set (as in CI), so tests see the mail they trigger; tests of the
# real broker and worker turn this off for themselves (tests/portal/test_notifications_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
# Tests keep their cache in the process even when REDIS_URL is set (as in CI): parallel pytest-xdist workers would
# otherwise share one Redis database, read each other's cached pages and site roots (their test databases differ),
# and wipe each other's keys with cache.clear(). The Redis broker is still used by the worker tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
