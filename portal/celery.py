"""The Celery application of the portal.

Broker: ``REDIS_URL`` (settings ``CELERY_*``). Without it tasks run eagerly in-process
(``CELERY_TASK_ALWAYS_EAGER``), which is the zero-setup default for ``make run`` and the tests.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
