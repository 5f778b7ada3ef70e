"""``{% load community_richtext %}``: user rich text of the workspace, cleaned again as it is shown.

Services store rich text already cleaned by :func:`portal.sanitize.clean_html`; cleaning on output too (the
function is idempotent) means a row written some other way (the admin, a data migration, a restore) still cannot
carry script into a page. Templates never use ``|safe`` on user data.
"""

from django import template
from django.utils.safestring import mark_safe

from portal.sanitize import clean_html

register = template.Library()


@register.filter
def clean_rich_text(value) -> str:
    """``{{ exchange.agenda|clean_rich_text }}``: the allow-listed HTML of ``value``, safe to output."""
    return mark_safe(clean_html(value))  # noqa: S308  (clean_html output is the allow-list only)
