"""Notification outbox: ``notify()`` writes rows in the caller's transaction; Celery sends them on commit."""
