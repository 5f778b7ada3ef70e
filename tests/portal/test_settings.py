"""The settings read the environment as the README documents."""

import subprocess
import sys

from django.conf import settings


def test_custom_user_model_and_languages():
    assert settings.AUTH_USER_MODEL == "portal.User"
    assert [code for code, _ in settings.LANGUAGES] == ["en", "bs", "sq", "mk", "sr-latn", "tr"]


def _settings_value(expr: str, **env) -> str:
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings.dev'; django.setup();"
        f"from django.conf import settings as s; print({expr})"
    )
    clean_env = {"PATH": "/usr/bin:/bin", **env}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean_env, check=True)
    return out.stdout.strip()


def test_sqlite_and_eager_tasks_when_unset():
    assert _settings_value("s.DATABASES['default']['ENGINE']") == "django.db.backends.sqlite3"
    assert _settings_value("s.CELERY_TASK_ALWAYS_EAGER") == "True"


def test_postgres_and_broker_from_environment():
    env = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    assert _settings_value("s.DATABASES['default']['ENGINE']", **env) == "django.db.backends.postgresql"
    assert _settings_value("s.CELERY_TASK_ALWAYS_EAGER", **env) == "False"
    assert _settings_value("s.CELERY_BROKER_URL", **env) == "redis://127.0.0.1:6379/3"
    assert _settings_value("s.CACHES['default']['LOCATION']", **env) == "redis://127.0.0.1:6379/3"
