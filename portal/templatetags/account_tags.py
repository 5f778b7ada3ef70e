"""Template helpers about the signed-in user's roles, for the account menu. ``{% load account_tags %}``."""

from django import template

from portal.accounts.roles import is_reviewer

register = template.Library()


@register.filter(name="is_reviewer")
def is_reviewer_filter(user) -> bool:
    """``{% if user|is_reviewer %}``: the user is an active member of the reviewers group (one query)."""
    return is_reviewer(user)
