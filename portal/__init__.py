"""Integrity Watch Portal project package.

Loads the Celery app at import so that ``@shared_task`` functions bind to it.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
