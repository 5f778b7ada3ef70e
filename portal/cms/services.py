"""State changes of the CMS: signing a campaign pledge."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.canonical import canonical_email

from .models import CampaignPage, Pledge


def sign_pledge(campaign: CampaignPage, name: str, email: str, country=None, consent: bool = False):
    """Record one signature of ``campaign`` and return ``(pledge, created)``.

    ``email`` is compared by :func:`portal.accounts.canonical.canonical_email`, so case variants, Turkish
    ``İ``/``ı`` and Unicode confusables of an address that already signed (on this campaign or any translation of
    it) return the existing pledge with ``created=False``. The database constraints on ``Pledge`` make this hold
    under concurrent requests (a double click): ``get_or_create`` retries the lookup when its insert loses the race.

    ``country`` is a ``portal.Country`` or ``None``. Raises ``ValidationError`` when ``consent`` is false or the
    campaign no longer accepts pledges (disabled, achieved or closed).
    """
    if not consent:
        raise ValidationError(_("Please tick the consent box to sign."), code="consent_required")
    if not campaign.accepts_pledges:
        raise ValidationError(_("This campaign is no longer collecting signatures."), code="closed")
    key = canonical_email(email)
    if not key:
        raise ValidationError(_("Please enter your email address."), code="email_required")
    with transaction.atomic():
        pledge, created = Pledge.objects.get_or_create(
            campaign_translation_key=campaign.translation_key,
            email_canonical=key,
            defaults={
                "campaign": campaign,
                "name": name.strip(),
                "email": email.strip(),
                "country": country,
                "consent": True,
                "language": translation.get_language() or "",
            },
        )
    return pledge, created
