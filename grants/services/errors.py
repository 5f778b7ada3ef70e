"""Errors raised by :mod:`grants.services` when a state change is refused.

All are ``ValidationError`` subclasses whose messages are for the user, in the active language.
"""

from django.core.exceptions import ValidationError


class ApplicationError(ValidationError):
    """A state change was refused; its messages are for the user, in the active language."""


class ApplicationPermissionError(ApplicationError):
    """The user may not make this change (not a member of the lead applicant organisation, or not staff, as the
    change requires). Views answer 404 for someone else's application and 403 otherwise."""


class TransitionNotAllowed(ApplicationError):
    """The workflow has no transition from the application's status to the requested one
    (:data:`grants.workflow.TRANSITIONS`); ``code="transition"``."""
