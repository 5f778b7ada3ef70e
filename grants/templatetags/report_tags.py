"""Template helpers of the grantee reporting pages and mails: ``{% load report_tags %}``."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext

from grants.models import ReportKind

register = template.Library()


@register.simple_tag
def report_name(kind: str, title: str = "") -> str:
    """The name of a report in the active language: its ``title`` (ad-hoc reports) or its kind's label."""
    if title:
        return title
    try:
        return str(ReportKind(kind).label)
    except ValueError:
        return gettext("Report")


@register.filter
def signed_percent(value) -> str:
    """``Decimal("-12.5")`` → "−12.5 %", ``Decimal("3")`` → "+3.0 %" (one decimal, sign shown); "—" for None."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{abs(value):.1f} %"


#: Badge variants (``components/badge.html``) of report statuses.
REPORT_VARIANTS = {"pending": "draft", "submitted": "open", "changes_requested": "warning", "approved": "active"}


@register.filter
def report_variant(status: str) -> str:
    """The badge variant of a reporting requirement's status."""
    return REPORT_VARIANTS.get(status, "info")
