"""Notification outbox: ``notify()`` writes rows in the caller's transaction; Celery sends them on commit.

Use::

    from portal.notifications import notify

    notify(users, "message", {"subject": ..., "message": ...}, dedupe_key=f"call-{call.pk}-opened")

``notify`` and ``enqueue_email`` are imported lazily from :mod:`portal.notifications.services` (this package is
imported while Django loads its apps, before models can be).
"""

__all__ = ["enqueue_email", "notify"]


def __getattr__(name):
    if name in __all__:
        from . import services

        return getattr(services, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
