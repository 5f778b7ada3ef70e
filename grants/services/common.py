"""Pieces every grants service shares: the staff check, locking an application row and writing its activity log."""

from django.utils.translation import gettext as _

from grants.models import ActivityLog, Application

from .errors import ApplicationError, ApplicationPermissionError


def require_staff(user, message: str) -> None:
    """Raise :class:`ApplicationPermissionError` (``code="forbidden"``, ``message`` in the active language) unless
    ``user`` is signed in, active and staff (:func:`grants.permissions.is_active_staff`)."""
    from grants.permissions import is_active_staff

    if not is_active_staff(user):
        raise ApplicationPermissionError(message, code="forbidden")


def lock_application(application_id: int) -> Application:
    """Return application ``application_id`` with only its row locked for update (``select_for_update``).

    Its call (with country), lot, rules version and lead organisation (with country) are joined. Call inside
    ``transaction.atomic``. Raises :class:`ApplicationError` (``code="not_found"``) for an unknown id.
    """
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("call__country", "lot", "rules_version", "organisation__country")
            .get(pk=application_id)
        )
    except Application.DoesNotExist:
        raise ApplicationError(_("This application does not exist."), code="not_found") from None


def log_activity(
    application: Application, user, action: str, *, from_status: str = "", to_status: str = "", comment: str = ""
) -> None:
    """Write one activity-log row of ``application``: ``user`` (stored as None when anonymous) did ``action``."""
    ActivityLog.objects.create(
        application=application,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )
