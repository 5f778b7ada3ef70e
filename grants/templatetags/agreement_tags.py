"""Template helpers for grant agreements. ``{% load agreement_tags %}``.

- ``{{ agreement.status|agreement_variant }}``: the badge variant (``components/badge.html``) of a status.
- ``{% if user|has_grants %}``: the user belongs to an organisation that holds a grant agreement (the account menu
  and the applicant dashboard link "My grants" for them). One query, cached on the user object for the request.
"""

from django import template

from grants.models import AgreementStatus, GrantAgreement

register = template.Library()

VARIANTS = {
    AgreementStatus.DRAFT: "draft",
    AgreementStatus.SENT: "info",
    AgreementStatus.SIGNED: "info",
    AgreementStatus.ACTIVE: "active",
    AgreementStatus.COMPLETED: "achieved",
    AgreementStatus.TERMINATED: "closed",
}


@register.filter
def agreement_variant(status: str) -> str:
    """The badge variant of an agreement status (``"info"`` for an unknown one)."""
    return VARIANTS.get(status, "info")


def has_grant_agreements(user) -> bool:
    """True when ``user`` (signed in, active) is a member of a grantee organisation (one query, then cached on
    ``user``). Staff who are not members get False: they use the admin."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    cached = getattr(user, "_has_grant_agreements", None)
    if cached is None:
        cached = GrantAgreement.objects.filter(organisation__memberships__user=user).exists()
        user._has_grant_agreements = cached
    return cached


@register.filter(name="has_grants")
def has_grants_filter(user) -> bool:
    """``{% if user|has_grants %}``: see :func:`has_grant_agreements`."""
    return has_grant_agreements(user)
